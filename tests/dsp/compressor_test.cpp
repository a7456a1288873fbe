#include "lathe/dsp/compressor.h"

#include "lathe/dsp/biquad_design.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "support/signals.h"
#include "support/stage_contract.h"
#include "util/random.h"
#include "dsp/fast_log_exp.h"

using namespace lathe;
using lathe::dsp::Compressor;
using lathe::dsp::GainComputer;
using lathe::dsp::SmoothPeakDetector;
using lathe::test::copyOf;

namespace {

// Giannoulis, Massberg & Reiss 2012, eq. 4, written out independently of the implementation.
double giannoulisOutputDb(double x, double t, double r, double w) {
    if (2.0 * (x - t) < -w) return x;
    if (2.0 * std::abs(x - t) <= w) return x + (1.0 / r - 1.0) * (x - t + w / 2.0) * (x - t + w / 2.0) / (2.0 * w);
    return t + (x - t) / r;
}

// Input delayed by `frames` (zeros shifted in), i.e. the latency-aligned input.
AudioBuffer delayed(const AudioBuffer& in, std::size_t frames) {
    AudioBuffer out(in.numChannels(), in.numFrames());
    for (int c = 0; c < in.numChannels(); ++c)
        for (std::size_t i = frames; i < in.numFrames(); ++i) out.channel(c)[i] = in.channel(c)[i - frames];
    return out;
}

void expectBitIdentical(const AudioBuffer& a, const AudioBuffer& b) {
    ASSERT_EQ(a.numFrames(), b.numFrames());
    for (int c = 0; c < a.numChannels(); ++c)
        for (std::size_t i = 0; i < a.numFrames(); ++i)
            ASSERT_EQ(std::memcmp(&a.channel(c)[i], &b.channel(c)[i], sizeof(float)), 0)
                << "channel " << c << " frame " << i << ": " << a.channel(c)[i] << " vs " << b.channel(c)[i];
}

double rms(std::span<const float> x, std::size_t begin, std::size_t end) {
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += double(x[i]) * x[i];
    return std::sqrt(sum / double(end - begin));
}

// Time in frames (fractional, linearly interpolated) at which `y` first crosses `level` in the
// given direction, counting frame k as time k + 1 (the output after k + 1 inputs).
double crossingTime(const std::vector<double>& y, double level, bool rising) {
    for (std::size_t k = 0; k < y.size(); ++k) {
        const bool crossed = rising ? y[k] >= level : y[k] <= level;
        if (!crossed) continue;
        const double before = k == 0 ? (rising ? 0.0 : y[0]) : y[k - 1];
        const double fraction = (level - before) / (y[k] - before);
        return double(k) + fraction;
    }
    return -1.0;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Gain computer

TEST(GainComputer, StaticCurveMatchesGiannoulisBelowInsideAndAboveKnee) {
    struct Case {
        double threshold, ratio, knee;
    };
    for (const Case k : {Case{-20, 4, 6}, Case{-10, 2, 12}, Case{-30, 10, 3}, Case{0, 1.5, 20}}) {
        const GainComputer computer(k.threshold, k.ratio, k.knee);
        const double start = k.threshold - k.knee / 2, end = k.threshold + k.knee / 2;
        for (double x : {start - 30.0, start - 1.0, start,                                       // below
                         start + 0.25 * k.knee, k.threshold, start + 0.75 * k.knee, end,          // inside
                         end + 0.5, end + 10.0, end + 40.0}) {                                     // above
            const double expected = giannoulisOutputDb(x, k.threshold, k.ratio, k.knee);
            EXPECT_NEAR(computer.outputLevelDb(x), expected, 1e-12) << "x=" << x;
            EXPECT_NEAR(computer.gainReductionDb(x), x - expected, 1e-12) << "x=" << x;
        }
        // Landmarks that follow from the equations: unity below the knee, T + (1/R - 1) W / 8 at
        // the threshold, the straight line T + (x - T)/R above it.
        EXPECT_EQ(computer.gainReductionDb(start - 1.0), 0.0);
        EXPECT_NEAR(computer.outputLevelDb(k.threshold), k.threshold + (1 / k.ratio - 1) * k.knee / 8, 1e-12);
        EXPECT_NEAR(computer.outputLevelDb(end + 10.0), k.threshold + (k.knee / 2 + 10.0) / k.ratio, 1e-12);
    }
}

TEST(GainComputer, HardKneeAndLimiterCurve) {
    const GainComputer hard(-12.0, 3.0, 0.0);
    EXPECT_EQ(hard.outputLevelDb(-20.0), -20.0);
    EXPECT_NEAR(hard.outputLevelDb(-12.0), -12.0, 1e-12);
    EXPECT_NEAR(hard.outputLevelDb(0.0), -8.0, 1e-12);
    const GainComputer limiter(-6.0, std::numeric_limits<double>::infinity(), 0.0);
    EXPECT_NEAR(limiter.outputLevelDb(10.0), -6.0, 1e-12);
    const GainComputer unity(-20.0, 1.0, 6.0);
    for (double x = -60; x <= 20; x += 0.5) EXPECT_EQ(unity.gainReductionDb(x), 0.0);
}

// ---------------------------------------------------------------------------------------------
// Detector. Time constant definition: the time for the output to cover 1 - 1/e of a step.

TEST(SmoothPeakDetector, AttackAndReleaseTimeConstantsMatchSettingsOnSteps) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (auto [attackMs, releaseMs] : {std::pair{1.0, 100.0}, std::pair{10.0, 50.0}, std::pair{30.0, 300.0}}) {
            SmoothPeakDetector detector;
            detector.setTimes(attackMs, releaseMs, rate);
            const double step = 12.0;
            const auto frames = std::size_t(rate * 2.0);
            std::vector<double> up(frames), down(frames);
            for (auto& y : up) y = detector.process(step);
            for (auto& y : down) y = detector.process(0.0);
            ASSERT_NEAR(up.back(), step, 1e-6) << "attack did not settle";
            const double attackFrames = crossingTime(up, step * (1 - 1 / std::numbers::e), true);
            const double releaseFrames = crossingTime(down, up.back() / std::numbers::e, false);
            EXPECT_NEAR(attackFrames, attackMs * rate / 1000, 1.0) << "rate " << rate << " attack " << attackMs;
            EXPECT_NEAR(releaseFrames, releaseMs * rate / 1000, 1.0) << "rate " << rate << " release " << releaseMs;
        }
    }
}

TEST(SmoothPeakDetector, BranchesOnDirectionOfChange) {
    // Attack 1 ms, release 1 s: a rising input is followed fast, a falling one slowly.
    SmoothPeakDetector detector;
    detector.setTimes(1.0, 1000.0, 48000.0);
    double y = 0;
    for (int i = 0; i < 480; ++i) y = detector.process(10.0);  // 10 ms = 10 attack time constants
    EXPECT_GT(y, 10.0 * (1 - std::exp(-9.9)));
    for (int i = 0; i < 480; ++i) y = detector.process(0.0);  // 10 ms = 1/100 of the release
    EXPECT_NEAR(y, 10.0 * std::exp(-0.01), 1e-3);
}

TEST(SmoothPeakDetector, ProgramDependentReleaseIsSlowerAfterSustainedReduction) {
    const double rate = 48000, releaseMs = 100, slowMs = 1000;
    auto releaseAfter = [&](double burstSeconds) {
        SmoothPeakDetector detector;
        detector.setTimes(1.0, releaseMs, rate, slowMs);
        double peak = 0;
        for (int i = 0; i < int(burstSeconds * rate); ++i) peak = detector.process(10.0);
        std::vector<double> down(std::size_t(rate * 5));
        for (auto& y : down) y = detector.process(0.0);
        return crossingTime(down, peak / std::numbers::e, false) * 1000 / rate;  // ms
    };
    const double afterTransient = releaseAfter(0.02);
    const double afterSustained = releaseAfter(3.0);
    // After 20 ms the slow branch holds 2 % of the reduction: release is the fast time constant.
    EXPECT_NEAR(afterTransient, releaseMs, 1000 / rate);
    // After 3 s it holds 95 %: release to 1/e then takes slowMs * ln(0.95 e) = 949 ms.
    EXPECT_NEAR(afterSustained, slowMs * std::log((1 - std::exp(-3.0)) * std::numbers::e), 2.0);
}

// The branch-free block form against process() one value at a time: the same bits, with and
// without program-dependent release, across block boundaries.
TEST(SmoothPeakDetector, BlockProcessingMatchesPerSampleBitExact) {
    Random random(5);
    std::vector<double> input(20000);
    double level = 0.0;
    for (auto& x : input) {
        level = std::max(0.0, level + 2.0 * random.bipolar());  // a wandering reduction in dB
        x = random.uniform() < 0.1f ? 0.0 : level;
    }
    for (double slowMs : {0.0, 800.0}) {
        SmoothPeakDetector single, block;
        single.setTimes(5.0, 80.0, 48000.0, slowMs);
        block.setTimes(5.0, 80.0, 48000.0, slowMs);
        std::vector<double> expected(input.size()), actual = input;
        double largest = 0.0;
        for (std::size_t i = 0; i < input.size(); ++i) {
            expected[i] = single.process(input[i]);
            largest = std::max(largest, expected[i]);
        }
        double blockLargest = 0.0;
        for (std::size_t offset = 0, size = 1; offset < actual.size(); offset += size, size = size * 3 % 1000 + 1) {
            const std::size_t n = std::min(size, actual.size() - offset);
            blockLargest = std::max(blockLargest, block.process(std::span<double>(actual.data() + offset, n)));
        }
        for (std::size_t i = 0; i < input.size(); ++i)
            ASSERT_EQ(std::memcmp(&expected[i], &actual[i], sizeof(double)), 0) << "slow " << slowMs << " frame " << i;
        EXPECT_EQ(blockLargest, largest);
        EXPECT_EQ(block.value(), single.value());
    }
}

// Several detectors stepped in one loop give each one's own bits (groups of four and a remainder,
// with and without program-dependent release).
TEST(SmoothPeakDetector, TogetherMatchesEachAloneBitExact) {
    constexpr std::size_t kDetectors = 6, kFrames = 3000;
    Random random(9);
    std::vector<std::vector<double>> inputs(kDetectors, std::vector<double>(kFrames));
    for (auto& input : inputs) {
        double level = 0.0;
        for (auto& x : input) x = level = std::max(0.0, level + 3.0 * random.bipolar());
    }
    std::vector<SmoothPeakDetector> alone(kDetectors), together(kDetectors);
    for (std::size_t k = 0; k < kDetectors; ++k) {
        const double attack = 1.0 + double(k), release = 40.0 + 30.0 * double(k), slow = k % 2 ? 600.0 : 0.0;
        alone[k].setTimes(attack, release, 44100.0, slow);
        together[k].setTimes(attack, release, 44100.0, slow);
    }
    std::vector<std::vector<double>> expected = inputs, actual = inputs;
    std::vector<double> largestAlone(kDetectors);
    for (std::size_t k = 0; k < kDetectors; ++k) largestAlone[k] = alone[k].process(std::span<double>(expected[k]));
    std::vector<SmoothPeakDetector*> detectors;
    std::vector<double*> values;
    for (std::size_t k = 0; k < kDetectors; ++k) {
        detectors.push_back(&together[k]);
        values.push_back(actual[k].data());
    }
    std::vector<std::vector<double>> scratchSpace(kDetectors, std::vector<double>(2 * kFrames));
    std::vector<double*> scratch;
    for (auto& space : scratchSpace) scratch.push_back(space.data());
    std::vector<double> largest(kDetectors);
    SmoothPeakDetector::processTogether(detectors, values, scratch, kFrames, largest.data());
    for (std::size_t k = 0; k < kDetectors; ++k) {
        ASSERT_EQ(std::memcmp(expected[k].data(), actual[k].data(), kFrames * sizeof(double)), 0) << "detector " << k;
        EXPECT_EQ(largest[k], largestAlone[k]);
        EXPECT_EQ(together[k].value(), alone[k].value());
    }
}

// ---------------------------------------------------------------------------------------------
// Level sensing and gain application

TEST(MovingMaximum, MatchesBruteForce) {
    Random random(7);
    std::vector<float> x(5000);
    for (auto& v : x) v = random.uniform();
    for (std::size_t window : {1u, 2u, 7u, 100u, 1000u}) {
        dsp::MovingMaximum hold;
        hold.prepare(window);
        for (std::size_t i = 0; i < x.size(); ++i) {
            float expected = 0;
            for (std::size_t j = i + 1 > window ? i + 1 - window : 0; j <= i; ++j) expected = std::max(expected, x[j]);
            ASSERT_EQ(hold.process(x[i]), expected) << "window " << window << " frame " << i;
        }
    }
}

// The block form scans four values at a time (prefix and suffix maxima in vector lanes): it must
// give exactly the one-at-a-time results, for windows that are and are not multiples of four and
// blocks that start anywhere in a segment, in place as well as out of place.
TEST(MovingMaximum, BlockFormMatchesOneAtATime) {
    Random random(11);
    std::vector<float> x(6000);
    for (auto& v : x) v = random.bipolar() * (random.uniform() < 0.01 ? 8.0f : 1.0f);
    for (std::size_t window : {1u, 2u, 3u, 4u, 5u, 7u, 8u, 9u, 100u, 441u}) {
        dsp::MovingMaximum single, block;
        single.prepare(window);
        block.prepare(window);
        std::vector<float> expected(x.size()), got = x;
        for (std::size_t i = 0; i < x.size(); ++i) expected[i] = single.process(x[i]);
        for (std::size_t done = 0; done < x.size();) {
            const std::size_t n = std::min<std::size_t>(x.size() - done, 1 + random.next() % 37);
            std::span<float> part(got.data() + done, n);
            block.process(part, part);  // in place
            done += n;
        }
        for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(got[i], expected[i]) << "window " << window << " frame " << i;
    }
}

TEST(GainApplication, MixFormulaAndExactDryPath) {
    Random random(3);
    std::vector<float> x(1000);
    std::vector<double> gain(1000);
    for (auto& v : x) v = random.bipolar();
    for (auto& g : gain) g = 0.1 + random.uniform();
    for (double mix : {0.0, 0.3, 1.0}) {
        std::vector<float> y = x;
        dsp::applyGainWithMix(y, gain, mix);
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (mix == 0.0) ASSERT_EQ(y[i], x[i]);
            else if (mix == 1.0) ASSERT_EQ(y[i], float(double(x[i]) * gain[i]));
            else ASSERT_NEAR(y[i], x[i] * (1 - mix) + x[i] * gain[i] * mix, 1e-6);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Compressor

namespace {

// A 1 kHz sine stepping through levels (peak dBFS), `stepSeconds` each.
AudioBuffer steppedSine(double rate, const std::vector<double>& levelsDb, double stepSeconds, int channels = 2) {
    const auto stepFrames = std::size_t(stepSeconds * rate);
    AudioBuffer out(channels, stepFrames * levelsDb.size());
    const double w = 2 * std::numbers::pi * 1000.0 / rate;
    for (std::size_t i = 0; i < out.numFrames(); ++i) {
        const double amplitude = std::pow(10.0, levelsDb[i / stepFrames] / 20);
        for (int c = 0; c < channels; ++c) out.channel(c)[i] = float(amplitude * std::sin(w * double(i)));
    }
    return out;
}

}  // namespace

TEST(Compressor, SteadyStateReductionOnSteppedSineMatchesStaticCurve) {
    const std::vector<double> levels{-40, -26, -23, -20, -17, -14, -8, -2, -30};
    double worstError = 0;
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (auto detector : {Compressor::Detector::Peak, Compressor::Detector::Rms}) {
            Compressor::Params p;
            p.thresholdDb = -20;
            p.ratio = 4;
            p.kneeDb = 6;
            p.attackMs = 5;
            p.releaseMs = 50;
            p.detector = detector;
            p.lookaheadMs = 2;
            Compressor compressor(p);
            ASSERT_TRUE(compressor.prepare({rate, 2, 4096}).ok());
            const double stepSeconds = 0.5;
            const AudioBuffer input = steppedSine(rate, levels, stepSeconds);
            const AudioBuffer aligned = delayed(input, std::size_t(compressor.latencyFrames()));
            AudioBuffer output = copyOf(input.block());
            const auto stepFrames = std::size_t(stepSeconds * rate);
            auto block = output.block();
            for (std::size_t s = 0; s < levels.size(); ++s) {
                for (std::size_t offset = 0; offset < stepFrames; offset += 512)
                    compressor.process(block.slice(s * stepFrames + offset, std::min<std::size_t>(512, stepFrames - offset)));
                // The detector's notion of level: the sine's peak, or its RMS (peak - 3.01 dB).
                const double levelDb = detector == Compressor::Detector::Peak ? levels[s] : levels[s] - 10 * std::log10(2.0);
                const double expected = compressor.gainComputer().gainReductionDb(levelDb);
                // Measure over the last 100 ms of the step (latency-aligned, so the step is settled).
                const std::size_t end = (s + 1) * stepFrames, begin = end - std::size_t(0.1 * rate);
                const double measured = 20 * std::log10(rms(aligned.channel(0), begin, end) / rms(output.channel(0), begin, end));
                EXPECT_NEAR(measured, expected, 0.1) << "rate " << rate << " level " << levels[s] << " detector "
                                                     << int(detector);
                worstError = std::max(worstError, std::abs(measured - expected));
                EXPECT_NEAR(compressor.gainReductionDb(), expected, 0.1) << "readout, level " << levels[s];
            }
            EXPECT_NEAR(compressor.maxGainReductionDb(), compressor.gainComputer().gainReductionDb(-2.0 - (detector == Compressor::Detector::Rms ? 10 * std::log10(2.0) : 0.0)), 0.2);
        }
    }
    std::printf("stepped sine: worst |measured - static| reduction %.4f dB\n", worstError);
}

TEST(Compressor, AttackAndReleaseMeasuredEndToEndOnLevelSteps) {
    // DC level steps -40 dBFS -> 0 dBFS -> -40 dBFS through the whole compressor; the gain
    // reduction read from output / input covers 1 - 1/e of its change in attackMs after the step
    // up, and in peakHoldMs + releaseMs after the step down (the hold keeps the level first).
    const double rate = 48000;
    for (float holdMs : {0.0f, 10.0f}) {
        Compressor::Params p;
        p.thresholdDb = -20;
        p.ratio = 4;
        p.kneeDb = 0;
        p.attackMs = 8;
        p.releaseMs = 60;
        p.peakHoldMs = holdMs;
        const std::size_t quiet = 24000, loud = 48000;
        AudioBuffer input(1, quiet + loud + quiet);
        for (std::size_t i = 0; i < input.numFrames(); ++i) input.channel(0)[i] = (i >= quiet && i < quiet + loud) ? 1.0f : 0.01f;
        Compressor compressor(p);
        AudioBuffer output = copyOf(input.block());
        test::processWhole(compressor, output, rate, 256);
        std::vector<double> up, down;
        for (std::size_t i = quiet; i < quiet + loud; ++i) up.push_back(-20 * std::log10(output.channel(0)[i] / input.channel(0)[i]));
        for (std::size_t i = quiet + loud; i < input.numFrames(); ++i)
            down.push_back(-20 * std::log10(output.channel(0)[i] / input.channel(0)[i]));
        const double full = compressor.gainComputer().gainReductionDb(0.0);  // 15 dB
        ASSERT_NEAR(up.back(), full, 1e-4);
        EXPECT_NEAR(crossingTime(up, full * (1 - 1 / std::numbers::e), true), p.attackMs * rate / 1000, 1.0);
        EXPECT_NEAR(crossingTime(down, full / std::numbers::e, false), (p.peakHoldMs + p.releaseMs) * rate / 1000, 1.0)
            << "hold " << holdMs;
    }
}

TEST(Compressor, SidechainHighPassSetsTheDetectedLevel) {
    // A 0 dBFS 40 Hz sine with a 150 Hz side-chain high-pass: the detector sees the sine scaled by
    // the filter's analytic gain, so the steady-state reduction is the static curve there.
    const double rate = 48000;
    Compressor::Params p;
    p.thresholdDb = -40;
    p.ratio = 4;
    p.kneeDb = 0;
    p.attackMs = 5;
    p.releaseMs = 200;
    p.peakHoldMs = 15;  // > half a period of 40 Hz
    p.sidechainHighPassHz = 150;
    const AudioBuffer input = test::sine(rate, 40.0, 2.0, 1.0);
    Compressor compressor(p);
    AudioBuffer output = copyOf(input.block());
    test::processWhole(compressor, output, rate, 512);
    const double filterDb = dsp::butterworthHighPass(2, 150.0, rate).magnitudeDb(40.0, rate);  // about -23 dB
    const double expected = compressor.gainComputer().gainReductionDb(filterDb);
    EXPECT_NEAR(compressor.gainReductionDb(), expected, 0.1);
    const std::size_t end = input.numFrames(), begin = end - std::size_t(0.5 * rate);
    EXPECT_NEAR(20 * std::log10(rms(input.channel(0), begin, end) / rms(output.channel(0), begin, end)), expected, 0.1);
    // Without the filter the same sine is reduced by the full 30 dB.
    p.sidechainHighPassHz = 0;
    Compressor unfiltered(p);
    AudioBuffer again = copyOf(input.block());
    test::processWhole(unfiltered, again, rate, 512);
    EXPECT_NEAR(unfiltered.gainReductionDb(), 30.0, 0.1);
}

TEST(Compressor, LookaheadLatencyEqualsReportedValue) {
    const double rate = 48000;
    Compressor::Params p;
    p.lookaheadMs = 5;
    p.thresholdDb = -40;
    p.ratio = 8;
    Compressor compressor(p);
    ASSERT_TRUE(compressor.prepare({rate, 2, 4096}).ok());
    ASSERT_EQ(compressor.latencyFrames(), 240);
    // A quiet impulse (below threshold) comes out unchanged, exactly latencyFrames later.
    AudioBuffer audio(2, 2000);
    audio.channel(0)[100] = 0.001f;
    audio.channel(1)[100] = -0.001f;
    test::processWhole(compressor, audio, rate, 64);
    for (std::size_t i = 0; i < audio.numFrames(); ++i) {
        EXPECT_EQ(audio.channel(0)[i], i == 340 ? 0.001f : 0.0f) << i;
        EXPECT_EQ(audio.channel(1)[i], i == 340 ? -0.001f : 0.0f) << i;
    }
}

TEST(Compressor, LookaheadReducesGainBeforeTheLoudPartArrives) {
    // Silence then a loud 1 kHz sine; attack 0.5 ms, lookahead 5 ms = 10 attack
    // time constants. The first loud output frames already get (nearly) the full reduction;
    // without lookahead they pass nearly unreduced.
    const double rate = 48000;
    auto firstCycleGainDb = [&](float lookaheadMs) {
        Compressor::Params p;
        p.thresholdDb = -30;
        p.ratio = 10;
        p.kneeDb = 0;
        p.attackMs = 0.5f;
        p.releaseMs = 200;
        p.peakHoldMs = 1;  // half a period of 1 kHz: the level is the sine's peak
        p.lookaheadMs = lookaheadMs;
        Compressor compressor(p);
        AudioBuffer input(2, 9600);
        for (std::size_t i = 4800; i < input.numFrames(); ++i)
            for (int c = 0; c < 2; ++c) input.channel(c)[i] = float(std::sin(2 * std::numbers::pi * 1000 * double(i - 4800) / rate));
        AudioBuffer output = copyOf(input.block());
        test::processWhole(compressor, output, rate, 256);
        const auto start = 4800 + std::size_t(compressor.latencyFrames());
        // Peak of the first cycle (48 frames) against the input's 1.0.
        float peak = 0;
        for (std::size_t i = start; i < start + 48; ++i) peak = std::max(peak, std::abs(output.channel(0)[i]));
        return 20 * std::log10(double(peak));
    };
    const double staticGainDb = -GainComputer(-30, 10, 0).gainReductionDb(0.0);  // -27 dB
    EXPECT_NEAR(firstCycleGainDb(5.0f), staticGainDb, 0.5);
    EXPECT_GT(firstCycleGainDb(0.0f), staticGainDb + 6.0);
}

TEST(Compressor, LinkedModeAppliesOneGainToAllChannels) {
    const double rate = 48000;
    AudioBuffer input = steppedSine(rate, {-30, -6, -12, -30}, 0.25);
    // Right channel: a quieter, different signal that alone would not be compressed.
    for (std::size_t i = 0; i < input.numFrames(); ++i)
        input.channel(1)[i] = float(0.02 * std::sin(2 * std::numbers::pi * 330 * double(i) / rate));
    Compressor::Params p;
    p.thresholdDb = -20;
    p.ratio = 4;
    p.lookaheadMs = 1;
    Compressor compressor(p);
    AudioBuffer output = copyOf(input.block());
    test::processWhole(compressor, output, rate, 333);
    const AudioBuffer aligned = delayed(input, std::size_t(compressor.latencyFrames()));
    std::size_t compared = 0;
    double worst = 0, minGain = 1;
    for (std::size_t i = 0; i < input.numFrames(); ++i) {
        const double l = aligned.channel(0)[i], r = aligned.channel(1)[i];
        if (std::abs(l) < 1e-2 || std::abs(r) < 1e-2) continue;
        const double gainLeft = output.channel(0)[i] / l, gainRight = output.channel(1)[i] / r;
        worst = std::max(worst, std::abs(gainLeft - gainRight) / gainLeft);
        minGain = std::min(minGain, gainLeft);
        ++compared;
    }
    EXPECT_GT(compared, input.numFrames() / 4);
    EXPECT_LT(worst, 1e-6);          // the same gain, to float rounding of the output samples
    EXPECT_LT(20 * std::log10(minGain), -6.0);  // and it really compressed (the right channel too)
}

TEST(Compressor, MidSideModeLeavesSideUntouchedWhenOnlyMidIsOverThreshold) {
    const double rate = 48000;
    const auto frames = std::size_t(rate);
    AudioBuffer input(2, frames);
    for (std::size_t i = 0; i < frames; ++i) {
        const double mid = 0.5 * std::sin(2 * std::numbers::pi * 440 * double(i) / rate);   // -6 dBFS
        const double side = 0.01 * std::sin(2 * std::numbers::pi * 1250 * double(i) / rate);  // -40 dBFS
        input.channel(0)[i] = float(mid + side);
        input.channel(1)[i] = float(mid - side);
    }
    Compressor::Params p;
    p.stereoMode = Compressor::StereoMode::MidSide;
    p.thresholdDb = -20;
    p.ratio = 4;
    p.lookaheadMs = 2;
    Compressor compressor(p);
    AudioBuffer output = copyOf(input.block());
    test::processWhole(compressor, output, rate, 500);
    const AudioBuffer aligned = delayed(input, std::size_t(compressor.latencyFrames()));
    double worstSide = 0;
    for (std::size_t i = 0; i < frames; ++i) {
        const double sideIn = 0.5 * (double(aligned.channel(0)[i]) - aligned.channel(1)[i]);
        const double sideOut = 0.5 * (double(output.channel(0)[i]) - output.channel(1)[i]);
        worstSide = std::max(worstSide, std::abs(sideOut - sideIn));
    }
    // Untouched up to the float rounding of the two output samples (|L|, |R| < 0.52: 2^-25 each).
    EXPECT_LE(worstSide, std::ldexp(1.0, -25));
    // While the mid was compressed by the static curve (peak detector: level = -6 dBFS).
    const std::size_t begin = frames / 2;
    auto midRms = [&](const AudioBuffer& b) {
        double sum = 0;
        for (std::size_t i = begin; i < frames; ++i) {
            const double m = 0.5 * (double(b.channel(0)[i]) + b.channel(1)[i]);
            sum += m * m;
        }
        return std::sqrt(sum / double(frames - begin));
    };
    const double reduction = 20 * std::log10(midRms(aligned) / midRms(output));
    EXPECT_NEAR(reduction, compressor.gainComputer().gainReductionDb(20 * std::log10(0.5)), 0.1);
}

TEST(Compressor, MixZeroNullsAgainstLatencyAlignedInputExactly) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto mode : {Compressor::StereoMode::Linked, Compressor::StereoMode::MidSide}) {
        Compressor::Params p;
        p.thresholdDb = -30;
        p.ratio = 10;
        p.lookaheadMs = 3;
        p.mixPercent = 0;
        p.makeupGainDb = 6;
        p.stereoMode = mode;
        Compressor compressor(p);
        AudioBuffer output = copyOf(input.block());
        test::processWhole(compressor, output, rate, 300);
        EXPECT_GT(compressor.maxGainReductionDb(), 10.0f);  // the wet path is heavily compressed
        expectBitIdentical(output, delayed(input, std::size_t(compressor.latencyFrames())));
    }
}

TEST(Compressor, RatioOneNullsExactly) {
    const double rate = 44100;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto mode : {Compressor::StereoMode::Linked, Compressor::StereoMode::MidSide}) {
        for (auto detector : {Compressor::Detector::Peak, Compressor::Detector::Rms}) {
            Compressor::Params p;
            p.thresholdDb = -40;
            p.ratio = 1;
            p.kneeDb = 10;
            p.lookaheadMs = 1.5f;
            p.stereoMode = mode;
            p.detector = detector;
            Compressor compressor(p);
            AudioBuffer output = copyOf(input.block());
            test::processWhole(compressor, output, rate, 1024);
            EXPECT_EQ(compressor.maxGainReductionDb(), 0.0f);
            expectBitIdentical(output, delayed(input, std::size_t(compressor.latencyFrames())));
        }
    }
}

TEST(Compressor, MakeupGainScalesOutput) {
    const double rate = 48000;
    const AudioBuffer input = test::whiteNoise(rate, 0.2, 0.1);
    Compressor::Params p;
    p.ratio = 1;
    p.makeupGainDb = 6;
    Compressor compressor(p);
    AudioBuffer output = copyOf(input.block());
    test::processWhole(compressor, output, rate, 512);
    const double g = std::pow(10.0, 6.0 / 20);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < input.numFrames(); ++i)
            ASSERT_EQ(output.channel(c)[i], float(double(input.channel(c)[i]) * g));
}

TEST(Compressor, GainReductionReadoutTracksCurrentAndMaximum) {
    const double rate = 48000;
    Compressor::Params p;
    p.thresholdDb = -20;
    p.ratio = 4;
    p.kneeDb = 0;
    p.releaseMs = 20;
    Compressor compressor(p);
    ASSERT_TRUE(compressor.prepare({rate, 2, 4096}).ok());
    AudioBuffer loud = steppedSine(rate, {0}, 0.5), quiet = steppedSine(rate, {-40}, 1.0);
    compressor.process(loud.block().slice(0, 4096));
    for (std::size_t o = 4096; o + 4096 <= loud.numFrames(); o += 4096) compressor.process(loud.block().slice(o, 4096));
    EXPECT_NEAR(compressor.gainReductionDb(), 15.0, 0.1);
    for (std::size_t o = 0; o + 4096 <= quiet.numFrames(); o += 4096) compressor.process(quiet.block().slice(o, 4096));
    EXPECT_LT(compressor.gainReductionDb(), 0.01f);
    EXPECT_NEAR(compressor.maxGainReductionDb(), 15.0, 0.1);
    compressor.resetMaxGainReduction();
    EXPECT_EQ(compressor.maxGainReductionDb(), 0.0f);
}

TEST(Compressor, RejectsInvalidSettings) {
    Compressor::Params p;
    p.ratio = 0.5f;
    EXPECT_FALSE(Compressor(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.stereoMode = Compressor::StereoMode::MidSide;
    EXPECT_FALSE(Compressor(p).prepare({48000, 1, 512}).ok());
    p = {};
    p.mixPercent = 150;
    EXPECT_FALSE(Compressor(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.sidechainHighPassHz = 30000;
    EXPECT_FALSE(Compressor(p).prepare({48000, 2, 512}).ok());
}

namespace {

// The compressor as a per-sample scalar model: the signal flow of compressor.h, one frame at a
// time, with the library's own building blocks one value at a time (MovingMaximum::process(float),
// SmoothPeakDetector::process(double), GainComputer, fastLog / fastExp). Compressor::process runs
// the same arithmetic in passes over the block (vectorised, AVX2 where the machine has it); this is
// its scalar twin. No side-chain high-pass (its filter has its own tests).
AudioBuffer perSampleCompressor(const Compressor::Params& p, const AudioBuffer& input, double rate, float* maxReduction) {
    const bool midSide = p.stereoMode == Compressor::StereoMode::MidSide;
    const bool rms = p.detector == Compressor::Detector::Rms;
    const int paths = midSide ? 2 : 1;
    const GainComputer computer(p.thresholdDb, p.ratio, p.kneeDb);
    const double kneeStartLevel =
        rms ? std::pow(10.0, computer.kneeStartDb() / 10.0) : std::pow(10.0, computer.kneeStartDb() / 20.0);
    const double toDb = rms ? 10.0 / std::log(10.0) : 20.0 / std::log(10.0);
    const double dbToLog = std::log(10.0) / 20.0;
    const double makeup = p.makeupGainDb, unity = std::pow(10.0, makeup / 20.0);
    const double mix = double(p.mixPercent) / 100.0, dry = 1.0 - mix;
    const double rmsCoefficient = SmoothPeakDetector::coefficient(p.rmsWindowMs, rate);
    const auto lookahead = std::size_t(std::llround(p.lookaheadMs * rate / 1000.0));
    dsp::MovingMaximum hold[2];
    SmoothPeakDetector detector[2];
    double meanSquare[2][2] = {{0, 0}, {0, 0}};
    for (int k = 0; k < paths; ++k) {
        hold[k].prepare(std::size_t(std::llround(p.peakHoldMs * rate / 1000.0)) + 1);
        detector[k].setTimes(p.attackMs, p.releaseMs, rate, p.autoRelease ? p.autoReleaseSlowMs : 0.0);
    }
    std::vector<std::vector<float>> ring(2, std::vector<float>(std::max<std::size_t>(lookahead, 1), 0.0f));
    std::size_t position = 0;
    double largest = 0.0;
    AudioBuffer out(2, input.numFrames());
    for (std::size_t i = 0; i < input.numFrames(); ++i) {
        const float l = input.channel(0)[i], r = input.channel(1)[i];
        float sidechain[2][2];  // [path][channel]
        if (midSide) {
            sidechain[0][0] = 0.5f * (l + r);
            sidechain[1][0] = 0.5f * (l - r);
        } else {
            sidechain[0][0] = l;
            sidechain[0][1] = r;
        }
        const int channels = midSide ? 1 : 2;
        double gain[2];
        for (int k = 0; k < paths; ++k) {
            double level = 0.0;
            if (rms) {
                for (int c = 0; c < channels; ++c) {
                    const double x = sidechain[k][c];
                    meanSquare[k][c] = rmsCoefficient * meanSquare[k][c] + (1.0 - rmsCoefficient) * x * x;
                    level = std::max(level, meanSquare[k][c]);
                }
            } else {
                float peak = std::abs(sidechain[k][0]);
                for (int c = 1; c < channels; ++c) peak = std::max(peak, std::abs(sidechain[k][c]));
                level = hold[k].process(peak);
            }
            double target = 0.0;
            if (!(level <= kneeStartLevel))
                target = computer.gainReductionDb(toDb * dsp::fastmath::fastLog(std::max(level, DBL_MIN)));
            const double reduction = detector[k].process(target);
            largest = std::max(largest, reduction);
            gain[k] = reduction == 0.0 ? unity : dsp::fastmath::fastExp((makeup - reduction) * dbToLog);
        }
        float delayedL = l, delayedR = r;
        if (lookahead > 0) {
            delayedL = ring[0][position];
            delayedR = ring[1][position];
            ring[0][position] = l;
            ring[1][position] = r;
            if (++position == lookahead) position = 0;
        }
        if (midSide) {
            const double dl = delayedL, dr = delayedR;
            const double mid = 0.5 * (dl + dr) * gain[0];
            const double side = 0.5 * (dl - dr) * gain[1];
            out.channel(0)[i] = float(dry * dl + mix * (mid + side));
            out.channel(1)[i] = float(dry * dr + mix * (mid - side));
        } else {
            out.channel(0)[i] = float(double(delayedL) * (dry + mix * gain[0]));
            out.channel(1)[i] = float(double(delayedR) * (dry + mix * gain[0]));
        }
    }
    *maxReduction = float(largest);
    return out;
}

}  // namespace

// The block passes (and their vectorised, AVX2 or SSE2, loops) against the per-sample model: the
// same bits, in random block sizes, for peak (held, and not held) and RMS detection, linked and
// mid/side, with lookahead, mix, make-up and program-dependent release.
TEST(Compressor, BlockPassesMatchPerSampleModelBitExact) {
    const double rate = 44100;
    const AudioBuffer input = test::pinkNoise(rate, 2.0, 0.9);
    std::vector<Compressor::Params> settings(5);
    settings[0].lookaheadMs = 2;
    settings[0].autoRelease = true;
    settings[1].detector = Compressor::Detector::Rms;
    settings[1].mixPercent = 70;
    settings[1].makeupGainDb = 4;
    settings[2].stereoMode = Compressor::StereoMode::MidSide;
    settings[2].lookaheadMs = 1;
    settings[2].kneeDb = 0;
    settings[3].stereoMode = Compressor::StereoMode::MidSide;
    settings[3].detector = Compressor::Detector::Rms;
    settings[3].autoRelease = true;
    settings[3].peakHoldMs = 0;
    settings[4].peakHoldMs = 0;  // peak detection without hold: the level changes on every frame
    for (auto& p : settings) {
        p.thresholdDb = -30;
        p.ratio = 4;
        float modelMax = 0;
        const AudioBuffer expected = perSampleCompressor(p, input, rate, &modelMax);
        Compressor compressor(p);
        AudioBuffer output = copyOf(input.block());
        test::processRandomBlocks(compressor, output, rate, 17);
        expectBitIdentical(output, expected);
        EXPECT_EQ(compressor.maxGainReductionDb(), modelMax);
        EXPECT_GT(modelMax, 6.0f);  // it really compressed
    }
}

TEST(Compressor, StageContract) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.5, 0.9);
    std::vector<Compressor::Params> settings(5);
    settings[0].lookaheadMs = 3;
    settings[1].stereoMode = Compressor::StereoMode::MidSide;
    settings[1].lookaheadMs = 1;
    settings[1].mixPercent = 60;
    settings[2].detector = Compressor::Detector::Rms;
    settings[2].autoRelease = true;
    settings[3].peakHoldMs = 0;
    settings[3].attackMs = 0;
    settings[3].makeupGainDb = 3;
    settings[4].sidechainHighPassHz = 120;
    settings[4].lookaheadMs = 2;
    for (auto& p : settings) {
        p.thresholdDb = -24;
        p.ratio = 3;
        test::expectStageContract([p] { return std::make_unique<Compressor>(p); }, input, rate);
    }
}
