#include "lathe/synth/demo_mix.h"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "support/signals.h"

using namespace lathe;

TEST(DemoMix, IsDeterministicAndRealStereo) {
    synth::DemoMixParams params;
    params.seconds = 8.0;
    const AudioBuffer a = synth::makeDemoMix(params);
    const AudioBuffer b = synth::makeDemoMix(params);
    ASSERT_EQ(a.numChannels(), 2);
    ASSERT_EQ(a.numFrames(), std::size_t(8 * 48000));
    for (int c = 0; c < 2; ++c)
        EXPECT_EQ(std::memcmp(a.channel(c).data(), b.channel(c).data(), a.numFrames() * sizeof(float)), 0);
    double sideEnergy = 0, midEnergy = 0;
    for (std::size_t i = 0; i < a.numFrames(); ++i) {
        const double l = a.channel(0)[i], r = a.channel(1)[i];
        sideEnergy += (l - r) * (l - r);
        midEnergy += (l + r) * (l + r);
    }
    EXPECT_GT(sideEnergy / midEnergy, 1e-3) << "a stereo mix, not dual mono";
}

// The brief: quiet, around -22 LUFS, peaks near -6 dBFS. Measured with libebur128 as the oracle.
TEST(DemoMix, HasTheLevelsOfAnUnmasteredMix) {
    const AudioBuffer mix = synth::makeDemoMix();
    ebur128_state* state = ebur128_init(2, 48000, EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    std::vector<float> interleaved(mix.numFrames() * 2);
    for (std::size_t i = 0; i < mix.numFrames(); ++i) {
        interleaved[2 * i] = mix.channel(0)[i];
        interleaved[2 * i + 1] = mix.channel(1)[i];
    }
    ebur128_add_frames_float(state, interleaved.data(), mix.numFrames());
    double integrated = 0, peakLeft = 0, peakRight = 0;
    ebur128_loudness_global(state, &integrated);
    ebur128_true_peak(state, 0, &peakLeft);
    ebur128_true_peak(state, 1, &peakRight);
    ebur128_destroy(&state);
    EXPECT_NEAR(integrated, -22.0, 1.0);
    EXPECT_NEAR(test::toDb(std::max(peakLeft, peakRight)), -6.0, 0.5);
    float samplePeak = 0;
    for (int c = 0; c < 2; ++c)
        for (float s : mix.channel(c)) samplePeak = std::max(samplePeak, std::abs(s));
    EXPECT_NEAR(test::toDb(samplePeak), -6.0, 0.01);
}
