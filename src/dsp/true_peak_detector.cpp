#include "lathe/dsp/true_peak_detector.h"

#include <algorithm>
#include <cmath>

namespace lathe::dsp {

Result<int> TruePeakDetector::naturalLatencyFrames(const ProcessSpec& spec, const OversamplerParams& params) {
    Oversampler probe;
    ProcessSpec small = spec;
    small.maxBlockFrames = 1;
    if (auto status = probe.prepare(small, params); !status.ok()) return status.error();
    return static_cast<int>(std::ceil(probe.upsampleLatencyFrames()));
}

Status TruePeakDetector::prepare(const ProcessSpec& spec, const OversamplerParams& params, int minimumLatencyFrames) {
    if (auto status = oversampler_.prepare(spec, params); !status.ok()) return status;
    factor_ = oversampler_.factor();
    // The oversampled magnitudes of base frame t stand for times t - upsampleLatency + [0, 1);
    // the parabola looks one oversampled sample back. Rounded up to whole frames.
    const int natural = static_cast<int>(std::ceil(oversampler_.upsampleLatencyFrames()));
    latency_ = std::max(natural, minimumLatencyFrames);
    extraDelay_ = static_cast<std::size_t>(latency_ - natural);
    std::size_t size = 1;
    while (size < extraDelay_ + 1) size *= 2;
    delayRing_.assign(size, 0.0f);
    delayMask_ = size - 1;
    previous_.assign(static_cast<std::size_t>(spec.numChannels), 0.0f);
    current_.assign(static_cast<std::size_t>(spec.numChannels), 0.0f);
    reset();
    return success();
}

void TruePeakDetector::reset() noexcept {
    oversampler_.reset();
    std::fill(previous_.begin(), previous_.end(), 0.0f);
    std::fill(current_.begin(), current_.end(), 0.0f);
    std::fill(delayRing_.begin(), delayRing_.end(), 0.0f);
    delayWrite_ = 0;
}

void TruePeakDetector::process(ConstAudioBlock block, std::span<float> peaks) noexcept {
    const std::size_t frames = block.numFrames();
    std::fill_n(peaks.begin(), frames, 0.0f);
    if (frames == 0) return;
    const AudioBlock up = oversampler_.upsample(block);
    const auto factor = static_cast<std::size_t>(factor_);
    for (int c = 0; c < block.numChannels(); ++c) {
        const float* u = up.channelData(c);
        float a0 = previous_[static_cast<std::size_t>(c)];
        float a1 = current_[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < frames; ++i) {
            float peak = peaks[i];
            for (std::size_t k = 0; k < factor; ++k) {
                const float a2 = std::abs(u[i * factor + k]);
                // a1 is a local maximum: the vertex of the parabola through (a0, a1, a2).
                float refined = a1;
                const float curvature = 2.0f * a1 - a0 - a2;
                if (a1 >= a0 && a1 >= a2 && curvature > 0.0f) {
                    const float slope = a0 - a2;
                    refined = a1 + slope * slope / (8.0f * curvature);
                }
                peak = std::max(peak, std::max(refined, a2));
                a0 = a1;
                a1 = a2;
            }
            peaks[i] = peak;
        }
        previous_[static_cast<std::size_t>(c)] = a0;
        current_[static_cast<std::size_t>(c)] = a1;
    }
    if (extraDelay_ > 0) {
        for (std::size_t i = 0; i < frames; ++i) {
            delayRing_[delayWrite_] = peaks[i];
            peaks[i] = delayRing_[(delayWrite_ - extraDelay_) & delayMask_];
            delayWrite_ = (delayWrite_ + 1) & delayMask_;
        }
    }
}

}  // namespace lathe::dsp
