#include "analysis/loudness_gating.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "analysis/loudness_units.h"

using namespace lathe::analysis;

namespace {
std::vector<double> blocksAt(std::initializer_list<std::pair<double, int>> levels) {
    std::vector<double> out;
    for (const auto& [lufs, count] : levels)
        for (int i = 0; i < count; ++i) out.push_back(lufsToEnergy(lufs));
    return out;
}
}  // namespace

TEST(LoudnessGating, NoBlocksOrOnlySilenceIsUndefined) {
    EXPECT_FALSE(gatedLoudnessLufs({}).has_value());
    EXPECT_FALSE(gatedLoudnessLufs(blocksAt({{-80.0, 100}})).has_value());
    const std::vector<double> zeros(50, 0.0);
    EXPECT_FALSE(gatedLoudnessLufs(zeros).has_value());
}

TEST(LoudnessGating, SteadyLevelReadsItself) {
    const auto r = gatedLoudnessLufs(blocksAt({{-23.0, 200}}));
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(*r, -23.0, 1e-12);
}

TEST(LoudnessGating, RelativeGateDropsBlocksMoreThan10LuBelow) {
    // 100 blocks at -20 and 100 at -40: the absolute-gated level is -20 + 10 lg((1 + 0.01) / 2)
    // = -22.97, the relative gate -32.97, so the -40 blocks go and -20 remains.
    const auto r = gatedLoudnessLufs(blocksAt({{-20.0, 100}, {-40.0, 100}}));
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(*r, -20.0, 1e-12);
    // Blocks at -30 are within 10 LU of -22.9 and stay: mean of equal counts at -20 and -30.
    const auto kept = gatedLoudnessLufs(blocksAt({{-20.0, 100}, {-30.0, 100}}));
    ASSERT_TRUE(kept.has_value());
    EXPECT_NEAR(*kept, -20.0 + 10 * std::log10((1.0 + 0.1) / 2.0), 1e-12);
}

TEST(LoudnessGating, AbsoluteGateDropsBlocksBelowMinus70) {
    // Blocks at -75 would otherwise pull the relative gate down and survive it.
    const auto r = gatedLoudnessLufs(blocksAt({{-65.0, 10}, {-75.0, 1000}}));
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(*r, -65.0, 1e-12);
}

TEST(LoudnessGating, GatesAreStrict) {
    EXPECT_FALSE(passesAbsoluteGate(lufsToEnergy(kAbsoluteGateLufs)));
    EXPECT_TRUE(passesAbsoluteGate(lufsToEnergy(kAbsoluteGateLufs) * (1 + 1e-12)));
}

TEST(LoudnessGating, NonFiniteBlocksAreIgnored) {
    std::vector<double> blocks = blocksAt({{-23.0, 10}});
    blocks.push_back(std::numeric_limits<double>::quiet_NaN());
    blocks.push_back(std::numeric_limits<double>::infinity());
    const auto r = gatedLoudnessLufs(blocks);
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(*r, -23.0, 1e-12);
}
