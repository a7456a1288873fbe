// Gain: contract, 0 dB bit-exact bypass, exact static gain, linearity, and the multiplicative ramp
// (linear in dB, monotone, no step beyond the signal's own, lands exactly on the target).

#include "lathe/dsp/gain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(Gain, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(48000.0, 1.0, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<Gain>(GainParams{-7.5, 20.0}); }, input, 48000.0);
}

TEST(Gain, ZeroDbIsBitExactBypass) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.5, 1.0, 3, 4);
    AudioBuffer audio = test::copyOf(input.block());
    Gain gain;
    test::processWhole(gain, audio, 48000.0, 100);
    for (int c = 0; c < 3; ++c)
        EXPECT_EQ(std::memcmp(audio.channel(c).data(), input.channel(c).data(), input.numFrames() * sizeof(float)), 0);
}

TEST(Gain, StaticGainIsExactAndLinear) {
    const double fs = 44100.0;
    const AudioBuffer x = test::whiteNoise(fs, 0.2, 0.5, 2, 1), y = test::whiteNoise(fs, 0.2, 0.5, 2, 2);
    const double g = std::pow(10.0, -6.0 / 20.0);
    AudioBuffer gx = test::copyOf(x.block());
    Gain a(GainParams{-6.0, 20.0});
    test::processWhole(a, gx, fs);
    for (std::size_t i = 0; i < x.numFrames(); ++i)
        ASSERT_EQ(gx.channel(1)[i], static_cast<float>(double(x.channel(1)[i]) * g)) << i;
    // Linearity: gain(2x - 3y) = 2 gain(x) - 3 gain(y) within float rounding.
    AudioBuffer mix(2, x.numFrames()), gy = test::copyOf(y.block());
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i) mix.channel(c)[i] = 2.0f * x.channel(c)[i] - 3.0f * y.channel(c)[i];
    Gain b(GainParams{-6.0, 20.0}), m(GainParams{-6.0, 20.0});
    test::processWhole(b, gy, fs);
    test::processWhole(m, mix, fs);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i)
            ASSERT_NEAR(mix.channel(c)[i], 2.0 * gx.channel(c)[i] - 3.0 * gy.channel(c)[i], 4e-7) << i;
}

// A change from -20 dB to +6 dB over 10 ms on DC: the applied gain rises by the same number of
// dB every sample (a straight line in dB), never overshoots, and the ramp's last sample is
// exactly the target. On a sine, no sample-to-sample step exceeds what a sinusoid of the larger
// amplitude can do (no zipper, no click); an instant change is the control that does.
TEST(Gain, RampIsLinearInDbAndClickFree) {
    const double fs = 48000.0;
    AudioBuffer ones(1, 2000);
    for (auto& s : ones.channel(0)) s = 1.0f;
    Gain gain(GainParams{-20.0, 10.0});
    ASSERT_TRUE(gain.prepare({fs, 1, 4096}).ok());
    gain.process(ones.block().slice(0, 100));
    ASSERT_TRUE(gain.setGainDb(6.0).ok());
    gain.process(ones.block().slice(100, 1900));
    const std::size_t rampEnd = 100 + 480;
    const double stepDb = 26.0 / 480.0;
    for (std::size_t i = 100; i < rampEnd; ++i) {
        const double db = 20.0 * std::log10(ones.channel(0)[i]), previous = 20.0 * std::log10(ones.channel(0)[i - 1]);
        ASSERT_NEAR(db - previous, stepDb, 1e-4) << i;
    }
    EXPECT_EQ(ones.channel(0)[rampEnd - 1], static_cast<float>(std::pow(10.0, 6.0 / 20.0)));
    for (std::size_t i = rampEnd; i < 2000; ++i) ASSERT_EQ(ones.channel(0)[i], ones.channel(0)[rampEnd - 1]);

    for (double rampMs : {10.0, 0.0}) {
        const double f = 1000.0, w = 2.0 * std::numbers::pi * f / fs, amplitude = 0.1;
        AudioBuffer sine = test::sine(fs, f, 0.1, amplitude, 1);
        Gain g(GainParams{-20.0, rampMs});
        ASSERT_TRUE(g.prepare({fs, 1, 4096}).ok());
        const std::size_t change = 48 * 40 + 12;  // at a peak
        g.process(sine.block().slice(0, change));
        ASSERT_TRUE(g.setGainDb(6.0).ok());
        g.process(sine.block().slice(change, sine.numFrames() - change));
        double largest = 0.0;
        for (std::size_t i = 1; i < sine.numFrames(); ++i)
            largest = std::max(largest, std::abs(double(sine.channel(0)[i]) - sine.channel(0)[i - 1]));
        const double natural = 2.0 * amplitude * std::pow(10.0, 6.0 / 20.0) * std::sin(w / 2);
        if (rampMs > 0)
            EXPECT_LE(largest, 1.01 * natural);
        else
            EXPECT_GT(largest, 2.0 * natural);
    }
}

TEST(Gain, RejectsOutOfRangeGain) {
    Gain gain;
    EXPECT_FALSE(gain.setGainDb(60.0).ok());
    EXPECT_FALSE(gain.setGainDb(std::nan("")).ok());
    EXPECT_EQ(gain.targetGainDb(), 0.0);
    EXPECT_FALSE(Gain(GainParams{-200.0, 10.0}).prepare({48000.0, 2, 512}).ok());
    EXPECT_FALSE(Gain(GainParams{0.0, -1.0}).prepare({48000.0, 2, 512}).ok());
}

}  // namespace
}  // namespace lathe::dsp
