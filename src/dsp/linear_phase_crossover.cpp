#include "dsp/linear_phase_crossover.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "dsp/kaiser_lowpass.h"

namespace lathe::dsp {

namespace {
constexpr double kStopbandDb = 90.0;
constexpr double kTransitionFraction = 0.5;
}  // namespace

void LinearPhaseBandSplitter::prepare(double sampleRate, int numChannels, std::span<const double> edgesHz) {
    sampleRate_ = sampleRate;
    const std::size_t numBands = edgesHz.size() + 1;
    std::size_t length = 1;
    for (double f : edgesHz) length = std::max(length, kaiserLowpassLength(kTransitionFraction * f, kStopbandDb, sampleRate));
    centre_ = (length - 1) / 2;
    // Low-passes centred on D, then the complementary differences.
    std::vector<std::vector<double>> lowpasses;
    for (double f : edgesHz) {
        const std::size_t n = kaiserLowpassLength(kTransitionFraction * f, kStopbandDb, sampleRate);
        const auto taps = kaiserLowpass(f, n, kStopbandDb, sampleRate);
        std::vector<double> centred(length, 0.0);
        std::copy(taps.begin(), taps.end(), centred.begin() + std::ptrdiff_t(centre_ - (n - 1) / 2));
        lowpasses.push_back(std::move(centred));
    }
    kernels_.assign(numBands, std::vector<double>(length, 0.0));
    for (std::size_t j = 0; j < numBands; ++j)
        for (std::size_t i = 0; i < length; ++i) {
            const double upper = j + 1 < numBands ? lowpasses[j][i] : (i == centre_ ? 1.0 : 0.0);
            const double lower = j > 0 ? lowpasses[j - 1][i] : 0.0;
            kernels_[j][i] = upper - lower;
        }

    const auto channels = static_cast<std::size_t>(numChannels);
    convolvers_.clear();
    convolvers_.resize(channels);
    for (auto& convolver : convolvers_) convolver.prepare(kernels_);
    block_ = convolvers_.front().blockFrames();
    inputs_.assign(channels, std::vector<double>(block_, 0.0));
    outputs_.assign(channels, std::vector<std::vector<double>>(numBands, std::vector<double>(block_, 0.0)));
    outputPointers_.assign(channels, std::vector<double*>(numBands, nullptr));
    for (std::size_t c = 0; c < channels; ++c)
        for (std::size_t j = 0; j < numBands; ++j) outputPointers_[c][j] = outputs_[c][j].data();
    reset();
}

void LinearPhaseBandSplitter::reset() noexcept {
    for (auto& convolver : convolvers_) convolver.reset();
    for (auto& in : inputs_) std::fill(in.begin(), in.end(), 0.0);
    for (auto& channel : outputs_)
        for (auto& band : channel) std::fill(band.begin(), band.end(), 0.0);
    position_ = 0;
}

void LinearPhaseBandSplitter::split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept {
    assert(static_cast<std::size_t>(input.numChannels()) == convolvers_.size());
    assert(bands.size() == kernels_.size());
    const std::size_t n = input.numFrames();
    std::size_t position = position_;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t c = 0; c < convolvers_.size(); ++c) {
            inputs_[c][position] = input.channelData(int(c))[i];
            for (std::size_t j = 0; j < bands.size(); ++j)
                bands[j].channelData(int(c))[i] = static_cast<float>(outputs_[c][j][position]);
        }
        if (++position == block_) {
            position = 0;
            for (std::size_t c = 0; c < convolvers_.size(); ++c)
                convolvers_[c].processBlock(inputs_[c].data(), outputPointers_[c]);
        }
    }
    position_ = position;
}

double LinearPhaseBandSplitter::bandAmplitude(int band, double frequencyHz) const noexcept {
    const auto& kernel = kernels_[static_cast<std::size_t>(band)];
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate_;
    double sum = 0.0;
    for (std::size_t n = 0; n < kernel.size(); ++n) sum += kernel[n] * std::cos(w * (double(n) - double(centre_)));
    return sum;
}

}  // namespace lathe::dsp
