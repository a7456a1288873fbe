#include "lathe/dsp/fir_design.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace lathe::dsp {
namespace {

// A bell of `gainDb` at centreHz, Gaussian on log-frequency, `widthOctaves` wide at half its height.
std::vector<CurvePoint> bell(double centreHz, double widthOctaves, double gainDb) {
    std::vector<CurvePoint> points;
    const double sigma = widthOctaves / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    for (double f = 10.0; f < 30000.0; f *= std::exp2(1.0 / 48.0)) {
        const double octaves = std::log2(f / centreHz);
        points.push_back({f, gainDb * std::exp(-0.5 * octaves * octaves / (sigma * sigma))});
    }
    return points;
}

// The DTFT magnitude of the taps at bins k * fs / size, by FFT (independent of FirDesign::response).
std::vector<double> fftMagnitudeDb(std::span<const float> taps, std::size_t size) {
    std::vector<double> in(size, 0.0);
    std::copy(taps.begin(), taps.end(), in.begin());
    std::vector<fftw_complex> out(size / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(int(size), in.data(), out.data(), FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
    std::vector<double> db(out.size());
    for (std::size_t k = 0; k < out.size(); ++k) db[k] = 10.0 * std::log10(out[k][0] * out[k][0] + out[k][1] * out[k][1]);
    return db;
}

TEST(FirDesign, TapsAreOddAndExactlySymmetric) {
    FirDesignParams params;
    params.curve = bell(1000.0, 1.0, 6.0);
    params.lengthFrames = 2047;
    auto design = designLinearPhaseFir(params, 48000.0);
    ASSERT_TRUE(design.ok()) << design.error().message;
    ASSERT_EQ(design->length(), 2047);
    EXPECT_EQ(design->latencyFrames(), 1023);
    const auto taps = design->taps();
    for (std::size_t i = 0; i < taps.size(); ++i) ASSERT_EQ(taps[i], taps[taps.size() - 1 - i]) << i;
}

TEST(FirDesign, ResponseIsTheDtftOfTheTaps) {
    FirDesignParams params;
    params.curve = bell(300.0, 2.0, -8.0);
    params.lengthFrames = 4095;
    auto design = designLinearPhaseFir(params, 44100.0);
    ASSERT_TRUE(design.ok());
    const std::size_t size = 16384;
    const auto reference = fftMagnitudeDb(design->taps(), size);
    for (std::size_t k = 1; k < size / 2; k += 97) {
        const double f = double(k) * 44100.0 / double(size);
        EXPECT_NEAR(design->magnitudeDb(f), reference[k], 1e-6) << f << " Hz";
        // Linear phase: the complex response is the real amplitude times exp(-j w latency).
        const auto h = design->response(f);
        const double omega = 2.0 * std::numbers::pi * f / 44100.0;
        const auto unrotated = h * std::polar(1.0, omega * design->latencyFrames());
        EXPECT_NEAR(unrotated.imag(), 0.0, 1e-9 * std::abs(h) + 1e-12);
        EXPECT_NEAR(unrotated.real(), design->amplitude(f), 1e-9);
    }
}

TEST(FirDesign, TargetInterpolatesOnLogFrequencyAndHoldsTheEnds) {
    FirDesignParams params;
    params.curve = {{1000.0, 6.0}, {100.0, 0.0}, {10000.0, -3.0}};  // any order
    auto target = TargetCurve::create(params, 48000.0);
    ASSERT_TRUE(target.ok());
    EXPECT_DOUBLE_EQ(target->gainDb(0.0), 0.0);
    EXPECT_DOUBLE_EQ(target->gainDb(50.0), 0.0);
    EXPECT_NEAR(target->gainDb(std::sqrt(100.0 * 1000.0)), 3.0, 1e-12);       // geometric midpoint
    EXPECT_NEAR(target->gainDb(1000.0 * std::pow(10.0, 0.25)), 6.0 - 9.0 / 4.0, 1e-12);  // a quarter decade on
    EXPECT_DOUBLE_EQ(target->gainDb(20000.0), -3.0);
}

TEST(FirDesign, FractionalOctaveSmoothingAveragesOverTheWidth) {
    // A 6 dB step at 1 kHz smoothed over 1/3 octave becomes a straight ramp (on log-frequency)
    // from 1 kHz * 2^(-1/6) to 1 kHz * 2^(1/6).
    FirDesignParams params;
    params.curve = {{999.999, 0.0}, {1000.0, 6.0}};
    params.smoothingOctaves = 1.0 / 3.0;
    auto target = TargetCurve::create(params, 48000.0);
    ASSERT_TRUE(target.ok());
    const double gridTolerance = 6.0 / 64.0 + 1e-9;  // one step of the 1/192-octave grid across a 1/3-octave ramp
    EXPECT_NEAR(target->gainDb(1000.0), 3.0, gridTolerance);
    EXPECT_NEAR(target->gainDb(1000.0 * std::exp2(1.0 / 12.0)), 4.5, gridTolerance);
    EXPECT_NEAR(target->gainDb(1000.0 * std::exp2(-1.0 / 12.0)), 1.5, gridTolerance);
    EXPECT_NEAR(target->gainDb(1000.0 * std::exp2(0.2)), 6.0, 1e-9);
    EXPECT_NEAR(target->gainDb(1000.0 * std::exp2(-0.2)), 0.0, 1e-9);
}

TEST(FirDesign, AutomaticLengthFollowsTheLowestFeature) {
    struct Case {
        double sampleRate, bellHz;
        int expectedLength;
    };
    // Measured outcomes documented in fir_design.h; each is checked independently below.
    for (const Case c : {Case{48000.0, 1000.0, 4095}, Case{48000.0, 100.0, 16383}, Case{96000.0, 1000.0, 8191},
                         Case{96000.0, 100.0, 32767}, Case{44100.0, 100.0, 16383}}) {
        SCOPED_TRACE(testing::Message() << c.bellHz << " Hz bell at " << c.sampleRate << " Hz");
        FirDesignParams params;
        params.curve = bell(c.bellHz, 0.5, 3.0);
        auto design = designLinearPhaseFir(params, c.sampleRate);
        ASSERT_TRUE(design.ok());
        EXPECT_EQ(design->length(), c.expectedLength);
        EXPECT_LE(design->maxDeviationDb(), params.toleranceDb);
        // Independent check of the reported deviation: FFT of the taps against the target.
        const std::size_t size = 1 << 18;
        const auto measured = fftMagnitudeDb(design->taps(), size);
        double worst = 0.0;
        for (std::size_t k = 1; k < measured.size(); ++k) {
            const double f = double(k) * c.sampleRate / double(size);
            if (f >= 30.0 && f <= 20000.0) worst = std::max(worst, std::abs(measured[k] - design->targetDb(f)));
        }
        EXPECT_LE(worst, params.toleranceDb);
        EXPECT_NEAR(worst, design->maxDeviationDb(), 0.01);
    }
}

TEST(FirDesign, BlackmanHarrisWindowAlsoMeetsTheTolerance) {
    FirDesignParams params;
    params.curve = bell(250.0, 1.0, -6.0);
    params.window = FirWindow::BlackmanHarris;
    auto design = designLinearPhaseFir(params, 48000.0);
    ASSERT_TRUE(design.ok());
    EXPECT_LE(design->maxDeviationDb(), 0.1);
    // Too short a filter for a low feature cannot meet it, and says so.
    params.lengthFrames = 255;
    auto shortDesign = designLinearPhaseFir(params, 48000.0);
    ASSERT_TRUE(shortDesign.ok());
    EXPECT_GT(shortDesign->maxDeviationDb(), 0.5);
}

TEST(FirDesign, RejectsBadParameters) {
    auto expectError = [](FirDesignParams params) {
        auto design = designLinearPhaseFir(params, 48000.0);
        ASSERT_FALSE(design.ok());
        EXPECT_FALSE(design.error().message.empty());
    };
    FirDesignParams params;
    params.curve.clear();
    expectError(params);
    params.curve = {{-10.0, 0.0}};
    expectError(params);
    params.curve = {{100.0, 0.0}, {100.0, 3.0}};
    expectError(params);
    params.curve = {{100.0, std::nan("")}};
    expectError(params);
    params.curve = {{100.0, 60.0}};
    expectError(params);
    params.curve = {{100.0, 0.0}};
    params.lengthFrames = 1024;
    expectError(params);
    params.lengthFrames = 0;
    params.smoothingOctaves = -1.0;
    expectError(params);
}

}  // namespace
}  // namespace lathe::dsp
