#include "analysis/k_weighting_filter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <vector>

#include "util/random.h"

using namespace lathe::analysis;

namespace {

std::vector<float> noise(std::size_t n, std::uint64_t seed) {
    lathe::Random random(seed);
    std::vector<float> out(n);
    for (auto& s : out) s = 0.5f * random.bipolar();
    return out;
}

bool sameBits(const KWeightingState& a, const KWeightingState& b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool sameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

// The two-lane kernel is a hand-vectorised twin of the scalar loop: it must give the same bits.
TEST(KWeightingFilter, PairKernelIsBitIdenticalToTheSingleChannelKernel) {
    for (const double fs : {8000.0, 44100.0, 192000.0}) {
        const KWeighting k = designKWeighting(fs);
        const std::size_t n = 12347;  // odd length
        const auto a = noise(n, 1), b = noise(n, 2);

        KWeightingState singleA, singleB;
        double sumA = 0, sumB = 0;
        kWeightSumSquares(k, singleA, a.data(), n, sumA);
        kWeightSumSquares(k, singleB, b.data(), n, sumB);

        KWeightingState pairA, pairB;
        double pairSumA = 0, pairSumB = 0, mid = 0;
        lathe::Random split(3);
        for (std::size_t offset = 0; offset < n;) {
            const std::size_t count = std::min<std::size_t>(n - offset, 1 + split.next() % 700);
            kWeightSumSquaresPair(k, pairA, pairB, a.data() + offset, b.data() + offset, count, pairSumA, pairSumB, &mid);
            offset += count;
        }
        EXPECT_TRUE(sameBits(sumA, pairSumA)) << fs;
        EXPECT_TRUE(sameBits(sumB, pairSumB)) << fs;
        EXPECT_TRUE(sameBits(singleA, pairA)) << fs;
        EXPECT_TRUE(sameBits(singleB, pairB)) << fs;
    }
}

TEST(KWeightingFilter, SumsAreTheSquaresOfTheFilteredSignal) {
    const KWeighting k = designKWeighting(48000.0);
    const std::size_t n = 5001;
    const auto a = noise(n, 4), b = noise(n, 5);
    std::vector<double> ya(n), yb(n);
    KWeightingState sa, sb;
    kWeightInto(k, sa, a.data(), ya.data(), n);
    kWeightInto(k, sb, b.data(), yb.data(), n);
    double expectA = 0, expectB = 0, expectMid = 0;
    for (std::size_t i = 0; i < n; ++i) {
        expectA += ya[i] * ya[i];
        expectB += yb[i] * yb[i];
        expectMid += (ya[i] + yb[i]) * (ya[i] + yb[i]);
    }
    KWeightingState pa, pb;
    double sumA = 0, sumB = 0, mid = 0;
    kWeightSumSquaresPair(k, pa, pb, a.data(), b.data(), n, sumA, sumB, &mid);
    EXPECT_TRUE(sameBits(sumA, expectA));
    EXPECT_TRUE(sameBits(sumB, expectB));
    EXPECT_TRUE(sameBits(mid, expectMid));
    KWeightingState s;
    double single = 0;
    kWeightSumSquares(k, s, a.data(), n, single);
    EXPECT_TRUE(sameBits(single, expectA));
}

// A steady sine comes out with the power |H(f)|^2 / 2 that response(f) predicts.
TEST(KWeightingFilter, SinePowerFollowsTheResponse) {
    for (const double fs : {8000.0, 48000.0, 192000.0}) {
        const KWeighting k = designKWeighting(fs);
        for (const double f : {40.0, 1000.0, 3000.0}) {
            const auto settle = static_cast<std::size_t>(fs);      // 1 s for the transient to die
            const auto measureFrames = static_cast<std::size_t>(4 * fs);
            std::vector<float> x(settle + measureFrames);
            for (std::size_t i = 0; i < x.size(); ++i)
                x[i] = float(0.5 * std::sin(2 * std::numbers::pi * f / fs * double(i)));
            KWeightingState st;
            double ignored = 0, sum = 0;
            kWeightSumSquares(k, st, x.data(), settle, ignored);
            kWeightSumSquares(k, st, x.data() + settle, measureFrames, sum);
            const double expected = 0.25 * 0.5 * std::norm(k.response(f)) * double(measureFrames);
            // 4 s of a sine need not hold whole periods: the leftover bounds the error to
            // 1 / (2 pi f T) relative; float input adds 1e-7.
            EXPECT_NEAR(sum / expected, 1.0, 1.0 / (2 * std::numbers::pi * f * 4.0) + 1e-6) << fs << " Hz, " << f << " Hz";
        }
    }
}

TEST(KWeightingFilter, FlushKeepsTheStateOutOfSubnormalsAfterTheSignalStops) {
    const KWeighting k = designKWeighting(384000.0);  // the slowest decay
    KWeightingState st;
    const auto burst = noise(3840, 6);
    double sum = 0;
    kWeightSumSquares(k, st, burst.data(), burst.size(), sum);
    const std::vector<float> silence(3840, 0.0f);
    bool sawSubnormal = false;
    for (int hop = 0; hop < 20000; ++hop) {  // 200 s of silence in 10 ms hops
        kWeightSumSquares(k, st, silence.data(), silence.size(), sum);
        st.flushTiny();
        for (const double v : {st.x1, st.x2, st.s1, st.s2, st.y1, st.y2})
            sawSubnormal = sawSubnormal || std::fpclassify(v) == FP_SUBNORMAL;
    }
    EXPECT_FALSE(sawSubnormal);
    EXPECT_TRUE(sameBits(st, KWeightingState{}));  // decayed to exactly zero
    // Values above the threshold are left alone.
    KWeightingState kept;
    kept.y1 = 2e-30;
    kept.s2 = -5e-31;
    kept.flushTiny();
    EXPECT_EQ(kept.y1, 2e-30);
    EXPECT_EQ(kept.s2, 0.0);
}
