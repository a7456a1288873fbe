#include "lathe/check/intersample_overs.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "support/signals.h"

namespace lathe::check {
namespace {

constexpr double kOversRate = 48000.0;

// A quarter-sample-rate sine at 45 degrees: every sample at 0.707 A, the waveform peaking at A
// between them.
AudioBuffer quarterRateSine(double amplitude, double seconds, double startSeconds = 0.0, double totalSeconds = 0.0) {
    AudioBuffer out(2, std::size_t(std::max(totalSeconds, startSeconds + seconds) * kOversRate));
    for (std::size_t i = std::size_t(startSeconds * kOversRate); i < std::size_t((startSeconds + seconds) * kOversRate); ++i)
        for (int c = 0; c < 2; ++c)
            out.channel(c)[i] = float(amplitude * std::sin(std::numbers::pi / 2.0 * double(i) + std::numbers::pi / 4.0));
    return out;
}

TEST(InterSampleOvers, FindsOversBetweenSamplesThatNeverClip) {
    const auto scan = scanOvers(quarterRateSine(std::pow(10.0, 1.0 / 20.0), 0.1).block(), kOversRate);
    EXPECT_EQ(scan.clippedSamples, 0);
    // Oversampled 4x, a cycle has 16 points at phases pi/4 + k pi/8; |sin| exceeds 1/A = 0.891 at 6
    // of them (k = 1, 2, 3, 9, 10, 11), none of which is a sample. Both channels.
    const double expected = 0.1 * kOversRate * 4.0 * 6.0 / 16.0 * 2.0;
    EXPECT_NEAR(double(scan.interSampleOvers), expected, expected * 0.01);
    EXPECT_NEAR(scan.oversampledPeakDbfs, 1.0, 0.1);
    EXPECT_EQ(scan.eventCount, 1);
}

TEST(InterSampleOvers, NoneUnderFullScale) {
    const auto scan = scanOvers(quarterRateSine(std::pow(10.0, -0.5 / 20.0), 0.1).block(), kOversRate);
    EXPECT_EQ(scan.interSampleOvers, 0);
    EXPECT_EQ(scan.clippedSamples, 0);
    EXPECT_EQ(scan.eventCount, 0);
}

TEST(InterSampleOvers, CountsClippedSamplesAndMarksEventsAboveTheMarkThreshold) {
    AudioBuffer audio(2, std::size_t(kOversRate));
    for (double t : {0.2, 0.5, 0.8})
        for (int k = 0; k < 5; ++k) audio.channel(0)[std::size_t(t * kOversRate) + std::size_t(k)] = 1.0f;
    const auto scan = scanOvers(audio.block(), kOversRate, std::pow(10.0, -1.0 / 20.0));
    EXPECT_EQ(scan.clippedSamples, 15);
    ASSERT_EQ(scan.eventCount, 3);
    EXPECT_NEAR(scan.events[0].timeSeconds, 0.2, 0.001);
    EXPECT_NEAR(scan.events[2].timeSeconds, 0.8, 0.001);
}

TEST(InterSampleOvers, EventListIsCappedButCounted) {
    AudioBuffer audio(1, std::size_t(kOversRate));
    for (int k = 0; k < 40; ++k) audio.channel(0)[std::size_t(k) * 1000] = 1.0f;  // 40 events, 21 ms apart
    const auto scan = scanOvers(audio.block(), kOversRate, 0.9, 10);
    EXPECT_EQ(scan.eventCount, 40);
    EXPECT_EQ(scan.events.size(), 10u);
}

}  // namespace
}  // namespace lathe::check
