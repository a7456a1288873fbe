#include "lathe/mastering/cue_sheet.h"

#include <gtest/gtest.h>

using namespace lathe;
using namespace lathe::mastering;

TEST(CueSheet, TimesAreMinutesSecondsAndFramesOfOneSeventyFifth) {
    EXPECT_EQ(cueTime(0, 44100), "00:00:00");
    EXPECT_EQ(cueTime(588, 44100), "00:00:01");
    EXPECT_EQ(cueTime(44100 * 61 + 588 * 74, 44100), "01:01:74");
    EXPECT_EQ(cueTime(std::int64_t(44100) * 60 * 79, 44100), "79:00:00");
    // Off-frame positions round to the nearest frame (48 kHz: 640 samples per frame).
    EXPECT_EQ(cueTime(319, 48000), "00:00:00");
    EXPECT_EQ(cueTime(321, 48000), "00:00:01");
    EXPECT_EQ(cueTime(48000 - 100, 48000), "00:01:00");
}

TEST(CueSheet, WholeSheetForAGappedCdLayout) {
    const auto layout = layoutAlbum({44100 * 3, 44100 * 4 + 10, 44100}, 44100.0, 2.0, true);
    ASSERT_TRUE(layout.ok());
    CueSheet sheet;
    sheet.title = "Say \"hi\"";
    sheet.audioFileName = "album.wav";
    sheet.trackTitles = {"One", "Two", "Three"};
    // Track 2 starts after 3 s + 2 s; track 3 after 4 s + 10 samples, padded to the next frame
    // (9 s + 1 frame), plus 2 s.
    const std::string expected =
        "REM COMMENT \"lathe album\"\n"
        "TITLE \"Say 'hi'\"\n"
        "FILE \"album.wav\" WAVE\n"
        "  TRACK 01 AUDIO\n"
        "    TITLE \"One\"\n"
        "    INDEX 01 00:00:00\n"
        "  TRACK 02 AUDIO\n"
        "    TITLE \"Two\"\n"
        "    INDEX 00 00:03:00\n"
        "    INDEX 01 00:05:00\n"
        "  TRACK 03 AUDIO\n"
        "    TITLE \"Three\"\n"
        "    INDEX 00 00:09:01\n"
        "    INDEX 01 00:11:01\n";
    EXPECT_EQ(cueSheetText(sheet, layout.value()), expected);
}

TEST(CueSheet, NoPregapIndexWithoutAGapAndAiffIsTyped) {
    const auto layout = layoutAlbum({48000, 48000}, 48000.0, 0.0, false);
    ASSERT_TRUE(layout.ok());
    CueSheet sheet;
    sheet.audioFileName = "album.aiff";
    sheet.format = FileFormat::Aiff;
    const std::string text = cueSheetText(sheet, layout.value());
    EXPECT_NE(text.find("FILE \"album.aiff\" AIFF\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("INDEX 00"), std::string::npos) << text;
    EXPECT_NE(text.find("  TRACK 02 AUDIO\n    INDEX 01 00:01:00\n"), std::string::npos) << text;
    EXPECT_EQ(text.find("TITLE"), std::string::npos) << "no titles given, none written";
}
