#include "lathe/analysis/silence_detector.h"

#include <gtest/gtest.h>

#include "support/signals.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

SilenceResult measureSilence(const AudioBuffer& audio, double sampleRate, std::size_t blockFrames = 1024) {
    SilenceDetector detector;
    EXPECT_TRUE(detector.prepare(sampleRate).ok());
    test::feedInBlocks(detector, audio, blockFrames);
    return detector.result();
}

// `head` s of `gapLevel` noise, 1 s of a -20 dBFS 1 kHz sine on the right channel only, `tail` s of noise.
AudioBuffer framed(double sampleRate, double head, double tail, double gapAmplitude) {
    AudioBuffer tone = test::sine(sampleRate, 1000, 1.0, 0.1, 2, 0.5);
    std::fill(tone.channel(0).begin(), tone.channel(0).end(), 0.0f);
    return test::concat(test::concat(test::whiteNoise(sampleRate, head, gapAmplitude, 2, 3), tone),
                        test::whiteNoise(sampleRate, tail, gapAmplitude, 2, 4));
}

}  // namespace

TEST(SilenceDetector, MeasuresHeadAndTailToWithinTenMilliseconds) {
    for (double rate : {44100.0, 48000.0}) {
        // Noise at -70 dBFS (below the -60 dBFS threshold) counts as silence.
        const AudioBuffer audio = framed(rate, 0.5, 0.25, std::pow(10.0, -70.0 / 20.0));
        for (std::size_t blockFrames : {1u, 100u, 4096u, 1000000u}) {
            const auto result = measureSilence(audio, rate, blockFrames);
            EXPECT_FALSE(result.allSilent);
            EXPECT_NEAR(result.headSeconds, 0.5, 0.01);
            EXPECT_NEAR(result.tailSeconds, 0.25, 0.01);
            // In fact to the sample: the sine starts at phase 0.5 rad (0.048 > threshold).
            EXPECT_NEAR(result.headSeconds, 0.5, 1.0 / rate);
        }
    }
}

TEST(SilenceDetector, NoiseAboveThresholdIsNotSilence) {
    const auto result = measureSilence(framed(48000, 0.5, 0.25, std::pow(10.0, -50.0 / 20.0)), 48000);
    EXPECT_LT(result.headSeconds, 0.001);
    EXPECT_LT(result.tailSeconds, 0.001);
}

TEST(SilenceDetector, AllSilentFileIsSilenceEndToEnd) {
    const auto result = measureSilence(AudioBuffer(2, 96000), 48000);
    EXPECT_TRUE(result.allSilent);
    EXPECT_DOUBLE_EQ(result.headSeconds, 2.0);
    EXPECT_DOUBLE_EQ(result.tailSeconds, 2.0);
}

TEST(SilenceDetector, ThresholdIsConfigurable) {
    SilenceDetector detector;
    EXPECT_FALSE(detector.prepare(48000, 0.0).ok());
    ASSERT_TRUE(detector.prepare(48000, -80.0).ok());
    const AudioBuffer audio = framed(48000, 0.5, 0.25, std::pow(10.0, -70.0 / 20.0));
    detector.process(audio.block());
    EXPECT_LT(detector.result().headSeconds, 0.001);  // -70 dBFS noise is above -80
}
