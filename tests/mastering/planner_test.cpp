#include <gtest/gtest.h>

#include <cmath>

#include "lathe/mastering/plan.h"
#include "lathe/mastering/tonal_balance.h"

using namespace lathe;
using namespace lathe::mastering;

namespace {

// A synthetic analysis whose mid spectrum is the target balance (+ per-region offsets) at a given level.
analysis::Analysis mixLike(double lowDb = 0, double airDb = 0, double sideToMidDb = -12, double integrated = -20,
                           double truePeak = -6) {
    analysis::Analysis mix;
    mix.channels = 2;
    mix.sampleRate = 48000;
    mix.durationSeconds = 180;
    mix.integratedLufs = integrated;
    mix.truePeakDbtp = truePeak;
    mix.sideToMidDb = sideToMidDb;
    for (double f : analysis::kThirdOctaveCentresHz) {
        double level = targetBalanceDb(f) - 20.0;
        if (f <= 100.0) level += lowDb;
        if (f >= 8000.0) level += airDb;
        mix.thirdOctaveMidDb.push_back(level);
        mix.thirdOctaveSideDb.push_back(level + (f < 150.0 ? -30.0 : sideToMidDb));
    }
    return mix;
}

PlanRequest streaming(double amount = 1.0) {
    PlanRequest request;
    request.target = parseDeliveryTarget("streaming").value();
    request.amount = amount;
    return request;
}

const EqMove* findMove(const MasteringPlan& plan, EqShape shape) {
    for (const auto& move : plan.eq)
        if (move.shape == shape) return &move;
    return nullptr;
}

}  // namespace

TEST(Planner, ABalancedMixGetsNoEq) {
    const auto plan = planMaster(mixLike(), streaming());
    EXPECT_TRUE(plan.eq.empty());
    EXPECT_FALSE(plan.stereo.enabled);
}

TEST(Planner, TooDarkGetsAirAndTooBrightLosesIt) {
    const auto dark = planMaster(mixLike(0, -5), streaming());
    const auto* boost = findMove(dark, EqShape::HighShelf);
    ASSERT_NE(boost, nullptr);
    EXPECT_GT(boost->gainDb, 1.0);
    EXPECT_LE(boost->gainDb, kMaxEqMoveDb);
    EXPECT_NE(boost->reason.find("below the target"), std::string::npos) << boost->reason;

    const auto bright = planMaster(mixLike(0, +5), streaming());
    const auto* cut = findMove(bright, EqShape::HighShelf);
    ASSERT_NE(cut, nullptr);
    EXPECT_LT(cut->gainDb, -1.0);
}

TEST(Planner, BoomyLowEndIsCutButNeverBeyondTheGuardrail) {
    const auto plan = planMaster(mixLike(+12), streaming());
    const auto* shelf = findMove(plan, EqShape::LowShelf);
    ASSERT_NE(shelf, nullptr);
    EXPECT_EQ(shelf->gainDb, -kMaxEqMoveDb);
    EXPECT_NE(shelf->reason.find("guardrail"), std::string::npos) << shelf->reason;
    for (const auto& move : plan.eq) EXPECT_LE(std::abs(move.gainDb), kMaxEqMoveDb);
}

TEST(Planner, NarrowIsWidenedAndOverWideIsNarrowed) {
    EXPECT_GT(planMaster(mixLike(0, 0, -26), streaming()).stereo.widthPercent, 100.0);
    EXPECT_LT(planMaster(mixLike(0, 0, -1), streaming()).stereo.widthPercent, 100.0);
}

TEST(Planner, WideLowEndGetsBassMono) {
    auto mix = mixLike();
    for (std::size_t b = 0; b < mix.thirdOctaveSideDb.size(); ++b)
        if (analysis::kThirdOctaveCentresHz[b] <= 100.0) mix.thirdOctaveSideDb[b] = *mix.thirdOctaveMidDb[b] - 3.0;
    const auto plan = planMaster(mix, streaming());
    ASSERT_TRUE(plan.stereo.bassMonoBelowHz.has_value());
    EXPECT_NEAR(*plan.stereo.bassMonoBelowHz, 120.0, 1e-9);
}

TEST(Planner, VeryDynamicMixGetsGlueAndClipperWithinTheGuardrail) {
    const auto plan = planMaster(mixLike(0, 0, -12, -24, -2), streaming());  // PLR 22 dB
    EXPECT_TRUE(plan.glue.enabled);
    EXPECT_LE(plan.glue.ratio, 2.0);
    EXPECT_TRUE(plan.clipper.enabled);
    EXPECT_DOUBLE_EQ(plan.loudness.plannedLufs, -14.0);
    EXPECT_FALSE(plan.loudness.guardrailLimited);
}

TEST(Planner, AlreadySquashedLoudMixIsOnlyTurnedDown) {
    const auto plan = planMaster(mixLike(0, 0, -12, -8, -0.1), streaming());
    EXPECT_TRUE(plan.loudness.turnDownOnly);
    EXPECT_NEAR(plan.loudness.estimatedGainDb, -6.0, 1e-9);
    EXPECT_FALSE(plan.glue.enabled);
    EXPECT_FALSE(plan.clipper.enabled);
    bool warned = false;
    for (const auto& w : plan.warnings) warned |= w.find("already heavily limited") != std::string::npos;
    EXPECT_TRUE(warned);
}

TEST(Planner, GuardrailStopsAnOverLoudTargetUnlessDynamicsLoud) {
    PlanRequest request;
    request.target = parseDeliveryTarget("-6").value();  // ceiling -2 -> PLR 4 < floor 6
    const auto stopped = planMaster(mixLike(0, 0, -12, -20, -4), request);
    EXPECT_TRUE(stopped.loudness.guardrailLimited);
    EXPECT_DOUBLE_EQ(stopped.loudness.plannedLufs, -2.0 - request.target.plrFloorDb);
    EXPECT_FALSE(stopped.warnings.empty());
    request.dynamicsLoud = true;
    const auto loud = planMaster(mixLike(0, 0, -12, -20, -4), request);
    EXPECT_FALSE(loud.loudness.guardrailLimited);
    EXPECT_DOUBLE_EQ(loud.loudness.plannedLufs, -6.0);
}

TEST(Planner, AmountZeroTouchesOnlyGainAndLimiter) {
    auto request = streaming(0.0);
    request.intent = parseIntent("warmer, wider");
    const auto plan = planMaster(mixLike(+8, -6, -26, -24, -2), request);
    EXPECT_TRUE(plan.eq.empty());
    EXPECT_FALSE(plan.stereo.enabled);
    EXPECT_FALSE(plan.glue.enabled);
    EXPECT_FALSE(plan.clipper.enabled);
    EXPECT_DOUBLE_EQ(plan.loudness.plannedLufs, -14.0);
}

TEST(Planner, HalfAmountHalvesTheCorrection) {
    const auto full = planMaster(mixLike(0, -4), streaming(1.0));
    const auto half = planMaster(mixLike(0, -4), streaming(0.5));
    ASSERT_NE(findMove(full, EqShape::HighShelf), nullptr);
    ASSERT_NE(findMove(half, EqShape::HighShelf), nullptr);
    EXPECT_NEAR(findMove(half, EqShape::HighShelf)->gainDb, findMove(full, EqShape::HighShelf)->gainDb / 2, 1e-9);
}

TEST(Planner, IntentMovesTheRightWayAndEveryDecisionHasAReason) {
    auto request = streaming();
    request.intent = parseIntent("more low end, keep it dynamic, louder, more cowbell");
    const auto plan = planMaster(mixLike(0, 0, -12, -24, -2), request);
    const auto* shelf = findMove(plan, EqShape::LowShelf);
    ASSERT_NE(shelf, nullptr);
    EXPECT_GT(shelf->gainDb, 0.5);
    EXPECT_FALSE(plan.glue.enabled);
    EXPECT_DOUBLE_EQ(plan.loudness.requestedLufs, -12.0);
    EXPECT_DOUBLE_EQ(plan.loudness.plrFloorDb, 11.0);
    bool cowbell = false;
    for (const auto& w : plan.warnings) cowbell |= w.find("cowbell") != std::string::npos;
    EXPECT_TRUE(cowbell);
    for (const auto& d : plan.decisions) {
        EXPECT_FALSE(d.stage.empty());
        EXPECT_FALSE(d.setting.empty());
        EXPECT_FALSE(d.reason.empty()) << d.stage << ": " << d.setting;
    }
}

TEST(TonalBalance, TargetCurveHasThePublishedSlopes) {
    std::vector<std::optional<double>> bands;
    for (double f : analysis::kThirdOctaveCentresHz) bands.push_back(targetBalanceDb(f));
    EXPECT_NEAR(*bandSlopeDbPerOctave(bands, 100, 4000), -1.75, 1e-9);  // -4.75 dB/oct as a density
    EXPECT_NEAR(*bandSlopeDbPerOctave(bands, 5000, 16000), -3.5, 1e-9);
    for (const auto& d : balanceDeviationDb(bands))
        if (d) {
            EXPECT_NEAR(*d, 0.0, 1e-9);
        }
}

TEST(Planner, DcOffsetIsRemovedOnlyWhenPresentAndAmountAllows) {
    auto mix = mixLike();
    mix.dcOffsetDbfs = -80.0;
    EXPECT_FALSE(planMaster(mix, streaming()).removeDc);
    mix.dcOffsetDbfs = -40.0;
    EXPECT_TRUE(planMaster(mix, streaming()).removeDc);
    EXPECT_FALSE(planMaster(mix, streaming(0.0)).removeDc);
}
