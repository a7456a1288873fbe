#include "lathe/analysis/stereo_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "support/signals.h"
#include "util/random.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

StereoStatsResult measureStereo(const AudioBuffer& audio, std::size_t blockFrames = 1000) {
    StereoStats stats;
    EXPECT_TRUE(stats.prepare(audio.numChannels()).ok());
    test::feedInBlocks(stats, audio, blockFrames);
    return stats.result();
}

AudioBuffer withRight(const AudioBuffer& left, float gain) {
    AudioBuffer out = test::copyOf(left.block());
    for (std::size_t i = 0; i < out.numFrames(); ++i) out.channel(1)[i] = gain * out.channel(0)[i];
    return out;
}

}  // namespace

TEST(StereoStats, CorrelationOfIdenticalInvertedAndIndependentChannels) {
    const AudioBuffer noise = test::pinkNoise(48000, 10.0, 0.5, 2);
    const auto identical = measureStereo(withRight(noise, 1.0f));
    const auto inverted = measureStereo(withRight(noise, -1.0f));
    const auto independent = measureStereo(noise);  // independent generators per channel
    ASSERT_TRUE(identical.correlation && inverted.correlation && independent.correlation);
    EXPECT_NEAR(*identical.correlation, 1.0, 1e-12);
    EXPECT_NEAR(*inverted.correlation, -1.0, 1e-12);
    // White noise of N = 480000 samples: r has a standard deviation of 1/sqrt(N) = 0.0014.
    const auto white = measureStereo(test::whiteNoise(48000, 10.0, 0.5, 2));
    EXPECT_NEAR(*white.correlation, 0.0, 0.01);
    // Pink noise is correlated in time, so its r spreads more, but two independent channels still read near 0.
    EXPECT_NEAR(*independent.correlation, 0.0, 0.05);
}

TEST(StereoStats, QuadratureSinesAreUncorrelated) {
    AudioBuffer audio = test::sine(48000, 1000, 1.0, 0.5, 2);
    const AudioBuffer cosine = test::sine(48000, 1000, 1.0, 0.5, 1, std::numbers::pi / 2);
    std::copy(cosine.channel(0).begin(), cosine.channel(0).end(), audio.channel(1).begin());
    EXPECT_NEAR(*measureStereo(audio).correlation, 0.0, 1e-6);
}

TEST(StereoStats, SideToMidOfOneChannelIsZeroDb) {
    const AudioBuffer leftOnly = withRight(test::pinkNoise(48000, 2.0, 0.5, 2), 0.0f);
    const auto result = measureStereo(leftOnly);
    ASSERT_TRUE(result.sideToMidDb);
    EXPECT_NEAR(*result.sideToMidDb, 0.0, 1e-9);
    EXPECT_FALSE(result.correlation);  // the right channel is constant: r undefined
}

TEST(StereoStats, SideToMidOfHalfGainRightChannel) {
    // R = L / 2: M = 3L/4, S = L/4, so S/M energy = 1/9 = -9.54 dB.
    const auto result = measureStereo(withRight(test::whiteNoise(48000, 1.0, 0.5, 2), 0.5f));
    EXPECT_NEAR(*result.sideToMidDb, 10 * std::log10(1.0 / 9.0), 1e-9);
    EXPECT_NEAR(*result.correlation, 1.0, 1e-9);
}

TEST(StereoStats, ConstantChannelHasNoCorrelation) {
    AudioBuffer audio = test::whiteNoise(48000, 1.0, 0.5, 2);
    std::fill(audio.channel(1).begin(), audio.channel(1).end(), 0.1f);
    EXPECT_FALSE(measureStereo(audio).correlation);
}

TEST(StereoStats, DualMonoHasNoSideAndInvertedHasNoMid) {
    const AudioBuffer noise = test::whiteNoise(48000, 1.0, 0.5, 2);
    const auto dualMono = measureStereo(withRight(noise, 1.0f));
    EXPECT_EQ(dualMono.sideEnergy, 0.0);
    EXPECT_FALSE(dualMono.sideToMidDb);
    const auto inverted = measureStereo(withRight(noise, -1.0f));
    EXPECT_EQ(inverted.midEnergy, 0.0);
    EXPECT_FALSE(inverted.sideToMidDb);
}

TEST(StereoStats, AnyBlockSplitGivesIdenticalBits) {
    const AudioBuffer noise = test::pinkNoise(44100, 2.0, 0.5, 2);
    const auto whole = measureStereo(noise, noise.numFrames());
    for (std::size_t blockFrames : {1u, 3u, 511u}) {
        const auto split = measureStereo(noise, blockFrames);
        EXPECT_EQ(whole.correlation, split.correlation);
        EXPECT_EQ(whole.sideToMidDb, split.sideToMidDb);
    }
}

TEST(StereoStats, NeedsTwoChannels) {
    StereoStats stats;
    EXPECT_FALSE(stats.prepare(1).ok());
    EXPECT_TRUE(stats.prepare(6).ok());
}
