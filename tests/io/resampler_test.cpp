#include "lathe/resampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "support/signals.h"

namespace lathe {
namespace {

// A sine resampled keeps its frequency, amplitude and phase (soxr's linear-phase filter, delay
// removed): compare with the analytic sine at the new rate, away from the edges.
TEST(Resampler, SineKeepsAmplitudeAndTimeAlignment) {
    for (const auto& [from, to] : {std::pair{44100.0, 48000.0}, {48000.0, 44100.0}, {96000.0, 48000.0}}) {
        const auto input = test::sine(from, 1000.0, 1.0, 0.5, 2);
        auto output = resample(input.block(), from, to);
        ASSERT_TRUE(output.ok()) << output.error().message;
        ASSERT_EQ(output->numFrames(), std::size_t(std::llround(to)));
        ASSERT_EQ(output->numChannels(), 2);
        double worst = 0.0;
        for (std::size_t i = 1000; i + 1000 < output->numFrames(); ++i) {
            const double expected = 0.5 * std::sin(2.0 * std::numbers::pi * 1000.0 * double(i) / to);
            worst = std::max(worst, std::abs(double(output->channel(1)[i]) - expected));
        }
        EXPECT_LT(worst, 1e-4) << from << " -> " << to;
    }
}

TEST(Resampler, SameRateCopies) {
    const auto input = test::sine(48000.0, 440.0, 0.1);
    auto output = resample(input.block(), 48000.0, 48000.0);
    ASSERT_TRUE(output.ok());
    EXPECT_EQ(test::maxAbsDifference(input.block(), output->block()), 0.0);
}

}  // namespace
}  // namespace lathe
