#include "lathe/dsp/noise_shaping.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace lathe::dsp {

namespace {

constexpr std::size_t kGridBins = 8192;  // midpoint rule over [0, fs/2] for the autocorrelation

double weightedGain(std::span<const double> weights, std::span<const double> coefficients, double sampleRate) {
    // Mean of W |NTF|^2 over the grid relative to the mean of W (flat TPDF: NTF = 1).
    double weighted = 0.0, reference = 0.0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double f = (double(i) + 0.5) * 0.5 * sampleRate / double(weights.size());
        const double omega = 2.0 * std::numbers::pi * f / sampleRate;
        std::complex<double> ntf = 1.0;
        for (std::size_t k = 0; k < coefficients.size(); ++k) ntf += coefficients[k] * std::polar(1.0, -omega * double(k + 1));
        weighted += weights[i] * std::norm(ntf);
        reference += weights[i];
    }
    return 10.0 * std::log10(weighted / reference);
}

}  // namespace

double hearingThresholdDb(double frequencyHz) noexcept {
    const double f = frequencyHz / 1000.0;
    return 3.64 * std::pow(f, -0.8) - 6.5 * std::exp(-0.6 * (f - 3.3) * (f - 3.3)) + 1e-3 * f * f * f * f;
}

Result<NoiseShaper> designNoiseShaper(double sampleRate, const NoiseShaperParams& params) {
    if (!(sampleRate >= 8000.0 && sampleRate <= 768000.0)) return fail("noise shaper: sample rate out of range");
    if (params.order < 1 || params.order > 32) return fail("noise shaper: order must lie in [1, 32]");
    if (!(params.lowClampHz > 0.0 && params.lowClampHz < 0.5 * sampleRate))
        return fail("noise shaper: lowClampHz must lie in (0, fs/2)");
    if (!(params.rangeDb > 0.0 && params.rangeDb <= 80.0)) return fail("noise shaper: rangeDb must lie in (0, 80]");

    NoiseShaper shaper;
    shaper.params_ = params;
    shaper.sampleRate_ = sampleRate;
    // The threshold's minimum (about -5 dB SPL near 3.3 kHz), found on the grid.
    double minimum = 1e9;
    for (std::size_t i = 0; i < kGridBins; ++i) {
        const double f = std::max((double(i) + 0.5) * 0.5 * sampleRate / double(kGridBins), params.lowClampHz);
        minimum = std::min(minimum, hearingThresholdDb(f));
    }
    shaper.thresholdMinimumDb_ = minimum;
    shaper.weightGrid_.resize(kGridBins);
    for (std::size_t i = 0; i < kGridBins; ++i)
        shaper.weightGrid_[i] = std::pow(10.0, shaper.weightingDb((double(i) + 0.5) * 0.5 * sampleRate / double(kGridBins)) / 10.0);

    // Autocorrelation of W, then Levinson-Durbin.
    const auto order = std::size_t(params.order);
    std::vector<double> r(order + 1, 0.0);
    for (std::size_t k = 0; k <= order; ++k) {
        double sum = 0.0;
        for (std::size_t i = 0; i < kGridBins; ++i) {
            const double omega = std::numbers::pi * (double(i) + 0.5) / double(kGridBins);
            sum += shaper.weightGrid_[i] * std::cos(omega * double(k));
        }
        r[k] = sum / double(kGridBins);
    }
    std::vector<double> a(order + 1, 0.0), previous(order + 1, 0.0);
    a[0] = 1.0;
    double error = r[0];
    for (std::size_t m = 1; m <= order; ++m) {
        double acc = r[m];
        for (std::size_t j = 1; j < m; ++j) acc += a[j] * r[m - j];
        const double reflection = -acc / error;
        previous = a;
        for (std::size_t j = 1; j < m; ++j) a[j] = previous[j] + reflection * previous[m - j];
        a[m] = reflection;
        error *= 1.0 - reflection * reflection;
        if (!(error > 0.0)) return fail("noise shaper: the weighting is numerically singular at order " + std::to_string(m));
    }
    shaper.coefficients_.assign(a.begin() + 1, a.end());
    return shaper;
}

std::complex<double> NoiseShaper::response(double frequencyHz) const noexcept {
    const double omega = 2.0 * std::numbers::pi * frequencyHz / sampleRate_;
    std::complex<double> ntf = 1.0;
    for (std::size_t k = 0; k < coefficients_.size(); ++k) ntf += coefficients_[k] * std::polar(1.0, -omega * double(k + 1));
    return ntf;
}

double NoiseShaper::responseDb(double frequencyHz) const noexcept { return 20.0 * std::log10(std::abs(response(frequencyHz))); }

double NoiseShaper::weightingDb(double frequencyHz) const noexcept {
    const double threshold = hearingThresholdDb(std::max(frequencyHz, params_.lowClampHz));
    return -(std::min(threshold, thresholdMinimumDb_ + params_.rangeDb) - thresholdMinimumDb_);
}

double NoiseShaper::noisePowerGainDb() const noexcept {
    double sum = 1.0;
    for (double a : coefficients_) sum += a * a;
    return 10.0 * std::log10(sum);
}

double NoiseShaper::weightedNoiseGainDb() const noexcept { return weightedGain(weightGrid_, coefficients_, sampleRate_); }

double NoiseShaper::weightedNoiseGainDb(std::span<const double> otherCoefficients) const noexcept {
    return weightedGain(weightGrid_, otherCoefficients, sampleRate_);
}

}  // namespace lathe::dsp
