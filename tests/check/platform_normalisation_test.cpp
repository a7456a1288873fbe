#include "lathe/check/platform_normalisation.h"

#include <gtest/gtest.h>

namespace lathe::check {
namespace {

const StreamingPlatform& find(const std::string& name, const std::string& mode = "") {
    for (const auto& p : streamingPlatforms())
        if (p.name == name && p.mode == mode) return p;
    throw std::runtime_error("no platform " + name);
}

TEST(PlatformNormalisation, SpotifyPublishedExampleQuietTrackLiftedOnlyToMinusOneDbtp) {
    // Spotify for Artists: "-20 LUFS with a true peak of -5 dBFS: we only lift the track up to -16 LUFS".
    const auto playback = predictPlayback(find("Spotify", "normal"), -20.0, -5.0);
    EXPECT_DOUBLE_EQ(playback.gainDb, 4.0);
    EXPECT_DOUBLE_EQ(playback.playbackLufs, -16.0);
    EXPECT_DOUBLE_EQ(playback.playbackTruePeakDbtp, -1.0);
    EXPECT_TRUE(playback.boostLimitedByPeak);
    EXPECT_DOUBLE_EQ(playback.shortfallLu, 2.0);
}

TEST(PlatformNormalisation, SpotifyRaisesFullyWhenPeakAllows) {
    const auto playback = predictPlayback(find("Spotify", "normal"), -17.0, -6.0);
    EXPECT_DOUBLE_EQ(playback.gainDb, 3.0);
    EXPECT_FALSE(playback.boostLimitedByPeak);
    EXPECT_DOUBLE_EQ(playback.shortfallLu, 0.0);
}

TEST(PlatformNormalisation, LoudMasterTurnedDownEverywhere) {
    for (const auto& playback : predictPlayback(-8.0, -0.2)) {
        EXPECT_LT(playback.gainDb, 0.0) << playback.platform;
        EXPECT_DOUBLE_EQ(playback.playbackLufs, playback.referenceLufs) << playback.platform;
        EXPECT_NE(playback.summary.find("turned down"), std::string::npos);
    }
}

TEST(PlatformNormalisation, AttenuateOnlyPlatformsNeverRaise) {
    for (const char* name : {"YouTube", "Tidal", "Amazon Music", "Deezer"}) {
        const auto playback = predictPlayback(find(name), -22.0, -10.0);
        EXPECT_DOUBLE_EQ(playback.gainDb, 0.0) << name;
        EXPECT_GT(playback.shortfallLu, 6.0) << name;
    }
}

TEST(PlatformNormalisation, SpotifyLoudRaisesRegardlessAndFlagsItsLimiter) {
    const auto playback = predictPlayback(find("Spotify", "loud"), -16.0, -1.0);
    EXPECT_DOUBLE_EQ(playback.gainDb, 5.0);
    EXPECT_TRUE(playback.limiterEngaged);
    const auto quietPeaks = predictPlayback(find("Spotify", "loud"), -16.0, -8.0);
    EXPECT_FALSE(quietPeaks.limiterEngaged);
}

TEST(PlatformNormalisation, TableHasTheSevenPlatformModesWithSources) {
    EXPECT_EQ(streamingPlatforms().size(), 7u);
    for (const auto& p : streamingPlatforms()) EXPECT_FALSE(p.source.empty()) << p.name;
}

}  // namespace
}  // namespace lathe::check
