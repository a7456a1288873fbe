#include "lathe/dsp/limiter_gain_envelope.h"

#include <algorithm>
#include <cmath>

namespace lathe::dsp {

namespace {
// Below this the release state snaps to exactly zero, so unity gain comes back bit-exactly in a
// finite time (a 0.001 dB step, spread over the smoothing window, is far below audibility).
constexpr double kSnapDb = 1e-3;
// The slow state also falls at this constant rate: from s0 dB it reaches zero within
// sustainedReleaseMs * ln(1 + s0 / (rate * sustainedReleaseMs)) instead of an endless tail.
constexpr double kSustainFloorDbPerSecond = 0.2;
constexpr double kDbPerNeper = 20.0 / 2.302585092994045684;  // 20 / ln(10)

double perFrame(double timeMs, double sampleRate) { return std::exp(-1000.0 / (timeMs * sampleRate)); }
}  // namespace

Status LimiterGainEnvelope::prepare(const LimiterGainEnvelopeParams& params) {
    if (!(params.sampleRate > 0.0)) return fail("limiter gain envelope: the sample rate must be positive");
    if (params.rampFrames < 1) return fail("limiter gain envelope: the ramp must be at least one frame");
    if (!(params.releaseMs > 0.0) || !(params.sustainMs > 0.0) || !(params.sustainedReleaseMs > 0.0))
        return fail("limiter gain envelope: release and sustain times must be positive");
    // Three boxes with L1 + L2 + L3 - 2 = rampFrames - 1 (a window rampFrames long).
    const std::size_t total = params.rampFrames + 2;
    const std::size_t lengths[3] = {total / 3, (total - total / 3) / 2, total - total / 3 - (total - total / 3) / 2};
    for (int i = 0; i < 3; ++i)
        if (auto status = smooth_[i].prepare(lengths[i]); !status.ok()) return status;
    if (auto status = hold_.prepare(params.rampFrames + 2 * params.guardFrames); !status.ok()) return status;
    latency_ = static_cast<int>(params.rampFrames - 1 + params.guardFrames);
    adaptive_ = params.adaptiveRelease;
    fastRetain_ = perFrame(params.releaseMs, params.sampleRate);
    sustainCharge_ = 1.0 - perFrame(params.sustainMs, params.sampleRate);
    sustainRelease_ = 1.0 - perFrame(params.sustainedReleaseMs, params.sampleRate);
    sustainFloorStepDb_ = kSustainFloorDbPerSecond / params.sampleRate;
    reset();
    return success();
}

void LimiterGainEnvelope::reset() noexcept {
    hold_.reset(-1.0f);
    for (auto& box : smooth_) box.reset(1.0f);
    fastDb_ = 0.0;
    sustainedDb_ = 0.0;
}

float LimiterGainEnvelope::push(float requiredGain) noexcept {
    const float held = -hold_.push(-requiredGain);
    // Release, in dB of gain reduction. Fast path: nothing to do at unity.
    float released = 1.0f;
    if (held < 1.0f || fastDb_ > 0.0) {
        const double wantDb = held < 1.0f ? -kDbPerNeper * std::log(static_cast<double>(held)) : 0.0;
        if (adaptive_) {
            if (wantDb > sustainedDb_) {
                sustainedDb_ += (wantDb - sustainedDb_) * sustainCharge_;
            } else {
                // Exponential, plus a small constant rate, so that it ends in finite time.
                sustainedDb_ = std::max(wantDb, sustainedDb_ + (wantDb - sustainedDb_) * sustainRelease_ - sustainFloorStepDb_);
                if (sustainedDb_ < kSnapDb) sustainedDb_ = 0.0;
            }
        }
        fastDb_ = std::max(wantDb, sustainedDb_ + (fastDb_ - sustainedDb_) * fastRetain_);
        if (fastDb_ < kSnapDb) fastDb_ = sustainedDb_ = 0.0;
        // Never above the held gain (the dB round trip must not lift it by an ulp).
        released = std::min(held, static_cast<float>(std::exp(-fastDb_ / kDbPerNeper)));
    }
    return smooth_[2].push(smooth_[1].push(smooth_[0].push(released)));
}

}  // namespace lathe::dsp
