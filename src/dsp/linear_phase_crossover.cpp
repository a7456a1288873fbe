#include "dsp/linear_phase_crossover.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "dsp/fft_convolver.h"
#include "dsp/kaiser_lowpass.h"

namespace lathe::dsp {

namespace {
constexpr double kStopbandDb = 90.0;
constexpr double kTransitionFraction = 0.5;
}  // namespace

LinearPhaseBandSplitter::LinearPhaseBandSplitter() = default;
LinearPhaseBandSplitter::~LinearPhaseBandSplitter() = default;

Status LinearPhaseBandSplitter::prepare(double sampleRate, int numChannels, std::span<const double> edgesHz) {
    sampleRate_ = sampleRate;
    const std::size_t numBands = edgesHz.size() + 1;
    std::size_t length = 1;
    for (double f : edgesHz) length = std::max(length, kaiserLowpassLength(kTransitionFraction * f, kStopbandDb, sampleRate));
    centre_ = (length - 1) / 2;
    // Low-passes centred on D (in double), then the complementary differences.
    std::vector<std::vector<double>> lowpasses;
    for (double f : edgesHz) {
        const std::size_t n = kaiserLowpassLength(kTransitionFraction * f, kStopbandDb, sampleRate);
        const auto taps = kaiserLowpass(f, n, kStopbandDb, sampleRate);
        std::vector<double> centred(length, 0.0);
        std::copy(taps.begin(), taps.end(), centred.begin() + std::ptrdiff_t(centre_ - (n - 1) / 2));
        lowpasses.push_back(std::move(centred));
    }
    kernels_.assign(numBands, std::vector<float>(length, 0.0f));
    for (std::size_t j = 0; j < numBands; ++j)
        for (std::size_t i = 0; i < length; ++i) {
            const double upper = j + 1 < numBands ? lowpasses[j][i] : (i == centre_ ? 1.0 : 0.0);
            const double lower = j > 0 ? lowpasses[j - 1][i] : 0.0;
            kernels_[j][i] = static_cast<float>(upper - lower);
        }

    convolvers_.clear();
    for (std::size_t j = 0; j < numBands; ++j) {
        auto convolver = std::make_unique<FftConvolver>();
        if (auto status = convolver->prepare(numChannels, length); !status.ok()) return status;
        if (auto status = convolver->setKernel(0, kernels_[j]); !status.ok()) return status;
        convolvers_.push_back(std::move(convolver));
    }
    return success();
}

void LinearPhaseBandSplitter::reset() noexcept {
    for (auto& convolver : convolvers_) convolver->reset();
}

void LinearPhaseBandSplitter::split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept {
    assert(bands.size() == convolvers_.size());
    for (std::size_t j = 0; j < bands.size(); ++j) convolvers_[j]->process(input, bands[j], 0);
}

double LinearPhaseBandSplitter::bandAmplitude(int band, double frequencyHz) const noexcept {
    const auto& kernel = kernels_[static_cast<std::size_t>(band)];
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate_;
    double sum = 0.0;
    for (std::size_t n = 0; n < kernel.size(); ++n) sum += double(kernel[n]) * std::cos(w * (double(n) - double(centre_)));
    return sum;
}

}  // namespace lathe::dsp
