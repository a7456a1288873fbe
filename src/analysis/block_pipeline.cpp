// Read-ahead pipeline with one thread per consumer (see block_pipeline.h).
#include "analysis/block_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <system_error>
#include <thread>

namespace lathe::analysis {

namespace {

Status runSequentially(int numChannels, std::size_t blockFrames, const BlockPipeline::Reader& read,
                       const std::vector<BlockPipeline::Consumer>& consumers) {
    AudioBuffer buffer(numChannels, blockFrames);
    while (true) {
        auto got = read(buffer.block());
        if (!got) return got.error();
        if (*got == 0) return success();
        const ConstAudioBlock block = ConstAudioBlock(buffer.block()).slice(0, *got);
        for (const auto& consume : consumers) consume(block);
    }
}

// Glossary: block n lives in ring slot n % depth; `produced` blocks have been read, consumer c
// has finished `consumed[c]` blocks; the reader may fill block n once n - min(consumed) < depth.
struct Ring {
    std::vector<AudioBuffer> buffers;
    std::vector<std::size_t> frames;
    std::mutex mutex;
    std::condition_variable changed;
    std::int64_t produced = 0;
    bool ended = false;  // no more blocks will be produced
    std::vector<std::int64_t> consumed;
};

}  // namespace

Status BlockPipeline::run(int numChannels, std::size_t blockFrames, std::size_t depth, const Reader& read,
                          const std::vector<Consumer>& consumers) {
    if (consumers.empty() || depth < 2) return runSequentially(numChannels, blockFrames, read, consumers);
    Ring ring;
    ring.buffers.reserve(depth);
    for (std::size_t i = 0; i < depth; ++i) ring.buffers.emplace_back(numChannels, blockFrames);
    ring.frames.assign(depth, 0);
    ring.consumed.assign(consumers.size(), 0);

    const auto consumerLoop = [&ring, depth](const Consumer& consume, std::size_t index) {
        for (std::int64_t n = 0;; ++n) {
            {
                std::unique_lock lock(ring.mutex);
                ring.changed.wait(lock, [&] { return ring.produced > n || ring.ended; });
                if (ring.produced <= n) return;  // ended
            }
            const auto slot = static_cast<std::size_t>(n % std::int64_t(depth));
            consume(ConstAudioBlock(ring.buffers[slot].block()).slice(0, ring.frames[slot]));
            {
                std::lock_guard lock(ring.mutex);
                ring.consumed[index] = n + 1;
            }
            ring.changed.notify_all();
        }
    };
    std::vector<std::thread> threads;
    try {
        for (std::size_t c = 0; c < consumers.size(); ++c) threads.emplace_back(consumerLoop, std::cref(consumers[c]), c);
    } catch (const std::system_error&) {
        // The threads that did start see no block (produced == 0) and return at once.
        {
            std::lock_guard lock(ring.mutex);
            ring.ended = true;
        }
        ring.changed.notify_all();
        for (auto& thread : threads) thread.join();
        return runSequentially(numChannels, blockFrames, read, consumers);
    }

    Status status = success();
    for (std::int64_t n = 0;; ++n) {
        {
            std::unique_lock lock(ring.mutex);
            ring.changed.wait(lock, [&] {
                return n - *std::min_element(ring.consumed.begin(), ring.consumed.end()) < std::int64_t(depth);
            });
        }
        const auto slot = static_cast<std::size_t>(n % std::int64_t(depth));
        auto got = read(ring.buffers[slot].block());
        if (!got || *got == 0) {
            if (!got) status = got.error();
            break;
        }
        {
            std::lock_guard lock(ring.mutex);
            ring.frames[slot] = *got;
            ring.produced = n + 1;
        }
        ring.changed.notify_all();
    }
    {
        std::lock_guard lock(ring.mutex);
        ring.ended = true;
    }
    ring.changed.notify_all();
    for (auto& thread : threads) thread.join();
    return status;
}

}  // namespace lathe::analysis
