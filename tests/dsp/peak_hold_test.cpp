#include "lathe/dsp/peak_hold.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "support/allocation_counter.h"
#include "util/random.h"

using lathe::dsp::PeakHold;

namespace {
// Brute force: the maximum of the last `window` values, history before index 0 = `initial`.
float bruteMaximum(const std::vector<float>& values, std::size_t index, std::size_t window, float initial) {
    float best = -1e30f;
    for (std::size_t k = 0; k < window; ++k) {
        const float v = (index >= k) ? values[index - k] : initial;
        best = std::max(best, v);
    }
    return best;
}
}  // namespace

TEST(PeakHold, MatchesBruteForceOnRandomDataForManyWindows) {
    lathe::Random random(7);
    std::vector<float> values(5000);
    for (auto& v : values) v = random.bipolar();
    for (std::size_t window : {1u, 2u, 3u, 7u, 64u, 441u, 4999u, 6000u}) {
        PeakHold hold;
        ASSERT_TRUE(hold.prepare(window).ok());
        hold.reset(-2.0f);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const float got = hold.push(values[i]);
            ASSERT_EQ(got, bruteMaximum(values, i, window, -2.0f)) << "window " << window << " index " << i;
            ASSERT_EQ(got, hold.maximum());
        }
    }
}

TEST(PeakHold, WorstCaseOrdersKeepTheDequeWithinItsRing) {
    // A strictly decreasing run fills the deque to the window; increasing runs empty it at once.
    const std::size_t window = 100;
    std::vector<float> values;
    for (int run = 0; run < 6; ++run)
        for (int i = 0; i < 250; ++i) values.push_back(run % 2 ? float(i) : float(1000 - i));
    PeakHold hold;
    ASSERT_TRUE(hold.prepare(window).ok());
    for (std::size_t i = 0; i < values.size(); ++i) ASSERT_EQ(hold.push(values[i]), bruteMaximum(values, i, window, 0.0f));
}

TEST(PeakHold, HistoryAndEqualValuesAndSmallerWindow) {
    PeakHold hold;
    ASSERT_TRUE(hold.prepare(16).ok());
    hold.setWindow(4);
    EXPECT_EQ(hold.windowFrames(), 4u);
    hold.reset(5.0f);
    // The reset value is the history: it lasts until 4 new values have been pushed.
    EXPECT_EQ(hold.push(1.0f), 5.0f);
    EXPECT_EQ(hold.push(1.0f), 5.0f);
    EXPECT_EQ(hold.push(1.0f), 5.0f);
    EXPECT_EQ(hold.push(1.0f), 1.0f);
    // A peak is held for exactly `window` pushes.
    EXPECT_EQ(hold.push(3.0f), 3.0f);
    EXPECT_EQ(hold.push(3.0f), 3.0f);
    EXPECT_EQ(hold.push(0.0f), 3.0f);
    EXPECT_EQ(hold.push(0.0f), 3.0f);
    EXPECT_EQ(hold.push(0.0f), 3.0f);  // the second 3 is still inside
    EXPECT_EQ(hold.push(0.0f), 0.0f);
}

TEST(PeakHold, DoesNotAllocateAfterPrepare) {
    PeakHold hold;
    ASSERT_TRUE(hold.prepare(300).ok());
    lathe::Random random(3);
    lathe::test::AllocationCounter counter;
    float sink = 0;
    for (int i = 0; i < 100000; ++i) sink += hold.push(random.uniform());
    hold.setWindow(17);
    hold.reset();
    EXPECT_EQ(counter.count(), 0u);
    EXPECT_GT(sink, 0.0f);
}

TEST(PeakHold, AdvanceStandsForPushesOfTheSteadyValue) {
    lathe::Random random(4);
    PeakHold pushed, advanced;
    ASSERT_TRUE(pushed.prepare(50).ok());
    ASSERT_TRUE(advanced.prepare(50).ok());
    pushed.setWindow(20);
    advanced.setWindow(20);
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 300; ++i) {
            const float v = random.uniform();
            ASSERT_EQ(pushed.push(v), advanced.push(v));
        }
        // The largest value yet, pushed once: it is the maximum and the latest.
        ASSERT_EQ(pushed.push(2.0f), advanced.push(2.0f));
        ASSERT_TRUE(advanced.isSteadyAt(2.0f));
        EXPECT_FALSE(advanced.isSteadyAt(1.0f));
        const std::size_t count = std::size_t(1 + round * 17);
        for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(pushed.push(2.0f), 2.0f);
        advanced.advance(count);
        // Then smaller values: the 2 leaves the window after exactly 20 frames in both.
        for (int i = 0; i < 40; ++i) {
            const float v = random.uniform();
            ASSERT_EQ(pushed.push(v), advanced.push(v)) << round << " " << i;
        }
    }
}

TEST(PeakHold, RejectsAnEmptyWindow) {
    PeakHold hold;
    EXPECT_FALSE(hold.prepare(0).ok());
}
