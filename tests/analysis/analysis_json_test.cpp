#include "lathe/analysis/analysis_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace lathe::analysis;

namespace {

const char* const kNumberOrNullKeys[] = {
    "integrated_lufs", "loudness_range_lu", "max_momentary_lufs", "max_short_term_lufs", "true_peak_dbtp",
    "sample_peak_dbfs", "plr_db", "crest_factor_db", "dc_offset_dbfs", "stereo_correlation", "side_to_mid_db",
    "mono_fold_down_lu", "spectral_tilt_db_per_octave", "dr_tt"};

}  // namespace

TEST(AnalysisJson, HasEveryKeyWithItsType) {
    Analysis a;
    a.file = "x.wav";
    a.sampleRate = 44100;
    a.channels = 2;
    a.frames = 441000;
    a.durationSeconds = 10;
    a.integratedLufs = -14.0;
    a.truePeakDbtp = -1.0;
    a.plrDb = 13.0;
    a.drTt = 9.0;
    a.clippedRuns = 3;
    a.thirdOctaveMidDb.assign(31, -30.0);
    a.thirdOctaveSideDb.assign(31, std::nullopt);
    const auto j = toJson(a);
    EXPECT_EQ(j.at("file"), "x.wav");
    EXPECT_TRUE(j.at("sample_rate").is_number_integer());
    EXPECT_EQ(j.at("sample_rate"), 44100);
    EXPECT_TRUE(j.at("channels").is_number_integer());
    EXPECT_TRUE(j.at("frames").is_number_integer());
    EXPECT_TRUE(j.at("duration_s").is_number());
    EXPECT_TRUE(j.at("clipped_runs").is_number_integer());
    EXPECT_EQ(j.at("clipped_runs"), 3);
    EXPECT_TRUE(j.at("head_silence_s").is_number());
    EXPECT_TRUE(j.at("tail_silence_s").is_number());
    for (const char* key : kNumberOrNullKeys) EXPECT_TRUE(j.at(key).is_number() || j.at(key).is_null()) << key;
    EXPECT_EQ(j.at("integrated_lufs"), -14.0);
    EXPECT_TRUE(j.at("loudness_range_lu").is_null());
    EXPECT_TRUE(j.at("dr_tt").is_number_integer());
    EXPECT_EQ(j.at("dr_tt"), 9);
    ASSERT_EQ(j.at("third_octave_mid_db").size(), 31u);
    EXPECT_EQ(j.at("third_octave_mid_db")[0], -30.0);
    EXPECT_TRUE(j.at("third_octave_side_db")[0].is_null());
    EXPECT_EQ(j.at("third_octave_centres_hz").size(), 31u);
    EXPECT_TRUE(j.at("warnings").is_array());
    EXPECT_FALSE(j.contains("momentary_lufs"));  // series only when asked
}

TEST(AnalysisJson, SeriesUseATenMillisecondHopAndNullForSilence) {
    Analysis a;
    a.momentaryLufs = {-20.0f, -std::numeric_limits<float>::infinity(), -21.5f};
    a.shortTermLufs = {-22.0f, -23.0f, -24.0f};
    const auto j = toJson(a, true);
    EXPECT_EQ(j.at("series_hop_s"), 0.01);
    ASSERT_EQ(j.at("momentary_lufs").size(), 3u);
    EXPECT_TRUE(j.at("momentary_lufs")[1].is_null());
    EXPECT_EQ(j.at("short_term_lufs")[2], -24.0f);
}

TEST(AnalysisJson, NonFiniteFiguresAreNull) {
    Analysis a;
    a.truePeakDbtp = -std::numeric_limits<double>::infinity();
    a.sideToMidDb = std::nan("");
    const auto j = toJson(a);
    EXPECT_TRUE(j.at("true_peak_dbtp").is_null());
    EXPECT_TRUE(j.at("side_to_mid_db").is_null());
}
