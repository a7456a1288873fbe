#include "lathe/dsp/soft_clipper.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lathe::dsp {

void SoftClipper::updateCurve() noexcept {
    drive_ = static_cast<float>(std::pow(10.0, params_.driveDb / 20.0));
    ceiling_ = static_cast<float>(std::pow(10.0, params_.ceilingDb / 20.0));
    threshold_ = static_cast<float>(ceiling_ * std::pow(10.0, -std::max(0.0, params_.kneeDb) / 20.0));
    range_ = ceiling_ - threshold_;
}

float SoftClipper::curve(float x) const noexcept {
    const float magnitude = std::abs(x);
    if (!(magnitude > threshold_)) return x;
    const float bent = range_ > 0.0f ? threshold_ + range_ * std::tanh((magnitude - threshold_) / range_) : ceiling_;
    return std::copysign(bent, x);
}

Status SoftClipper::prepare(const ProcessSpec& spec) {
    const auto& p = params_;
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("soft clipper: " + std::to_string(spec.numChannels) + " channels is out of range (1 to 8)");
    if (spec.maxBlockFrames < 1) return fail("soft clipper: the maximum block size must be at least one frame");
    if (!(p.driveDb >= -24.0 && p.driveDb <= 48.0)) return fail("soft clipper: the drive must be between -24 and +48 dB");
    if (!(p.ceilingDb >= -40.0 && p.ceilingDb <= 0.0)) return fail("soft clipper: the ceiling must be between -40 and 0 dBFS");
    if (!(p.kneeDb >= 0.0 && p.kneeDb <= 24.0)) return fail("soft clipper: the knee must be between 0 and 24 dB");
    if (p.oversamplingFactor != 4 && p.oversamplingFactor != 8 && p.oversamplingFactor != 16)
        return fail("soft clipper: the oversampling factor must be 4, 8 or 16");
    updateCurve();
    OversamplerParams os;
    os.factor = p.oversamplingFactor;
    if (auto s = oversampler_.prepare(spec, os); !s.ok()) return s;
    numChannels_ = spec.numChannels;
    maxBlockFrames_ = spec.maxBlockFrames;
    latency_ = oversampler_.latencyFrames();
    driven_.resize(numChannels_, maxBlockFrames_);
    correction_.resize(numChannels_, maxBlockFrames_);
    std::size_t size = 1;
    while (size < static_cast<std::size_t>(latency_) + 1) size *= 2;
    dry_.assign(static_cast<std::size_t>(numChannels_), std::vector<float>(size, 0.0f));
    dryMask_ = size - 1;
    reset();
    return success();
}

void SoftClipper::reset() noexcept {
    oversampler_.reset();
    for (auto& ring : dry_) std::fill(ring.begin(), ring.end(), 0.0f);
    dryWrite_ = 0;
    clipped_ = 0;
}

void SoftClipper::process(AudioBlock block) noexcept {
    for (std::size_t offset = 0; offset < block.numFrames(); offset += maxBlockFrames_) {
        const std::size_t n = std::min(maxBlockFrames_, block.numFrames() - offset);
        const AudioBlock part = block.slice(offset, n);
        const AudioBlock driven = driven_.block().slice(0, n);
        for (int c = 0; c < numChannels_; ++c) {
            const float* in = part.channelData(c);
            float* out = driven.channelData(c);
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * drive_;
        }
        // The curve's deviation from the identity, at the oversampled rate.
        const AudioBlock up = oversampler_.upsample(driven);
        for (int c = 0; c < numChannels_; ++c) {
            float* u = up.channelData(c);
            for (std::size_t i = 0; i < up.numFrames(); ++i) {
                const float shaped = curve(u[i]);
                if (shaped != u[i]) ++clipped_;
                u[i] = shaped - u[i];
            }
        }
        const AudioBlock correction = correction_.block().slice(0, n);
        oversampler_.downsample(up, correction);
        // Delayed dry plus the decimated correction.
        std::size_t write = dryWrite_;
        for (int c = 0; c < numChannels_; ++c) {
            auto& ring = dry_[static_cast<std::size_t>(c)];
            const float* x = driven.channelData(c);
            const float* d = correction.channelData(c);
            float* out = part.channelData(c);
            write = dryWrite_;
            for (std::size_t i = 0; i < n; ++i) {
                ring[write] = x[i];
                out[i] = ring[(write - static_cast<std::size_t>(latency_)) & dryMask_] + d[i];
                write = (write + 1) & dryMask_;
            }
        }
        dryWrite_ = write;
    }
}

}  // namespace lathe::dsp
