#include "analysis/block_pipeline.h"

#include <gtest/gtest.h>

#include <atomic>

using namespace lathe;
using namespace lathe::analysis;

namespace {

// A reader of `total` frames whose sample value is its frame index (channel c adds c * 1e6),
// handing out blocks of varying length; optionally failing once `failAt` frames have been read.
struct CountingReader {
    std::size_t total;
    std::size_t failAt = SIZE_MAX;
    std::size_t position = 0;
    std::size_t calls = 0;
    Result<std::size_t> operator()(AudioBlock block) {
        if (position >= failAt) return fail("broken at " + std::to_string(position));
        const std::size_t want = std::min({block.numFrames(), total - position, 1 + (calls++ * 7919) % block.numFrames()});
        for (int c = 0; c < block.numChannels(); ++c)
            for (std::size_t i = 0; i < want; ++i) block.channelData(c)[i] = float(position + i) + float(c) * 1e6f;
        position += want;
        return want;
    }
};

// Checks that it sees every frame exactly once, in order, on every channel.
struct OrderChecker {
    std::size_t expected = 0;
    bool inOrder = true;
    void operator()(ConstAudioBlock block) {
        for (std::size_t i = 0; i < block.numFrames(); ++i) {
            for (int c = 0; c < block.numChannels(); ++c)
                if (block.channelData(c)[i] != float(expected + i) + float(c) * 1e6f) inOrder = false;
        }
        expected += block.numFrames();
    }
};

}  // namespace

TEST(BlockPipeline, EveryConsumerSeesEveryBlockInOrder) {
    for (std::size_t depth : {1u, 2u, 3u, 8u}) {
        CountingReader reader{200000};
        OrderChecker a, b, c;
        const Status status = BlockPipeline::run(
            2, 4096, depth, std::ref(reader),
            {[&a](ConstAudioBlock block) { a(block); }, [&b](ConstAudioBlock block) { b(block); },
             [&c](ConstAudioBlock block) { c(block); }});
        ASSERT_TRUE(status.ok());
        for (const OrderChecker* checker : {&a, &b, &c}) {
            EXPECT_TRUE(checker->inOrder) << "depth " << depth;
            EXPECT_EQ(checker->expected, 200000u) << "depth " << depth;
        }
    }
}

TEST(BlockPipeline, ReaderErrorsComeBackAfterTheBlocksBeforeThem) {
    CountingReader reader{200000, 50000};
    OrderChecker a;
    const Status status = BlockPipeline::run(1, 4096, 4, std::ref(reader), {[&a](ConstAudioBlock block) { a(block); }});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("broken"), std::string::npos);
    EXPECT_TRUE(a.inOrder);
    EXPECT_EQ(a.expected, reader.position);  // every block read before the error was consumed
}

TEST(BlockPipeline, ASlowConsumerHoldsTheReaderBack) {
    // The reader may run at most `depth` blocks ahead of the slowest consumer.
    constexpr std::size_t kDepth = 3;
    std::atomic<std::size_t> consumedBlocks{0};
    std::size_t readBlocks = 0;
    bool ranAhead = false;
    const BlockPipeline::Reader read = [&](AudioBlock block) -> Result<std::size_t> {
        if (readBlocks >= consumedBlocks.load() + kDepth) ranAhead = true;
        if (readBlocks == 50) return std::size_t{0};
        ++readBlocks;
        return block.numFrames();
    };
    const Status status = BlockPipeline::run(1, 64, kDepth, read, {[&](ConstAudioBlock) { ++consumedBlocks; }, [](ConstAudioBlock) {}});
    ASSERT_TRUE(status.ok());
    EXPECT_FALSE(ranAhead);
    EXPECT_EQ(consumedBlocks.load(), 50u);
}
