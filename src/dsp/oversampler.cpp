#include "lathe/dsp/oversampler.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <string>

#include "dsp/fir_kernel.h"
#include "dsp/kaiser_sinc.h"

namespace lathe::dsp {

using detail::firBlock;

Status Oversampler::prepare(const ProcessSpec& spec, const OversamplerParams& params) {
    const int f = params.factor;
    if (f != 1 && f != 2 && f != 4 && f != 8 && f != 16)
        return fail("oversampler: factor must be 1, 2, 4, 8 or 16, got " + std::to_string(f));
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("oversampler: channel count must be 1 to " + std::to_string(kMaxChannels) + ", got " +
                    std::to_string(spec.numChannels));
    if (spec.maxBlockFrames < 1) return fail("oversampler: maxBlockFrames must be at least 1");
    if (!(spec.sampleRate > 0)) return fail("oversampler: sample rate must be positive");

    factor_ = f;
    numChannels_ = spec.numChannels;
    maxBlockFrames_ = spec.maxBlockFrames;
    sampleRate_ = spec.sampleRate;
    tapsPerPhase_ = 0;
    prototype_.clear();
    upTaps_.clear();
    downTaps_.clear();
    if (f > 1) {
        auto design = designKaiserSinc(f, params.passbandFraction, params.stopbandAttenuationDb);
        if (!design) return fail("oversampler: " + design.error().message);
        prototype_ = std::move(design->taps);
        tapsPerPhase_ = design->tapsPerPhase;
        const auto k = static_cast<std::size_t>(tapsPerPhase_);
        const auto l = static_cast<std::size_t>(f);
        upTaps_.resize((l - 1) * k);
        downTaps_.resize((l - 1) * k);
        for (std::size_t p = 1; p < l; ++p)
            for (std::size_t j = 0; j < k; ++j) {
                const double h = prototype_[j * l + p];
                upTaps_[(p - 1) * k + j] = static_cast<float>(h);
                downTaps_[(p - 1) * k + j] = static_cast<float>(h / double(f));
            }
        downCentre_ = static_cast<float>(prototype_[k * l / 2] / double(f));
    }
    const auto channels = static_cast<std::size_t>(numChannels_);
    historyStride_ = static_cast<std::size_t>(tapsPerPhase_) + maxBlockFrames_;
    inputHistory_.assign(channels * historyStride_, 0.0f);
    upsampled_.assign(channels * static_cast<std::size_t>(f) * maxBlockFrames_, 0.0f);
    downHistory_.assign(f > 1 ? channels * static_cast<std::size_t>(f) * historyStride_ : 0, 0.0f);
    branchRows_.assign(static_cast<std::size_t>(f - 1) * maxBlockFrames_, 0.0f);
    return success();
}

void Oversampler::reset() noexcept {
    std::fill(inputHistory_.begin(), inputHistory_.end(), 0.0f);
    std::fill(upsampled_.begin(), upsampled_.end(), 0.0f);
    std::fill(downHistory_.begin(), downHistory_.end(), 0.0f);
}

AudioBlock Oversampler::upsample(ConstAudioBlock input) noexcept {
    const std::size_t n = input.numFrames();
    assert(n <= maxBlockFrames_ && input.numChannels() == numChannels_);
    const auto l = static_cast<std::size_t>(factor_);
    const int k = tapsPerPhase_;
    const auto history = static_cast<std::size_t>(k);
    std::array<float*, kMaxChannels> channels{};
    for (int c = 0; c < numChannels_; ++c) {
        float* out = upsampled_.data() + static_cast<std::size_t>(c) * l * maxBlockFrames_;
        channels[static_cast<std::size_t>(c)] = out;
        const float* in = input.channelData(c);
        if (l == 1) {
            std::copy(in, in + n, out);
            continue;
        }
        // x[t] is input frame t of this block; x[-K .. -1] are the previous frames.
        float* buffer = inputHistory_.data() + static_cast<std::size_t>(c) * historyStride_;
        std::copy(in, in + n, buffer + history);
        const float* x = buffer + history;
        // Branches 1 .. L-1 as planar rows (vectorised FIRs), then interleaved with branch 0, which is
        // x delayed by K / 2 frames (the centre tap is exactly 1).
        for (std::size_t p = 1; p < l; ++p)
            firBlock(upTaps_.data() + (p - 1) * history, k, x, branchRows_.data() + (p - 1) * maxBlockFrames_, n);
        const float* delayed = x - k / 2;
        for (std::size_t t = 0; t < n; ++t) out[t * l] = delayed[t];
        for (std::size_t p = 1; p < l; ++p) {
            const float* row = branchRows_.data() + (p - 1) * maxBlockFrames_;
            for (std::size_t t = 0; t < n; ++t) out[t * l + p] = row[t];
        }
        if (n > 0) std::copy(buffer + n, buffer + n + history, buffer);  // keep the last K frames
    }
    return {channels.data(), numChannels_, n * l};
}

void Oversampler::downsample(ConstAudioBlock upsampled, AudioBlock output) noexcept {
    const std::size_t n = output.numFrames();
    const auto l = static_cast<std::size_t>(factor_);
    assert(upsampled.numFrames() == n * l && n <= maxBlockFrames_);
    assert(upsampled.numChannels() == numChannels_ && output.numChannels() == numChannels_);
    const int k = tapsPerPhase_;
    const auto history = static_cast<std::size_t>(k);
    for (int c = 0; c < numChannels_; ++c) {
        const float* u = upsampled.channelData(c);
        float* out = output.channelData(c);
        if (l == 1) {
            std::copy(u, u + n, out);
            continue;
        }
        // Phase streams v_r[t] = u[t L + r]; y[t] = (u (x) h / L)[t L], split by branch:
        //   y[t] = h[KL/2] / L * v_0[t - K/2] + sum_{q=1}^{L-1} sum_{j<K} h[jL + q] / L * v_{L-q}[t - 1 - j],
        // accumulated in that order (centre, then q ascending, each over j ascending).
        float* phases = downHistory_.data() + static_cast<std::size_t>(c) * l * historyStride_;
        for (std::size_t r = 0; r < l; ++r) {
            float* v = phases + r * historyStride_ + history;
            for (std::size_t t = 0; t < n; ++t) v[t] = u[t * l + r];
        }
        const float* v0 = phases + history - k / 2;
        for (std::size_t t = 0; t < n; ++t) out[t] = downCentre_ * v0[t];
        for (std::size_t q = 1; q < l; ++q) {
            const float* v = phases + (l - q) * historyStride_ + history;
            firBlock(downTaps_.data() + (q - 1) * history, k, v - 1, out, n, out);
        }
        for (std::size_t r = 0; r < l && n > 0; ++r) {
            float* buffer = phases + r * historyStride_;
            std::copy(buffer + n, buffer + n + history, buffer);
        }
    }
}

int Oversampler::factor() const noexcept { return factor_; }
int Oversampler::latencyFrames() const noexcept { return tapsPerPhase_; }
double Oversampler::upsampleLatencyFrames() const noexcept { return 0.5 * double(tapsPerPhase_); }
int Oversampler::tapsPerPhase() const noexcept { return tapsPerPhase_; }

std::span<const float> Oversampler::upsampleBranchTaps(int branch) const noexcept {
    assert(branch >= 1 && branch < factor_);
    const auto k = static_cast<std::size_t>(tapsPerPhase_);
    return {upTaps_.data() + static_cast<std::size_t>(branch - 1) * k, k};
}

double Oversampler::filterAmplitude(double frequencyHz) const noexcept {
    if (factor_ == 1 || sampleRate_ <= 0) return 1.0;
    return kaiserSincAmplitude(prototype_, factor_, frequencyHz / (sampleRate_ * double(factor_)));
}

}  // namespace lathe::dsp
