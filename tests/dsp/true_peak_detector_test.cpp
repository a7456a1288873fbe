#include "lathe/dsp/true_peak_detector.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "dsp/kaiser_sinc.h"
#include "support/allocation_counter.h"
#include "support/signals.h"
#include "util/random.h"

using namespace lathe;
using dsp::OversamplerParams;
using dsp::TruePeakDetector;
using Interpolation = dsp::TruePeakDetector::Interpolation;

namespace {

// The detector's definition, written the plain way: the project's Oversampler upsamples the whole
// signal, a sequential scan refines every local maximum of |y| by the parabola through it and its
// neighbours (float arithmetic in the detector's order) and keeps, per frame, the largest refined
// value of the positions (t-1, L-1) .. (t, L-2) and the raw value at (t, L-1), over all channels,
// ignoring NaN; then the output is delayed to the requested latency.
// The 4x half-band cascade written the plain way, per channel (signal preceded by silence): stage 1
// r0[t] = x[t - K1/2], r2[t] = sum_j c_j x[t - j]; stage 2 on u = r0[0], r2[0], r0[1], ... with
// branch taps d: v[m] = sum_j d_j u[m - j]; the 4x sequence is r0[t - s], v[2t], r2[t - s],
// v[2t + 1] with s = K2 / 4. Float sums in the detector's order (stage 2: even taps, then odd).
std::vector<std::vector<float>> cascadeUpsample(const AudioBuffer& input, const OversamplerParams& params, int& latency) {
    const auto stage1 = dsp::designKaiserSinc(2, params.passbandFraction, params.stopbandAttenuationDb).value();
    const auto stage2 = dsp::designKaiserSinc(2, 0.5 * (1.0 - params.passbandFraction), params.stopbandAttenuationDb + 20.0, 4).value();
    const int k1 = stage1.tapsPerPhase, h = stage2.tapsPerPhase / 2, s = h / 2;
    latency = k1 / 2 + s;
    const auto n = static_cast<std::ptrdiff_t>(input.numFrames());
    std::vector<std::vector<float>> out;
    for (int c = 0; c < input.numChannels(); ++c) {
        const float* x = input.channel(c).data();
        auto at = [&](const std::vector<float>& v, std::ptrdiff_t t) { return t < 0 ? 0.0f : v[static_cast<std::size_t>(t)]; };
        std::vector<float> r0(static_cast<std::size_t>(n)), r2(static_cast<std::size_t>(n));
        for (std::ptrdiff_t t = 0; t < n; ++t) {
            r0[static_cast<std::size_t>(t)] = t - k1 / 2 < 0 ? 0.0f : x[t - k1 / 2];
            float acc = 0.0f;
            for (int j = 0; j < k1; ++j) acc += static_cast<float>(stage1.taps[static_cast<std::size_t>(2 * j + 1)]) * (t - j < 0 ? 0.0f : x[t - j]);
            r2[static_cast<std::size_t>(t)] = acc;
        }
        std::vector<float> up(static_cast<std::size_t>(4 * n));
        for (std::ptrdiff_t t = 0; t < n; ++t) {
            float v0 = 0.0f, v1 = 0.0f;
            for (int i = 0; i < h; ++i) {
                const auto even = static_cast<float>(stage2.taps[static_cast<std::size_t>(4 * i + 1)]);
                v0 += even * at(r0, t - i);
                v1 += even * at(r2, t - i);
            }
            for (int i = 0; i < h; ++i) {
                const auto odd = static_cast<float>(stage2.taps[static_cast<std::size_t>(4 * i + 3)]);
                v0 += odd * at(r2, t - 1 - i);
                v1 += odd * at(r0, t - i);
            }
            const auto f = static_cast<std::size_t>(4 * t);
            up[f] = at(r0, t - s);
            up[f + 1] = v0;
            up[f + 2] = at(r2, t - s);
            up[f + 3] = v1;
        }
        out.push_back(std::move(up));
    }
    return out;
}

std::vector<float> referenceReadings(const AudioBuffer& input, double rate, const OversamplerParams& params, int latency,
                                     Interpolation interpolation = Interpolation::polyphase) {
    const auto l = static_cast<std::size_t>(params.factor);
    const std::size_t n = input.numFrames();
    std::vector<std::vector<float>> upsampled;
    std::size_t natural = 0;
    if (interpolation == Interpolation::halfbandCascade) {
        int cascadeLatency = 0;
        upsampled = cascadeUpsample(input, params, cascadeLatency);
        natural = static_cast<std::size_t>(cascadeLatency);
    } else {
        dsp::Oversampler oversampler;
        EXPECT_TRUE(oversampler.prepare({rate, input.numChannels(), input.numFrames()}, params).ok());
        const AudioBlock up = oversampler.upsample(input.block());
        for (int c = 0; c < input.numChannels(); ++c) upsampled.emplace_back(up.channelData(c), up.channelData(c) + n * l);
        natural = static_cast<std::size_t>(std::ceil(oversampler.upsampleLatencyFrames()));
    }
    std::vector<float> peaks(n, 0.0f);
    for (const auto& channel : upsampled) {
        const float* u = channel.data();
        float a0 = 0.0f, a1 = 0.0f;
        for (std::size_t i = 0; i < n; ++i) {
            float peak = peaks[i];
            for (std::size_t k = 0; k < l; ++k) {
                const float a2 = std::abs(u[i * l + k]);
                float refined = a1;
                const float curvature = 2.0f * a1 - a0 - a2;
                if (a1 >= a0 && a1 >= a2 && curvature > 0.0f) {
                    const float slope = a0 - a2;
                    refined = a1 + slope * slope / (8.0f * curvature);
                }
                peak = std::max(peak, std::max(refined, a2));
                a0 = a1;
                a1 = a2;
            }
            peaks[i] = peak;
        }
    }
    const std::size_t extra = static_cast<std::size_t>(latency) - natural;
    std::vector<float> delayed(n, 0.0f);
    for (std::size_t i = extra; i < n; ++i) delayed[i] = peaks[i - extra];
    return delayed;
}

// Runs the detector over `input` in random blocks; `needed` (optional) per frame.
std::vector<float> detect(TruePeakDetector& detector, const AudioBuffer& input, float floor, const std::vector<std::uint8_t>* needed,
                          std::uint64_t seed, std::size_t maxBlock) {
    std::vector<float> peaks(input.numFrames(), -1.0f);
    Random random(seed);
    for (std::size_t offset = 0; offset < input.numFrames();) {
        const std::size_t n = std::min(input.numFrames() - offset, 1 + std::size_t(random.uniform() * double(maxBlock)) % maxBlock);
        const ConstAudioBlock block = ConstAudioBlock(input.block()).slice(offset, n);
        const std::span<float> out(peaks.data() + offset, n);
        if (needed != nullptr)
            detector.process(block, out, floor, std::span<const std::uint8_t>(needed->data() + offset, n));
        else
            detector.process(block, out, floor);
        offset += n;
    }
    return peaks;
}

AudioBuffer testSignal(double rate) {
    // Noise at several levels, a sine at fs/4 (inter-sample peaks 3 dB over the samples), impulses
    // and silence: every shape of local maximum.
    AudioBuffer signal = test::concat(test::whiteNoise(rate, 0.05, 0.3, 2, 1), test::sine(rate, rate / 4.0 + 3.0, 0.03, 0.9));
    signal = test::concat(signal, AudioBuffer(2, 700));
    signal = test::concat(signal, test::pinkNoise(rate, 0.05, 2.0, 2, 2));
    for (std::size_t i = 200; i < signal.numFrames(); i += 977) signal.channel(int(i % 2))[i] = (i % 3) ? 1.5f : -0.7f;
    return signal;
}

struct Config {
    int factor;
    double passband;
    double attenuationDb;
    int extraLatency;
    Interpolation interpolation = Interpolation::polyphase;
};
const Config kConfigs[] = {{4, 0.48, 60.0, 0},  {4, 0.45, 50.0, 31}, {2, 0.45, 50.0, 5},
                           {8, 0.45, 60.0, 0},  {16, 0.45, 50.0, 2},
                           {4, 0.48, 60.0, 0, Interpolation::halfbandCascade},
                           {4, 0.45, 50.0, 17, Interpolation::halfbandCascade}};

}  // namespace

TEST(TruePeakDetector, ReadingsAreTheOversampledParabolaPeaksBitForBit) {
    const double rate = 44100.0;
    const AudioBuffer input = testSignal(rate);
    for (const auto& config : kConfigs) {
        SCOPED_TRACE("factor " + std::to_string(config.factor) + ", extra latency " + std::to_string(config.extraLatency) +
                     (config.interpolation == Interpolation::halfbandCascade ? ", cascade" : ""));
        const OversamplerParams params{config.factor, config.passband, config.attenuationDb};
        const int natural = TruePeakDetector::naturalLatencyFrames({rate, 2, 1}, params, config.interpolation).value();
        TruePeakDetector detector;
        ASSERT_TRUE(detector.prepare({rate, 2, 1500}, params, natural + config.extraLatency, config.interpolation).ok());
        EXPECT_EQ(detector.latencyFrames(), natural + config.extraLatency);
        const auto expected = referenceReadings(input, rate, params, detector.latencyFrames(), config.interpolation);
        for (std::uint64_t seed : {1u, 2u}) {
            detector.reset();
            const auto peaks = detect(detector, input, 0.0f, nullptr, seed, 1500);
            for (std::size_t i = 0; i < peaks.size(); ++i) ASSERT_EQ(peaks[i], expected[i]) << "frame " << i;
        }
    }
}

TEST(TruePeakDetector, ReadingsAboveTheFloorAreExactAndTheOthersStayBelowIt) {
    const double rate = 48000.0;
    const AudioBuffer input = testSignal(rate);
    const OversamplerParams params{4, 0.48, 60.0};
    for (auto interpolation : {Interpolation::polyphase, Interpolation::halfbandCascade}) {
    TruePeakDetector detector;
    ASSERT_TRUE(detector.prepare({rate, 2, 1024}, params, 0, interpolation).ok());
    const auto expected = referenceReadings(input, rate, params, detector.latencyFrames(), interpolation);
    for (float floor : {0.05f, 0.5f, 0.95f, 1.2f}) {
        detector.reset();
        const auto peaks = detect(detector, input, floor, nullptr, 3, 1024);
        std::size_t exactCount = 0;
        for (std::size_t i = 0; i < peaks.size(); ++i) {
            if (expected[i] > floor) {
                ASSERT_EQ(peaks[i], expected[i]) << "frame " << i << ", floor " << floor;
                ++exactCount;
            } else {
                ASSERT_LE(peaks[i], expected[i]) << "frame " << i << ", floor " << floor;
                ASSERT_GE(peaks[i], 0.0f);
            }
        }
        EXPECT_GT(exactCount, 100u) << floor;  // the test signal reaches every floor tried
    }
    }
}

TEST(TruePeakDetector, SkippedFramesReadZeroAndTheOthersAreUnaffected) {
    // Runs of needed and unneeded frames of random lengths: a computed frame reads as if every
    // frame had been computed (the history is kept either way), a skipped one reads 0.
    const double rate = 44100.0;
    const AudioBuffer input = testSignal(rate);
    for (const auto& config : kConfigs) {
        SCOPED_TRACE("factor " + std::to_string(config.factor) + (config.interpolation == Interpolation::halfbandCascade ? ", cascade" : ""));
        const OversamplerParams params{config.factor, config.passband, config.attenuationDb};
        TruePeakDetector detector;
        ASSERT_TRUE(detector.prepare({rate, 2, 700}, params, config.extraLatency + 200, config.interpolation).ok());
        const auto expected = referenceReadings(input, rate, params, detector.latencyFrames(), config.interpolation);
        std::vector<std::uint8_t> needed(input.numFrames(), 0);
        Random random(9);
        for (std::size_t i = 0; i < needed.size();) {
            const std::size_t run = 1 + std::size_t(random.uniform() * 300.0);
            const std::uint8_t value = random.uniform() < 0.4 ? 1 : 0;
            for (std::size_t k = i; k < std::min(needed.size(), i + run); ++k) needed[k] = value;
            i += run;
        }
        const auto peaks = detect(detector, input, 0.0f, &needed, 4, 700);
        std::size_t skipped = 0;
        for (std::size_t i = 0; i < peaks.size(); ++i) {
            if (needed[i]) ASSERT_EQ(peaks[i], expected[i]) << "frame " << i;
            else if (peaks[i] != expected[i]) {
                ASSERT_EQ(peaks[i], 0.0f) << "frame " << i;
                ++skipped;
            }
        }
        EXPECT_GT(skipped, peaks.size() / 4);  // most unneeded frames were not computed
    }
}

TEST(TruePeakDetector, NonFiniteSamplesAreHandledLikeTheReference) {
    // NaN never wins a maximum (the reading comes from the other values); infinity reads infinite.
    const double rate = 44100.0;
    AudioBuffer input = testSignal(rate);
    ASSERT_GT(input.numFrames(), 6000u);
    input.channel(0)[2000] = std::numeric_limits<float>::quiet_NaN();
    input.channel(1)[4000] = std::numeric_limits<float>::infinity();
    input.channel(0)[6000] = -std::numeric_limits<float>::infinity();
    const OversamplerParams params{4, 0.48, 60.0};
    for (auto interpolation : {Interpolation::polyphase, Interpolation::halfbandCascade}) {
    TruePeakDetector detector;
    ASSERT_TRUE(detector.prepare({rate, 2, 512}, params, 0, interpolation).ok());
    const auto expected = referenceReadings(input, rate, params, detector.latencyFrames(), interpolation);
    for (float floor : {0.0f, 0.9f}) {
        detector.reset();
        const auto peaks = detect(detector, input, floor, nullptr, 5, 512);
        std::size_t infinite = 0;
        for (std::size_t i = 0; i < peaks.size(); ++i) {
            if (expected[i] > floor) ASSERT_EQ(peaks[i], expected[i]) << "frame " << i;
            else ASSERT_LE(peaks[i], floor) << "frame " << i;
            infinite += std::isinf(peaks[i]) ? 1 : 0;
        }
        EXPECT_GT(infinite, 0u);
    }
    }
}

TEST(TruePeakDetector, DoesNotAllocateAfterPrepare) {
    const double rate = 44100.0;
    const AudioBuffer input = testSignal(rate);
    for (auto interpolation : {Interpolation::polyphase, Interpolation::halfbandCascade}) {
    TruePeakDetector detector;
    ASSERT_TRUE(detector.prepare({rate, 2, 4096}, {4, 0.48, 60.0}, 0, interpolation).ok());
    std::vector<float> peaks(2048);
    std::vector<std::uint8_t> needed(2048, 1);
    for (std::size_t i = 0; i < needed.size(); i += 3) needed[i] = 0;
    ASSERT_GE(input.numFrames(), 4096u);
    test::AllocationCounter counter;
    detector.process(ConstAudioBlock(input.block()).slice(0, 2048), peaks, 0.5f);
    detector.process(ConstAudioBlock(input.block()).slice(2048, 2048), peaks, 0.5f, needed);
    detector.reset();
    EXPECT_EQ(counter.count(), 0u);
    }
}

TEST(TruePeakDetector, RejectsAFactorBelowTwo) {
    TruePeakDetector detector;
    EXPECT_FALSE(detector.prepare({44100.0, 2, 512}, {1, 0.45, 50.0}).ok());
    EXPECT_FALSE(detector.prepare({44100.0, 2, 512}, {3, 0.45, 50.0}).ok());
    EXPECT_FALSE(detector.prepare({44100.0, 2, 512}, {8, 0.45, 50.0}, 0, Interpolation::halfbandCascade).ok());
}

TEST(TruePeakDetector, HalfbandCascadeReadsSinesAsThePolyphaseFilterDoes) {
    // A sine's true peak is its amplitude. Both 4x interpolators (same passband 0.48 fs, 60 dB)
    // read sines from 1 kHz to 0.48 fs within 0.03 dB of it (the parabola's residual at 4x is most of
    // it, up to 0.025 dB near 0.4 fs), and the cascade within 0.003 dB of the polyphase filter (0.001 measured).
    for (double rate : {44100.0, 96000.0}) {
        TruePeakDetector cascade, polyphase;
        ASSERT_TRUE(cascade.prepare({rate, 1, 4096}, {4, 0.48, 60.0}, 0, Interpolation::halfbandCascade).ok());
        ASSERT_TRUE(polyphase.prepare({rate, 1, 4096}, {4, 0.48, 60.0}).ok());
        double worstDb = 0.0, worstApartDb = 0.0;
        for (double fraction : {1000.0 / rate, 0.125, 0.2, 0.25, 0.3, 0.4, 0.45, 0.47, 0.48}) {
            for (double phase : {0.0, 0.7, 1.9}) {
                const double amplitude = 0.5;
                AudioBuffer sine(1, 8192);
                for (std::size_t i = 0; i < sine.numFrames(); ++i)
                    sine.channel(0)[i] = static_cast<float>(amplitude * std::sin(2.0 * M_PI * fraction * double(i) + phase));
                double readingDb[2];
                for (int which = 0; which < 2; ++which) {
                    TruePeakDetector& detector = which == 0 ? cascade : polyphase;
                    detector.reset();
                    std::vector<float> peaks(sine.numFrames());
                    detector.process(sine.block(), peaks);
                    // Steady state only: the filters' start-up lies in the first latency + span frames.
                    const float reading = *std::max_element(peaks.begin() + 1024, peaks.end());
                    readingDb[which] = 20.0 * std::log10(double(reading) / amplitude);
                    EXPECT_LT(std::abs(readingDb[which]), 0.03) << rate << " Hz, " << fraction << " fs, phase " << phase << ", " << which;
                    worstDb = std::max(worstDb, std::abs(readingDb[which]));
                }
                EXPECT_LT(std::abs(readingDb[0] - readingDb[1]), 0.003) << rate << " Hz, " << fraction << " fs, phase " << phase;
                worstApartDb = std::max(worstApartDb, std::abs(readingDb[0] - readingDb[1]));
            }
        }
        std::printf("%.0f Hz: worst sine reading error %.4f dB, cascade vs polyphase %.4f dB\n", rate, worstDb, worstApartDb);
    }
}
