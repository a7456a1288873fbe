#include "lathe/dsp/noise_shaping.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "util/random.h"

namespace lathe::dsp {
namespace {

TEST(NoiseShaping, ThresholdOfHearingHasItsMinimumNearThreeKilohertz) {
    double minimumHz = 0.0, minimum = 1e9;
    for (double f = 20.0; f < 20000.0; f *= 1.001)
        if (hearingThresholdDb(f) < minimum) minimum = hearingThresholdDb(f), minimumHz = f;
    EXPECT_NEAR(minimumHz, 3300.0, 300.0);
    EXPECT_NEAR(minimum, -5.0, 1.0);
    EXPECT_GT(hearingThresholdDb(20.0), 60.0);
    EXPECT_GT(hearingThresholdDb(18000.0), 60.0);
}

TEST(NoiseShaping, NtfIsMinimumPhaseSoItsLogIntegralIsZero) {
    // Gerzon-Craven: for a monic minimum-phase NTF the mean of ln|NTF|^2 over [0, fs/2] is 0.
    for (double sampleRate : {44100.0, 48000.0, 96000.0}) {
        auto shaper = designNoiseShaper(sampleRate);
        ASSERT_TRUE(shaper.ok()) << shaper.error().message;
        double sum = 0.0;
        const int n = 200000;
        for (int i = 0; i < n; ++i) sum += shaper->responseDb((i + 0.5) * 0.5 * sampleRate / n);
        EXPECT_NEAR(sum / n, 0.0, 0.01) << sampleRate;
    }
}

TEST(NoiseShaping, PutsNoiseWhereTheEarIsLeastSensitive) {
    for (double sampleRate : {44100.0, 48000.0}) {
        auto shaper = designNoiseShaper(sampleRate);
        ASSERT_TRUE(shaper.ok());
        for (double f = 2000.0; f <= 5000.0; f += 100.0) EXPECT_LT(shaper->responseDb(f), -15.0) << f;
        for (double f = 16000.0; f < 0.5 * sampleRate; f += 500.0) EXPECT_GT(shaper->responseDb(f), 10.0) << f;
        EXPECT_LT(shaper->weightedNoiseGainDb(), -12.0);  // perceived noise at least 12 dB lower than flat TPDF
        EXPECT_LT(shaper->noisePowerGainDb(), 15.0);      // at the price of this much more total noise power
    }
    auto shaper = designNoiseShaper(96000.0);
    ASSERT_TRUE(shaper.ok());
    for (double f = 20.0; f <= 10000.0; f *= 1.1) EXPECT_LT(shaper->responseDb(f), -10.0) << f;
    EXPECT_LT(shaper->weightedNoiseGainDb(), -18.0);
}

TEST(NoiseShaping, IsOptimalForItsWeighting) {
    auto shaper = designNoiseShaper(44100.0);
    ASSERT_TRUE(shaper.ok());
    const double optimum = shaper->weightedNoiseGainDb();
    const std::vector<double> designed(shaper->coefficients().begin(), shaper->coefficients().end());
    // Any perturbation of the coefficients raises the weighted noise (the optimum is a minimum of a
    // positive-definite quadratic form).
    Random random(3);
    for (int trial = 0; trial < 50; ++trial) {
        auto perturbed = designed;
        for (auto& a : perturbed) a += 0.01 * random.bipolar();
        EXPECT_GT(shaper->weightedNoiseGainDb(perturbed), optimum);
    }
    // So does a published filter of the same order: Wannamaker's 9-tap F-weighted 44.1 kHz shaper
    // (JAES 40(7/8), 1992), as usually quoted (e.g. SoX's dither effect): its error filter
    // c = {2.412, -3.370, 3.937, -4.174, 3.353, -2.205, 1.281, -0.569, 0.0847} with
    // NTF = 1 - sum c_k z^-k, i.e. a_k = -c_k in our convention. Used here only as a comparison.
    const std::vector<double> wannamaker{-2.412, 3.370, -3.937, 4.174, -3.353, 2.205, -1.281, 0.569, -0.0847};
    EXPECT_GT(shaper->weightedNoiseGainDb(wannamaker), optimum);
    EXPECT_LT(shaper->weightedNoiseGainDb(wannamaker), 0.0);  // ...which also beats flat TPDF
}

TEST(NoiseShaping, RejectsBadParameters) {
    NoiseShaperParams params;
    params.order = 0;
    EXPECT_FALSE(designNoiseShaper(44100.0, params).ok());
    params.order = 9;
    params.rangeDb = -1.0;
    EXPECT_FALSE(designNoiseShaper(44100.0, params).ok());
    EXPECT_FALSE(designNoiseShaper(1000.0).ok());
}

}  // namespace
}  // namespace lathe::dsp
