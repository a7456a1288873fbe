#include "lathe/dsp/gain.h"

#include <cassert>
#include <cmath>
#include <string>

namespace lathe::dsp {

namespace {
constexpr double kMinGainDb = -144.0;
constexpr double kMaxGainDb = 48.0;

double linearFromDb(double db) noexcept { return db == 0.0 ? 1.0 : std::pow(10.0, db / 20.0); }
bool validGain(double db) noexcept { return std::isfinite(db) && db >= kMinGainDb && db <= kMaxGainDb; }
}  // namespace

Gain::Gain(GainParams params) noexcept : params_(params) {
    if (validGain(params_.gainDb)) target_ = current_ = linearFromDb(params_.gainDb);  // else prepare() fails
}

Status Gain::setGainDb(double gainDb) {
    if (!validGain(gainDb))
        return fail("gain: gainDb must be within -144 .. +48 dB (got " + std::to_string(gainDb) + ")");
    params_.gainDb = gainDb;
    target_ = linearFromDb(gainDb);
    const long rampSamples = prepared_ ? std::lround(params_.rampMs * 1e-3 * sampleRate_) : 0;
    if (rampSamples <= 1 || current_ == target_) {
        current_ = target_;
        remaining_ = 0;
        ratio_ = 1.0;
    } else {
        remaining_ = rampSamples;
        ratio_ = std::pow(target_ / current_, 1.0 / double(rampSamples));
    }
    return success();
}

Status Gain::prepare(const ProcessSpec& spec) {
    if (!(spec.sampleRate > 0.0) || spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("gain: needs a positive sample rate and 1 to 8 channels");
    if (!validGain(params_.gainDb))
        return fail("gain: gainDb must be within -144 .. +48 dB (got " + std::to_string(params_.gainDb) + ")");
    if (!(params_.rampMs >= 0.0) || params_.rampMs > 10000.0)
        return fail("gain: rampMs must be within 0 .. 10000 (got " + std::to_string(params_.rampMs) + ")");
    sampleRate_ = spec.sampleRate;
    numChannels_ = spec.numChannels;
    prepared_ = true;
    reset();
    return success();
}

void Gain::reset() noexcept {
    current_ = target_;
    remaining_ = 0;
    ratio_ = 1.0;
}

void Gain::process(AudioBlock block) noexcept {
    assert(block.numChannels() == numChannels_);
    const std::size_t frames = block.numFrames();
    std::size_t start = 0;
    if (remaining_ > 0) {
        // Ramp: the same per-sample gain sequence for every channel.
        // Every sample of the ramp moves by the ratio first, so the change starts on the first
        // sample and the ramp's last sample is exactly the target.
        const std::size_t n = std::min<std::size_t>(frames, static_cast<std::size_t>(remaining_));
        for (int c = 0; c < block.numChannels(); ++c) {
            float* x = block.channelData(c);
            double g = current_;
            long left = remaining_;
            for (std::size_t i = 0; i < n; ++i) {
                g = (--left == 0) ? target_ : g * ratio_;
                x[i] = static_cast<float>(double(x[i]) * g);
            }
        }
        for (std::size_t i = 0; i < n; ++i) current_ = (--remaining_ == 0) ? target_ : current_ * ratio_;
        start = n;
    }
    if (start == frames || current_ == 1.0) return;  // unity: bit-exact bypass
    const double g = current_;
    for (int c = 0; c < block.numChannels(); ++c) {
        float* x = block.channelData(c);
        for (std::size_t i = start; i < frames; ++i) x[i] = static_cast<float>(double(x[i]) * g);
    }
}

}  // namespace lathe::dsp
