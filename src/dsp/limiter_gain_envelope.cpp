#include "lathe/dsp/limiter_gain_envelope.h"

#include <algorithm>
#include <cmath>

namespace lathe::dsp {

namespace {
// Once the released gain is this close to unity it snaps to exactly 1, so unity comes back
// bit-exactly in a finite time (a 0.0009 dB step, spread over the smoothing window, is inaudible).
constexpr double kSnapDeficit = 1e-4;

// Gaps between peaks shorter than this still count as one overload (the peaks of a 20 Hz wave
// come every 25 ms), so a limited bass note reads as sustained, not as a train of transients.
constexpr double kOverloadGapMs = 25.0;

double perFrame(double timeMs, double sampleRate) { return std::exp(-1000.0 / (timeMs * sampleRate)); }
}  // namespace

Status LimiterGainEnvelope::prepare(const LimiterGainEnvelopeParams& params) {
    if (!(params.sampleRate > 0.0)) return fail("limiter gain envelope: the sample rate must be positive");
    if (params.rampFrames < 1) return fail("limiter gain envelope: the ramp must be at least one frame");
    if (!(params.releaseMs > 0.0) || !(params.transientReleaseMs > 0.0) || !(params.sustainMs > 0.0))
        return fail("limiter gain envelope: release and sustain times must be positive");
    // Three boxes with L1 + L2 + L3 - 2 = rampFrames - 1 (a window rampFrames long).
    const std::size_t total = params.rampFrames + 2;
    const std::size_t lengths[3] = {total / 3, (total - total / 3) / 2, total - total / 3 - (total - total / 3) / 2};
    for (int i = 0; i < 3; ++i)
        if (auto status = smooth_[i].prepare(lengths[i]); !status.ok()) return status;
    if (auto status = hold_.prepare(params.rampFrames + 2 * params.guardFrames); !status.ok()) return status;
    latency_ = static_cast<int>(params.rampFrames - 1 + params.guardFrames);
    adaptive_ = params.adaptiveRelease;
    sustainedFrames_ = params.releaseMs * params.sampleRate / 1000.0;
    transientFrames_ = adaptive_ ? params.transientReleaseMs * params.sampleRate / 1000.0 : sustainedFrames_;
    overloadStep_ = 1.0 - perFrame(params.sustainMs, params.sampleRate);
    gapFrames_ = static_cast<std::size_t>(std::round(kOverloadGapMs * params.sampleRate / 1000.0));
    reset();
    return success();
}

void LimiterGainEnvelope::reset() noexcept {
    hold_.reset(-1.0f);
    for (auto& box : smooth_) box.reset(1.0f);
    overload_ = 0.0;
    released_ = 1.0;
    sinceOverload_ = gapFrames_;
}

float LimiterGainEnvelope::push(float requiredGain) noexcept {
    const float held = -hold_.push(-requiredGain);
    float released = 1.0f;
    if (held < 1.0f || released_ < 1.0 || overload_ > 0.0) {
        if (adaptive_) {
            sinceOverload_ = held < 1.0f ? 0 : std::min(sinceOverload_ + 1, gapFrames_);
            overload_ += ((sinceOverload_ < gapFrames_ ? 1.0 : 0.0) - overload_) * overloadStep_;
            if (overload_ < 1e-9) overload_ = 0.0;
        }
        // The release time constant moves with the square of the overload state (so a single hit,
        // which charges it to ~0.2, keeps nearly the transient release); per frame the gain deficit
        // keeps 1 - 1 / tau of itself (exp(-1 / tau) to first order; tau is >= 44 frames).
        const double weight = overload_ * overload_;
        const double retain = 1.0 - 1.0 / (transientFrames_ + weight * (sustainedFrames_ - transientFrames_));
        released_ = std::min(static_cast<double>(held), 1.0 - (1.0 - released_) * retain);
        if (1.0 - released_ < kSnapDeficit) released_ = held;
        released = std::min(held, static_cast<float>(released_));
    }
    return smooth_[2].push(smooth_[1].push(smooth_[0].push(released)));
}

bool LimiterGainEnvelope::restsAtUnity() const noexcept {
    // Unity in then keeps held == 1 and released_ == 1 in push(), and the boxes return exactly 1;
    // only the overload state may still be decaying.
    return released_ == 1.0 && hold_.isSteadyAt(-1.0f) && smooth_[0].isSteadyAt(1.0f) && smooth_[1].isSteadyAt(1.0f) &&
           smooth_[2].isSteadyAt(1.0f);
}

void LimiterGainEnvelope::advanceOverload(std::size_t count) noexcept {
    // push()'s update of the overload state while held == 1, step by step (it is a rounding-exact
    // recurrence), until it snaps to 0, after which push() leaves it alone.
    for (; count > 0 && overload_ > 0.0 && sinceOverload_ < gapFrames_; --count) {
        sinceOverload_ = std::min(sinceOverload_ + 1, gapFrames_);
        overload_ += ((sinceOverload_ < gapFrames_ ? 1.0 : 0.0) - overload_) * overloadStep_;
        if (overload_ < 1e-9) overload_ = 0.0;
    }
    // The gap is over: the target is 0 and o + (0 - o) s rounds exactly as o - o s (negation is exact).
    double overload = overload_;
    for (; count > 0 && overload > 0.0; --count) {
        overload -= overload * overloadStep_;
        if (overload < 1e-9) overload = 0.0;
    }
    overload_ = overload;
}

void LimiterGainEnvelope::process(const float* required, float* gains, std::size_t n) noexcept {
    std::size_t i = 0;
    while (i < n) {
        if (required[i] == 1.0f && restsAtUnity()) {
            std::size_t run = 1;
            while (i + run < n && required[i + run] == 1.0f) ++run;
            if (overload_ > 0.0) advanceOverload(run);
            hold_.advance(run);
            for (auto& box : smooth_) box.advance(run);
            std::fill_n(gains + i, run, 1.0f);
            i += run;
            continue;
        }
        gains[i] = push(required[i]);
        ++i;
    }
}

}  // namespace lathe::dsp
