#pragma once
// Second-order IIR sections: coefficients, their analytic response, and processors.
// Designs (Butterworth, Linkwitz-Riley, bell, shelves, tilt) live in lathe/dsp/biquad_design.h.
//
// Structure and precision. Every processor here runs direct form I with DOUBLE-precision state
// and coefficients, converting to float only at its input and output:
//  - Low frequencies: a 20 Hz section at 96 kHz has poles within 1e-3 of z = 1. In single
//    precision both the pole positions (a1 ~ -2, a2 ~ 1) and the round-off fed back through
//    1/|1 - p|^2 are badly amplified (tens of dB of noise, audible shifts of the corner). In
//    double the same amplification leaves the error below -140 dBFS (tests/dsp/biquad_test.cpp
//    measures a 10 Hz 8th-order high-pass at 96 kHz against a long-double reference).
//  - Why direct form I rather than transposed direct form II: with double state both are
//    accurate enough, but DF-I's state is only past inputs and outputs, independent of the
//    coefficients, so coefficients may change per sample (the parametric EQ's ramps) without the
//    state/coefficient mismatch transients of TDF-II; and its recursion is one multiply-add per
//    sample (y1 -> y), half TDF-II's dependency chain. Sections of a cascade share history: the
//    output history of section k is the input history of section k + 1.
// Real-time contract: setCoefficients(), reset() and process*() never allocate, lock or throw.

#include <array>
#include <complex>
#include <cstddef>
#include <span>

#include "lathe/audio_buffer.h"

namespace lathe::dsp {

/// One section, normalised so that a0 = 1:
///   H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2).
/// A first-order section has b2 = a2 = 0. The default is the identity (H = 1).
struct BiquadCoefficients {
    double b0 = 1.0;
    double b1 = 0.0;
    double b2 = 0.0;
    double a1 = 0.0;
    double a2 = 0.0;

    /// H(e^{jw}) at w = 2 pi frequencyHz / sampleRate (exact evaluation of the rational function).
    [[nodiscard]] std::complex<double> response(double frequencyHz, double sampleRate) const noexcept;
    /// 20 log10 |H| at the given frequency.
    [[nodiscard]] double magnitudeDb(double frequencyHz, double sampleRate) const noexcept;
    /// True when H(z) = 1 exactly: processing it returns its input bit for bit.
    [[nodiscard]] bool isIdentity() const noexcept;
    /// True when both poles lie strictly inside the unit circle (the stability triangle).
    [[nodiscard]] bool isStable() const noexcept;

    friend bool operator==(const BiquadCoefficients&, const BiquadCoefficients&) = default;
};

/// Up to kMaxSections sections in series; what every design returns. Plain data, no allocation.
struct BiquadCascade {
    static constexpr int kMaxSections = 8;

    std::array<BiquadCoefficients, kMaxSections> sections{};
    int numSections = 0;

    BiquadCascade() = default;
    /// A cascade of one section.
    BiquadCascade(const BiquadCoefficients& section) noexcept;  // NOLINT: implicit by design

    /// Appends a section (debug-asserts capacity; beyond it the section is dropped).
    void append(const BiquadCoefficients& section) noexcept;
    /// Appends all sections of another cascade.
    void append(const BiquadCascade& other) noexcept;
    [[nodiscard]] std::span<const BiquadCoefficients> view() const noexcept {
        return {sections.data(), static_cast<std::size_t>(numSections)};
    }
    /// Product of the sections' responses; 1 for an empty cascade.
    [[nodiscard]] std::complex<double> response(double frequencyHz, double sampleRate) const noexcept;
    [[nodiscard]] double magnitudeDb(double frequencyHz, double sampleRate) const noexcept;
    /// True when every section is the identity (also for an empty cascade).
    [[nodiscard]] bool isIdentity() const noexcept;
    [[nodiscard]] bool isStable() const noexcept;

    friend bool operator==(const BiquadCascade& a, const BiquadCascade& b) noexcept;
};

/// A cascade of biquad sections on ONE channel: direct form I, double-precision state
/// (see the file comment for why). Latency 0. Changing coefficients keeps the state, so a
/// caller may sweep them; a change of section count clears the state of the added sections.
class BiquadFilter {
public:
    BiquadFilter() = default;
    explicit BiquadFilter(const BiquadCascade& coefficients) noexcept { setCoefficients(coefficients); }

    void setCoefficients(const BiquadCascade& coefficients) noexcept;
    [[nodiscard]] const BiquadCascade& coefficients() const noexcept { return coefficients_; }
    /// Clears the state (silence in the past).
    void reset() noexcept;

    [[nodiscard]] double processSample(double input) noexcept;
    /// In place.
    void process(std::span<float> samples) noexcept;
    /// input and output may be the same span; otherwise they must not overlap. Sizes must match.
    void process(std::span<const float> input, std::span<float> output) noexcept;

private:
    friend class MultichannelBiquadFilter;
    static constexpr std::size_t kStateSize = 2 * (BiquadCascade::kMaxSections + 1);

    BiquadCascade coefficients_{};
    // DF-I history: [x1, x2] of section 0's input, then [y1, y2] of each section's output.
    std::array<double, kStateSize> state_{};
};

/// The same cascade on up to kMaxChannels channels (coefficients shared, state per channel).
/// Channels are processed in pairs, their recursions (and a cascade's sections) side by side in
/// vector registers (src/dsp/biquad_kernels.h); the bits are those of BiquadFilter.
/// Latency 0. Never allocates.
class MultichannelBiquadFilter {
public:
    MultichannelBiquadFilter() = default;
    MultichannelBiquadFilter(const BiquadCascade& coefficients, int numChannels) noexcept;

    void setCoefficients(const BiquadCascade& coefficients) noexcept;
    [[nodiscard]] const BiquadCascade& coefficients() const noexcept { return coefficients_; }
    /// Number of channels to process (0..kMaxChannels); clears the state.
    void setNumChannels(int numChannels) noexcept;
    [[nodiscard]] int numChannels() const noexcept { return numChannels_; }
    void reset() noexcept;

    /// In place on the first numChannels() channels of the block.
    void process(AudioBlock block) noexcept;
    /// output = filter(input); shapes must match; input and output may be the same block.
    void process(ConstAudioBlock input, AudioBlock output) noexcept;
    /// first(input) -> firstOutput and second(input) -> secondOutput in one pass, so the two filters'
    /// recursions overlap (a crossover's low-pass and high-pass). Same channel count; outputs may
    /// be the input block but not each other. The same bits as two process() calls.
    static void processTwo(MultichannelBiquadFilter& first, MultichannelBiquadFilter& second, ConstAudioBlock input,
                           AudioBlock firstOutput, AudioBlock secondOutput) noexcept;
    /// One sample of one channel (for callers that interleave their own work per sample).
    [[nodiscard]] double processSample(int channel, double input) noexcept;

private:
    // The loops of process() and processTwo(), with four-lane kernels (Wide, in the copies compiled
    // for AVX2: processAvx2, processTwoAvx2) or two-lane ones (biquad.cpp, biquad_kernels.h).
    template <bool Wide>
    void processKernels(ConstAudioBlock input, AudioBlock output) noexcept;
    template <bool Wide>
    static void processTwoKernels(MultichannelBiquadFilter& first, MultichannelBiquadFilter& second,
                                  ConstAudioBlock input, AudioBlock firstOutput, AudioBlock secondOutput) noexcept;
    void processAvx2(ConstAudioBlock input, AudioBlock output) noexcept;
    static void processTwoAvx2(MultichannelBiquadFilter& first, MultichannelBiquadFilter& second,
                               ConstAudioBlock input, AudioBlock firstOutput, AudioBlock secondOutput) noexcept;

    static constexpr std::size_t kStateSize = BiquadFilter::kStateSize;

    BiquadCascade coefficients_{};
    int numChannels_ = 0;
    std::array<std::array<double, kStateSize>, kMaxChannels> state_{};
};

}  // namespace lathe::dsp
