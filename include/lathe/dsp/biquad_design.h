#pragma once
// Filter designs: pure functions of (parameters, sample rate) returning biquad cascades
// (lathe/dsp/biquad.h). Every design starts from an ANALOGUE prototype (exposed below, so
// tests, plots and reports share one target curve) and digitises it with one of two methods:
//
//  DesignMethod::bilinear  Bilinear transform, pre-warped at the section's characteristic
//      frequency (see below). Exact at DC, at that frequency and in all algebraic identities
//      (Linkwitz-Riley low-pass + high-pass = all-pass, exactly), but the whole analogue axis is
//      squeezed into [0, fs/2): responses "cramp" towards Nyquist (a low-pass reaches -inf dB at
//      fs/2; a 16 kHz shelf at 44.1 kHz comes out narrower than asked). The right choice for
//      crossovers and side-chain filters; the default for Butterworth and Linkwitz-Riley.
//
//  DesignMethod::matched   M. Vicanek, "Matched Second Order Digital Filters" (2016): poles by
//      impulse invariance (exact pole mapping z = e^{sT}, no frequency warping), zeros chosen so
//      that |H| equals the analogue |H| exactly at DC, at Nyquist and at the characteristic
//      frequency (for high-pass sections: a double zero at DC and an exact match at the
//      characteristic frequency, as in the paper). First-order sections use the same idea with a
//      closed-form one-pole fit through the three magnitudes (cf. Vicanek, "Matched One-Pole
//      Digital Shelving Filters", 2019). No cramping: the default for bells, shelves and tilt.
//      Where it still departs from the analogue prototype:
//        - magnitude between the three pinned frequencies: the worst cases are high-Q bells and
//          shelves whose transition is close to Nyquist; tests/dsp/biquad_design_test.cpp states
//          the bounds it asserts (e.g. bells/shelves up to 16 kHz at 44.1 kHz);
//        - phase: the zeros are magnitude fits (minimum phase), so phase is not the analogue
//          phase near Nyquist (and LP + HP of a matched Linkwitz-Riley pair is not exactly
//          all-pass: use bilinear for crossovers);
//        - a resonant (low damping) prototype whose damped pole frequency lies above Nyquist
//          (e.g. a +24 dB high shelf at 16 kHz, 44.1 kHz) cannot be impulse-invariant without
//          aliasing: its pole angle is clamped to pi (double real pole at -r), so only the three
//          pinned magnitudes are exact; the shape in between is approximate.
//      The characteristic frequency is the geometric mean of the section's pole and zero natural
//      frequencies (bell: f0; shelf and tilt: f0; low/high-pass: the cutoff), limited to 0.45 fs
//      for the matched method so the three-point fit stays well conditioned.
//
// Frequencies are clamped to [1e-5, 0.49] * sampleRate; q to [0.025, 100]; orders to their
// documented ranges. Gains in dB; 0 dB bells, shelves and tilts are the exact identity section.

#include <array>
#include <complex>

#include "lathe/dsp/biquad.h"
#include "lathe/result.h"

namespace lathe::dsp {

inline constexpr double kButterworthQ = 0.70710678118654752440;  // 1 / sqrt(2)

enum class DesignMethod {
    bilinear,  ///< pre-warped bilinear transform
    matched,   ///< Vicanek 2016 magnitude-matched (no cramping near Nyquist)
};

/// One analogue section H(s) = (n0 + n1 s + n2 s^2) / (d0 + d1 s + d2 s^2), s in rad/s.
/// A first-order section has n2 = d2 = 0.
struct AnalogSection {
    double n0 = 1.0, n1 = 0.0, n2 = 0.0;
    double d0 = 1.0, d1 = 0.0, d2 = 0.0;

    /// H(j 2 pi frequencyHz).
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;
};

/// An analogue prototype: up to BiquadCascade::kMaxSections sections in series.
struct AnalogCascade {
    std::array<AnalogSection, BiquadCascade::kMaxSections> sections{};
    int numSections = 0;

    void append(const AnalogSection& section) noexcept;
    void append(const AnalogCascade& other) noexcept;
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;
    [[nodiscard]] double magnitudeDb(double frequencyHz) const noexcept;
};

/// Digitises every section of an analogue prototype (see the file comment for both methods).
[[nodiscard]] BiquadCascade digitise(const AnalogCascade& prototype, double sampleRate, DesignMethod method) noexcept;
[[nodiscard]] BiquadCoefficients digitise(const AnalogSection& prototype, double sampleRate,
                                          DesignMethod method) noexcept;

// ---- analogue prototypes (frequencies in Hz) ----------------------------------------------

/// Butterworth, order 1..8: floor(order/2) second-order sections with Q_k = 1/(2 sin((2k-1) pi / 2n)),
/// plus a first-order section for odd orders. |H(fc)| = -3.01 dB for every order.
[[nodiscard]] AnalogCascade analogButterworthLowPass(int order, double cutoffHz) noexcept;
[[nodiscard]] AnalogCascade analogButterworthHighPass(int order, double cutoffHz) noexcept;
/// Linkwitz-Riley, even order 2..8: a Butterworth of half the order, squared. |H(fc)| = -6.02 dB.
/// LP + HP sums to an all-pass for LR4 and LR8; for LR2 and LR6 the high-pass must be inverted.
[[nodiscard]] AnalogCascade analogLinkwitzRileyLowPass(int order, double cutoffHz) noexcept;
[[nodiscard]] AnalogCascade analogLinkwitzRileyHighPass(int order, double cutoffHz) noexcept;
/// Peaking (RBJ cookbook prototype): (s^2 + s (A/Q) w0 + w0^2) / (s^2 + s w0/(A Q) + w0^2),
/// A = 10^(gainDb/40): gainDb at f0, symmetric for boost and cut.
[[nodiscard]] AnalogSection analogBell(double frequencyHz, double gainDb, double q) noexcept;
/// Second-order shelves (RBJ cookbook prototypes): gainDb below (low) / above (high) the
/// transition, gainDb/2 at f0. q = 1/sqrt(2) is the steepest shelf without overshoot (RBJ S = 1).
[[nodiscard]] AnalogSection analogLowShelf(double frequencyHz, double gainDb, double q) noexcept;
[[nodiscard]] AnalogSection analogHighShelf(double frequencyHz, double gainDb, double q) noexcept;
/// First-order tilt around a pivot: H(s) = (G s + w0) / (s + G w0), G = 10^(gainDb/20):
/// +gainDb towards high frequencies, -gainDb towards DC, 0 dB at the pivot (6 dB/octave at most).
[[nodiscard]] AnalogSection analogTilt(double pivotHz, double gainDb) noexcept;

// ---- digital designs ----------------------------------------------------------------------

[[nodiscard]] BiquadCascade butterworthLowPass(int order, double cutoffHz, double sampleRate,
                                               DesignMethod method = DesignMethod::bilinear) noexcept;
[[nodiscard]] BiquadCascade butterworthHighPass(int order, double cutoffHz, double sampleRate,
                                                DesignMethod method = DesignMethod::bilinear) noexcept;
[[nodiscard]] BiquadCascade linkwitzRileyLowPass(int order, double cutoffHz, double sampleRate,
                                                 DesignMethod method = DesignMethod::bilinear) noexcept;
[[nodiscard]] BiquadCascade linkwitzRileyHighPass(int order, double cutoffHz, double sampleRate,
                                                  DesignMethod method = DesignMethod::bilinear) noexcept;
[[nodiscard]] BiquadCoefficients bell(double frequencyHz, double gainDb, double q, double sampleRate,
                                      DesignMethod method = DesignMethod::matched) noexcept;
[[nodiscard]] BiquadCoefficients lowShelf(double frequencyHz, double gainDb, double q, double sampleRate,
                                          DesignMethod method = DesignMethod::matched) noexcept;
[[nodiscard]] BiquadCoefficients highShelf(double frequencyHz, double gainDb, double q, double sampleRate,
                                           DesignMethod method = DesignMethod::matched) noexcept;
[[nodiscard]] BiquadCoefficients tilt(double pivotHz, double gainDb, double sampleRate,
                                      DesignMethod method = DesignMethod::matched) noexcept;

// ---- one description for all of the above (what a parametric EQ band holds) ----------------

enum class FilterType {
    bell,
    lowShelf,
    highShelf,
    tilt,
    highPass,               ///< Butterworth, order 1..8
    lowPass,                ///< Butterworth, order 1..8
    linkwitzRileyHighPass,  ///< order 2, 4, 6 or 8
    linkwitzRileyLowPass,   ///< order 2, 4, 6 or 8
};

/// A filter as a user states it. gainDb is used by bell, shelves and tilt; q by bell and shelves;
/// order by the high- and low-passes; frequencyHz is the centre, corner, cutoff or pivot.
struct FilterSpec {
    FilterType type = FilterType::bell;
    double frequencyHz = 1000.0;
    double gainDb = 0.0;
    double q = kButterworthQ;
    int order = 2;

    friend bool operator==(const FilterSpec&, const FilterSpec&) = default;
};

/// Checks ranges: frequency finite and > 0, |gainDb| <= 48, q in [0.025, 100], order valid for
/// the type. The error message names the parameter and the accepted range.
[[nodiscard]] Status validate(const FilterSpec& spec);
/// True for the types that have a gain (bell, shelves, tilt): these reach the identity at 0 dB.
[[nodiscard]] bool hasGain(FilterType type) noexcept;
/// Number of sections design(spec, ...) returns (fixed for a type and order).
[[nodiscard]] int sectionCount(const FilterSpec& spec) noexcept;
[[nodiscard]] AnalogCascade analogPrototype(const FilterSpec& spec) noexcept;
[[nodiscard]] BiquadCascade design(const FilterSpec& spec, double sampleRate,
                                   DesignMethod method = DesignMethod::matched) noexcept;

}  // namespace lathe::dsp
