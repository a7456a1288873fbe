#pragma once
// Psychoacoustically optimal FIR noise shaper for requantisation, designed for any sample rate
// (a pure function of the parameters and the sample rate; used by Dither).
//
// An error-feedback requantiser with noise transfer function NTF(z) = 1 + sum_k a_k z^-k turns the
// white total error e (rounding plus TPDF dither, power LSB^2/4) into output noise of spectrum
// |NTF|^2 * LSB^2/4. Minimising the perceived noise, i.e. the weighted power
//     integral over [0, fs/2] of W(f) |NTF(f)|^2 df,
// over monic FIR NTFs of order p is a linear-prediction problem: the a_k solve the normal equations
// sum_j a_j r[i-j] = -r[i] with r the autocorrelation of W (r[k] = mean of W(f) cos(2 pi f k / fs)),
// solved by Levinson-Durbin; the solution is minimum phase, so (Gerzon & Craven 1989) the mean of
// log|NTF|^2 over frequency is 0: noise removed where the ear is sensitive reappears, more of it,
// where it is not. This is the design method of Lipshitz, Vanderkooy & Wannamaker, "Minimally
// audible noise shaping", JAES 39(11), 1991, and Wannamaker, "Psychoacoustically optimal noise
// shaping", JAES 40(7/8), 1992 (whose 9-tap F-weighted 44.1 kHz filter is the usual reference).
//
// The weighting W(f) is the inverse of the threshold of hearing in quiet, T(f) dB SPL, by Terhardt's
// formula (Terhardt, "Calculating virtual pitch", Hearing Research 1, 1979; f in kHz):
//     T(f) = 3.64 f^-0.8 - 6.5 exp(-0.6 (f - 3.3)^2) + 1e-3 f^4,
// held at its value at lowClampHz below that frequency (so low-frequency noise is not raised, as
// loud playback would expose it) and capped at rangeDb above its minimum (which bounds how far
// the noise is raised near and above 20 kHz, and so the total noise power).

#include <complex>
#include <span>
#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

struct NoiseShaperParams {
    int order = 9;               // FIR order p of NTF(z) - 1, in [1, 32]
    double lowClampHz = 200.0;   // weighting held flat below this
    double rangeDb = 40.0;       // weighting's dynamic range above the ear's most sensitive point
};

class NoiseShaper {
public:
    // a_1..a_p of NTF(z) = 1 + sum a_k z^-k. The requantiser adds sum a_k e[n-k] before rounding.
    [[nodiscard]] std::span<const double> coefficients() const noexcept { return coefficients_; }
    [[nodiscard]] double sampleRate() const noexcept { return sampleRate_; }
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;  // NTF(e^jw)
    [[nodiscard]] double responseDb(double frequencyHz) const noexcept;              // 20 log10 |NTF|
    // The weighting (inverse threshold) in dB, 0 dB at the ear's most sensitive frequency.
    [[nodiscard]] double weightingDb(double frequencyHz) const noexcept;
    // Total noise power relative to flat TPDF: 1 + sum a_k^2, in dB.
    [[nodiscard]] double noisePowerGainDb() const noexcept;
    // Weighted (perceived) noise power relative to flat TPDF, in dB (negative: less audible).
    [[nodiscard]] double weightedNoiseGainDb() const noexcept;
    // Weighted noise gain of any other monic FIR NTF (coefficients a_1..a_q) under this weighting.
    [[nodiscard]] double weightedNoiseGainDb(std::span<const double> otherCoefficients) const noexcept;

private:
    friend Result<NoiseShaper> designNoiseShaper(double sampleRate, const NoiseShaperParams& params);
    std::vector<double> coefficients_;
    std::vector<double> weightGrid_;  // W on the design grid, for the weighted-gain figures
    NoiseShaperParams params_;
    double sampleRate_ = 0.0;
    double thresholdMinimumDb_ = 0.0;
};

Result<NoiseShaper> designNoiseShaper(double sampleRate, const NoiseShaperParams& params = {});

// Terhardt's threshold of hearing in quiet, dB SPL (formula above).
[[nodiscard]] double hearingThresholdDb(double frequencyHz) noexcept;

}  // namespace lathe::dsp
