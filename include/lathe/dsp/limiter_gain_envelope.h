#pragma once
// The gain computer of the true-peak limiter: turns a stream of required gains (one per frame,
// linear, in (0, 1]: the gain that would bring that frame's true peak to the ceiling) into a smooth
// gain that is at or below every required gain around it.
//
//   hold     minimum of the required gain over rampFrames + 2 * guardFrames frames (PeakHold), so
//            the smoothing below sees the target for its whole window, and the gain is flat over
//            +-guardFrames around every peak (the interpolation filter of a true-peak reading spans
//            a few frames; a flat gain there keeps the product's true peak at gain x peak);
//   release  in the log domain: instant attack, exponential recovery with releaseMs; with
//            adaptiveRelease, program dependent: a slow state charges towards the gain reduction
//            with sustainMs and decays with sustainedReleaseMs, and the fast state releases only
//            down to it, so short overloads recover fast and sustained ones (bass) slowly, without
//            ripple at the signal's period. Its output is never above its input;
//   smooth   three moving averages whose lengths sum to rampFrames + 2 (a quadratic B-spline,
//            Hann-like window rampFrames long): the gain ramps down smoothly and reaches the
//            target exactly guardFrames before the peak; its second difference is bounded by
//            (reduction depth) / L^2 with L ~ rampFrames / 3.
// An average of values that are all at or below a target is at or below it, so the output never
// exceeds the required gain of any frame within +-guardFrames, whatever the input.
// Latency: push(requiredGain of frame m) returns the gain for frame m - latencyFrames(),
// latencyFrames() = rampFrames - 1 + guardFrames. Unity in gives exactly 1.0f out.
// The structure follows x42 dpl's peaklim (F. Adriaensen): min-hold over the lookahead, then a
// smoothed gain; the B-spline smoothing after G. Luff, "Designing a straightforward limiter" (2021).

#include <cstddef>

#include "lathe/dsp/moving_average.h"
#include "lathe/dsp/peak_hold.h"
#include "lathe/result.h"

namespace lathe::dsp {

struct LimiterGainEnvelopeParams {
    double sampleRate = 48000.0;
    std::size_t rampFrames = 240;  // the attack: length of the smoothing window (>= 1)
    std::size_t guardFrames = 4;   // flat gain on each side of a peak
    double releaseMs = 80.0;       // time constant of the (fast) release, in the dB domain
    bool adaptiveRelease = true;
    double sustainMs = 150.0;            // how fast a sustained overload moves release to the slow one
    double sustainedReleaseMs = 800.0;   // time constant of the slow release
};

class LimiterGainEnvelope {
public:
    Status prepare(const LimiterGainEnvelopeParams& params);
    void reset() noexcept;
    // Pushes the required gain of the newest frame; returns the gain of the frame latencyFrames() older.
    float push(float requiredGain) noexcept;

    [[nodiscard]] int latencyFrames() const noexcept { return latency_; }
    // The current release state (gain reduction in dB, >= 0), for tests and readouts.
    [[nodiscard]] double fastReductionDb() const noexcept { return fastDb_; }
    [[nodiscard]] double sustainedReductionDb() const noexcept { return sustainedDb_; }

private:
    PeakHold hold_;  // of negated gains: its maximum is minus the minimum gain
    MovingAverage smooth_[3];
    int latency_ = 0;
    bool adaptive_ = true;
    double fastRetain_ = 0.0;       // per-frame factor of the fast release: exp(-1 / (releaseMs fs))
    double sustainCharge_ = 0.0;    // per-frame step towards a higher reduction: 1 - exp(-1 / (sustainMs fs))
    double sustainRelease_ = 0.0;   // per-frame step towards a lower one: 1 - exp(-1 / (sustainedReleaseMs fs))
    double sustainFloorStepDb_ = 0.0;  // plus this constant fall per frame (dB), so it ends
    double fastDb_ = 0.0;           // gain reduction after release, dB
    double sustainedDb_ = 0.0;      // the slow state, dB
};

}  // namespace lathe::dsp
