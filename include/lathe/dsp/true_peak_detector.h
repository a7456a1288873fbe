#pragma once
// Per-frame true-peak detector for dynamics stages: the largest absolute value, over all channels,
// of the signal oversampled by the project's polyphase Oversampler (upsampling only), with each
// local maximum of the oversampled magnitude refined by a parabola through it and its neighbours
// (the same tightening as the TruePeakMeter over plain ITU-R BS.1770-4 Annex 2).
// process() writes one value per input frame; peaks[i] covers the signal within [-1/factor, 2)
// frames of input frame (i - latencyFrames()), so a consumer that holds each peak over +-2 frames
// sees every inter-sample peak at the right time. Never allocates after prepare().

#include <cstddef>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/oversampler.h"
#include "lathe/dsp/stage.h"
#include "lathe/result.h"

namespace lathe::dsp {

class TruePeakDetector {
public:
    // The oversampler's factor (4 or more for a true-peak reading), passband and attenuation.
    // minimumLatencyFrames delays the output further, so that detectors of different filter lengths
    // can report in step (latencyFrames() = max(the filter's own delay, minimumLatencyFrames)).
    Status prepare(const ProcessSpec& spec, const OversamplerParams& params, int minimumLatencyFrames = 0);
    // The delay this filter design needs, without preparing anything.
    [[nodiscard]] static Result<int> naturalLatencyFrames(const ProcessSpec& spec, const OversamplerParams& params);
    void reset() noexcept;
    // peaks.size() >= block.numFrames(); block.numFrames() <= spec.maxBlockFrames.
    void process(ConstAudioBlock block, std::span<float> peaks) noexcept;

    [[nodiscard]] int latencyFrames() const noexcept { return latency_; }
    [[nodiscard]] int factor() const noexcept { return factor_; }

private:
    Oversampler oversampler_;
    int factor_ = 4;
    int latency_ = 0;
    // Per channel: the last two oversampled magnitudes (for the parabola), and the refined peak
    // found for the oversampled sample before the current one.
    std::vector<float> previous_;
    std::vector<float> current_;
    // Extra output delay (per-frame peaks), a ring of a power-of-two size.
    std::size_t extraDelay_ = 0;
    std::vector<float> delayRing_;
    std::size_t delayMask_ = 0;
    std::size_t delayWrite_ = 0;
};

}  // namespace lathe::dsp
