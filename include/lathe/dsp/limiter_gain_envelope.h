#pragma once
// The gain computer of the true-peak limiter: turns a stream of required gains (one per frame,
// linear, in (0, 1]: the gain that would bring that frame's true peak to the ceiling) into a smooth
// gain that is at or below every required gain around it.
//
//   hold     minimum of the required gain over rampFrames + 2 * guardFrames frames (PeakHold), so
//            the smoothing below sees the target for its whole window, and the gain is flat over
//            +-guardFrames around every peak (the interpolation filter of a true-peak reading spans
//            a few frames; a flat gain there keeps the product's true peak at gain x peak);
//   release  instant attack, one-pole recovery of the linear gain towards unity; with
//            adaptiveRelease, program dependent: an overload-duration state (0..1, time constant
//            sustainMs, rising while the held gain is below unity or was so less than 25 ms ago,
//            falling otherwise) moves the time constant from transientReleaseMs (short overloads: drum hits recover fast, so the
//            gain dips are short) to releaseMs (sustained overload: bass notes and dense passages
//            release slowly, with less ripple at the signal's period, i.e. less distortion and
//            pumping). Its output is never above its input. (The linear domain was chosen over dB
//            because it measured more transparent: +0.2 to +0.5 dB signal-to-distortion ratio on the
//            bench/limiter_transparency.sh material, as deep reductions recover sooner.);
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
    double releaseMs = 80.0;            // release time constant of sustained overload (the only one when not adaptive)
    bool adaptiveRelease = true;
    double transientReleaseMs = 20.0;   // release time constant after short overloads
    double sustainMs = 150.0;           // time constant of the overload-duration state
};

class LimiterGainEnvelope {
public:
    Status prepare(const LimiterGainEnvelopeParams& params);
    void reset() noexcept;
    // Pushes the required gain of the newest frame; returns the gain of the frame latencyFrames() older.
    float push(float requiredGain) noexcept;
    // push() for each of required[0 .. n), the results in gains[0 .. n) (may alias). Runs of unity
    // while the envelope rests at unity (hold, release and smoothing all at 1) cost O(1): the
    // pushes they stand for would return exactly 1 and only move the windows.
    void process(const float* required, float* gains, std::size_t n) noexcept;

    [[nodiscard]] int latencyFrames() const noexcept { return latency_; }
    // The release state: overload duration (0 = transient, 1 = sustained) and the released gain.
    [[nodiscard]] double overloadDuration() const noexcept { return overload_; }
    [[nodiscard]] double releasedGain() const noexcept { return released_; }

private:
    [[nodiscard]] bool restsAtUnity() const noexcept;
    void advanceOverload(std::size_t count) noexcept;

    PeakHold hold_;  // of negated gains: its maximum is minus the minimum gain
    MovingAverage smooth_[3];
    int latency_ = 0;
    bool adaptive_ = true;
    double sustainedFrames_ = 1.0;  // release time constants, in frames
    double transientFrames_ = 1.0;
    std::size_t gapFrames_ = 0;     // gaps shorter than this do not end an overload
    std::size_t sinceOverload_ = 0; // frames since the held gain was last below unity (saturates at gapFrames_)
    double overloadStep_ = 0.0;     // per-frame step of the overload state: 1 - exp(-1 / (sustainMs fs))
    double overload_ = 0.0;         // overload duration state, 0..1
    double released_ = 1.0;         // the released gain (linear)
};

}  // namespace lathe::dsp
