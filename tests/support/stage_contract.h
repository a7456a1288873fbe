#pragma once
// The contract every lathe::dsp::Stage must keep (see include/lathe/dsp/stage.h), as reusable checks:
//   expectBlockSizeInvariant  random block splits give bit-identical output to one pass
//   expectResetReproducible   process, reset, process again: bit-identical output
//   expectNoAllocationInProcess  no operator new during process()
//   expectRecoversAfterNonFinite NaN/Inf input does not poison the stage after reset()
//   processWhole              run a stage over a whole buffer in blocks of a given size
// A factory makes a freshly configured stage each time: std::function<std::unique_ptr<Stage>()>.

#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/stage.h"

namespace lathe::test {

using StageFactory = std::function<std::unique_ptr<dsp::Stage>()>;

// Prepares `stage` for the buffer's shape with maxBlockFrames and processes it in place in
// consecutive blocks of `blockFrames` (the last one shorter).
void processWhole(dsp::Stage& stage, AudioBuffer& audio, double sampleRate, std::size_t blockFrames = 512,
                  std::size_t maxBlockFrames = 4096);
// Same, with block sizes drawn at random in [1, maxBlockFrames] from `seed`.
void processRandomBlocks(dsp::Stage& stage, AudioBuffer& audio, double sampleRate, std::uint64_t seed,
                         std::size_t maxBlockFrames = 4096);

void expectBlockSizeInvariant(const StageFactory& make, const AudioBuffer& input, double sampleRate);
void expectResetReproducible(const StageFactory& make, const AudioBuffer& input, double sampleRate);
void expectNoAllocationInProcess(const StageFactory& make, const AudioBuffer& input, double sampleRate);
// Feeds NaN and Inf, resets, then checks the output for `input` is finite and equals a fresh stage's.
void expectRecoversAfterNonFinite(const StageFactory& make, const AudioBuffer& input, double sampleRate);
// All four of the above.
void expectStageContract(const StageFactory& make, const AudioBuffer& input, double sampleRate);

}  // namespace lathe::test
