#pragma once
// A read-ahead pipeline for whole-file analysis: the calling thread reads blocks into a ring of
// `depth` buffers while each consumer runs on its own thread and sees every block, in order.
// A buffer is refilled only once every consumer has finished with it, so each consumer sees
// exactly the sequence of blocks a sequential loop would give it (results are bit-identical);
// consumers never wait for each other, only for the reader, which keeps threads busy even on a
// loaded machine. Falls back to a sequential loop when no thread can be started.

#include <cstddef>
#include <functional>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct BlockPipeline {
    // Fills the block (all channels) and returns the frames read: 0 at the end.
    using Reader = std::function<Result<std::size_t>(AudioBlock)>;
    using Consumer = std::function<void(ConstAudioBlock)>;

    // Returns the reader's first error, if any (the consumers have then seen only the blocks before it).
    static Status run(int numChannels, std::size_t blockFrames, std::size_t depth, const Reader& read,
                      const std::vector<Consumer>& consumers);
};

}  // namespace lathe::analysis
