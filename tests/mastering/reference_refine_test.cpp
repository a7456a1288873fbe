// The trial render that closes the loop of reference matching: the limiter and the compressor move
// the tone and the image away from the plan; one refinement brings the next trial much closer.
#include "mastering/reference_refine.h"

#include <gtest/gtest.h>

#include "lathe/mastering/plan.h"
#include "support/masters.h"
#include "support/reference_material.h"

using namespace lathe;
using namespace lathe::mastering;

TEST(ReferenceRefine, ASecondTrialLandsMuchCloserThanTheFirst) {
    constexpr double rate = 48000.0;
    const AudioBuffer mix = test::balancedDemoMix(rate, 10.0);
    const AudioBuffer reference = test::shapedReference(mix, rate);
    analysis::Analyzer analyzer;
    ASSERT_TRUE(analyzer.prepare(rate, 2).ok());
    analyzer.process(mix.block());
    const auto analysis = analyzer.finish();

    PlanRequest request;
    request.target = parseDeliveryTarget("streaming").value();
    request.reference = profileOf(reference.block(), rate, "reference");
    request.mixProfile = profileOf(mix.block(), rate, analysis, "mix");
    request.match = {1.0, 1.0, 1.0, 0.0};
    auto plan = planMaster(analysis, request);
    ASSERT_TRUE(plan.matchEq.enabled);
    const auto curveBefore = plan.matchEq.curve;

    auto first = refineReferenceMatch(plan, request, mix.block(), rate, 1);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(first->eqResidualDbRms && first->largestWidthErrorDb);
    // The ~10 dB of limiting this mix needs colours it measurably...
    EXPECT_GT(*first->eqResidualDbRms, 0.4);
    EXPECT_GT(*first->largestWidthErrorDb, 0.5);
    EXPECT_NE(plan.matchEq.curve[5].gainDb, curveBefore[5].gainDb);
    // ... and the corrected plan lands closer: the second trial's errors are far smaller.
    auto second = refineReferenceMatch(plan, request, mix.block(), rate, 1);
    ASSERT_TRUE(second.ok());
    EXPECT_LT(*second->eqResidualDbRms, 0.5 * *first->eqResidualDbRms);
    EXPECT_LT(*second->largestWidthErrorDb, 0.5 * *first->largestWidthErrorDb);
}

TEST(ReferenceRefine, NothingToDoWithoutAReference) {
    const AudioBuffer mix = test::balancedDemoMix(48000.0, 2.0);
    MasteringPlan plan;
    PlanRequest request;
    auto refined = refineReferenceMatch(plan, request, mix.block(), 48000.0);
    ASSERT_TRUE(refined.ok());
    EXPECT_FALSE(refined->eqResidualDbRms || refined->largestWidthErrorDb);
    EXPECT_TRUE(plan.decisions.empty());
}
