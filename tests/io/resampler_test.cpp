#include "lathe/resampler.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/signals.h"

using namespace lathe;


// A 997 Hz sine converted 48 kHz -> 44.1 kHz (and up to 96 kHz) keeps its amplitude, length and
// timing, and leaves a residual against the ideal sine far below -100 dB.
TEST(Resampler, ConvertsWithoutDelayOrLevelChange) {
    const AudioBuffer input = test::sine(48000, 997, 2.0, 0.5, 2, 0.3);
    for (double outRate : {44100.0, 96000.0, 88200.0}) {
        auto output = resample(input.block(), 48000, outRate);
        ASSERT_TRUE(output.ok()) << output.error().message;
        ASSERT_EQ(output->numChannels(), 2);
        EXPECT_EQ(output->numFrames(), std::size_t(std::llround(2.0 * outRate)));
        const auto ideal = test::sine(outRate, 997, 2.0, 0.5, 1, 0.3);
        const std::size_t edge = std::size_t(0.1 * outRate);  // skip the filter's edges
        double worst = 0;
        for (std::size_t i = edge; i + edge < output->numFrames(); ++i)
            worst = std::max(worst, std::abs(double(output->channel(1)[i]) - ideal.channel(0)[i]));
        EXPECT_LT(20 * std::log10(worst / 0.5), -100.0) << outRate;
    }
}

TEST(Resampler, RemovesContentAboveTheNewNyquist) {
    const AudioBuffer input = test::sine(96000, 30000, 1.0, 0.5, 1);
    auto output = resample(input.block(), 96000, 44100);
    ASSERT_TRUE(output.ok());
    double peak = 0;
    for (float s : output->channel(0).subspan(4410, output->numFrames() - 8820)) peak = std::max(peak, double(std::abs(s)));
    EXPECT_LT(20 * std::log10(peak / 0.5), -120.0);
}
