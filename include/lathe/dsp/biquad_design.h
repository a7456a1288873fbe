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
//  DesignMethod::matched   After M. Vicanek, "Matched Second Order Digital Filters" (2016): no
//      frequency warping, so no cramping. The default for bells, shelves and tilt.
//        - Poles: impulse invariance of the analogue poles (exact mapping z = e^{sT}).
//        - Zeros: |B(e^jw)|^2 is linear in three numbers (Vicanek eq. 10), so fitting the
//          magnitude is linear algebra. |H| is pinned to the analogue value at DC and at the
//          characteristic frequency (a bell's gain at f0 and a cutoff's -3.01 dB are exact); the
//          remaining degree of freedom minimises the relative power error on 24 log-spaced
//          frequencies from 0.002 pi to the top of the audio band, min(20 kHz, 0.45 fs). (Vicanek's
//          own third pin at Nyquist is the fallback; it leaves 1-2 dB errors in broad bells and
//          shelves near 16 kHz at 44.1 kHz that the least-squares fit brings to a few tenths.)
//        - High-pass sections keep the analogue double zero at DC (Vicanek's high-pass).
//        - First-order prototypes (tilt, odd Butterworth orders) get a full biquad whose poles and
//          zeros are both fitted: |H|^2 matched at DC, Nyquist and three frequencies around f0 is
//          again a linear system. (A one-pole fit is the fallback; it is 1-2 dB off for a 16 kHz
//          tilt at 44.1 kHz, the biquad fit 0.07 dB.)
//        - Cuts of bells and low shelves, and boosts of high shelves and tilts, are designed as the
//          exact reciprocal of the opposite gain (1/H), so the impulse-invariant poles are always
//          those below f0 or the resonant pair; fitting the other way round fails near Nyquist.
//      Where it still departs from the analogue prototype:
//        - magnitude between the pinned frequencies, worst near the top of the band for filters
//          whose shape continues above Nyquist. Measured bounds, 20 Hz to 16 kHz at 44.1 kHz, gains
//          up to 18 dB: bells (Q <= 8) 0.39 dB, shelves (Q <= 1) 0.18 dB (Q = 2: 0.67 dB), tilt
//          0.07 dB, Butterworth HP 0.43 dB / LP 1.03 dB (above -40 dB). At 48 kHz to 20 kHz about
//          half that; at 96 kHz below 0.03 dB. tests/dsp/biquad_design_test.cpp asserts them.
//          Above 20 kHz at high sample rates the fit does not try (up to ~1 dB at 40 kHz, 96 kHz).
//        - phase: the zeros are magnitude fits (minimum phase), so phase is not the analogue
//          phase near Nyquist, and a matched Linkwitz-Riley LP + HP is not exactly all-pass: use
//          bilinear for crossovers;
//        - a resonant (low damping) prototype whose damped pole frequency lies above Nyquist
//          (e.g. a +24 dB high shelf at 16 kHz, 44.1 kHz, before the reciprocal) cannot be
//          impulse-invariant without aliasing: its pole angle is clamped to pi;
//        - for extreme settings (|gain| near 48 dB with Q near 0.025 near Nyquist) the pinned gain
//          at f0 may be missed by up to ~1.5 dB; every design stays stable and finite.
//      The characteristic frequency is the geometric mean of the section's pole and zero natural
//      frequencies (bell: f0; shelf and tilt: f0; low/high-pass: the cutoff), limited to 0.45 fs
//      for the matched method so the fit stays well conditioned.
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
