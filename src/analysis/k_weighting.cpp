#include "analysis/k_weighting.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace lathe::analysis {
namespace {

// ITU-R BS.1770-4 Annex 1, Table 1 (stage 1, shelving pre-filter) and Table 2 (stage 2, RLB
// high pass; numerator 1, -2, 1), both at 48 kHz. These are the standard's definition of
// K-weighting; everything else is derived from them.
constexpr double kReferenceRate = 48000.0;
constexpr BiquadCoefficients kPublishedShelf48k{1.53512485958697, -2.69169618940638, 1.19839281085285,
                                                -1.69065929318241, 0.73248077421585};
constexpr double kPublishedHighPassA1 = -1.99004745483398;
constexpr double kPublishedHighPassA2 = 0.99007225036621;

// Inverts the prewarped bilinear transform of a second-order denominator
//   (1 + K/Q + K^2) z^2 + 2 (K^2 - 1) z + (1 - K/Q + K^2), normalised by its leading term.
// Returns K = tan(pi f0 / fs), K/Q and the leading term a0.
struct Denominator {
    double k, kOverQ, a0;
};
Denominator invertDenominator(double a1, double a2) {
    const double sumAtDc = 1.0 + a1 + a2;        // = 4 K^2 / a0
    const double sumAtNyquist = 1.0 - a1 + a2;   // = 4 / a0
    const double k = std::sqrt(sumAtDc / sumAtNyquist);
    const double a0 = 4.0 / sumAtNyquist;
    return {k, a0 - 1.0 - k * k, a0};
}

KWeightingPrototype derivePrototype() {
    KWeightingPrototype p;
    const BiquadCoefficients& s = kPublishedShelf48k;
    const Denominator shelf = invertDenominator(s.a1, s.a2);
    p.shelfCentreHz = kReferenceRate / std::numbers::pi * std::atan(shelf.k);
    p.shelfQ = shelf.k / shelf.kOverQ;
    // Numerator (Vh + Vb K/Q + K^2, 2 (K^2 - Vh), Vh - Vb K/Q + K^2) / a0:
    // its value at Nyquist is 4 Vh / a0 and b0 - b2 = 2 Vb (K/Q) / a0.
    p.shelfHighGain = (s.b0 - s.b1 + s.b2) * shelf.a0 / 4.0;
    p.shelfMidGain = (s.b0 - s.b2) * shelf.a0 / (2.0 * shelf.kOverQ);

    const Denominator highPass = invertDenominator(kPublishedHighPassA1, kPublishedHighPassA2);
    p.highPassCornerHz = kReferenceRate / std::numbers::pi * std::atan(highPass.k);
    p.highPassQ = highPass.k / highPass.kOverQ;
    // The published numerator is 1, -2, 1 rather than (1, -2, 1) / a0: a passband gain of a0.
    p.highPassGain = highPass.a0;
    return p;
}

}  // namespace

std::complex<double> BiquadCoefficients::response(double frequencyHz, double sampleRate) const noexcept {
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate;
    const std::complex<double> z1 = std::polar(1.0, -w);  // z^-1
    const std::complex<double> z2 = z1 * z1;
    return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

std::complex<double> KWeightingPrototype::response(double frequencyHz) const noexcept {
    const std::complex<double> s(0.0, 2.0 * std::numbers::pi * frequencyHz);
    const double shelfW0 = 2.0 * std::numbers::pi * shelfCentreHz;
    const double highPassW0 = 2.0 * std::numbers::pi * highPassCornerHz;
    const std::complex<double> shelf = (shelfHighGain * s * s + shelfMidGain * (shelfW0 / shelfQ) * s + shelfW0 * shelfW0) /
                                       (s * s + (shelfW0 / shelfQ) * s + shelfW0 * shelfW0);
    const std::complex<double> highPass =
        highPassGain * s * s / (s * s + (highPassW0 / highPassQ) * s + highPassW0 * highPassW0);
    return shelf * highPass;
}

const KWeightingPrototype& kWeightingPrototype() noexcept {
    static const KWeightingPrototype prototype = derivePrototype();
    return prototype;
}

std::complex<double> KWeighting::response(double frequencyHz) const noexcept {
    return shelf.response(frequencyHz, sampleRate) * highPass.response(frequencyHz, sampleRate);
}

namespace {

// |H1(j 2 pi f)|^2 of the shelf prototype.
double shelfPowerGain(const KWeightingPrototype& p, double frequencyHz) {
    const std::complex<double> s(0.0, 2.0 * std::numbers::pi * frequencyHz);
    const double w0 = 2.0 * std::numbers::pi * p.shelfCentreHz;
    return std::norm((p.shelfHighGain * s * s + p.shelfMidGain * (w0 / p.shelfQ) * s + w0 * w0) /
                     (s * s + (w0 / p.shelfQ) * s + w0 * w0));
}

// The shelf by magnitude matching (M. Vicanek, "Matched Second Order Digital Filters", 2016):
// poles at exactly z = exp(s_pole T), then the numerator whose magnitude equals the prototype's
// at DC, at the shelf centre and at Nyquist. Unlike the bilinear transform, which squeezes the
// prototype's whole response (up to infinity) below Nyquist, this stays within 0.04 dB of the
// prototype up to 0.49 fs even at 8 kHz, and within 1e-4 dB at 44.1 kHz and above.
BiquadCoefficients matchedShelf(const KWeightingPrototype& p, double sampleRate) {
    BiquadCoefficients c;
    const double damping = 1.0 / (2.0 * p.shelfQ);
    const double w0T = 2.0 * std::numbers::pi * p.shelfCentreHz / sampleRate;
    const double decay = std::exp(-damping * w0T);
    c.a1 = damping <= 1.0 ? -2.0 * decay * std::cos(w0T * std::sqrt(1.0 - damping * damping))
                          : -2.0 * decay * std::cosh(w0T * std::sqrt(damping * damping - 1.0));
    c.a2 = decay * decay;

    // |P(e^{jw})|^2 = P0 phi0 + P1 phi1 + P2 phi2 for P = p0 + p1 z^-1 + p2 z^-2, where
    // P0 = (p0 + p1 + p2)^2, P1 = (p0 - p1 + p2)^2, P2 = -4 p0 p2,
    // phi0 = cos^2(w/2), phi1 = sin^2(w/2), phi2 = 4 phi0 phi1.
    const double a0Term = (1.0 + c.a1 + c.a2) * (1.0 + c.a1 + c.a2);
    const double a1Term = (1.0 - c.a1 + c.a2) * (1.0 - c.a1 + c.a2);
    const double a2Term = -4.0 * c.a2;
    const double sinHalf = std::sin(std::numbers::pi * p.shelfCentreHz / sampleRate);
    const double phi1 = sinHalf * sinHalf;
    const double phi0 = 1.0 - phi1;
    const double phi2 = 4.0 * phi0 * phi1;
    const double b0Term = shelfPowerGain(p, 0.0) * a0Term;
    const double b1Term = shelfPowerGain(p, sampleRate / 2.0) * a1Term;
    const double denominatorAtCentre = a0Term * phi0 + a1Term * phi1 + a2Term * phi2;
    const double b2Term =
        (shelfPowerGain(p, p.shelfCentreHz) * denominatorAtCentre - b0Term * phi0 - b1Term * phi1) / phi2;

    // Back to coefficients, choosing the minimum-phase root (|b2| < |b0|).
    const double sumAtDc = std::sqrt(b0Term);         // b0 + b1 + b2
    const double sumAtNyquist = std::sqrt(b1Term);    // b0 - b1 + b2
    const double outer = 0.5 * (sumAtDc + sumAtNyquist);  // b0 + b2
    c.b1 = 0.5 * (sumAtDc - sumAtNyquist);
    c.b0 = 0.5 * (outer + std::sqrt(std::max(0.0, outer * outer + b2Term)));
    c.b2 = -b2Term / (4.0 * c.b0);
    return c;
}

}  // namespace

KWeighting designKWeighting(double sampleRate) noexcept {
    const KWeightingPrototype& p = kWeightingPrototype();
    KWeighting out;
    out.sampleRate = sampleRate;

    // Stage 2, the RLB high pass, by the bilinear transform prewarped at its corner, exactly as
    // the published filter: its corner (38 Hz) is far below Nyquist at every rate, where the
    // transform is accurate. Its gain g / a0 goes into the shelf numerator.
    const double kh = std::tan(std::numbers::pi * p.highPassCornerHz / sampleRate);
    const double khOverQ = kh / p.highPassQ;
    const double a0h = 1.0 + khOverQ + kh * kh;
    out.highPass = {1.0, -2.0, 1.0, 2.0 * (kh * kh - 1.0) / a0h, (1.0 - khOverQ + kh * kh) / a0h};
    const double highPassNumeratorGain = p.highPassGain / a0h;

    out.shelf = matchedShelf(p, sampleRate);
    out.shelf.b0 *= highPassNumeratorGain;
    out.shelf.b1 *= highPassNumeratorGain;
    out.shelf.b2 *= highPassNumeratorGain;
    return out;
}

}  // namespace lathe::analysis
