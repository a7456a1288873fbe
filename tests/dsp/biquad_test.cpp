// The biquad processors: exact bypass, agreement of every kernel path, double-precision state at
// low frequencies, state handling on coefficient changes, reset after NaN, no allocation.
// The designs and their frequency responses are tested in biquad_design_test.cpp.

#include "lathe/dsp/biquad.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "lathe/dsp/biquad_design.h"
#include "support/allocation_counter.h"
#include "support/signals.h"
#include "util/random.h"

namespace lathe::dsp {
namespace {

// Direct form I in long double (80-bit on x86-64): the precision reference.
std::vector<long double> referenceCascade(const BiquadCascade& cascade, std::span<const float> input) {
    const auto n = static_cast<std::size_t>(cascade.numSections);
    std::vector<long double> x1(n, 0), x2(n, 0), y1(n, 0), y2(n, 0);
    std::vector<long double> out;
    out.reserve(input.size());
    for (float sample : input) {
        long double v = sample;
        for (std::size_t k = 0; k < n; ++k) {
            const auto& c = cascade.sections[k];
            const long double y = (long double)c.b0 * v + (long double)c.b1 * x1[k] + (long double)c.b2 * x2[k] -
                                  (long double)c.a1 * y1[k] - (long double)c.a2 * y2[k];
            x2[k] = x1[k];
            x1[k] = v;
            y2[k] = y1[k];
            y1[k] = y;
            v = y;
        }
        out.push_back(v);
    }
    return out;
}

// The same cascade with single-precision state (what this library deliberately does not do).
std::vector<float> floatStateCascade(const BiquadCascade& cascade, std::span<const float> input) {
    const auto n = static_cast<std::size_t>(cascade.numSections);
    std::vector<float> x1(n, 0), x2(n, 0), y1(n, 0), y2(n, 0);
    std::vector<float> out;
    for (float v : input) {
        for (std::size_t k = 0; k < n; ++k) {
            const auto& c = cascade.sections[k];
            const float y = float(c.b0) * v + float(c.b1) * x1[k] + float(c.b2) * x2[k] - float(c.a1) * y1[k] -
                            float(c.a2) * y2[k];
            x2[k] = x1[k];
            x1[k] = v;
            y2[k] = y1[k];
            y1[k] = y;
            v = y;
        }
        out.push_back(v);
    }
    return out;
}

BiquadCascade someCascade(int sections, double sampleRate = 48000.0) {
    BiquadCascade out;
    const double frequencies[] = {40.0, 180.0, 900.0, 2500.0, 6000.0, 11000.0, 15000.0, 19000.0};
    for (int k = 0; k < sections; ++k) {
        const double f = frequencies[k];
        out.append(k % 2 == 0 ? bell(f, k % 4 == 0 ? 6.0 : -9.0, 0.7 + k, sampleRate)
                              : highShelf(f, 3.0 - k, 0.7, sampleRate));
    }
    return out;
}

bool bitEqual(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

TEST(Biquad, IdentitySectionIsBitExactBypass) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.2, 0.9, 1, 7);
    for (int sections = 0; sections <= BiquadCascade::kMaxSections; ++sections) {
        BiquadCascade identity;
        for (int k = 0; k < sections; ++k) identity.append(BiquadCoefficients{});
        ASSERT_TRUE(identity.isIdentity());
        BiquadFilter filter(identity);
        std::vector<float> out(input.numFrames());
        filter.process(input.channel(0), out);
        for (std::size_t i = 0; i < out.size(); ++i) ASSERT_TRUE(bitEqual(out[i], input.channel(0)[i])) << i;
    }
}

TEST(Biquad, ResponseOfKnownSectionsHasClosedForm) {
    const double fs = 48000.0;
    // Two-tap average: |H| = |cos(w/2)|, phase -w/2.
    const BiquadCoefficients average{0.5, 0.5, 0.0, 0.0, 0.0};
    // One pole at 0.5: H = 1 / (1 - 0.5 z^-1).
    const BiquadCoefficients onePole{1.0, 0.0, 0.0, -0.5, 0.0};
    for (double f : {0.0, 100.0, 5000.0, 12000.0, 23999.0}) {
        const double w = 2.0 * std::numbers::pi * f / fs;
        const auto h = average.response(f, fs);
        EXPECT_NEAR(std::abs(h), std::abs(std::cos(w / 2)), 1e-14);
        if (f < 23000) {
            EXPECT_NEAR(std::arg(h), -w / 2, 1e-12);
        }
        const double expected = 1.0 / std::sqrt(1.25 - std::cos(w));
        EXPECT_NEAR(std::abs(onePole.response(f, fs)), expected, 1e-14);
    }
    BiquadCascade both(average);
    both.append(onePole);
    EXPECT_NEAR(std::abs(both.response(5000.0, fs)),
                std::abs(average.response(5000.0, fs)) * std::abs(onePole.response(5000.0, fs)), 1e-14);
}

TEST(Biquad, StabilityTriangle) {
    EXPECT_TRUE((BiquadCoefficients{1, 0, 0, -1.9, 0.95}).isStable());
    EXPECT_FALSE((BiquadCoefficients{1, 0, 0, -2.0, 1.0}).isStable());   // double pole at z = 1
    EXPECT_FALSE((BiquadCoefficients{1, 0, 0, 0.0, 1.01}).isStable());   // poles outside
    EXPECT_FALSE((BiquadCoefficients{1, 0, 0, -1.2, -0.3}).isStable());  // real pole beyond 1
    EXPECT_TRUE((BiquadCoefficients{1, 0, 0, 0.9, 0.0}).isStable());
}

// Mono kernel, pair kernel, odd channel left for the mono kernel, and processSample must give the
// same bits for every section count, so a channel's output never depends on how it was grouped.
TEST(Biquad, AllKernelPathsAgreeBitExact) {
    const double fs = 48000.0;
    const AudioBuffer input = test::whiteNoise(fs, 0.1, 0.8, 3, 11);
    for (int sections = 1; sections <= BiquadCascade::kMaxSections; ++sections) {
        SCOPED_TRACE(sections);
        const BiquadCascade cascade = someCascade(sections, fs);
        AudioBuffer multi = test::copyOf(input.block());
        MultichannelBiquadFilter multichannel(cascade, 3);
        multichannel.process(multi.block());
        for (int c = 0; c < 3; ++c) {
            BiquadFilter mono(cascade);
            std::vector<float> out(input.numFrames());
            mono.process(input.channel(c), out);
            BiquadFilter perSample(cascade);
            MultichannelBiquadFilter perSampleMulti(cascade, 3);
            for (std::size_t i = 0; i < out.size(); ++i) {
                ASSERT_TRUE(bitEqual(out[i], multi.channel(c)[i])) << "channel " << c << " frame " << i;
                const double x = input.channel(c)[i];
                ASSERT_TRUE(bitEqual(out[i], float(perSample.processSample(x)))) << i;
                ASSERT_TRUE(bitEqual(out[i], float(perSampleMulti.processSample(c, x)))) << i;
            }
        }
    }
}

// processTwo (two cascades on one input in one loop: four-lane and two-lane wavefronts, or the
// fallback) against two process() calls: the same bits for every pair of section counts, odd
// channel counts, in-place second output, and blocks of random sizes (down to one frame).
TEST(Biquad, ProcessTwoMatchesTwoSeparateFiltersBitExact) {
    const double fs = 48000.0;
    for (int channels : {1, 2, 3}) {
        const AudioBuffer input = test::whiteNoise(fs, 0.05, 0.8, channels, 13);
        for (int nf = 1; nf <= BiquadCascade::kMaxSections; ++nf) {
            for (int ns = 1; ns <= 3; ++ns) {
                SCOPED_TRACE(testing::Message() << channels << " channels, " << nf << " + " << ns << " sections");
                const BiquadCascade first = someCascade(nf, fs), second = someCascade(ns, 2.0 * fs);
                AudioBuffer expectedFirst(channels, input.numFrames()), expectedSecond = test::copyOf(input.block());
                MultichannelBiquadFilter a(first, channels), b(second, channels);
                a.process(input.block(), expectedFirst.block());
                b.process(expectedSecond.block());

                AudioBuffer actualFirst(channels, input.numFrames()), actualSecond = test::copyOf(input.block());
                MultichannelBiquadFilter c(first, channels), d(second, channels);
                Random random(std::uint64_t(nf * 10 + ns));
                for (std::size_t offset = 0; offset < input.numFrames();) {
                    const std::size_t n = std::min<std::size_t>(1 + random.next() % 300, input.numFrames() - offset);
                    const AudioBlock rest = actualSecond.block().slice(offset, n);  // input, then the second output
                    MultichannelBiquadFilter::processTwo(c, d, rest, actualFirst.block().slice(offset, n), rest);
                    offset += n;
                }
                for (int ch = 0; ch < channels; ++ch)
                    for (std::size_t i = 0; i < input.numFrames(); ++i) {
                        ASSERT_TRUE(bitEqual(actualFirst.channel(ch)[i], expectedFirst.channel(ch)[i])) << ch << " " << i;
                        ASSERT_TRUE(bitEqual(actualSecond.channel(ch)[i], expectedSecond.channel(ch)[i])) << ch << " " << i;
                    }
            }
        }
    }
}

TEST(Biquad, SplitBlocksGiveIdenticalOutput) {
    const double fs = 44100.0;
    const AudioBuffer input = test::pinkNoise(fs, 0.5, 0.5, 2, 3);
    const BiquadCascade cascade = butterworthHighPass(8, 30.0, fs);
    AudioBuffer whole = test::copyOf(input.block());
    MultichannelBiquadFilter one(cascade, 2);
    one.process(whole.block());
    AudioBuffer split = test::copyOf(input.block());
    MultichannelBiquadFilter two(cascade, 2);
    Random random(5);
    for (std::size_t offset = 0; offset < split.numFrames();) {
        const std::size_t n = std::min<std::size_t>(1 + random.next() % 700, split.numFrames() - offset);
        two.process(split.block().slice(offset, n));
        offset += n;
    }
    EXPECT_EQ(test::maxAbsDifference(whole.block(), split.block()), 0.0);
}

// Why the state is double: an 8th-order 10 Hz high-pass at 96 kHz (poles within 7e-4 of z = 1).
// Double state stays within float output resolution of a long-double reference (error below
// -140 dB relative to full scale); the same filter with float state is off by orders of magnitude,
// which also shows this test can fail.
TEST(Biquad, DoubleStateKeepsLowFrequencyFiltersPrecise) {
    const double fs = 96000.0;
    const AudioBuffer noise = test::whiteNoise(fs, 2.0, 0.5, 1, 21);
    for (DesignMethod method : {DesignMethod::bilinear, DesignMethod::matched}) {
        SCOPED_TRACE(method == DesignMethod::bilinear ? "bilinear" : "matched");
        const BiquadCascade cascade = butterworthHighPass(8, 10.0, fs, method);
        BiquadFilter filter(cascade);
        std::vector<float> out(noise.numFrames());
        filter.process(noise.channel(0), out);
        const auto reference = referenceCascade(cascade, noise.channel(0));
        const auto single = floatStateCascade(cascade, noise.channel(0));
        double worstDouble = 0.0, worstFloat = 0.0;
        for (std::size_t i = 0; i < out.size(); ++i) {
            worstDouble = std::max(worstDouble, double(std::abs((long double)out[i] - reference[i])));
            worstFloat = std::max(worstFloat, double(std::abs((long double)single[i] - reference[i])));
        }
        EXPECT_LT(test::toDb(worstDouble), -140.0) << "double-state error " << test::toDb(worstDouble) << " dB";
        EXPECT_GT(worstFloat, 100.0 * worstDouble) << "float-state error " << test::toDb(worstFloat) << " dB";
        RecordProperty(method == DesignMethod::bilinear ? "bilinear_error_db" : "matched_error_db",
                       std::to_string(test::toDb(worstDouble)) + " (float state: " + std::to_string(test::toDb(worstFloat)) + ")");
    }
}

// Coefficients may change between blocks without clearing the history (DF-I state is only past
// inputs and outputs), and growing a cascade clears only the added sections.
TEST(Biquad, CoefficientChangesKeepHistory) {
    const double fs = 48000.0;
    const AudioBuffer input = test::whiteNoise(fs, 0.05, 0.5, 1, 4);
    const auto x = input.channel(0);
    const std::size_t half = x.size() / 2;
    const BiquadCascade first = bell(1000.0, 6.0, 1.0, fs), second = bell(1200.0, 4.0, 1.0, fs);
    BiquadFilter filter(first);
    std::vector<float> out(x.size());
    filter.process(x.subspan(0, half), std::span(out).subspan(0, half));
    filter.setCoefficients(second);
    filter.process(x.subspan(half), std::span(out).subspan(half));

    // Reference: one section whose coefficients switch at `half`, history continuous.
    long double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const auto& c = i < half ? first.sections[0] : second.sections[0];
        const long double y = c.b0 * (long double)x[i] + c.b1 * x1 + c.b2 * x2 - c.a1 * y1 - c.a2 * y2;
        x2 = x1;
        x1 = x[i];
        y2 = y1;
        y1 = y;
        ASSERT_NEAR(double(out[i]), double(y), 1e-6) << i;
    }

    // Growing from one to two sections: the first section's history survives and so does the new
    // section's INPUT history (it is the first section's output history); only the new section's
    // output history starts from zero.
    BiquadFilter grow(first);
    std::vector<float> a(x.size());
    grow.process(x.subspan(0, half), std::span(a).subspan(0, half));
    BiquadCascade two = first;
    two.append(second);
    grow.setCoefficients(two);
    grow.process(x.subspan(half), std::span(a).subspan(half));
    const auto staged = referenceCascade(first, x);  // output of the first section throughout
    const auto& c = second.sections[0];
    long double v1 = staged[half - 1], v2 = staged[half - 2], w1 = 0, w2 = 0;
    for (std::size_t i = half; i < x.size(); ++i) {
        const long double y = c.b0 * staged[i] + c.b1 * v1 + c.b2 * v2 - c.a1 * w1 - c.a2 * w2;
        v2 = v1;
        v1 = staged[i];
        w2 = w1;
        w1 = y;
        ASSERT_NEAR(double(a[i]), double(y), 1e-6) << i;
    }
}

TEST(Biquad, ResetRecoversFromNonFiniteInput) {
    const double fs = 48000.0;
    const BiquadCascade cascade = butterworthLowPass(4, 2000.0, fs);
    MultichannelBiquadFilter filter(cascade, 2);
    AudioBuffer poison(2, 64);
    for (int c = 0; c < 2; ++c)
        for (auto& s : poison.channel(c)) s = std::numeric_limits<float>::quiet_NaN();
    filter.process(poison.block());
    filter.reset();
    const AudioBuffer input = test::whiteNoise(fs, 0.05, 0.5, 2, 8);
    AudioBuffer after = test::copyOf(input.block()), fresh = test::copyOf(input.block());
    filter.process(after.block());
    MultichannelBiquadFilter(cascade, 2).process(fresh.block());
    EXPECT_EQ(test::maxAbsDifference(after.block(), fresh.block()), 0.0);
}

TEST(Biquad, ProcessingDoesNotAllocate) {
    const double fs = 48000.0;
    const AudioBuffer input = test::whiteNoise(fs, 0.05, 0.5, 2, 8);
    AudioBuffer audio = test::copyOf(input.block());
    MultichannelBiquadFilter filter(someCascade(6, fs), 2);
    BiquadFilter mono(someCascade(3, fs));
    test::AllocationCounter counter;
    filter.process(audio.block());
    filter.setCoefficients(someCascade(8, fs));
    filter.process(audio.block());
    filter.reset();
    mono.process(audio.channel(0));
    EXPECT_EQ(counter.count(), 0u);
}

}  // namespace
}  // namespace lathe::dsp
