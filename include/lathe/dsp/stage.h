#pragma once
// The chain-level interface of a processing stage (JUCE-style real-time contract):
//   prepare(spec)   may allocate; returns an Error for settings it cannot honour.
//   reset()         clears all state to the just-prepared condition; never allocates.
//   process(block)  in place; never allocates, locks, logs or throws. block.numFrames()
//                   may be anything up to spec.maxBlockFrames, block.numChannels() == spec.numChannels.
//   latencyFrames() delay the stage adds, in frames at the stage's sample rate; the chain sums
//                   it and the offline render trims it so output stays sample-aligned with input.
// Inside a stage, plain loops the compiler can vectorise; the virtual call is per block only.

#include <cstddef>
#include <string_view>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::dsp {

struct ProcessSpec {
    double sampleRate = 48000.0;
    int numChannels = 2;
    std::size_t maxBlockFrames = 4096;
};

class Stage {
public:
    virtual ~Stage() = default;
    virtual Status prepare(const ProcessSpec& spec) = 0;
    virtual void reset() noexcept = 0;
    virtual void process(AudioBlock block) noexcept = 0;
    [[nodiscard]] virtual int latencyFrames() const noexcept { return 0; }
    [[nodiscard]] virtual std::string_view name() const noexcept = 0;
};

}  // namespace lathe::dsp
