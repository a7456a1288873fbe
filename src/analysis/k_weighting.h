#pragma once
// K-weighting of ITU-R BS.1770-4 (Annex 1, Tables 1 and 2) designed for any sample rate.
//
// BS.1770-4 publishes the two K-weighting biquads only at 48 kHz and asks that other rates give
// the same frequency response. As libebur128 and sdroege/ebur128 do, we treat the published
// filters as digital versions of two analogue prototypes:
//   stage 1, high shelf    H1(s) = (Vh s^2 + Vb (w0/Q) s + w0^2) / (s^2 + (w0/Q) s + w0^2)
//   stage 2, RLB high pass H2(s) = g s^2 / (s^2 + (w0/Q) s + w0^2)
// Unlike those libraries, the prototype parameters are not pasted fits: kWeightingPrototype()
// recovers them from the published 48 kHz coefficients by inverting the prewarped bilinear
// transform they were made with (the results agree with libebur128's constants to 1e-9).
// Each rate is then designed from the prototypes:
//   - the RLB high pass by the bilinear transform prewarped at 38 Hz (as published; exact at
//     48 kHz). Its passband gain g (+0.043 dB: the published numerator 1, -2, 1 is not
//     normalised) is kept at every rate; libebur128 lets it drift (+0.26 dB at 8 kHz, +0.011 dB
//     at 192 kHz, which is most of the 0.03 LU by which the two differ at 192 kHz).
//   - the shelf by magnitude matching (Vicanek 2016, see matchedShelf in the .cpp): the bilinear
//     transform would squeeze the shelf's response below Nyquist and read a 1 kHz tone 0.2 dB
//     low at 8 kHz; matching keeps the shelf within 0.04 dB of the prototype up to 0.49 fs at
//     8 kHz and within 1e-4 dB at 44.1 kHz and up. At 48 kHz it differs from the published shelf
//     by at most 4e-4 in any coefficient and 0.009 dB in response (the published filter's own
//     bilinear warping).
// designKWeighting(fs) is a pure function of the sample rate; response(f) is the exact response
// of the designed digital filter, the single source of truth for tests and plots.

#include <complex>

namespace lathe::analysis {

// y[n] = b0 x[n] + b1 x[n-1] + b2 x[n-2] - a1 y[n-1] - a2 y[n-2]
struct BiquadCoefficients {
    double b0 = 1.0, b1 = 0.0, b2 = 0.0, a1 = 0.0, a2 = 0.0;

    // H(e^{j 2 pi f / fs}), exact for the coefficients.
    [[nodiscard]] std::complex<double> response(double frequencyHz, double sampleRate) const noexcept;
};

// The analogue prototypes of the two K-weighting stages (see the file comment).
struct KWeightingPrototype {
    double shelfCentreHz = 0;    // w0 / 2 pi of the shelf
    double shelfQ = 0;
    double shelfHighGain = 0;    // Vh: gain above the shelf (linear, about +4 dB)
    double shelfMidGain = 0;     // Vb: numerator s-term gain (sets the shelf's slope)
    double highPassCornerHz = 0; // w0 / 2 pi of the RLB high pass
    double highPassQ = 0;
    double highPassGain = 0;     // g: passband gain of the RLB stage (linear, 1.005)

    // H1(j 2 pi f) H2(j 2 pi f).
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;
};

// The prototypes recovered from BS.1770-4's 48 kHz coefficients (computed once, no pasted fits).
[[nodiscard]] const KWeightingPrototype& kWeightingPrototype() noexcept;

// The two digital stages at one sample rate. The RLB stage's numerator is exactly 1, -2, 1 (so the
// filter loop needs no multiplies for it); its gain g / a0(fs) is folded into the shelf numerator.
struct KWeighting {
    double sampleRate = 48000.0;
    BiquadCoefficients shelf;
    BiquadCoefficients highPass;  // b0 = 1, b1 = -2, b2 = 1

    // Exact response of the cascade at frequencyHz.
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;
};

// The two stages at `sampleRate` (see the file comment). Valid for any rate above twice the shelf
// centre (about 3.4 kHz); lathe uses 8 kHz to 384 kHz.
[[nodiscard]] KWeighting designKWeighting(double sampleRate) noexcept;

}  // namespace lathe::analysis
