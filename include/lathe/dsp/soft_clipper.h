#pragma once
// Oversampled soft clipper: drive (dB), then a memoryless curve that is the identity up to the
// knee's start and bends smoothly (continuous first and second derivative) towards the ceiling:
//   |x| <= t:  y = x                    t = ceiling * 10^(-kneeDb / 20)
//   |x| >  t:  y = sign(x) (t + (c - t) tanh((|x| - t) / (c - t)))
// kneeDb = 0 is a hard clip at the ceiling. The curve runs at oversamplingFactor x the base rate
// (the project's Oversampler, linear phase), so its harmonics above the base Nyquist are filtered
// instead of aliasing. Only the curve's deviation from the identity, shape(u) - u, goes through
// the oversampler and is added to the delayed dry signal: whatever stays below the knee passes
// bit-exactly (times the drive), delayed by latencyFrames() (the oversampler's round trip).
// The curve bounds the oversampled signal; the decimation filter can ring a little above the
// ceiling, which is why a true-peak limiter follows a clipper in a mastering chain.
// Real-time contract as in stage.h.

#include <cstdint>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/oversampler.h"
#include "lathe/dsp/stage.h"
#include "lathe/result.h"

namespace lathe::dsp {

struct SoftClipperParams {
    double driveDb = 0.0;     // gain into the curve
    double ceilingDb = -0.5;  // the curve's limit, dBFS
    double kneeDb = 3.0;      // the curve leaves the identity this far below the ceiling (0 = hard)
    int oversamplingFactor = 4;  // 4, 8 or 16
};

class SoftClipper final : public Stage {
public:
    explicit SoftClipper(const SoftClipperParams& params = {}) : params_(params) { updateCurve(); }

    // Takes effect at the next prepare().
    void setParams(const SoftClipperParams& params) {
        params_ = params;
        updateCurve();
    }
    [[nodiscard]] const SoftClipperParams& params() const noexcept { return params_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override { return latency_; }
    [[nodiscard]] std::string_view name() const noexcept override { return "soft clipper"; }

    // The static curve (after drive), for tests and plots: the analytic transfer function.
    [[nodiscard]] float curve(float x) const noexcept;
    // Oversampled samples the curve changed since reset() (a clip-activity readout).
    [[nodiscard]] std::uint64_t clippedSampleCount() const noexcept { return clipped_; }

private:
    void updateCurve() noexcept;

    SoftClipperParams params_;
    float drive_ = 1.0f;
    float threshold_ = 1.0f;  // t
    float range_ = 0.0f;      // c - t
    float ceiling_ = 1.0f;    // c
    int numChannels_ = 0;
    std::size_t maxBlockFrames_ = 0;
    int latency_ = 0;
    Oversampler oversampler_;
    AudioBuffer driven_;      // the block times the drive
    AudioBuffer correction_;  // shape(u) - u, decimated
    std::vector<std::vector<float>> dry_;  // delay lines (ring per channel)
    std::size_t dryMask_ = 0;
    std::size_t dryWrite_ = 0;
    std::uint64_t clipped_ = 0;
};

}  // namespace lathe::dsp
