#include "lathe/dsp/biquad.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "dsp/biquad_kernels.h"
#include "dsp/vector_clones.h"

namespace lathe::dsp {

// ---- coefficients -------------------------------------------------------------------------

std::complex<double> BiquadCoefficients::response(double frequencyHz, double sampleRate) const noexcept {
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate;
    const std::complex<double> z1 = std::polar(1.0, -w);  // z^-1
    const std::complex<double> z2 = std::polar(1.0, -2.0 * w);
    return (b0 + b1 * z1 + b2 * z2) / (1.0 + a1 * z1 + a2 * z2);
}

double BiquadCoefficients::magnitudeDb(double frequencyHz, double sampleRate) const noexcept {
    return 20.0 * std::log10(std::abs(response(frequencyHz, sampleRate)));
}

bool BiquadCoefficients::isIdentity() const noexcept {
    return b0 == 1.0 && b1 == 0.0 && b2 == 0.0 && a1 == 0.0 && a2 == 0.0;
}

bool BiquadCoefficients::isStable() const noexcept { return std::abs(a2) < 1.0 && std::abs(a1) < 1.0 + a2; }

BiquadCascade::BiquadCascade(const BiquadCoefficients& section) noexcept { append(section); }

void BiquadCascade::append(const BiquadCoefficients& section) noexcept {
    assert(numSections < kMaxSections && "BiquadCascade is full");
    if (numSections < kMaxSections) sections[static_cast<std::size_t>(numSections++)] = section;
}

void BiquadCascade::append(const BiquadCascade& other) noexcept {
    for (const auto& section : other.view()) append(section);
}

std::complex<double> BiquadCascade::response(double frequencyHz, double sampleRate) const noexcept {
    std::complex<double> h = 1.0;
    for (const auto& section : view()) h *= section.response(frequencyHz, sampleRate);
    return h;
}

double BiquadCascade::magnitudeDb(double frequencyHz, double sampleRate) const noexcept {
    return 20.0 * std::log10(std::abs(response(frequencyHz, sampleRate)));
}

bool BiquadCascade::isIdentity() const noexcept {
    return std::all_of(view().begin(), view().end(), [](const BiquadCoefficients& s) { return s.isIdentity(); });
}

bool BiquadCascade::isStable() const noexcept {
    return std::all_of(view().begin(), view().end(), [](const BiquadCoefficients& s) { return s.isStable(); });
}

bool operator==(const BiquadCascade& a, const BiquadCascade& b) noexcept {
    return a.numSections == b.numSections && std::equal(a.view().begin(), a.view().end(), b.view().begin());
}

// ---- one channel ------------------------------------------------------------------------

namespace {
// When a cascade grows, the history of the added sections is cleared (the rest is kept).
template <std::size_t Size>
void clearAddedHistory(std::array<double, Size>& history, int oldSections, int newSections) noexcept {
    for (int k = 2 * oldSections + 2; k < 2 * newSections + 2; ++k) history[static_cast<std::size_t>(k)] = 0.0;
}
}  // namespace

void BiquadFilter::setCoefficients(const BiquadCascade& coefficients) noexcept {
    clearAddedHistory(state_, coefficients_.numSections, coefficients.numSections);
    coefficients_ = coefficients;
}

void BiquadFilter::reset() noexcept { state_.fill(0.0); }

double BiquadFilter::processSample(double input) noexcept {
    double output = input;
    kernels::dispatch(coefficients_.numSections, [&](auto n) {
        kernels::cascadeMono<decltype(n)::value>(coefficients_.sections.data(), state_.data(), &input, &output, 1);
    });
    return output;
}

void BiquadFilter::process(std::span<float> samples) noexcept { process(samples, samples); }

void BiquadFilter::process(std::span<const float> input, std::span<float> output) noexcept {
    assert(input.size() == output.size());
    if (coefficients_.numSections == 0) {
        if (input.data() != output.data()) std::copy(input.begin(), input.end(), output.begin());
        return;
    }
    kernels::dispatch(coefficients_.numSections, [&](auto n) {
        kernels::cascadeMono<decltype(n)::value>(coefficients_.sections.data(), state_.data(), input.data(),
                                                 output.data(), input.size());
    });
}

// ---- several channels -----------------------------------------------------------------

MultichannelBiquadFilter::MultichannelBiquadFilter(const BiquadCascade& coefficients, int numChannels) noexcept {
    setCoefficients(coefficients);
    setNumChannels(numChannels);
}

void MultichannelBiquadFilter::setCoefficients(const BiquadCascade& coefficients) noexcept {
    for (auto& history : state_) clearAddedHistory(history, coefficients_.numSections, coefficients.numSections);
    coefficients_ = coefficients;
}

void MultichannelBiquadFilter::setNumChannels(int numChannels) noexcept {
    assert(numChannels >= 0 && numChannels <= kMaxChannels);
    numChannels_ = std::clamp(numChannels, 0, kMaxChannels);
    reset();
}

void MultichannelBiquadFilter::reset() noexcept {
    for (auto& history : state_) history.fill(0.0);
}

void MultichannelBiquadFilter::process(AudioBlock block) noexcept { process(ConstAudioBlock(block), block); }

template <bool Wide>
[[gnu::always_inline]] inline void MultichannelBiquadFilter::processKernels(ConstAudioBlock input,
                                                                            AudioBlock output) noexcept {
    assert(input.numFrames() == output.numFrames());
    assert(input.numChannels() >= numChannels_ && output.numChannels() >= numChannels_);
    const std::size_t frames = input.numFrames();
    if (coefficients_.numSections == 0) {
        for (int c = 0; c < numChannels_; ++c)
            if (input.channelData(c) != output.channelData(c))
                std::copy_n(input.channelData(c), frames, output.channelData(c));
        return;
    }
    kernels::dispatch(coefficients_.numSections, [&](auto n) __attribute__((always_inline)) {
        constexpr int N = decltype(n)::value;
        const BiquadCoefficients* c = coefficients_.sections.data();
        int channel = 0;
        for (; channel + 1 < numChannels_; channel += 2) {
            const auto a = static_cast<std::size_t>(channel);
            kernels::cascadePair<N, Wide>(c, state_[a].data(), state_[a + 1].data(), input.channelData(channel),
                                          input.channelData(channel + 1), output.channelData(channel),
                                          output.channelData(channel + 1), frames);
        }
        if (channel < numChannels_)
            kernels::cascadeMono<N>(c, state_[static_cast<std::size_t>(channel)].data(), input.channelData(channel),
                                    output.channelData(channel), frames);
    });
}

template <bool Wide>
[[gnu::always_inline]] inline void MultichannelBiquadFilter::processTwoKernels(MultichannelBiquadFilter& first,
                                                                               MultichannelBiquadFilter& second,
                                                                               ConstAudioBlock input,
                                                                               AudioBlock firstOutput,
                                                                               AudioBlock secondOutput) noexcept {
    assert(first.numChannels_ == second.numChannels_);
    const int channels = first.numChannels_;
    const std::size_t frames = input.numFrames();
    const int nf = first.coefficients_.numSections, ns = second.coefficients_.numSections;
    // One loop for both where the kernel exists (a second cascade of 1 or 2 sections, no longer than
    // the first: the Linkwitz-Riley split); else one after the other.
    if (channels < 2 || ns < 1 || ns > 2 || nf < ns) {
        first.processKernels<Wide>(input, firstOutput);
        second.processKernels<Wide>(input, secondOutput);
        return;
    }
    kernels::dispatch(nf, [&](auto f) __attribute__((always_inline)) {
        constexpr int NF = decltype(f)::value;
        auto run = [&](auto s) __attribute__((always_inline)) {
            constexpr int NS = decltype(s)::value;
            int c = 0;
            for (; c + 1 < channels; c += 2) {
                const auto a = static_cast<std::size_t>(c);
                kernels::twoCascadesPair<NF, NS, Wide>(
                    first.coefficients_.sections.data(), second.coefficients_.sections.data(), first.state_[a].data(),
                    first.state_[a + 1].data(), second.state_[a].data(), second.state_[a + 1].data(),
                    input.channelData(c), input.channelData(c + 1), firstOutput.channelData(c),
                    firstOutput.channelData(c + 1), secondOutput.channelData(c), secondOutput.channelData(c + 1),
                    frames);
            }
            if (c < channels) {
                const auto a = static_cast<std::size_t>(c);
                kernels::cascadeMono<NF>(first.coefficients_.sections.data(), first.state_[a].data(),
                                         input.channelData(c), firstOutput.channelData(c), frames);
                kernels::cascadeMono<NS>(second.coefficients_.sections.data(), second.state_[a].data(),
                                         input.channelData(c), secondOutput.channelData(c), frames);
            }
        };
        if constexpr (NF >= 2) {
            if (ns == 2) run(std::integral_constant<int, 2>{});
            else run(std::integral_constant<int, 1>{});
        } else {
            run(std::integral_constant<int, 1>{});
        }
    });
}

// process() and processTwo() are compiled twice: for the baseline with the two-lane kernels and,
// where the machine has AVX2, with the four-lane ones (see biquad_kernels.h and vector_clones.h).
void MultichannelBiquadFilter::process(ConstAudioBlock input, AudioBlock output) noexcept {
#if LATHE_HAVE_AVX2_DISPATCH
    if (cpuHasAvx2()) {
        processAvx2(input, output);
        return;
    }
#endif
    processKernels<false>(input, output);
}

void MultichannelBiquadFilter::processTwo(MultichannelBiquadFilter& first, MultichannelBiquadFilter& second,
                                          ConstAudioBlock input, AudioBlock firstOutput,
                                          AudioBlock secondOutput) noexcept {
#if LATHE_HAVE_AVX2_DISPATCH
    if (cpuHasAvx2()) {
        processTwoAvx2(first, second, input, firstOutput, secondOutput);
        return;
    }
#endif
    processTwoKernels<false>(first, second, input, firstOutput, secondOutput);
}

#if LATHE_HAVE_AVX2_DISPATCH
LATHE_TARGET_AVX2 void MultichannelBiquadFilter::processAvx2(ConstAudioBlock input, AudioBlock output) noexcept {
    processKernels<true>(input, output);
}

LATHE_TARGET_AVX2 void MultichannelBiquadFilter::processTwoAvx2(MultichannelBiquadFilter& first,
                                                                MultichannelBiquadFilter& second,
                                                                ConstAudioBlock input, AudioBlock firstOutput,
                                                                AudioBlock secondOutput) noexcept {
    processTwoKernels<true>(first, second, input, firstOutput, secondOutput);
}
#endif

double MultichannelBiquadFilter::processSample(int channel, double input) noexcept {
    assert(channel >= 0 && channel < numChannels_);
    double output = input;
    kernels::dispatch(coefficients_.numSections, [&](auto n) {
        kernels::cascadeMono<decltype(n)::value>(coefficients_.sections.data(),
                                                 state_[static_cast<std::size_t>(channel)].data(), &input, &output, 1);
    });
    return output;
}

}  // namespace lathe::dsp
