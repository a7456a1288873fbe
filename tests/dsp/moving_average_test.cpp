#include "lathe/dsp/moving_average.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "util/random.h"

using lathe::dsp::MovingAverage;

TEST(MovingAverage, MatchesBruteForceMean) {
    lathe::Random random(11);
    std::vector<float> values(3000);
    for (auto& v : values) v = random.bipolar();
    for (std::size_t length : {1u, 2u, 5u, 64u, 1000u}) {
        MovingAverage average;
        ASSERT_TRUE(average.prepare(length).ok());
        average.reset(0.25f);
        for (std::size_t i = 0; i < values.size(); ++i) {
            double sum = 0;
            for (std::size_t k = 0; k < length; ++k) sum += (i >= k) ? values[i - k] : 0.25;
            ASSERT_NEAR(average.push(values[i]), sum / double(length), 1e-6) << "length " << length << " index " << i;
        }
    }
}

TEST(MovingAverage, ReturnsAConstantExactlyAfterArbitraryHistory) {
    // The limiter passes unity gain bit-exactly only if the box returns exactly 1 once its window
    // holds only ones, however much rounding the running sum saw before.
    lathe::Random random(5);
    MovingAverage average;
    ASSERT_TRUE(average.prepare(257).ok());
    average.reset(1.0f);
    for (int i = 0; i < 100000; ++i) average.push(0.01f + 0.98f * random.uniform());
    for (int i = 0; i < 257; ++i) average.push(1.0f);
    for (int i = 0; i < 10000; ++i) ASSERT_EQ(average.push(1.0f), 1.0f) << i;
}

TEST(MovingAverage, CascadeOfThreeIsAQuadraticBSplineStep) {
    // A unit step through three boxes of length L rises over 3L - 2 frames along a piecewise
    // quadratic whose middle value is exactly 1/2 (symmetry), monotone, with a bounded second difference.
    const std::size_t length = 40;
    MovingAverage a, b, c;
    ASSERT_TRUE(a.prepare(length).ok());
    ASSERT_TRUE(b.prepare(length).ok());
    ASSERT_TRUE(c.prepare(length).ok());
    std::vector<double> out;
    for (int i = 0; i < 200; ++i) out.push_back(c.push(b.push(a.push(1.0f))));
    const std::size_t span = 3 * length - 2;
    for (std::size_t i = 1; i < out.size(); ++i) ASSERT_GE(out[i], out[i - 1]);
    EXPECT_GT(out[0], 0.0);
    EXPECT_LT(out[span - 2], 1.0);
    EXPECT_EQ(out[span - 1], 1.0);
    for (std::size_t i = 0; i + 2 <= span; ++i) ASSERT_NEAR(out[i] + out[span - 2 - i], 1.0, 1e-6) << i;
    double maxSecond = 0;
    for (std::size_t i = 2; i < out.size(); ++i) maxSecond = std::max(maxSecond, std::abs(out[i] - 2 * out[i - 1] + out[i - 2]));
    // Second difference of the quadratic B-spline step: at most 1 / L^2.
    EXPECT_LE(maxSecond, 1.0 / double(length * length) + 1e-6);
}

TEST(MovingAverage, AdvanceStandsForPushesOfTheSteadyValue) {
    // Once the window holds only one value and the sum is exact, advance(k) leaves the box exactly
    // as k pushes of that value would: the next pushes of anything return the same means.
    lathe::Random random(8);
    for (float value : {1.0f, 0.3f}) {
        MovingAverage pushed, advanced;
        ASSERT_TRUE(pushed.prepare(37).ok());
        ASSERT_TRUE(advanced.prepare(37).ok());
        for (int i = 0; i < 1000; ++i) {
            const float v = random.uniform();
            ASSERT_EQ(pushed.push(v), advanced.push(v));
        }
        EXPECT_FALSE(pushed.isSteadyAt(value));
        int pushes = 0;
        while (!advanced.isSteadyAt(value)) {
            ASSERT_EQ(pushed.push(value), advanced.push(value));
            ASSERT_LT(++pushes, 100);  // within two lengths: the window fills, then the exact re-sum
        }
        for (std::size_t count : {1u, 5u, 36u, 37u, 1000u}) {
            for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(pushed.push(value), value);
            advanced.advance(count);
            EXPECT_TRUE(advanced.isSteadyAt(value));
        }
        for (int i = 0; i < 200; ++i) {
            const float v = random.uniform();
            ASSERT_EQ(pushed.push(v), advanced.push(v)) << i;
        }
    }
}
