// fastLog / fastExp (src/dsp/fast_log_exp.h): the stated error bounds against a long-double
// reference over their whole domains and the ranges the dynamics stages use, exact special
// points, and the auto-vectorised block loop against one-at-a-time calls (the same bits: the
// differential test for the vectorised path).

#include "dsp/fast_log_exp.h"

#include <gtest/gtest.h>

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <vector>

#include "util/random.h"

namespace lathe::dsp::fastmath {
namespace {

// One call at a time, never inlined into a vectorised loop: the scalar reference path.
[[gnu::noinline]] double scalarLog(double x) { return fastLog(x); }
[[gnu::noinline]] double scalarExp(double y) { return fastExp(y); }

// Random doubles: uniform mantissa, exponent uniform in [minExponent, maxExponent].
std::vector<double> randomPositive(std::size_t count, int minExponent, int maxExponent, std::uint64_t seed) {
    Random random(seed);
    std::vector<double> out(count);
    for (auto& x : out) {
        const double high = double(random.next()) / 4294967296.0, low = double(random.next()) / 1.8446744073709552e19;
        const double mantissa = 1.0 + high + low;
        const int exponent = minExponent + int(random.next() % std::uint32_t(maxExponent - minExponent + 1));
        x = std::ldexp(mantissa, exponent);
    }
    return out;
}

TEST(FastLog, WithinBoundOverTheWholeNormalRange) {
    std::vector<double> xs = randomPositive(400000, -1022, 1023, 1);
    // Points where the mantissa reduction switches, and exact powers of two.
    for (int e = -1022; e <= 1023; e += 7) {
        for (double m : {1.0, std::nextafter(std::numbers::sqrt2, 0.0), std::numbers::sqrt2,
                         std::nextafter(std::numbers::sqrt2, 2.0), std::nextafter(2.0, 0.0)})
            xs.push_back(std::ldexp(m, e));
    }
    xs.push_back(DBL_MIN);
    xs.push_back(DBL_MAX);
    double worst = 0.0;
    for (double x : xs) {
        const long double reference = std::log(static_cast<long double>(x));
        const double error = double(std::fabs(static_cast<long double>(fastLog(x)) - reference));
        const double bound = 5e-13 + 4e-16 * double(std::fabs(reference));
        worst = std::max(worst, error / bound);
        ASSERT_LE(error, bound) << "x = " << x;
    }
    std::printf("fastLog: worst error %.2f of the bound\n", worst);
    EXPECT_EQ(fastLog(1.0), 0.0);
}

TEST(FastLog, WithinBoundNearOneAndOnAudioLevels) {
    // Levels a compressor sees: 1e-10 .. 10 (linear amplitude or power), and values next to 1.
    std::vector<double> xs = randomPositive(200000, -34, 4, 2);
    for (int i = -1000; i <= 1000; ++i) xs.push_back(1.0 + i * 1e-7);
    for (double x : xs) {
        const long double reference = std::log(static_cast<long double>(x));
        const double error = double(std::fabs(static_cast<long double>(fastLog(x)) - reference));
        ASSERT_LE(error, 5e-13 + 4e-16 * double(std::fabs(reference))) << "x = " << x;
    }
}

TEST(FastExp, WithinRelativeBoundOverItsDomain) {
    Random random(3);
    std::vector<double> ys;
    for (int i = 0; i < 400000; ++i) ys.push_back(-700.0 + 1400.0 * (double(random.next()) / 4294967296.0));
    for (int i = 0; i < 100000; ++i) ys.push_back(-1.0 + 2.0 * (double(random.next()) / 4294967296.0));
    // Gains in dB as the compressor forms them: exp(dB ln10 / 20) for -120 .. +40 dB.
    for (double db = -120.0; db <= 40.0; db += 0.001) ys.push_back(db * std::numbers::ln10 / 20.0);
    // Where the rounding of y / ln2 switches to the next integer.
    for (int k = -1000; k <= 1000; ++k)
        for (double y : {(k + 0.5) * std::numbers::ln2, (k - 0.5) * std::numbers::ln2}) ys.push_back(y);
    double worst = 0.0;
    for (double y : ys) {
        if (std::fabs(y) > 700.0) continue;
        const long double reference = std::exp(static_cast<long double>(y));
        const double relative = double(std::fabs(static_cast<long double>(fastExp(y)) / reference - 1.0L));
        worst = std::max(worst, relative);
        ASSERT_LE(relative, 3.5e-13) << "y = " << y;
    }
    std::printf("fastExp: worst relative error %.3g\n", worst);
    EXPECT_EQ(fastExp(0.0), 1.0);
}

TEST(FastExp, ClampsOutsideItsDomainWithoutOverflow) {
    EXPECT_EQ(fastExp(-1e6), fastExp(-700.0));
    EXPECT_EQ(fastExp(1e6), fastExp(700.0));
    EXPECT_TRUE(std::isfinite(fastExp(1e300)));
    EXPECT_GT(fastExp(-700.0), 0.0);
}

TEST(FastLogExp, VectorisedLoopGivesTheBitsOfScalarCalls) {
    // Odd length so a vectorised loop also runs its scalar remainder.
    const std::vector<double> xs = randomPositive(4097, -60, 10, 4);
    std::vector<double> logs(xs.size()), exps(xs.size());
    for (std::size_t i = 0; i < xs.size(); ++i) logs[i] = fastLog(xs[i]);
    for (std::size_t i = 0; i < xs.size(); ++i) exps[i] = fastExp(-0.01 * logs[i] * xs[i]);
    for (std::size_t i = 0; i < xs.size(); ++i) {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(logs[i]), std::bit_cast<std::uint64_t>(scalarLog(xs[i]))) << i;
        const double y = -0.01 * logs[i] * xs[i];
        ASSERT_EQ(std::bit_cast<std::uint64_t>(exps[i]), std::bit_cast<std::uint64_t>(scalarExp(y))) << i;
    }
}

}  // namespace
}  // namespace lathe::dsp::fastmath
