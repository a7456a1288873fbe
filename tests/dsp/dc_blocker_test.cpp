// DcBlocker: contract, impulse-response spectrum vs the analytic response, -3.01 dB at the cutoff,
// DC removed, passband transparency, linearity.

#include "lathe/dsp/dc_blocker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "support/impulse_spectrum.h"
#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(DcBlocker, KeepsTheStageContract) {
    const AudioBuffer input = test::pinkNoise(44100.0, 1.0, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<DcBlocker>(); }, input, 44100.0);
}

TEST(DcBlocker, ImpulseSpectrumMatchesAnalyticResponse) {
    for (double fs : {44100.0, 48000.0, 96000.0})
        for (double cutoff : {2.0, 5.0, 20.0}) {
            DcBlocker blocker({cutoff});
            AudioBuffer audio = test::impulse(2, 1u << 19);  // 5.5 s at 96 kHz: the 2 Hz pole has decayed
            test::processWhole(blocker, audio, fs, 4096);
            const auto comparison = test::compareImpulseResponse(
                audio.channel(0), fs, [&](double f) { return blocker.response(f); }, 1.0, std::min(20000.0, 0.45 * fs));
            EXPECT_LE(comparison.worstErrorDb, 0.05) << fs << " Hz, cutoff " << cutoff;
            if (comparison.worstErrorDb > 0.05)
                test::writeResponseCsv(test::failureCurvePath("dc_blocker_" + std::to_string(int(fs)) + "_" +
                                                              std::to_string(int(cutoff))),
                                       comparison.curve);
            EXPECT_NEAR(20.0 * std::log10(std::abs(blocker.response(cutoff))), -3.0103, 1e-3);
            EXPECT_LT(std::abs(blocker.response(0.0)), 1e-12);
            // Above the cutoff it follows the analogue first-order high-pass, |H| = f / sqrt(f^2 + fc^2).
            for (double f : {100.0, 1000.0, 10000.0})
                EXPECT_NEAR(std::abs(blocker.response(f)), f / std::hypot(f, cutoff), 2e-5) << f;
        }
}

TEST(DcBlocker, RemovesDcAndPassesAudio) {
    const double fs = 48000.0;
    AudioBuffer audio = test::sine(fs, 440.0, 4.0, 0.25, 1);
    for (auto& s : audio.channel(0)) s += 0.3f;  // DC offset
    DcBlocker blocker({5.0});
    test::processWhole(blocker, audio, fs);
    // After settling (5 Hz: time constant 32 ms; 2 s is 60 of them) the mean is gone and the sine intact.
    double mean = 0.0, peak = 0.0;
    const auto y = audio.channel(0).subspan(96000);
    for (float s : y) {
        mean += s;
        peak = std::max(peak, double(std::abs(s)));
    }
    mean /= double(y.size());
    EXPECT_LT(std::abs(mean), 1e-5);
    EXPECT_NEAR(peak, 0.25, 0.25 * (1.0 - std::abs(blocker.response(440.0))) + 1e-4);
}

TEST(DcBlocker, IsLinearAndValidatesCutoff) {
    const double fs = 44100.0;
    const AudioBuffer x = test::whiteNoise(fs, 0.3, 0.5, 1, 1), y = test::whiteNoise(fs, 0.3, 0.5, 1, 2);
    AudioBuffer mix(1, x.numFrames()), ex = test::copyOf(x.block()), ey = test::copyOf(y.block());
    for (std::size_t i = 0; i < x.numFrames(); ++i) mix.channel(0)[i] = 0.5f * x.channel(0)[i] + 1.5f * y.channel(0)[i];
    DcBlocker a, b, m;
    test::processWhole(a, ex, fs);
    test::processWhole(b, ey, fs);
    test::processWhole(m, mix, fs);
    for (std::size_t i = 0; i < x.numFrames(); ++i)
        ASSERT_NEAR(mix.channel(0)[i], 0.5 * ex.channel(0)[i] + 1.5 * ey.channel(0)[i], 5e-7) << i;
    EXPECT_FALSE(DcBlocker({0.0}).prepare({fs, 2, 512}).ok());
    EXPECT_FALSE(DcBlocker({5000.0}).prepare({fs, 2, 512}).ok());
    DcBlocker c;
    ASSERT_TRUE(c.prepare({fs, 2, 512}).ok());
    EXPECT_TRUE(c.setCutoffHz(10.0).ok());
    EXPECT_NEAR(20.0 * std::log10(std::abs(c.response(10.0))), -3.0103, 1e-3);
    EXPECT_FALSE(c.setCutoffHz(-1.0).ok());
    EXPECT_EQ(c.cutoffHz(), 10.0);
}

}  // namespace
}  // namespace lathe::dsp
