#include "support/stage_contract.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "support/allocation_counter.h"
#include "support/signals.h"
#include "util/random.h"

namespace lathe::test {

namespace {
void prepareFor(dsp::Stage& stage, const AudioBuffer& audio, double sampleRate, std::size_t maxBlockFrames) {
    const auto status = stage.prepare({sampleRate, audio.numChannels(), maxBlockFrames});
    ASSERT_TRUE(status.ok()) << status.error().message;
}

void expectBitIdentical(const AudioBuffer& a, const AudioBuffer& b, const char* what) {
    ASSERT_EQ(a.numChannels(), b.numChannels());
    ASSERT_EQ(a.numFrames(), b.numFrames());
    for (int c = 0; c < a.numChannels(); ++c)
        for (std::size_t i = 0; i < a.numFrames(); ++i)
            if (std::memcmp(&a.channel(c)[i], &b.channel(c)[i], sizeof(float)) != 0) {
                FAIL() << what << ": first difference at channel " << c << " frame " << i << ": " << a.channel(c)[i]
                       << " vs " << b.channel(c)[i];
            }
}
}  // namespace

void processWhole(dsp::Stage& stage, AudioBuffer& audio, double sampleRate, std::size_t blockFrames,
                  std::size_t maxBlockFrames) {
    prepareFor(stage, audio, sampleRate, maxBlockFrames);
    auto block = audio.block();
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += blockFrames)
        stage.process(block.slice(offset, std::min(blockFrames, audio.numFrames() - offset)));
}

void processRandomBlocks(dsp::Stage& stage, AudioBuffer& audio, double sampleRate, std::uint64_t seed,
                         std::size_t maxBlockFrames) {
    prepareFor(stage, audio, sampleRate, maxBlockFrames);
    Random random(seed);
    auto block = audio.block();
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        const std::size_t want = 1 + random.next() % maxBlockFrames;
        const std::size_t n = std::min(want, audio.numFrames() - offset);
        stage.process(block.slice(offset, n));
        offset += n;
    }
}

void expectBlockSizeInvariant(const StageFactory& make, const AudioBuffer& input, double sampleRate) {
    AudioBuffer reference = copyOf(input.block());
    auto one = make();
    processWhole(*one, reference, sampleRate, 4096, 4096);
    for (std::uint64_t seed : {1u, 2u, 3u}) {
        AudioBuffer split = copyOf(input.block());
        auto stage = make();
        processRandomBlocks(*stage, split, sampleRate, seed, 4096);
        expectBitIdentical(reference, split, "random block split");
    }
}

void expectResetReproducible(const StageFactory& make, const AudioBuffer& input, double sampleRate) {
    auto stage = make();
    AudioBuffer first = copyOf(input.block());
    processWhole(*stage, first, sampleRate, 1000);
    stage->reset();
    AudioBuffer second = copyOf(input.block());
    auto block = second.block();
    for (std::size_t offset = 0; offset < second.numFrames(); offset += 1000)
        stage->process(block.slice(offset, std::min<std::size_t>(1000, second.numFrames() - offset)));
    expectBitIdentical(first, second, "after reset()");
}

void expectNoAllocationInProcess(const StageFactory& make, const AudioBuffer& input, double sampleRate) {
    auto stage = make();
    AudioBuffer audio = copyOf(input.block());
    prepareFor(*stage, audio, sampleRate, 4096);
    auto block = audio.block();
    AllocationCounter counter;
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += 777)
        stage->process(block.slice(offset, std::min<std::size_t>(777, audio.numFrames() - offset)));
    stage->reset();
    EXPECT_EQ(counter.count(), 0u) << "process()/reset() allocated";
}

void expectRecoversAfterNonFinite(const StageFactory& make, const AudioBuffer& input, double sampleRate) {
    auto stage = make();
    AudioBuffer poison(input.numChannels(), 4096);
    for (int c = 0; c < poison.numChannels(); ++c)
        for (std::size_t i = 0; i < poison.numFrames(); ++i)
            poison.channel(c)[i] = (i % 3 == 0) ? std::numeric_limits<float>::quiet_NaN()
                                 : (i % 3 == 1) ? std::numeric_limits<float>::infinity()
                                                : -std::numeric_limits<float>::infinity();
    processWhole(*stage, poison, sampleRate, 512);
    stage->reset();
    AudioBuffer after = copyOf(input.block());
    auto block = after.block();
    for (std::size_t offset = 0; offset < after.numFrames(); offset += 512)
        stage->process(block.slice(offset, std::min<std::size_t>(512, after.numFrames() - offset)));
    for (int c = 0; c < after.numChannels(); ++c)
        for (float s : after.channel(c)) ASSERT_TRUE(std::isfinite(s)) << "non-finite output after reset";
    AudioBuffer fresh = copyOf(input.block());
    auto clean = make();
    processWhole(*clean, fresh, sampleRate, 512);
    expectBitIdentical(fresh, after, "after NaN/Inf then reset()");
}

void expectStageContract(const StageFactory& make, const AudioBuffer& input, double sampleRate) {
    {
        SCOPED_TRACE("block-size invariance");
        expectBlockSizeInvariant(make, input, sampleRate);
    }
    {
        SCOPED_TRACE("reset reproducibility");
        expectResetReproducible(make, input, sampleRate);
    }
    {
        SCOPED_TRACE("no allocation in process");
        expectNoAllocationInProcess(make, input, sampleRate);
    }
    {
        SCOPED_TRACE("recovery from NaN/Inf");
        expectRecoversAfterNonFinite(make, input, sampleRate);
    }
}

}  // namespace lathe::test
