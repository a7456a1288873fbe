#include "lathe/analysis/dynamic_range_tt.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/signals.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

constexpr double kRate = 1000.0;      // 3 s blocks of 3000 frames keep the hand calculation small
constexpr std::size_t kBlock = 3000;

DynamicRangeTtResult measureDr(const AudioBuffer& audio, double rate, std::size_t blockFrames) {
    DynamicRangeTt meter;
    EXPECT_TRUE(meter.prepare(rate, audio.numChannels(), std::int64_t(audio.numFrames())).ok());
    test::feedInBlocks(meter, audio, blockFrames);
    return meter.result();
}

// A square wave of amplitude amplitudes[b] in block b (RMS = amplitude, RMS' = amplitude * sqrt 2).
AudioBuffer squareBlocks(const std::vector<float>& amplitudes, std::size_t extraFrames = 0, float extraAmplitude = 0) {
    AudioBuffer out(2, amplitudes.size() * kBlock + extraFrames);
    for (int c = 0; c < 2; ++c) {
        auto ch = out.channel(c);
        for (std::size_t i = 0; i < ch.size(); ++i) {
            const float amplitude = i / kBlock < amplitudes.size() ? amplitudes[i / kBlock] : extraAmplitude;
            ch[i] = i % 2 ? amplitude : -amplitude;
        }
    }
    return out;
}

}  // namespace

TEST(DynamicRangeTt, MatchesAHandCalculation) {
    // Ten blocks. Top 20 % = 2 blocks: amplitudes 0.5 and 0.375 (RMS'^2 = 2 * 0.25 and 2 * 0.140625).
    AudioBuffer audio = squareBlocks({0.125f, 0.25f, 0.375f, 0.5f, 0.0625f, 0.0625f, 0.0625f, 0.0625f, 0.0625f, 0.0625f});
    // Left channel: single-sample spikes of 0.875 in block 0 and 0.75 in block 1 (neither is among the
    // loudest blocks, even with its spike). Right channel: no spikes.
    audio.channel(0)[100] = 0.875f;
    audio.channel(0)[kBlock + 100] = 0.75f;
    const double rmsTop = std::sqrt((2 * 0.25 + 2 * 0.140625) / 2);  // = 0.625
    const double leftDr = 20 * std::log10(0.75 / rmsTop);            // 2nd-highest peak 0.75: +1.584 dB
    const double rightDr = 20 * std::log10(0.375 / rmsTop);          // 2nd-highest peak 0.375: -4.437 dB
    for (std::size_t blockFrames : {1u, 777u, 3000u, 30000u}) {
        const auto result = measureDr(audio, kRate, blockFrames);
        ASSERT_TRUE(result.drDb && result.dr);
        ASSERT_EQ(result.channelDrDb.size(), 2u);
        EXPECT_NEAR(*result.channelDrDb[0], leftDr, 1e-9);
        EXPECT_NEAR(*result.channelDrDb[1], rightDr, 1e-9);
        EXPECT_NEAR(*result.drDb, (leftDr + rightDr) / 2, 1e-9);  // -1.43 dB
        EXPECT_EQ(*result.dr, -1);
    }
}

TEST(DynamicRangeTt, FinalShortBlockCounts) {
    // As above plus 1.5 s holding a 0.9375 spike: 11 blocks (top 2 unchanged); the left channel's
    // peaks are now 0.9375, 0.875, ... and the right channel's 0.9375, 0.5, ...
    AudioBuffer audio = squareBlocks({0.125f, 0.25f, 0.375f, 0.5f, 0.0625f, 0.0625f, 0.0625f, 0.0625f, 0.0625f, 0.0625f},
                                     1500, 0.0625f);
    audio.channel(0)[100] = 0.875f;
    audio.channel(0)[kBlock + 100] = 0.75f;
    audio.channel(0)[10 * kBlock + 10] = audio.channel(1)[10 * kBlock + 10] = 0.9375f;
    const auto result = measureDr(audio, kRate, 4096);
    EXPECT_NEAR(*result.channelDrDb[0], 20 * std::log10(0.875 / 0.625), 1e-9);
    EXPECT_NEAR(*result.channelDrDb[1], 20 * std::log10(0.5 / 0.625), 1e-9);
}

TEST(DynamicRangeTt, SteadySineReadsZero) {
    // A sine's RMS x sqrt 2 equals its peak.
    const auto result = measureDr(test::sine(48000, 997, 12.0, 0.5, 2), 48000, 4096);
    ASSERT_TRUE(result.drDb);
    EXPECT_NEAR(*result.drDb, 0.0, 0.001);
    EXPECT_EQ(*result.dr, 0);
}

TEST(DynamicRangeTt, UndefinedForShortFilesAndSilentChannels) {
    EXPECT_FALSE(measureDr(test::sine(48000, 997, 2.9, 0.5, 2), 48000, 4096).drDb);
    AudioBuffer audio = test::sine(48000, 997, 6.0, 0.5, 2);
    std::fill(audio.channel(1).begin(), audio.channel(1).end(), 0.0f);
    const auto result = measureDr(audio, 48000, 4096);
    ASSERT_TRUE(result.drDb);  // the silent channel is left out of the mean
    EXPECT_FALSE(result.channelDrDb[1]);
    EXPECT_NEAR(*result.drDb, 0.0, 0.001);
    EXPECT_FALSE(measureDr(AudioBuffer(2, 48000 * 6), 48000, 4096).drDb);
}
