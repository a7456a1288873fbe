#include "analysis/loudness_range.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "analysis/loudness_units.h"

using namespace lathe::analysis;

namespace {
std::vector<double> energies(const std::vector<double>& lufs) {
    std::vector<double> out;
    for (const double l : lufs) out.push_back(lufsToEnergy(l));
    return out;
}
}  // namespace

TEST(LoudnessRange, NearestRankPercentilesOfTheReferenceImplementation) {
    // 21 values from -40 to -20 in 1 LU steps (relative gate near -44: nothing gated).
    // Indices round(20 * 0.10) = 2 and round(20 * 0.95) = 19 (of 0..20): -38 and -21.
    std::vector<double> lufs;
    for (int i = 0; i <= 20; ++i) lufs.push_back(-40.0 + i);
    const auto r = loudnessRange(energies(lufs));
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(r->lowLufs, -38.0, 1e-9);
    EXPECT_NEAR(r->highLufs, -21.0, 1e-9);
    EXPECT_NEAR(r->rangeLu, 17.0, 1e-9);
}

TEST(LoudnessRange, OrderDoesNotMatter) {
    const auto a = loudnessRange(energies({-30, -20, -25, -40, -22, -35, -28}));
    const auto b = loudnessRange(energies({-40, -35, -30, -28, -25, -22, -20}));
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_EQ(a->rangeLu, b->rangeLu);
}

TEST(LoudnessRange, RelativeGateDropsValuesMoreThan20LuBelow) {
    // 50 values at -20 and 50 at -45: the absolute-gated level is about -23, the gate -43, so
    // the -45 values go and the range is 0.
    std::vector<double> lufs(50, -20.0);
    lufs.insert(lufs.end(), 50, -45.0);
    const auto r = loudnessRange(energies(lufs));
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(r->rangeLu, 0.0, 1e-9);
    // At -40 they are within 20 LU and stay.
    std::vector<double> kept(50, -20.0);
    kept.insert(kept.end(), 50, -40.0);
    const auto k = loudnessRange(energies(kept));
    ASSERT_TRUE(k.has_value());
    EXPECT_NEAR(k->rangeLu, 20.0, 1e-9);
}

TEST(LoudnessRange, AbsoluteGateAndTooFewValues) {
    EXPECT_FALSE(loudnessRange({}).has_value());
    EXPECT_FALSE(loudnessRange(energies({-80, -90, -75})).has_value());
    EXPECT_FALSE(loudnessRange(energies({-23})).has_value());       // one value: no range
    EXPECT_FALSE(loudnessRange(energies({-23, -75})).has_value());  // one after gating
    const auto two = loudnessRange(energies({-23, -24}));
    ASSERT_TRUE(two.has_value());
    EXPECT_NEAR(two->rangeLu, 1.0, 1e-9);  // indices round(0.1) = 0 and round(0.95) = 1
}

TEST(LoudnessRange, NonFiniteValuesAreIgnored) {
    std::vector<double> values = energies({-30, -20});
    values.push_back(std::numeric_limits<double>::quiet_NaN());
    values.push_back(std::numeric_limits<double>::infinity());
    const auto r = loudnessRange(values);
    ASSERT_TRUE(r.has_value());
    EXPECT_NEAR(r->rangeLu, 10.0, 1e-9);
}
