#include "lathe/check/waveform_overview.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/signals.h"

namespace lathe::check {
namespace {

TEST(WaveformOverview, ColumnsHoldMinMaxAndRms) {
    const auto sine = test::sine(48000.0, 1000.0, 2.0, 0.5);
    const auto overview = makeWaveformOverview(sine.block(), 48000.0, 100);
    ASSERT_EQ(overview.maximum.size(), 100u);
    EXPECT_NEAR(overview.secondsPerColumn, 0.02, 1e-12);
    for (std::size_t i = 0; i < 100; ++i) {
        EXPECT_NEAR(overview.maximum[i], 0.5f, 1e-3f);
        EXPECT_NEAR(overview.minimum[i], -0.5f, 1e-3f);
        EXPECT_NEAR(overview.rms[i], 0.5f / std::sqrt(2.0f), 1e-3f);
    }
}

TEST(WaveformOverview, ShortSignalsGetOneColumnPerFrameAndSilenceIsFlat) {
    AudioBuffer silence(2, 50);
    const auto overview = makeWaveformOverview(silence.block(), 48000.0, 1200);
    ASSERT_EQ(overview.maximum.size(), 50u);
    for (std::size_t i = 0; i < 50; ++i) EXPECT_EQ(overview.maximum[i], 0.0f);
    EXPECT_TRUE(makeWaveformOverview(AudioBuffer(2, 0).block(), 48000.0).maximum.empty());
}

}  // namespace
}  // namespace lathe::check
