#include "lathe/mastering/album_layout.h"

#include <gtest/gtest.h>

using namespace lathe::mastering;

TEST(AlbumLayout, TracksFollowEachOtherWithTheGapInSamples) {
    const auto layout = layoutAlbum({48000, 96001, 1000}, 48000.0, 0.5, false);
    ASSERT_TRUE(layout.ok()) << layout.error().message;
    ASSERT_EQ(layout->tracks.size(), 3u);
    EXPECT_EQ(layout->tracks[0].pregapStartFrame, 0);
    EXPECT_EQ(layout->tracks[0].startFrame, 0);
    EXPECT_EQ(layout->tracks[1].pregapStartFrame, 48000);
    EXPECT_EQ(layout->tracks[1].startFrame, 48000 + 24000);
    EXPECT_EQ(layout->tracks[2].pregapStartFrame, 72000 + 96001);
    EXPECT_EQ(layout->tracks[2].startFrame, 72000 + 96001 + 24000);
    EXPECT_EQ(layout->totalFrames, 72000 + 96001 + 24000 + 1000);
    EXPECT_EQ(layout->tracks[1].frames, 96001);
}

TEST(AlbumLayout, NoGapMeansBackToBack) {
    const auto layout = layoutAlbum({1000, 2000}, 44100.0, 0.0, false);
    ASSERT_TRUE(layout.ok());
    EXPECT_EQ(layout->tracks[1].pregapStartFrame, 1000);
    EXPECT_EQ(layout->tracks[1].startFrame, 1000);
    EXPECT_EQ(layout->totalFrames, 3000);
}

// Red Book: every index and the end of the disc on a 1/75 s frame = 588 samples at 44.1 kHz.
TEST(AlbumLayout, CdAlignmentPutsEveryStartOnA588SampleFrame) {
    const std::vector<std::int64_t> frames = {44100 * 3 + 17, 588 * 10, 1, 44100 * 2 + 587};
    const auto layout = layoutAlbum(frames, 44100.0, 2.0, true);
    ASSERT_TRUE(layout.ok()) << layout.error().message;
    std::int64_t previousEnd = 0;
    for (std::size_t i = 0; i < frames.size(); ++i) {
        const auto& t = layout->tracks[i];
        EXPECT_EQ(t.startFrame % 588, 0) << i;
        EXPECT_EQ(t.pregapStartFrame % 588, 0) << i;
        EXPECT_GE(t.pregapStartFrame, previousEnd) << i;
        EXPECT_LT(t.pregapStartFrame - previousEnd, 588) << "padding is less than one frame";
        EXPECT_EQ(t.startFrame - t.pregapStartFrame, i == 0 ? 0 : 2 * 44100) << "a 2 s gap is 150 whole frames";
        previousEnd = t.startFrame + t.frames;
    }
    EXPECT_EQ(layout->totalFrames % 588, 0);
    EXPECT_GE(layout->totalFrames, previousEnd);
    EXPECT_LT(layout->totalFrames - previousEnd, 588);
}

TEST(AlbumLayout, CdGapIsRoundedToWholeFrames) {
    // 0.3 s = 22.5 frames -> 23 frames (llround rounds halves away from zero).
    const auto layout = layoutAlbum({588, 588}, 44100.0, 0.3, true);
    ASSERT_TRUE(layout.ok());
    EXPECT_EQ(layout->tracks[1].startFrame - layout->tracks[1].pregapStartFrame, 23 * 588);
}

TEST(AlbumLayout, RefusesNegativeGapsAndCdAlignmentAtOddRates) {
    EXPECT_FALSE(layoutAlbum({1000}, 48000.0, -1.0, false).ok());
    const auto odd = layoutAlbum({1000}, 32000.0, 0.0, true);  // 426.67 samples per frame
    ASSERT_FALSE(odd.ok());
    EXPECT_NE(odd.error().message.find("1/75"), std::string::npos) << odd.error().message;
    EXPECT_TRUE(layoutAlbum({1000}, 48000.0, 0.0, true).ok());  // 640 samples per frame
}
