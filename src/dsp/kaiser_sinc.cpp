#include "dsp/kaiser_sinc.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

namespace lathe::dsp {

double besselI0(double x) noexcept {
    // I0(x) = sum_k ((x / 2)^k / k!)^2; terms shrink fast once k > x / 2.
    const double quarterSquare = 0.25 * x * x;
    double term = 1.0;
    double sum = 1.0;
    for (int k = 1; k < 500; ++k) {
        term *= quarterSquare / (double(k) * double(k));
        sum += term;
        if (term < sum * 1e-17) break;
    }
    return sum;
}

namespace {
double kaiserBetaFor(double attenuationDb) noexcept {
    if (attenuationDb > 50.0) return 0.1102 * (attenuationDb - 8.7);
    if (attenuationDb >= 21.0) return 0.5842 * std::pow(attenuationDb - 21.0, 0.4) + 0.07886 * (attenuationDb - 21.0);
    return 0.0;
}
}  // namespace

namespace {
KaiserSincDesign designWithLength(int factor, int tapsPerPhase, double beta) {
    KaiserSincDesign design;
    design.factor = factor;
    design.tapsPerPhase = tapsPerPhase;
    design.kaiserBeta = beta;
    const int length = tapsPerPhase * factor + 1;
    const int centre = (length - 1) / 2;
    const double windowNorm = 1.0 / besselI0(beta);
    design.taps.resize(static_cast<std::size_t>(length));
    for (int k = 0; k < length; ++k) {
        const int offset = k - centre;
        double sinc = 1.0;
        if (offset % factor == 0) {
            sinc = offset == 0 ? 1.0 : 0.0;  // exact zeros: branch 0 is a pure delay
        } else {
            const double x = std::numbers::pi * double(offset) / double(factor);
            sinc = std::sin(x) / x;
        }
        const double r = double(offset) / double(centre);  // -1 .. 1 across the window
        const double window = besselI0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) * windowNorm;
        design.taps[static_cast<std::size_t>(k)] = sinc * window;
    }
    return design;
}

// Worst deviation from the ideal (1 in [0, pass], 0 in [1 - pass, L / 2], fs = 1) on a grid of 32 points
// per 1 / N cycles, evaluated with Clenshaw's recurrence.
double worstRipple(const KaiserSincDesign& design, double passbandFraction) {
    const std::size_t centre = (design.taps.size() - 1) / 2;
    const double scale = 1.0 / double(design.factor);
    const auto amplitude = [&](double cyclesPerSample) {
        const double twoCos = 2.0 * std::cos(2.0 * std::numbers::pi * cyclesPerSample);
        double b1 = 0, b2 = 0;
        for (std::size_t m = centre; m >= 1; --m) {
            const double b0 = 2.0 * design.taps[centre + m] + twoCos * b1 - b2;
            b2 = b1;
            b1 = b0;
        }
        return (design.taps[centre] + 0.5 * twoCos * b1 - b2) * scale;
    };
    const double step = 1.0 / (32.0 * double(design.taps.size()));
    const double l = double(design.factor);
    double worst = 0;
    for (double f = 0; f <= passbandFraction / l; f += step) worst = std::max(worst, std::abs(amplitude(f) - 1.0));
    worst = std::max(worst, std::abs(amplitude(passbandFraction / l) - 1.0));
    for (double f = (1.0 - passbandFraction) / l; f <= 0.5; f += step) worst = std::max(worst, std::abs(amplitude(f)));
    return std::max(worst, std::abs(amplitude(0.5)));
}
}  // namespace

Result<KaiserSincDesign> designKaiserSinc(int factor, double passbandFraction, double stopbandAttenuationDb,
                                          int tapsPerPhaseMultiple) {
    if (tapsPerPhaseMultiple < 2 || tapsPerPhaseMultiple % 2 != 0)
        return fail("oversampling filter: taps per phase must round to an even multiple, got " + std::to_string(tapsPerPhaseMultiple));
    if (factor < 2) return fail("oversampling filter: factor must be at least 2, got " + std::to_string(factor));
    if (!(passbandFraction > 0.0 && passbandFraction < 0.5))
        return fail("oversampling filter: passband fraction must lie in (0, 0.5) of the sample rate, got " +
                    std::to_string(passbandFraction));
    if (!(stopbandAttenuationDb >= 20.0 && stopbandAttenuationDb <= 150.0))
        return fail("oversampling filter: stopband attenuation must lie in [20, 150] dB (float taps), got " +
                    std::to_string(stopbandAttenuationDb));

    // Transition band [pass, 1 - pass] * fs, i.e. (1 - 2 pass) / L cycles per oversampled sample.
    const double transitionRadians = 2.0 * std::numbers::pi * (1.0 - 2.0 * passbandFraction) / double(factor);
    constexpr int kMaxTapsPerPhase = 4096;
    const auto tapsPerPhaseFor = [&](double attenuationDb) {
        const double orderEstimate = (attenuationDb - 7.95) / (2.285 * transitionRadians);  // N - 1
        const double perPhase = std::ceil(orderEstimate / double(factor));
        if (!(perPhase <= kMaxTapsPerPhase)) return kMaxTapsPerPhase + 1;
        const int k = std::max(2, static_cast<int>(perPhase));
        const int m = tapsPerPhaseMultiple;  // even: branch 0 is a whole-frame delay
        return (k + m - 1) / m * m;
    };
    // Kaiser's formulas are approximations (the result falls short by a fraction of a dB at times):
    // design for a slightly higher attenuation until the response (checked on a dense grid, with
    // 0.1 dB to spare for the grid) meets the request.
    const double allowedRipple = std::pow(10.0, -(stopbandAttenuationDb + 0.1) / 20.0);
    for (double designDb = stopbandAttenuationDb;; designDb += 0.5) {
        const int tapsPerPhase = tapsPerPhaseFor(designDb);
        if (tapsPerPhase > kMaxTapsPerPhase)
            return fail("oversampling filter: more than " + std::to_string(kMaxTapsPerPhase) +
                        " taps per phase needed; widen the transition band or lower the attenuation");
        KaiserSincDesign design = designWithLength(factor, tapsPerPhase, kaiserBetaFor(designDb));
        if (worstRipple(design, passbandFraction) <= allowedRipple) return design;
    }
}

double kaiserSincAmplitude(const std::vector<double>& taps, int factor, double cyclesPerSample) noexcept {
    // Symmetric FIR: A(w) = h[c] + 2 sum_m h[c + m] cos(w m).
    if (taps.empty()) return 1.0;
    const std::size_t centre = (taps.size() - 1) / 2;
    const double w = 2.0 * std::numbers::pi * cyclesPerSample;
    double sum = taps[centre];
    for (std::size_t m = 1; m <= centre; ++m) sum += 2.0 * taps[centre + m] * std::cos(w * double(m));
    return sum / double(factor);
}

}  // namespace lathe::dsp
