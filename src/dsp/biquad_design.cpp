#include "lathe/dsp/biquad_design.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

namespace lathe::dsp {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kMinFrequencyRatio = 1e-5;  // of the sample rate
constexpr double kMaxFrequencyRatio = 0.49;
constexpr double kMinQ = 0.025;
constexpr double kMaxQ = 100.0;
constexpr double kMaxGainDb = 48.0;
// The matched fit pins |H| at DC, Nyquist and a third frequency; closer than 0.9 pi to Nyquist the
// third condition becomes nearly the second one (ill-conditioned), so the pin moves down to 0.9 pi.
constexpr double kMaxMatchRadians = 0.9 * kPi;

double clampFrequency(double frequencyHz, double sampleRate) noexcept {
    return std::clamp(frequencyHz, kMinFrequencyRatio * sampleRate, kMaxFrequencyRatio * sampleRate);
}
double clampQ(double q) noexcept { return std::clamp(q, kMinQ, kMaxQ); }

// ---- an analogue section in normalised frequency (s in rad/sample: s_normalised = s T) ------

struct NormalisedSection {
    double n0, n1, n2, d0, d1, d2;

    // |H(j w)|^2 at w rad/sample.
    [[nodiscard]] double magnitudeSquared(double w) const noexcept {
        const double w2 = w * w;
        const double numRe = n0 - n2 * w2, numIm = n1 * w;
        const double denRe = d0 - d2 * w2, denIm = d1 * w;
        return (numRe * numRe + numIm * numIm) / (denRe * denRe + denIm * denIm);
    }
    [[nodiscard]] bool firstOrder() const noexcept { return d2 == 0.0; }
    // Natural frequency of the poles (rad/sample).
    [[nodiscard]] double poleFrequency() const noexcept {
        return firstOrder() ? d0 / d1 : std::sqrt(d0 / d2);
    }
    // Geometric mean of pole and (finite, non-zero) zero natural frequencies, else the pole's.
    [[nodiscard]] double characteristicFrequency() const noexcept {
        const double pole = poleFrequency();
        if (firstOrder()) return (n0 != 0.0 && n1 != 0.0) ? std::sqrt(pole * std::abs(n0 / n1)) : pole;
        return (n0 != 0.0 && n2 != 0.0) ? std::sqrt(pole * std::sqrt(std::abs(n0 / n2))) : pole;
    }
};

NormalisedSection normalise(const AnalogSection& s, double sampleRate) noexcept {
    const double fs = sampleRate, fs2 = sampleRate * sampleRate;
    return {s.n0, s.n1 * fs, s.n2 * fs2, s.d0, s.d1 * fs, s.d2 * fs2};
}

// ---- bilinear transform, pre-warped at the characteristic frequency --------------------------

BiquadCoefficients bilinear(const NormalisedSection& s) noexcept {
    const double warp = std::min(s.characteristicFrequency(), kMaxFrequencyRatio * 2.0 * kPi);
    // s -> c (1 - z^-1) / (1 + z^-1), with c chosen so that the analogue warp frequency maps to itself.
    const double c = warp > 1e-9 ? warp / std::tan(0.5 * warp) : 2.0;
    if (s.firstOrder()) {
        const double a0 = s.d0 + s.d1 * c;
        return {(s.n0 + s.n1 * c) / a0, (s.n0 - s.n1 * c) / a0, 0.0, (s.d0 - s.d1 * c) / a0, 0.0};
    }
    const double c2 = c * c;
    const double a0 = s.d0 + s.d1 * c + s.d2 * c2;
    return {(s.n0 + s.n1 * c + s.n2 * c2) / a0, (2.0 * s.n0 - 2.0 * s.n2 * c2) / a0,
            (s.n0 - s.n1 * c + s.n2 * c2) / a0, (2.0 * s.d0 - 2.0 * s.d2 * c2) / a0,
            (s.d0 - s.d1 * c + s.d2 * c2) / a0};
}

// ---- matched design (Vicanek 2016, with a least-squares numerator) ------------------------------
//
// Both |A(e^jw)|^2 and |B(e^jw)|^2 of a biquad are linear in three numbers (Vicanek eq. 10):
//   |A|^2 = A0 phi0 + A1 phi1 + A2 phi2,  phi1 = sin^2(w/2), phi0 = 1 - phi1, phi2 = 4 phi0 phi1,
//   A0 = (1 + a1 + a2)^2, A1 = (1 - a1 + a2)^2, A2 = -4 a2   (likewise B0, B1, B2 from b0, b1, b2).
// So once the poles are fixed, fitting |H|^2 = |B|^2 / |A|^2 to the analogue |H|^2 is LINEAR in
// (B0, B1, B2), and any non-negative fit factors back into b0, b1, b2 (Vicanek eq. 13).

// Power-spectrum coefficients of a polynomial c0 + c1 z^-1 + c2 z^-2.
struct PowerCoefficients {
    double p0, p1, p2;
    [[nodiscard]] double at(double phi1) const noexcept {
        const double phi0 = 1.0 - phi1;
        return p0 * phi0 + p1 * phi1 + p2 * 4.0 * phi0 * phi1;
    }
};

// Factors (P0, P1, P2) into c0 + c1 z^-1 + c2 z^-2 with c0 + c1 + c2 = sqrt(P0),
// c0 - c1 + c2 = sqrt(P1), -4 c0 c2 = P2, taking the larger root for c0 (minimum phase).
// Returns false when no real factor exists.
bool factor(const PowerCoefficients& p, double& c0, double& c1, double& c2) noexcept {
    if (!(p.p0 >= 0.0) || !(p.p1 >= 0.0)) return false;
    const double root0 = std::sqrt(p.p0), root1 = std::sqrt(p.p1);
    const double w = 0.5 * (root0 + root1);
    const double discriminant = w * w + p.p2;
    if (!(discriminant >= 0.0)) return false;
    c0 = 0.5 * (w + std::sqrt(discriminant));
    c1 = 0.5 * (root0 - root1);
    c2 = c0 != 0.0 ? -p.p2 / (4.0 * c0) : 0.0;
    return std::isfinite(c0) && std::isfinite(c1) && std::isfinite(c2);
}

double sinSquaredHalf(double w) noexcept {
    const double s = std::sin(0.5 * w);
    return s * s;
}

// The least-squares grid: kFitPoints log-spaced frequencies from 0.002 pi up to the top of the
// audio band, min(20 kHz, 0.45 fs). Fixed for a sample rate, so coefficients move smoothly with
// the parameters (the parametric EQ ramps rely on it).
constexpr int kFitPoints = 24;
constexpr double kFitLowestRadians = 0.002 * kPi;

double fitHighestRadians(double sampleRate) noexcept {
    return std::min(0.9 * kPi, 2.0 * kPi * 20000.0 / sampleRate);
}

// Second order, poles by impulse invariance of the analogue poles (exact pole mapping z = e^{sT}).
void impulseInvariantPoles(const NormalisedSection& s, double& a1, double& a2, double& sumA) noexcept {
    const double wn = std::sqrt(s.d0 / s.d2);
    const double zeta = s.d1 / (2.0 * std::sqrt(s.d0 * s.d2));
    const double r = std::exp(-zeta * wn);
    a2 = r * r;
    if (zeta < 1.0) {
        const double theta = std::min(wn * std::sqrt(1.0 - zeta * zeta), kPi);  // clamp: see header
        a1 = -2.0 * r * std::cos(theta);
        // 1 + a1 + a2 = (1 - r)^2 + 4 r sin^2(theta/2): no cancellation for poles near z = 1.
        const double oneMinusR = -std::expm1(-zeta * wn);
        sumA = oneMinusR * oneMinusR + 4.0 * r * sinSquaredHalf(theta);
    } else {
        const double root = wn * std::sqrt(zeta * zeta - 1.0);
        const double p1 = -zeta * wn + root, p2 = -zeta * wn - root;  // real analogue poles
        a1 = -(std::exp(p1) + std::exp(p2));
        sumA = std::expm1(p1) * std::expm1(p2);
    }
}

BiquadCoefficients matchedSecondOrder(const NormalisedSection& s, double sampleRate) noexcept {
    double a1, a2, sumA;
    impulseInvariantPoles(s, a1, a2, sumA);
    const PowerCoefficients A{sumA * sumA, (1.0 - a1 + a2) * (1.0 - a1 + a2), -4.0 * a2};

    const double wm = std::min(s.characteristicFrequency(), kMaxMatchRadians);
    const double phiM = sinSquaredHalf(wm);
    const double targetM = s.magnitudeSquared(wm) * A.at(phiM);  // |B(wm)|^2 wanted

    if (s.n0 == 0.0 && s.n1 == 0.0) {
        // High-pass: keep the analogue double zero at DC, B(z) = g (1 - z^-1)^2, |B|^2 = 16 g^2 phi1^2,
        // and match |H| at the characteristic frequency (Vicanek's high-pass).
        const double g = std::sqrt(targetM) / (4.0 * phiM);
        return {g, -2.0 * g, g, a1, a2};
    }

    // |H| is exact at DC and at the characteristic frequency (the gain the user asked for at f0),
    // which ties B2 to B1:  B2 = (targetM - B0 phi0(wm) - B1 phi1(wm)) / phi2(wm).  The one remaining
    // degree of freedom, B1, minimises the squared relative (power) error on the grid: residual_i =
    // (B . phi_i - target_i) / target_i is linear in B1, so the minimum is one division.
    const double B0 = s.magnitudeSquared(0.0) * A.p0;
    const double phi0M = 1.0 - phiM, phi2M = 4.0 * phi0M * phiM;
    const double lowest = kFitLowestRadians, highest = fitHighestRadians(sampleRate);
    double numerator = 0.0, denominator = 0.0;
    const double growth = std::pow(highest / lowest, 1.0 / double(kFitPoints - 1));
    double w = lowest;
    for (int i = 0; i < kFitPoints; ++i, w *= growth) {
        const double phi1 = sinSquaredHalf(w), phi0 = 1.0 - phi1, phi2 = 4.0 * phi0 * phi1;
        const double target = s.magnitudeSquared(w) * A.at(phi1);
        // B . phi_i = c_i + B1 d_i with the pinned terms moved into c_i.
        const double ratio = phi2 / phi2M;
        const double c = B0 * phi0 + (targetM - B0 * phi0M) * ratio;
        const double d = phi1 - phiM * ratio;
        numerator += d * (target - c) / (target * target);
        denominator += d * d / (target * target);
    }
    PowerCoefficients B{B0, numerator / denominator, 0.0};
    B.p2 = (targetM - B0 * phi0M - B.p1 * phiM) / phi2M;
    double b0, b1, b2;
    if (std::isfinite(B.p1) && factor(B, b0, b1, b2)) return {b0, b1, b2, a1, a2};

    // Fallback, Vicanek's three-point match: |H| exact at DC, Nyquist and the characteristic frequency.
    B.p1 = s.magnitudeSquared(kPi) * A.p1;
    B.p2 = (targetM - B.p0 * (1.0 - phiM) - B.p1 * phiM) / (4.0 * (1.0 - phiM) * phiM);
    if (!factor(B, b0, b1, b2)) {
        B.p2 = -0.25 * (std::sqrt(B.p0) + std::sqrt(B.p1)) * (std::sqrt(B.p0) + std::sqrt(B.p1));  // closest factorable
        factor(B, b0, b1, b2);
    }
    return {b0, b1, b2, a1, a2};
}

// First order, one pole: pole and zero fitted so that |H| is exact at DC (h0), Nyquist (h1) and
// wm (hm). With A(z) = 1 + a z^-1, |A|^2 = (1+a)^2 phi0 + (1-a)^2 phi1, so the three conditions give
// ((1+a)/(1-a))^2 = (hm^2 - h1^2) phi1 / ((h0^2 - hm^2) phi0); then b0 + b1 = h0 (1+a), b0 - b1 = h1 (1-a).
BiquadCoefficients onePoleFit(const NormalisedSection& s) noexcept {
    const double w = std::min(s.characteristicFrequency(), kMaxMatchRadians);
    const double h0 = std::sqrt(s.magnitudeSquared(0.0));
    const double h1 = std::sqrt(s.magnitudeSquared(kPi));
    const double hm2 = s.magnitudeSquared(w);
    const double phi = sinSquaredHalf(w);
    const double ratio = (hm2 - h1 * h1) * phi / ((h0 * h0 - hm2) * (1.0 - phi));
    double a;
    if (std::isfinite(ratio) && ratio > 1e-300) {
        const double r = std::sqrt(ratio);
        a = (r - 1.0) / (r + 1.0);
    } else {
        a = -std::exp(-s.poleFrequency());  // flat section: impulse-invariant pole
    }
    const double sum = h0 * (1.0 + a), difference = h1 * (1.0 - a);
    return {0.5 * (sum + difference), 0.5 * (sum - difference), 0.0, a, 0.0};
}

// First-order prototypes get a full biquad: with poles and zeros both free, matching |H|^2 at five
// frequencies (DC, Nyquist, wm/2, wm, and min(2 wm, (wm + pi)/2)) is a LINEAR system in
// (A0, A1, A2, B0, B1, B2) with A0 = 1, since B . phi_i = T_i A . phi_i at each node. A one-pole
// filter cannot follow a first-order analogue shape near Nyquist (errors of 1-2 dB for a 16 kHz
// tilt at 44.1 kHz); the biquad fit stays within a few hundredths of a dB. Falls back to the
// one-pole fit if the solution does not factor into a stable section.
BiquadCoefficients matchedFirstOrder(const NormalisedSection& s) noexcept {
    const double wm = std::min(s.characteristicFrequency(), kMaxMatchRadians);
    const double nodes[3] = {0.5 * wm, wm, std::min(2.0 * wm, 0.5 * (wm + kPi))};
    // Unknowns x = (A1, A2, B1, B2) after A0 = 1, B0 = T(0). Rows: Nyquist and the three nodes.
    const double t0 = s.magnitudeSquared(0.0), t1 = s.magnitudeSquared(kPi);
    double m[4][5] = {};
    m[0][0] = -t1;  // B1 - t1 A1 = 0
    m[0][2] = 1.0;
    for (int i = 0; i < 3; ++i) {
        const double phi1 = sinSquaredHalf(nodes[i]), phi0 = 1.0 - phi1, phi2 = 4.0 * phi0 * phi1;
        const double t = s.magnitudeSquared(nodes[i]);
        // B0 phi0 + B1 phi1 + B2 phi2 = t (phi0 + A1 phi1 + A2 phi2)
        m[i + 1][0] = -t * phi1;
        m[i + 1][1] = -t * phi2;
        m[i + 1][2] = phi1;
        m[i + 1][3] = phi2;
        m[i + 1][4] = t * phi0 - t0 * phi0;
    }
    // Gaussian elimination with partial pivoting.
    bool solved = true;
    for (int c = 0; c < 4 && solved; ++c) {
        int pivot = c;
        for (int r = c + 1; r < 4; ++r)
            if (std::abs(m[r][c]) > std::abs(m[pivot][c])) pivot = r;
        if (!(std::abs(m[pivot][c]) > 1e-300)) {
            solved = false;
            break;
        }
        for (int k = 0; k < 5; ++k) std::swap(m[c][k], m[pivot][k]);
        for (int r = 0; r < 4; ++r) {
            if (r == c) continue;
            const double f = m[r][c] / m[c][c];
            for (int k = c; k < 5; ++k) m[r][k] -= f * m[c][k];
        }
    }
    if (solved) {
        const PowerCoefficients A{1.0, m[0][4] / m[0][0], m[1][4] / m[1][1]};
        const PowerCoefficients B{t0, m[2][4] / m[2][2], m[3][4] / m[3][3]};
        double a0, a1, a2, b0, b1, b2;
        if (factor(A, a0, a1, a2) && factor(B, b0, b1, b2) && a0 > 0.0) {
            const BiquadCoefficients fit{b0 / a0, b1 / a0, b2 / a0, a1 / a0, a2 / a0};
            if (fit.isStable()) return fit;
        }
    }
    return onePoleFit(s);
}

// ---- prototype helpers ------------------------------------------------------------------------

double radians(double frequencyHz) noexcept { return 2.0 * kPi * frequencyHz; }

int clampOrder(int order, int lowest, int highest) noexcept { return std::clamp(order, lowest, highest); }
int linkwitzRileyOrder(int order) noexcept { return clampOrder(order + (order & 1), 2, 8); }

AnalogCascade butterworth(int order, double cutoffHz, bool highPass) noexcept {
    const int n = clampOrder(order, 1, 8);
    const double wc = radians(cutoffHz);
    AnalogCascade out;
    for (int k = 1; k <= n / 2; ++k) {
        const double q = 1.0 / (2.0 * std::sin((2.0 * k - 1.0) * kPi / (2.0 * n)));
        out.append(highPass ? AnalogSection{0.0, 0.0, 1.0, wc * wc, wc / q, 1.0}
                            : AnalogSection{wc * wc, 0.0, 0.0, wc * wc, wc / q, 1.0});
    }
    if (n % 2 == 1) out.append(highPass ? AnalogSection{0.0, 1.0, 0.0, wc, 1.0, 0.0} : AnalogSection{wc, 0.0, 0.0, wc, 1.0, 0.0});
    return out;
}

AnalogCascade linkwitzRiley(int order, double cutoffHz, bool highPass) noexcept {
    const AnalogCascade half = butterworth(linkwitzRileyOrder(order) / 2, cutoffHz, highPass);
    AnalogCascade out = half;
    out.append(half);
    return out;
}

// 1 / H(z), normalised. Exact for every design here because the cut of a bell, shelf or tilt is
// the reciprocal of the boost by the same amount (A -> 1/A swaps numerator and denominator).
BiquadCoefficients reciprocal(const BiquadCoefficients& c) noexcept {
    return {1.0 / c.b0, c.a1 / c.b0, c.a2 / c.b0, c.b1 / c.b0, c.b2 / c.b0};
}

// Which sign of gain the matched method designs directly (the other is its reciprocal): the one
// whose POLES are the better-behaved impulse-invariant mapping. Poles are mapped exactly but the
// zeros are only magnitude fits, so the section whose poles carry the shape (bell boost: the
// resonant pole pair) or sit lower in frequency (low-shelf boost, high-shelf and tilt cut: poles
// below f0) is designed, and the reciprocal taken for the opposite sign. Fitting the other way
// round fails badly near Nyquist (the fitted zeros cannot be factored; tens of dB of error).
enum class DesignedSign { boost, cut };

BiquadCoefficients gainDesign(FilterType type, double frequencyHz, double gainDb, double q, double sampleRate,
                              DesignMethod method) noexcept {
    if (gainDb == 0.0) return {};  // exact identity: a flat band is bit-exact bypass
    const DesignedSign designed =
        (type == FilterType::bell || type == FilterType::lowShelf) ? DesignedSign::boost : DesignedSign::cut;
    const bool flip = method == DesignMethod::matched && ((designed == DesignedSign::boost) != (gainDb > 0.0));
    const double g = flip ? -gainDb : gainDb;
    const double f = clampFrequency(frequencyHz, sampleRate);
    AnalogSection prototype;
    switch (type) {
        case FilterType::bell: prototype = analogBell(f, g, q); break;
        case FilterType::lowShelf: prototype = analogLowShelf(f, g, q); break;
        case FilterType::highShelf: prototype = analogHighShelf(f, g, q); break;
        default: prototype = analogTilt(f, g); break;
    }
    const BiquadCoefficients c = digitise(prototype, sampleRate, method);
    return flip ? reciprocal(c) : c;
}

}  // namespace

// ---- analogue sections --------------------------------------------------------------------------

std::complex<double> AnalogSection::response(double frequencyHz) const noexcept {
    const std::complex<double> s(0.0, radians(frequencyHz));
    return (n0 + s * (n1 + s * n2)) / (d0 + s * (d1 + s * d2));
}

void AnalogCascade::append(const AnalogSection& section) noexcept {
    assert(numSections < BiquadCascade::kMaxSections);
    if (numSections < BiquadCascade::kMaxSections) sections[static_cast<std::size_t>(numSections++)] = section;
}

void AnalogCascade::append(const AnalogCascade& other) noexcept {
    for (int k = 0; k < other.numSections; ++k) append(other.sections[static_cast<std::size_t>(k)]);
}

std::complex<double> AnalogCascade::response(double frequencyHz) const noexcept {
    std::complex<double> h = 1.0;
    for (int k = 0; k < numSections; ++k) h *= sections[static_cast<std::size_t>(k)].response(frequencyHz);
    return h;
}

double AnalogCascade::magnitudeDb(double frequencyHz) const noexcept {
    return 20.0 * std::log10(std::abs(response(frequencyHz)));
}

// ---- digitisation -------------------------------------------------------------------------------

BiquadCoefficients digitise(const AnalogSection& prototype, double sampleRate, DesignMethod method) noexcept {
    const NormalisedSection s = normalise(prototype, sampleRate);
    if (s.d2 == 0.0 && s.d1 == 0.0) return {s.n0 / s.d0, 0.0, 0.0, 0.0, 0.0};  // a plain gain
    assert((s.d2 != 0.0 || s.n2 == 0.0) && "improper first-order section");
    if (method == DesignMethod::bilinear) return bilinear(s);
    return s.firstOrder() ? matchedFirstOrder(s) : matchedSecondOrder(s, sampleRate);
}

BiquadCascade digitise(const AnalogCascade& prototype, double sampleRate, DesignMethod method) noexcept {
    BiquadCascade out;
    for (int k = 0; k < prototype.numSections; ++k)
        out.append(digitise(prototype.sections[static_cast<std::size_t>(k)], sampleRate, method));
    return out;
}

// ---- analogue prototypes ----------------------------------------------------------------------

AnalogCascade analogButterworthLowPass(int order, double cutoffHz) noexcept { return butterworth(order, cutoffHz, false); }
AnalogCascade analogButterworthHighPass(int order, double cutoffHz) noexcept { return butterworth(order, cutoffHz, true); }
AnalogCascade analogLinkwitzRileyLowPass(int order, double cutoffHz) noexcept {
    return linkwitzRiley(order, cutoffHz, false);
}
AnalogCascade analogLinkwitzRileyHighPass(int order, double cutoffHz) noexcept {
    return linkwitzRiley(order, cutoffHz, true);
}

AnalogSection analogBell(double frequencyHz, double gainDb, double q) noexcept {
    const double w0 = radians(frequencyHz), A = std::pow(10.0, gainDb / 40.0);
    q = clampQ(q);
    return {w0 * w0, A * w0 / q, 1.0, w0 * w0, w0 / (A * q), 1.0};
}

AnalogSection analogLowShelf(double frequencyHz, double gainDb, double q) noexcept {
    const double w0 = radians(frequencyHz), A = std::pow(10.0, gainDb / 40.0), rootA = std::sqrt(A);
    q = clampQ(q);
    return {A * A * w0 * w0, A * rootA * w0 / q, A, w0 * w0, rootA * w0 / q, A};
}

AnalogSection analogHighShelf(double frequencyHz, double gainDb, double q) noexcept {
    const double w0 = radians(frequencyHz), A = std::pow(10.0, gainDb / 40.0), rootA = std::sqrt(A);
    q = clampQ(q);
    return {A * w0 * w0, A * rootA * w0 / q, A * A, A * w0 * w0, rootA * w0 / q, 1.0};
}

AnalogSection analogTilt(double pivotHz, double gainDb) noexcept {
    const double w0 = radians(pivotHz), G = std::pow(10.0, gainDb / 20.0);
    return {w0, G, 0.0, G * w0, 1.0, 0.0};
}

// ---- digital designs --------------------------------------------------------------------------

BiquadCascade butterworthLowPass(int order, double cutoffHz, double sampleRate, DesignMethod method) noexcept {
    return digitise(analogButterworthLowPass(order, clampFrequency(cutoffHz, sampleRate)), sampleRate, method);
}
BiquadCascade butterworthHighPass(int order, double cutoffHz, double sampleRate, DesignMethod method) noexcept {
    return digitise(analogButterworthHighPass(order, clampFrequency(cutoffHz, sampleRate)), sampleRate, method);
}
BiquadCascade linkwitzRileyLowPass(int order, double cutoffHz, double sampleRate, DesignMethod method) noexcept {
    return digitise(analogLinkwitzRileyLowPass(order, clampFrequency(cutoffHz, sampleRate)), sampleRate, method);
}
BiquadCascade linkwitzRileyHighPass(int order, double cutoffHz, double sampleRate, DesignMethod method) noexcept {
    return digitise(analogLinkwitzRileyHighPass(order, clampFrequency(cutoffHz, sampleRate)), sampleRate, method);
}

BiquadCoefficients bell(double frequencyHz, double gainDb, double q, double sampleRate, DesignMethod method) noexcept {
    return gainDesign(FilterType::bell, frequencyHz, gainDb, q, sampleRate, method);
}
BiquadCoefficients lowShelf(double frequencyHz, double gainDb, double q, double sampleRate,
                            DesignMethod method) noexcept {
    return gainDesign(FilterType::lowShelf, frequencyHz, gainDb, q, sampleRate, method);
}
BiquadCoefficients highShelf(double frequencyHz, double gainDb, double q, double sampleRate,
                             DesignMethod method) noexcept {
    return gainDesign(FilterType::highShelf, frequencyHz, gainDb, q, sampleRate, method);
}
BiquadCoefficients tilt(double pivotHz, double gainDb, double sampleRate, DesignMethod method) noexcept {
    return gainDesign(FilterType::tilt, pivotHz, gainDb, 0.0, sampleRate, method);
}

// ---- FilterSpec ---------------------------------------------------------------------------------

bool hasGain(FilterType type) noexcept {
    return type == FilterType::bell || type == FilterType::lowShelf || type == FilterType::highShelf ||
           type == FilterType::tilt;
}

Status validate(const FilterSpec& spec) {
    if (!std::isfinite(spec.frequencyHz) || spec.frequencyHz <= 0.0)
        return fail("filter frequencyHz must be a finite number above 0 Hz (got " + std::to_string(spec.frequencyHz) + ")");
    if (!std::isfinite(spec.gainDb) || std::abs(spec.gainDb) > kMaxGainDb)
        return fail("filter gainDb must be within +-48 dB (got " + std::to_string(spec.gainDb) + ")");
    if (!std::isfinite(spec.q) || spec.q < kMinQ || spec.q > kMaxQ)
        return fail("filter q must be within 0.025 .. 100 (got " + std::to_string(spec.q) + ")");
    switch (spec.type) {
        case FilterType::highPass:
        case FilterType::lowPass:
            if (spec.order < 1 || spec.order > 8)
                return fail("Butterworth order must be 1 .. 8 (got " + std::to_string(spec.order) + ")");
            break;
        case FilterType::linkwitzRileyHighPass:
        case FilterType::linkwitzRileyLowPass:
            if (spec.order < 2 || spec.order > 8 || spec.order % 2 != 0)
                return fail("Linkwitz-Riley order must be 2, 4, 6 or 8 (got " + std::to_string(spec.order) + ")");
            break;
        default: break;
    }
    return success();
}

int sectionCount(const FilterSpec& spec) noexcept {
    switch (spec.type) {
        case FilterType::highPass:
        case FilterType::lowPass: {
            const int n = clampOrder(spec.order, 1, 8);
            return n / 2 + n % 2;
        }
        case FilterType::linkwitzRileyHighPass:
        case FilterType::linkwitzRileyLowPass: {
            const int half = linkwitzRileyOrder(spec.order) / 2;
            return 2 * (half / 2 + half % 2);
        }
        default: return 1;
    }
}

AnalogCascade analogPrototype(const FilterSpec& spec) noexcept {
    AnalogCascade out;
    switch (spec.type) {
        case FilterType::bell: out.append(analogBell(spec.frequencyHz, spec.gainDb, spec.q)); break;
        case FilterType::lowShelf: out.append(analogLowShelf(spec.frequencyHz, spec.gainDb, spec.q)); break;
        case FilterType::highShelf: out.append(analogHighShelf(spec.frequencyHz, spec.gainDb, spec.q)); break;
        case FilterType::tilt: out.append(analogTilt(spec.frequencyHz, spec.gainDb)); break;
        case FilterType::highPass: out = analogButterworthHighPass(spec.order, spec.frequencyHz); break;
        case FilterType::lowPass: out = analogButterworthLowPass(spec.order, spec.frequencyHz); break;
        case FilterType::linkwitzRileyHighPass: out = analogLinkwitzRileyHighPass(spec.order, spec.frequencyHz); break;
        case FilterType::linkwitzRileyLowPass: out = analogLinkwitzRileyLowPass(spec.order, spec.frequencyHz); break;
    }
    return out;
}

BiquadCascade design(const FilterSpec& spec, double sampleRate, DesignMethod method) noexcept {
    switch (spec.type) {
        case FilterType::bell: return bell(spec.frequencyHz, spec.gainDb, spec.q, sampleRate, method);
        case FilterType::lowShelf: return lowShelf(spec.frequencyHz, spec.gainDb, spec.q, sampleRate, method);
        case FilterType::highShelf: return highShelf(spec.frequencyHz, spec.gainDb, spec.q, sampleRate, method);
        case FilterType::tilt: return tilt(spec.frequencyHz, spec.gainDb, sampleRate, method);
        case FilterType::highPass: return butterworthHighPass(spec.order, spec.frequencyHz, sampleRate, method);
        case FilterType::lowPass: return butterworthLowPass(spec.order, spec.frequencyHz, sampleRate, method);
        case FilterType::linkwitzRileyHighPass:
            return linkwitzRileyHighPass(spec.order, spec.frequencyHz, sampleRate, method);
        case FilterType::linkwitzRileyLowPass:
            return linkwitzRileyLowPass(spec.order, spec.frequencyHz, sampleRate, method);
    }
    return {};
}

}  // namespace lathe::dsp
