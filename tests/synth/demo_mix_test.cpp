#include "lathe/synth/demo_mix.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "support/signals.h"

using namespace lathe;

TEST(DemoMix, IsDeterministicStereoAndPeaksWhereAsked) {
    synth::DemoMixParams params;
    params.seconds = 8.0;
    const AudioBuffer a = synth::makeDemoMix(params);
    const AudioBuffer b = synth::makeDemoMix(params);
    ASSERT_EQ(a.numChannels(), 2);
    ASSERT_EQ(a.numFrames(), std::size_t(8 * 48000));
    for (int c = 0; c < 2; ++c)
        EXPECT_EQ(std::memcmp(a.channel(c).data(), b.channel(c).data(), a.numFrames() * sizeof(float)), 0);
    float peak = 0;
    for (int c = 0; c < 2; ++c)
        for (float s : a.channel(c)) peak = std::max(peak, std::abs(s));
    EXPECT_NEAR(test::toDb(peak), -6.0, 0.01);
    // The channels differ (a real stereo mix, not dual mono).
    EXPECT_GT(test::maxAbsDifference(ConstAudioBlock(a.block()).slice(0, 48000 * 4),
                                     ConstAudioBlock(a.block()).slice(0, 48000 * 4)) +
                  [&] {
                      double d = 0;
                      for (std::size_t i = 0; i < a.numFrames(); ++i)
                          d = std::max(d, double(std::abs(a.channel(0)[i] - a.channel(1)[i])));
                      return d;
                  }(),
              0.01);
}
