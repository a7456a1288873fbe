#include "lathe/dsp/fir_design.h"

#include "dsp/kaiser_sinc.h"  // besselI0

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <numbers>
#include <string>

#include "dsp/fftw_memory.h"

namespace lathe::dsp {

namespace {

constexpr double kMinGainDb = -100.0;
constexpr double kMaxGainDb = 40.0;
constexpr int kMaxLength = (1 << 20) - 1;

std::size_t nextPowerOfTwo(std::size_t n) noexcept {
    std::size_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

// Smallest 2^k - 1 >= n.
int lengthAtLeast(double n) noexcept {
    int length = 1;
    while (double(length) < n && length < kMaxLength) length = length * 2 + 1;
    return length;
}

// Window value at tap i of an N-tap symmetric window.
double windowValue(const FirDesignParams& params, int i, int length) noexcept {
    const double centre = 0.5 * double(length - 1);
    if (params.window == FirWindow::Kaiser) {
        const double r = (double(i) - centre) / centre;
        return besselI0(params.kaiserBeta * std::sqrt(std::max(0.0, 1.0 - r * r))) / besselI0(params.kaiserBeta);
    }
    // 4-term Blackman-Harris (Harris 1978, table 1, "-92 dB" window).
    const double phase = 2.0 * std::numbers::pi * double(i) / double(length - 1);
    return 0.35875 - 0.48829 * std::cos(phase) + 0.14128 * std::cos(2.0 * phase) - 0.01168 * std::cos(3.0 * phase);
}

Status validate(const FirDesignParams& params, double sampleRate) {
    if (!(sampleRate > 0.0) || !std::isfinite(sampleRate)) return fail("FIR design: the sample rate must be positive");
    if (params.curve.empty()) return fail("FIR design: the magnitude curve has no points");
    for (const auto& p : params.curve) {
        if (!std::isfinite(p.frequencyHz) || p.frequencyHz <= 0.0)
            return fail("FIR design: curve frequencies must be positive and finite (got " + std::to_string(p.frequencyHz) + " Hz)");
        if (!std::isfinite(p.gainDb) || p.gainDb < kMinGainDb || p.gainDb > kMaxGainDb)
            return fail("FIR design: curve gains must lie in [-100, +40] dB (got " + std::to_string(p.gainDb) + " dB at " +
                        std::to_string(p.frequencyHz) + " Hz)");
    }
    if (!(params.smoothingOctaves >= 0.0 && params.smoothingOctaves <= 4.0))
        return fail("FIR design: smoothingOctaves must lie in [0, 4]");
    if (params.lengthFrames != 0 && (params.lengthFrames < 3 || params.lengthFrames % 2 == 0 || params.lengthFrames > kMaxLength))
        return fail("FIR design: lengthFrames must be 0 (automatic) or odd in [3, " + std::to_string(kMaxLength) + "]");
    if (params.window == FirWindow::Kaiser && !(params.kaiserBeta >= 0.0 && params.kaiserBeta <= 30.0))
        return fail("FIR design: kaiserBeta must lie in [0, 30]");
    if (!(params.toleranceDb > 0.0)) return fail("FIR design: toleranceDb must be positive");
    if (!(params.checkLowHz > 0.0 && params.checkHighHz > params.checkLowHz))
        return fail("FIR design: the check band must satisfy 0 < checkLowHz < checkHighHz");
    return success();
}

struct Designed {
    std::vector<float> taps;
    double maxDeviationDb = 0.0;
};

// One design at a fixed odd length: frequency sampling on M bins, window, float taps, then the
// taps' own amplitude on the same grid compared with the target over the check band.
Designed designAtLength(const FirDesignParams& params, const TargetCurve& target, double sampleRate, int length) {
    const std::size_t gridSize = std::max<std::size_t>(65536, nextPowerOfTwo(8 * (std::size_t(length) + 1)));
    const std::size_t bins = gridSize / 2 + 1;
    auto spectrum = allocateFftw<fftw_complex>(bins);
    auto timeDomain = allocateFftw<double>(gridSize);
    FftwPlan inversePlan, forwardPlan;
    {
        const std::lock_guard lock(fftwPlannerMutex());
        inversePlan.reset(fftw_plan_dft_c2r_1d(int(gridSize), spectrum.get(), timeDomain.get(), FFTW_ESTIMATE));
        forwardPlan.reset(fftw_plan_dft_r2c_1d(int(gridSize), timeDomain.get(), spectrum.get(), FFTW_ESTIMATE));
    }

    // Target magnitude, zero phase, on bins k * fs / M.
    std::vector<double> targetDb(bins);
    for (std::size_t k = 0; k < bins; ++k) {
        targetDb[k] = target.gainDb(double(k) * sampleRate / double(gridSize));
        spectrum[k][0] = std::pow(10.0, targetDb[k] / 20.0);
        spectrum[k][1] = 0.0;
    }
    fftw_execute(inversePlan.get());  // even impulse response centred on index 0 (scaled by M)

    const int centre = (length - 1) / 2;
    std::vector<float> taps(std::size_t(length), 0.0f);
    for (int i = 0; i <= centre; ++i) {
        const double ideal = timeDomain[std::size_t(centre - i)] / double(gridSize);
        const auto tap = float(ideal * windowValue(params, i, length));
        taps[std::size_t(i)] = tap;
        taps[std::size_t(length - 1 - i)] = tap;  // exact symmetry: exactly linear phase
    }

    // Amplitude of the float taps: the zero-phase (centred, circularly even) sequence's real spectrum.
    std::fill(timeDomain.get(), timeDomain.get() + gridSize, 0.0);
    timeDomain[0] = taps[std::size_t(centre)];
    for (int k = 1; k <= centre; ++k) {
        timeDomain[std::size_t(k)] = taps[std::size_t(centre + k)];
        timeDomain[gridSize - std::size_t(k)] = taps[std::size_t(centre + k)];
    }
    fftw_execute(forwardPlan.get());
    const double low = params.checkLowHz;
    const double high = std::min(params.checkHighHz, 0.45 * sampleRate);
    double worst = 0.0;
    for (std::size_t k = 0; k < bins; ++k) {
        const double f = double(k) * sampleRate / double(gridSize);
        if (f < low || f > high) continue;
        const double magnitude = std::abs(spectrum[k][0]);
        const double db = magnitude > 0.0 ? 20.0 * std::log10(magnitude) : -1000.0;
        worst = std::max(worst, std::abs(db - targetDb[k]));
    }
    return {std::move(taps), worst};
}

}  // namespace

int minimumAutomaticFirLength(double sampleRate) noexcept { return lengthAtLeast(4095.0 * sampleRate / 48000.0); }
int maximumAutomaticFirLength(double sampleRate) noexcept { return lengthAtLeast(16383.0 * sampleRate / 48000.0); }

Result<TargetCurve> TargetCurve::create(const FirDesignParams& params, double sampleRate) {
    if (auto status = validate(params, sampleRate); !status) return status.error();
    TargetCurve curve;
    curve.points_ = params.curve;
    std::sort(curve.points_.begin(), curve.points_.end(),
              [](const CurvePoint& a, const CurvePoint& b) { return a.frequencyHz < b.frequencyHz; });
    for (std::size_t i = 1; i < curve.points_.size(); ++i)
        if (curve.points_[i].frequencyHz == curve.points_[i - 1].frequencyHz)
            return fail("FIR design: two curve points at " + std::to_string(curve.points_[i].frequencyHz) + " Hz");
    if (params.smoothingOctaves > 0.0) {
        // Log-frequency grid from gridLowHz_ to Nyquist; a centred moving average of the dB values
        // over smoothingOctaves, the curve held flat beyond the grid ends.
        const double nyquist = 0.5 * sampleRate;
        const auto count = std::size_t(std::ceil(std::log2(nyquist / curve.gridLowHz_) * curve.gridStepsPerOctave_)) + 1;
        const auto halfWidth = std::ptrdiff_t(std::llround(0.5 * params.smoothingOctaves * curve.gridStepsPerOctave_));
        std::vector<double> raw(count);
        for (std::size_t i = 0; i < count; ++i)
            raw[i] = curve.rawGainDb(curve.gridLowHz_ * std::exp2(double(i) / curve.gridStepsPerOctave_));
        curve.smoothedDb_.resize(count);
        const auto last = std::ptrdiff_t(count) - 1;
        for (std::ptrdiff_t i = 0; i <= last; ++i) {
            double sum = 0.0;
            for (std::ptrdiff_t j = i - halfWidth; j <= i + halfWidth; ++j) sum += raw[std::size_t(std::clamp<std::ptrdiff_t>(j, 0, last))];
            curve.smoothedDb_[std::size_t(i)] = sum / double(2 * halfWidth + 1);
        }
    }
    return curve;
}

double TargetCurve::rawGainDb(double frequencyHz) const noexcept {
    if (frequencyHz <= points_.front().frequencyHz) return points_.front().gainDb;
    if (frequencyHz >= points_.back().frequencyHz) return points_.back().gainDb;
    const auto upper = std::upper_bound(points_.begin(), points_.end(), frequencyHz,
                                        [](double f, const CurvePoint& p) { return f < p.frequencyHz; });
    const auto lower = upper - 1;
    const double t = std::log2(frequencyHz / lower->frequencyHz) / std::log2(upper->frequencyHz / lower->frequencyHz);
    return lower->gainDb + t * (upper->gainDb - lower->gainDb);
}

double TargetCurve::gainDb(double frequencyHz) const noexcept {
    if (smoothedDb_.empty()) return rawGainDb(frequencyHz);
    if (frequencyHz <= gridLowHz_) return smoothedDb_.front();
    const double position = std::log2(frequencyHz / gridLowHz_) * gridStepsPerOctave_;
    const auto index = std::size_t(position);
    if (index + 1 >= smoothedDb_.size()) return smoothedDb_.back();
    const double t = position - double(index);
    return smoothedDb_[index] + t * (smoothedDb_[index + 1] - smoothedDb_[index]);
}

std::complex<double> FirDesign::response(double frequencyHz) const noexcept {
    const double omega = 2.0 * std::numbers::pi * frequencyHz / sampleRate_;
    return amplitude(frequencyHz) * std::polar(1.0, -omega * double(latencyFrames()));
}

double FirDesign::amplitude(double frequencyHz) const noexcept {
    const double omega = 2.0 * std::numbers::pi * frequencyHz / sampleRate_;
    const int centre = latencyFrames();
    double sum = taps_[std::size_t(centre)];
    for (int k = 1; k <= centre; ++k) sum += 2.0 * double(taps_[std::size_t(centre + k)]) * std::cos(omega * double(k));
    return sum;
}

double FirDesign::magnitudeDb(double frequencyHz) const noexcept {
    return 20.0 * std::log10(std::max(std::abs(amplitude(frequencyHz)), 1e-300));
}

Result<FirDesign> designLinearPhaseFir(const FirDesignParams& params, double sampleRate) {
    auto target = TargetCurve::create(params, sampleRate);
    if (!target) return target.error();
    if (params.lengthFrames != 0) {
        auto designed = designAtLength(params, target.value(), sampleRate, params.lengthFrames);
        return FirDesign(std::move(designed.taps), sampleRate, std::move(target.value()), designed.maxDeviationDb);
    }
    const int minimum = minimumAutomaticFirLength(sampleRate);
    const int maximum = maximumAutomaticFirLength(sampleRate);
    int length = minimum;
    auto designed = designAtLength(params, target.value(), sampleRate, length);
    while (designed.maxDeviationDb > params.toleranceDb && length < maximum) {
        length = length * 2 + 1;
        designed = designAtLength(params, target.value(), sampleRate, length);
    }
    return FirDesign(std::move(designed.taps), sampleRate, std::move(target.value()), designed.maxDeviationDb);
}

}  // namespace lathe::dsp
