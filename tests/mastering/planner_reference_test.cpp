// planMaster() with a reference: the match EQ curve, per-band widths, the loudness target, the
// dynamics steering and the guardrails, on synthetic profiles whose differences are known exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "lathe/mastering/plan.h"

using namespace lathe;
using namespace lathe::mastering;

namespace {

constexpr auto& kBandCentres = analysis::kThirdOctaveCentresHz;

// A profile with mid bands `midDb(f)` and side bands `sideDb(f)` (loudness-normalised dB).
template <class Mid, class Side>
ReferenceProfile profile(Mid midDb, Side sideDb, double lufs = -10.0, double plr = 8.0) {
    ReferenceProfile p;
    p.source = "synthetic";
    p.integratedLufs = lufs;
    p.plrDb = plr;
    p.truePeakDbtp = lufs + plr;
    for (double f : kBandCentres) {
        p.midBandsDb.push_back(midDb(f));
        p.sideBandsDb.push_back(sideDb(f));
    }
    p.sideToMidDb = sideDb(1000.0) - midDb(1000.0);
    return p;
}

double flat(double) { return -20.0; }
double sideTenBelow(double) { return -30.0; }

analysis::Analysis mixAnalysis(double integrated = -20.0, double truePeak = -4.0) {
    analysis::Analysis mix;
    mix.channels = 2;
    mix.sampleRate = 48000;
    mix.durationSeconds = 180;
    mix.integratedLufs = integrated;
    mix.truePeakDbtp = truePeak;
    mix.plrDb = truePeak - integrated;
    mix.sideToMidDb = -10.0;
    mix.thirdOctaveMidDb.assign(kBandCentres.size(), -20.0);
    mix.thirdOctaveSideDb.assign(kBandCentres.size(), -30.0);
    return mix;
}

PlanRequest withReference(const ReferenceProfile& reference, const ReferenceProfile& mix, MatchAmounts amounts = {1, 1, 1, 1}) {
    PlanRequest request;
    request.target = parseDeliveryTarget("streaming").value();
    request.reference = reference;
    request.mixProfile = mix;
    request.match = amounts;
    return request;
}

double curveAt(const MasteringPlan& plan, double hz) {
    for (const auto& point : plan.matchEq.curve)
        if (point.frequencyHz == hz) return point.gainDb;
    ADD_FAILURE() << "no curve point at " << hz;
    return 0.0;
}

bool anyLimitMentions(const MasteringPlan& plan, const std::string& words) {
    for (const auto& limit : plan.reference->limits)
        if (limit.find(words) != std::string::npos) return true;
    return false;
}

}  // namespace

// A reference 5 dB lower overall (its normalisation) with +4 dB below 200 Hz: the curve is the
// difference centred on its median (0 dB above 200 Hz), scaled by the eq amount, with a 0 dB anchor
// at 10 Hz.
TEST(PlannerReference, EqCurveIsTheScaledCentredDifference) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile([](double f) { return f < 200.0 ? -21.0 : -25.0; }, sideTenBelow);
    for (double amount : {1.0, 0.5}) {
        const auto plan = planMaster(mixAnalysis(), withReference(reference, mix, {amount, 1, 1, 1}));
        ASSERT_TRUE(plan.matchEq.enabled);
        EXPECT_EQ(plan.matchEq.curve.front().frequencyHz, 10.0);
        EXPECT_EQ(plan.matchEq.curve.front().gainDb, 0.0);
        EXPECT_NEAR(curveAt(plan, 25.0), 4.0 * amount, 1e-12);
        EXPECT_NEAR(curveAt(plan, 160.0), 4.0 * amount, 1e-12);
        EXPECT_NEAR(curveAt(plan, 200.0), 0.0, 1e-12);
        EXPECT_NEAR(curveAt(plan, 16000.0), 0.0, 1e-12);
        EXPECT_EQ(plan.matchEq.curve.back().frequencyHz, 16000.0);  // nothing above 16 kHz
        EXPECT_TRUE(plan.eq.empty()) << "the generic tonal balance is off with a reference";
        ASSERT_TRUE(plan.reference && plan.reference->before.spectralDbRms);
    }
}

TEST(PlannerReference, EqIsCappedAndTheCapIsReported) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile([](double f) { return f > 5000.0 ? -10.0 : -20.0; }, sideTenBelow);  // +10 dB air
    auto request = withReference(reference, mix);
    auto plan = planMaster(mixAnalysis(), request);
    EXPECT_NEAR(curveAt(plan, 8000.0), 6.0, 1e-12);
    EXPECT_TRUE(anyLimitMentions(plan, "capped at +-6.0 dB"));
    request.matchMaxEqDb = 12.0;
    plan = planMaster(mixAnalysis(), request);
    EXPECT_NEAR(curveAt(plan, 8000.0), 10.0, 1e-12);
    EXPECT_FALSE(anyLimitMentions(plan, "capped"));
}

TEST(PlannerReference, SmoothingAveragesNeighbouringBands) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile([](double f) { return f == 1000.0 ? -14.0 : -20.0; }, sideTenBelow);  // one band +6
    auto request = withReference(reference, mix);
    EXPECT_NEAR(curveAt(planMaster(mixAnalysis(), request), 1000.0), 6.0, 1e-12);
    request.matchSmoothingOctaves = 1.0;  // three bands
    const auto plan = planMaster(mixAnalysis(), request);
    EXPECT_NEAR(curveAt(plan, 1000.0), 2.0, 1e-12);
    EXPECT_NEAR(curveAt(plan, 800.0), 2.0, 1e-12);
    EXPECT_NEAR(curveAt(plan, 630.0), 0.0, 1e-12);
}

// Side 3 dB higher relative to mid in every band: every width band gets +3 dB x amount.
TEST(PlannerReference, WidthPerBandFollowsTheSideToMidDifference) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile(flat, [](double f) { return f < 800.0 ? -27.0 : -33.0; });  // +3 dB low, -3 dB high
    for (double amount : {1.0, 0.5}) {
        const auto plan = planMaster(mixAnalysis(), withReference(reference, mix, {1, 1, amount, 1}));
        ASSERT_TRUE(plan.stereo.enabled);
        ASSERT_EQ(plan.stereo.bandWidthPercent.size(), plan.stereo.crossoverHz.size() + 1);
        ASSERT_EQ(plan.stereo.crossoverHz.size(), 4u);
        const double wider = 100.0 * std::pow(10.0, 3.0 * amount / 20.0), narrower = 100.0 * std::pow(10.0, -3.0 * amount / 20.0);
        EXPECT_NEAR(plan.stereo.bandWidthPercent[0], wider, 1e-9);  // < 200 Hz
        EXPECT_NEAR(plan.stereo.bandWidthPercent[1], wider, 1e-9);  // 200-800 Hz
        EXPECT_NEAR(plan.stereo.bandWidthPercent[2], narrower, 1e-9);
        EXPECT_NEAR(plan.stereo.bandWidthPercent[4], narrower, 1e-9);
        EXPECT_FALSE(plan.stereo.bassMonoBelowHz) << "the reference replaces the width heuristics";
    }
}

TEST(PlannerReference, MonoReferenceLeavesWidthAloneAndSaysSo) {
    const auto mix = profile(flat, sideTenBelow);
    auto reference = profile(flat, sideTenBelow);
    reference.sideBandsDb.assign(kBandCentres.size(), std::nullopt);
    reference.sideToMidDb.reset();
    const auto plan = planMaster(mixAnalysis(), withReference(reference, mix));
    EXPECT_FALSE(plan.stereo.enabled);
    EXPECT_TRUE(anyLimitMentions(plan, "mono"));
}

// Loudness: from the delivery target (-14) toward the reference's by the loudness amount; the PLR
// floor follows as the presets' floors do.
TEST(PlannerReference, LoudnessMovesFromTheTargetTowardTheReference) {
    const auto mix = profile(flat, sideTenBelow);
    for (double amount : {1.0, 0.5, 0.0}) {
        const auto reference = profile(flat, sideTenBelow, -10.0, 9.0);
        const auto plan = planMaster(mixAnalysis(), withReference(reference, mix, {1, amount, 1, 1}));
        EXPECT_NEAR(plan.loudness.requestedLufs, -14.0 + amount * 4.0, 1e-12);
        EXPECT_NEAR(plan.loudness.plrFloorDb, plrFloorForTarget(-14.0 + amount * 4.0), 1e-12);
        EXPECT_FALSE(plan.loudness.guardrailLimited);
    }
}

TEST(PlannerReference, GuardrailStopsAnOverLoudReferenceAndIsNamed) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile(flat, sideTenBelow, -6.0, 5.0);
    const auto plan = planMaster(mixAnalysis(), withReference(reference, mix));
    EXPECT_TRUE(plan.loudness.guardrailLimited);
    EXPECT_NEAR(plan.loudness.plannedLufs, -1.0 - plan.loudness.plrFloorDb, 1e-12);
    EXPECT_TRUE(anyLimitMentions(plan, "over-compression guardrail"));
    auto loud = withReference(reference, mix);
    loud.dynamicsLoud = true;
    EXPECT_NEAR(planMaster(mixAnalysis(), loud).loudness.plannedLufs, -6.0, 1e-12);
}

// Dynamics: a reference with a smaller PLR than the plain master would have -> the limiter holds the
// peaks lower, by the dynamics amount; a larger one cannot be reached and is reported.
TEST(PlannerReference, DynamicsSteerThePeakTarget) {
    const auto mix = profile(flat, sideTenBelow);
    // Mix at -20 LUFS, peaks -4 dBTP (PLR 16); at -10 LUFS under a -1 dBTP ceiling the plain PLR is 9.
    const auto tight = profile(flat, sideTenBelow, -10.0, 7.0);
    auto plan = planMaster(mixAnalysis(), withReference(tight, mix, {1, 1, 1, 0.5}));
    ASSERT_TRUE(plan.limiter.peakTargetDbtp);
    EXPECT_NEAR(*plan.limiter.peakTargetDbtp, -10.0 + 8.0, 1e-9);  // PLR 9 -> 8
    plan = planMaster(mixAnalysis(), withReference(tight, mix, {1, 1, 1, 0.0}));
    EXPECT_FALSE(plan.limiter.peakTargetDbtp);
    const auto open = profile(flat, sideTenBelow, -10.0, 12.0);
    plan = planMaster(mixAnalysis(), withReference(open, mix, {1, 1, 1, 1}));
    EXPECT_FALSE(plan.limiter.peakTargetDbtp);
    EXPECT_TRUE(anyLimitMentions(plan, "ceiling"));
    // The PLR floor (7 dB at -10 LUFS) stops a reference squashed harder than that.
    const auto squashed = profile(flat, sideTenBelow, -10.0, 4.0);
    plan = planMaster(mixAnalysis(), withReference(squashed, mix, {1, 1, 1, 1}));
    ASSERT_TRUE(plan.limiter.peakTargetDbtp);
    EXPECT_NEAR(*plan.limiter.peakTargetDbtp, -10.0 + plan.loudness.plrFloorDb, 1e-9);
    EXPECT_TRUE(anyLimitMentions(plan, "floor"));
}

TEST(PlannerReference, AmountScalesEqWidthAndDynamicsAndEveryDecisionHasAReason) {
    const auto mix = profile(flat, sideTenBelow);
    const auto reference = profile([](double f) { return f < 200.0 ? -16.0 : -20.0; }, [](double) { return -27.0; }, -10.0, 7.0);
    auto request = withReference(reference, mix);
    request.amount = 0.5;
    const auto plan = planMaster(mixAnalysis(), request);
    EXPECT_NEAR(plan.reference->amounts.eq, 0.5, 1e-12);
    EXPECT_NEAR(plan.reference->amounts.loudness, 1.0, 1e-12);
    EXPECT_NEAR(curveAt(plan, 100.0), 2.0, 1e-12);
    EXPECT_NEAR(plan.stereo.bandWidthPercent[2], 100.0 * std::pow(10.0, 1.5 / 20.0), 1e-9);
    for (const auto& decision : plan.decisions) EXPECT_FALSE(decision.reason.empty()) << decision.stage << ": " << decision.setting;
    bool matchEqDecision = false;
    for (const auto& decision : plan.decisions) matchEqDecision = matchEqDecision || decision.stage == "match eq";
    EXPECT_TRUE(matchEqDecision);
}

TEST(PlannerReference, WithoutAMixProfileTheAnalysisStandsIn) {
    const auto reference = profile([](double f) { return f < 200.0 ? -16.0 : -20.0; }, sideTenBelow);
    auto request = withReference(reference, reference);
    request.mixProfile.reset();
    const auto plan = planMaster(mixAnalysis(), request);
    ASSERT_TRUE(plan.reference);
    // The analysis' flat spectrum, normalised by its band loudness: the reference's +4 dB lows show.
    EXPECT_GT(curveAt(plan, 100.0) - curveAt(plan, 1000.0), 3.9);
}
