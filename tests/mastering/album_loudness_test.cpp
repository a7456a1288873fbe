#include "lathe/mastering/album_loudness.h"

#include <gtest/gtest.h>

#include "support/masters.h"

using namespace lathe;
using namespace lathe::mastering;

namespace {

constexpr double kRate = 48000.0;

// The analysis of a balanced mix (PLR about 16 dB), and the same mix `gainDb` louder (every level
// figure moves by the gain; nothing else changes, as when the audio itself is scaled).
const analysis::Analysis& baseMix() {
    static const analysis::Analysis mix = [] {
        const AudioBuffer audio = test::balancedDemoMix(kRate, 8.0);
        analysis::Analyzer analyzer;
        EXPECT_TRUE(analyzer.prepare(kRate, audio.numChannels()).ok());
        analyzer.process(audio.block());
        return analyzer.finish();
    }();
    return mix;
}

analysis::Analysis mixAt(double integratedLufs) {
    analysis::Analysis a = baseMix();
    const double gain = integratedLufs - *a.integratedLufs;
    for (auto* figure : {&a.integratedLufs, &a.truePeakDbtp, &a.samplePeakDbfs, &a.maxMomentaryLufs, &a.maxShortTermLufs, &a.rmsDbfs})
        if (*figure) **figure += gain;
    for (auto* bands : {&a.thirdOctaveMidDb, &a.thirdOctaveSideDb})
        for (auto& band : *bands)
            if (band) *band += gain;
    return a;
}

PlanRequest streaming() {
    PlanRequest request;
    request.target = parseDeliveryTarget("streaming").value();
    return request;
}

}  // namespace

TEST(AlbumLoudness, AlbumModeKeepsTheDifferencesWithTheLoudestAtTheTarget) {
    ASSERT_TRUE(baseMix().integratedLufs.has_value());
    const std::vector<analysis::Analysis> mixes = {mixAt(-20), mixAt(-26), mixAt(-18), mixAt(-23)};
    const auto plan = planAlbumLoudness(mixes, streaming(), AlbumLoudness::Album);
    EXPECT_EQ(plan.loudestTrack, 2u);
    ASSERT_EQ(plan.targetLufs.size(), 4u);
    EXPECT_NEAR(plan.targetLufs[0], -16.0, 1e-9);
    EXPECT_NEAR(plan.targetLufs[1], -22.0, 1e-9);
    EXPECT_NEAR(plan.targetLufs[2], -14.0, 1e-9);
    EXPECT_NEAR(plan.targetLufs[3], -19.0, 1e-9);
    EXPECT_EQ(plan.guardrailShiftLu, 0.0);
}

TEST(AlbumLoudness, EqualModePutsEveryTrackAtTheTarget) {
    const std::vector<analysis::Analysis> mixes = {mixAt(-20), mixAt(-26), mixAt(-18)};
    const auto plan = planAlbumLoudness(mixes, streaming(), AlbumLoudness::Equal);
    for (const double lufs : plan.targetLufs) EXPECT_DOUBLE_EQ(lufs, -14.0);
}

// A PLR floor of 14 dB under a -1 dBTP ceiling stops loud tracks at -15 LUFS: 1 LU short of -14.
// The whole album comes down by that 1 LU, and no track is then held back by the planner.
TEST(AlbumLoudness, TheGuardrailMovesTheWholeAlbum) {
    PlanRequest request = streaming();
    request.target.plrFloorDb = 14.0;
    const std::vector<analysis::Analysis> mixes = {mixAt(-20), mixAt(-26), mixAt(-18)};
    for (const auto mode : {AlbumLoudness::Album, AlbumLoudness::Equal}) {
        const auto plan = planAlbumLoudness(mixes, request, mode);
        EXPECT_NEAR(plan.guardrailShiftLu, 1.0, 1e-9) << albumLoudnessName(mode);
        if (mode == AlbumLoudness::Album) {
            EXPECT_NEAR(plan.targetLufs[0], -17.0, 1e-9);
            EXPECT_NEAR(plan.targetLufs[1], -23.0, 1e-9);
            EXPECT_NEAR(plan.targetLufs[2], -15.0, 1e-9);
        } else {
            for (const double lufs : plan.targetLufs) EXPECT_NEAR(lufs, -15.0, 1e-9);
        }
        for (std::size_t i = 0; i < mixes.size(); ++i) {
            const auto track = planMaster(mixes[i], trackPlanRequest(request, plan.targetLufs[i]));
            EXPECT_NEAR(track.loudness.plannedLufs, plan.targetLufs[i], 1e-9) << "track " << i;
            EXPECT_EQ(track.loudness.plrFloorDb, 14.0) << "every track keeps the album target's floor";
        }
        EXPECT_EQ(plan.decisions.size(), 2u);
    }
}

TEST(AlbumLoudness, TrackRequestChangesOnlyTheLoudness) {
    PlanRequest album = streaming();
    album.amount = 0.5;
    album.ceilingDbtp = -2.0;
    const auto track = trackPlanRequest(album, -19.5);
    EXPECT_EQ(track.target.integratedLufs, -19.5);
    EXPECT_EQ(track.target.plrFloorDb, album.target.plrFloorDb);
    EXPECT_EQ(track.target.name, "streaming");
    EXPECT_EQ(track.amount, 0.5);
    EXPECT_EQ(track.ceilingDbtp, -2.0);
}
