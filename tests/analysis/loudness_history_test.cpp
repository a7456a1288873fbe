#include "analysis/loudness_history.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "util/random.h"

using namespace lathe::analysis;

TEST(HopGrid, TenMillisecondHopsAtIntegerRates) {
    const HopGrid grid48(48000.0);
    const HopGrid grid441(44100.0);
    for (std::int64_t k = -400; k <= 100000; k += 7) {
        ASSERT_EQ(grid48.boundary(k), 480 * k);
        ASSERT_EQ(grid441.boundary(k), 441 * k);
    }
}

TEST(HopGrid, FractionalHopsRoundWithoutDrift) {
    // 11025 Hz: 10 ms = 110.25 frames. Boundaries are floor(k * 110.25 + 1/2): 110, 221 (220.5
    // rounds up), 331, 441, ... so hops are 110 or 111 frames and every 4th boundary is exact.
    const HopGrid grid(11025.0);
    EXPECT_EQ(grid.boundary(0), 0);
    EXPECT_EQ(grid.boundary(1), 110);
    EXPECT_EQ(grid.boundary(2), 221);
    EXPECT_EQ(grid.boundary(3), 331);
    EXPECT_EQ(grid.boundary(4), 441);
    for (std::int64_t k = -300; k < 100000; ++k) {
        const std::int64_t length = grid.boundary(k + 1) - grid.boundary(k);
        ASSERT_TRUE(length == 110 || length == 111) << k;
        // Windows are whole hops and 0.4 s, 3 s are whole frames here: exact lengths.
        ASSERT_EQ(grid.windowFrames(k, kMomentaryHops), 4410) << k;
        ASSERT_EQ(grid.windowFrames(k, kShortTermHops), 33075) << k;
    }
    EXPECT_EQ(grid.boundary(360000), 39690000);  // one hour: no drift
    // 22050 Hz likewise (220.5 frames per hop).
    const HopGrid grid22(22050.0);
    for (std::int64_t k = -40; k < 1000; ++k) ASSERT_EQ(grid22.windowFrames(k, kMomentaryHops), 8820) << k;
}

TEST(HopGrid, RatesNotDivisibleByFiveStayWithinAFrame) {
    const HopGrid grid(69313.0);  // prime
    for (std::int64_t k = 0; k < 20000; ++k) {
        const std::int64_t m = grid.windowFrames(k, kMomentaryHops);
        ASSERT_TRUE(m == 27725 || m == 27726) << k;  // 0.4 * 69313 = 27725.2
    }
    EXPECT_EQ(grid.boundary(100 * 3600), 69313 * 3600);
}

namespace {
// Direct sum of the last `count` values (zeros before the start).
double lastSum(const std::vector<double>& values, std::size_t count) {
    double sum = 0;
    for (std::size_t i = values.size() > count ? values.size() - count : 0; i < values.size(); ++i) sum += values[i];
    return sum;
}
}  // namespace

TEST(LoudnessWindows, SumsTheLast40And300SubBlocks) {
    // Small integers: every partial sum is exact, so any summation order gives the same bits.
    LoudnessWindows windows;
    std::vector<double> pushed;
    lathe::Random random(9);
    EXPECT_EQ(windows.momentarySum(), 0.0);
    for (int i = 0; i < 2000; ++i) {
        const double e = double(random.next() % 1000);
        windows.push(e);
        pushed.push_back(e);
        ASSERT_EQ(windows.hops(), i + 1);
        ASSERT_EQ(windows.momentarySum(), lastSum(pushed, 40)) << i;
        ASSERT_EQ(windows.shortTermSum(), lastSum(pushed, 300)) << i;
    }
}

TEST(LoudnessWindows, RealValuedSumsAgreeWithADirectSum) {
    LoudnessWindows windows;
    std::vector<double> pushed;
    lathe::Random random(10);
    for (int i = 0; i < 1000; ++i) {
        const double e = std::pow(10.0, 6.0 * random.uniform() - 3.0);
        windows.push(e);
        pushed.push_back(e);
        EXPECT_NEAR(windows.momentarySum(), lastSum(pushed, 40), 1e-12 * lastSum(pushed, 40));
        EXPECT_NEAR(windows.shortTermSum(), lastSum(pushed, 300), 1e-12 * lastSum(pushed, 300));
    }
}

TEST(LoudnessWindows, ResetForgetsEverything) {
    LoudnessWindows windows;
    for (int i = 0; i < 500; ++i) windows.push(1.0);
    windows.reset();
    EXPECT_EQ(windows.hops(), 0);
    EXPECT_EQ(windows.momentarySum(), 0.0);
    EXPECT_EQ(windows.shortTermSum(), 0.0);
    windows.push(2.0);
    EXPECT_EQ(windows.momentarySum(), 2.0);
    EXPECT_EQ(windows.shortTermSum(), 2.0);
}

TEST(HopGrid, NonIntegerRatesUseTheSameRounding) {
    const HopGrid grid(44100.5);
    EXPECT_EQ(grid.boundary(2), 882);   // 882.01
    EXPECT_EQ(grid.boundary(100), 44101);  // 44100.5 rounds up
    EXPECT_EQ(grid.boundary(-100), -44100);
}
