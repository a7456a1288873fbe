#include "lathe/dsp/dither.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "util/random.h"

namespace lathe::dsp {

// Glossary for the loop below (all in LSB units of the target grid):
//   w      input * 2^(bits-1) plus the fed-back shaped error sum_k a_k e[n-k]
//   d      TPDF dither in (-1, 1)
//   code   round(w + d): the output integer before clipping
//   e[n]   code - w: the total requantisation error (rounding plus dither), fed back
struct Dither::Channel {
    Random random{1};  // reseeded in reset()
    // e[n-1] .. e[n-p] live at history[position .. position + p - 1]; every error is written twice
    // (at i and i + p) so that window is always contiguous.
    std::array<double, 2 * 32> history{};
    std::size_t position = 0;
};

Dither::Dither(DitherParams params) : params_(params) {}

Dither::~Dither() = default;

Status Dither::prepare(const ProcessSpec& spec) {
    if (params_.bits < 8 || params_.bits > 24)
        return fail("dither: the target word length must lie in [8, 24] bits (got " + std::to_string(params_.bits) + ")");
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("dither: unsupported channel count");
    shaper_.reset();
    coefficients_.clear();
    if (params_.mode == DitherMode::NoiseShaped) {
        auto designed = designNoiseShaper(spec.sampleRate, params_.shaper);
        if (!designed) return designed.error();
        shaper_ = std::move(designed.value());
        coefficients_.assign(shaper_->coefficients().begin(), shaper_->coefficients().end());
    }
    scale_ = std::ldexp(1.0, params_.bits - 1);
    channels_.assign(std::size_t(spec.numChannels), Channel{});
    reset();
    return success();
}

void Dither::reset() noexcept {
    for (std::size_t c = 0; c < channels_.size(); ++c) {
        channels_[c].random.reseed(params_.seed + 0x632BE59BD9B4E019ull * (c + 1));
        channels_[c].history.fill(0.0);
        channels_[c].position = 0;
    }
}

template <DitherMode Mode>
void Dither::processChannel(Channel& channel, float* samples, std::size_t frames) noexcept {
    const double scale = scale_;
    const double lowestCode = -scale, highestCode = scale - 1.0;
    const std::size_t order = coefficients_.size();
    const double* coefficients = coefficients_.data();
    for (std::size_t i = 0; i < frames; ++i) {
        const double dither = Mode == DitherMode::Round ? 0.0 : double(channel.random.triangular());
        const double x = samples[i];
        if (!std::isfinite(x)) {  // keep the loop state clean; NaN -> 0, +-Inf -> full scale
            samples[i] = std::isnan(x) ? 0.0f : float((x > 0 ? highestCode : lowestCode) / scale);
            continue;
        }
        double w = x * scale;
        if constexpr (Mode == DitherMode::NoiseShaped) {
            const double* past = channel.history.data() + channel.position;
            // Oldest first: only the last term depends on the previous sample's error, so the
            // rest of the sum overlaps with the previous iteration (a shorter dependency chain).
            double feedback = 0.0;
            for (std::size_t k = order; k-- > 0;) feedback += coefficients[k] * past[k];
            w += feedback;
        }
        const double code = std::floor(w + dither + 0.5);
        if constexpr (Mode == DitherMode::NoiseShaped) {
            const double error = code - w;  // before clipping: |error| <= 1.5
            channel.position = channel.position == 0 ? order - 1 : channel.position - 1;
            channel.history[channel.position] = error;
            channel.history[channel.position + order] = error;
        }
        samples[i] = float(std::clamp(code, lowestCode, highestCode) / scale);  // exact: |code| <= 2^23
    }
}

void Dither::process(AudioBlock block) noexcept {
    for (int c = 0; c < block.numChannels(); ++c) {
        Channel& channel = channels_[std::size_t(c)];
        switch (params_.mode) {
            case DitherMode::Round: processChannel<DitherMode::Round>(channel, block.channelData(c), block.numFrames()); break;
            case DitherMode::Tpdf: processChannel<DitherMode::Tpdf>(channel, block.channelData(c), block.numFrames()); break;
            case DitherMode::NoiseShaped:
                processChannel<DitherMode::NoiseShaped>(channel, block.channelData(c), block.numFrames());
                break;
        }
    }
}

}  // namespace lathe::dsp
