#pragma once
// Gain stage with a click-free, multiplicative (dB-linear) ramp.

#include <string_view>

#include "lathe/dsp/stage.h"

namespace lathe::dsp {

struct GainParams {
    double gainDb = 0.0;   ///< -144 .. +48 dB
    double rampMs = 20.0;  ///< time a change takes; 0 = instant
};

/// Multiplies every channel by one gain. A change of gainDb glides over rampMs with a constant
/// per-sample RATIO, i.e. linearly in dB (the ear's scale, and no zipper steps); the last sample
/// of the ramp lands exactly on the target. Units dB, ms. Latency 0. 0 dB is bit-exact bypass.
/// Real-time contract: setGainDb(), reset() and process() never allocate.
class Gain final : public Stage {
public:
    explicit Gain(GainParams params = {}) noexcept;

    /// Sets the target gain (smoothed once prepared). Rejects values outside -144 .. +48 dB.
    Status setGainDb(double gainDb);
    [[nodiscard]] double targetGainDb() const noexcept { return params_.gainDb; }
    /// The linear gain most recently applied (the target once a ramp has ended).
    [[nodiscard]] double currentGain() const noexcept { return current_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "gain"; }

private:
    GainParams params_;
    double target_ = 1.0;   // linear target
    double current_ = 1.0;  // linear gain of the last sample (of the next one, when not ramping)
    double ratio_ = 1.0;    // per-sample factor during a ramp
    long remaining_ = 0;    // samples left in the ramp
    double sampleRate_ = 48000.0;
    int numChannels_ = 0;
    bool prepared_ = false;
};

}  // namespace lathe::dsp
