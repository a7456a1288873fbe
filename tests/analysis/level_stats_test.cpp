#include "lathe/analysis/level_stats.h"

#include <gtest/gtest.h>

#include <cmath>

#include "support/signals.h"
#include "util/random.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

LevelStatsResult measureLevels(const AudioBuffer& audio, std::size_t blockFrames = 4096) {
    LevelStats stats;
    EXPECT_TRUE(stats.prepare(audio.numChannels()).ok());
    test::feedInBlocks(stats, audio, blockFrames);
    return stats.result();
}

LevelStatsResult measureRandomBlocks(const AudioBuffer& audio, std::uint64_t seed) {
    LevelStats stats;
    EXPECT_TRUE(stats.prepare(audio.numChannels()).ok());
    Random random(seed);
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        const std::size_t count = std::min<std::size_t>(1 + random.next() % 7, audio.numFrames() - offset);
        stats.process(ConstAudioBlock(audio.block()).slice(offset, count));
        offset += count;
    }
    return stats.result();
}

}  // namespace

TEST(LevelStats, DcOffsetOfPointOneReadsMinusTwentyDbfs) {
    // 1 kHz at 48 kHz: 10 s hold a whole number of cycles, so the sine adds nothing to the mean.
    AudioBuffer audio = test::sine(48000, 1000, 10.0, 0.5, 2);
    for (auto& s : audio.channel(0)) s += 0.1f;
    for (auto& s : audio.channel(1)) s -= 0.01f;
    const auto result = measureLevels(audio);
    ASSERT_EQ(result.channelDcOffset.size(), 2u);
    EXPECT_NEAR(result.channelDcOffset[0], 0.1, 1e-6);
    EXPECT_NEAR(result.channelDcOffset[1], -0.01, 1e-6);
    ASSERT_TRUE(result.dcOffsetDbfs);
    EXPECT_NEAR(*result.dcOffsetDbfs, -20.0, 1e-4);  // the worst channel
}

TEST(LevelStats, SinePeakRmsAndCrestFactor) {
    const auto result = measureLevels(test::sine(48000, 1000, 2.0, 0.5, 2));
    ASSERT_TRUE(result.samplePeakDbfs && result.rmsDbfs && result.crestFactorDb);
    EXPECT_NEAR(*result.samplePeakDbfs, 20 * std::log10(0.5), 1e-4);
    EXPECT_NEAR(*result.rmsDbfs, 20 * std::log10(0.5) - 10 * std::log10(2.0), 1e-4);  // A^2 / 2
    EXPECT_NEAR(*result.crestFactorDb, 10 * std::log10(2.0), 1e-4);                    // 3.01 dB
}

TEST(LevelStats, SquareWaveHasNoCrest) {
    AudioBuffer audio(1, 4800);
    for (std::size_t i = 0; i < audio.numFrames(); ++i) audio.channel(0)[i] = (i / 24) % 2 ? 0.25f : -0.25f;
    const auto result = measureLevels(audio);
    ASSERT_TRUE(result.crestFactorDb);
    EXPECT_NEAR(*result.crestFactorDb, 0.0, 1e-9);
    EXPECT_NEAR(*result.samplePeakDbfs, 20 * std::log10(0.25), 1e-9);
}

TEST(LevelStats, CountsClippedRunsExactly) {
    // Channel 0, by hand:                                                        runs counted
    //   +1 x2 (too short)                                                          0
    //   +1 x3                                                                      1
    //   -1 x5                                                                      1
    //   32767/32768 x4 (16-bit positive full scale)                                1
    //   0.9999 x3 (below full scale)                                               0
    //   +1 +1 -1 (not equal)                                                       0
    //   1.5 x3 (float beyond full scale)                                           1
    //   +1 x3 then -1 x3 back to back (two runs)                                   2
    //   +1 x3 at the very end                                                      1
    // Channel 1: one run of 4 at -1 and a run of 2 at +1.                          1
    const float top16 = 32767.0f / 32768.0f;
    std::vector<float> left;
    const auto add = [&](std::vector<float>& ch, float value, int count) {
        for (int i = 0; i < count; ++i) ch.push_back(value);
        ch.push_back(0.25f);  // separator
    };
    add(left, 1.0f, 2);
    add(left, 1.0f, 3);
    add(left, -1.0f, 5);
    add(left, top16, 4);
    add(left, 0.9999f, 3);
    left.insert(left.end(), {1.0f, 1.0f, -1.0f, 0.0f});
    add(left, 1.5f, 3);
    left.insert(left.end(), {1.0f, 1.0f, 1.0f, -1.0f, -1.0f, -1.0f, 0.0f});
    left.insert(left.end(), {1.0f, 1.0f, 1.0f});
    std::vector<float> right(left.size(), 0.0f);
    for (int i = 0; i < 4; ++i) right[10 + std::size_t(i)] = -1.0f;
    right[20] = right[21] = 1.0f;

    AudioBuffer audio(2, left.size());
    std::copy(left.begin(), left.end(), audio.channel(0).begin());
    std::copy(right.begin(), right.end(), audio.channel(1).begin());
    EXPECT_EQ(measureLevels(audio).clippedRuns, 8);
    // Runs split across blocks of every size still count once.
    for (std::size_t blockFrames = 1; blockFrames <= 8; ++blockFrames) EXPECT_EQ(measureLevels(audio, blockFrames).clippedRuns, 8);
}

TEST(LevelStats, SilenceHasNoDecibelFigures) {
    const auto result = measureLevels(AudioBuffer(2, 48000));
    EXPECT_EQ(result.samplePeakLinear, 0.0);
    EXPECT_FALSE(result.samplePeakDbfs);
    EXPECT_FALSE(result.rmsDbfs);
    EXPECT_FALSE(result.crestFactorDb);
    EXPECT_FALSE(result.dcOffsetDbfs);
    EXPECT_EQ(result.clippedRuns, 0);
}

TEST(LevelStats, AnyBlockSplitGivesIdenticalBits) {
    AudioBuffer audio = test::pinkNoise(44100, 3.0, 1.0, 2);
    for (std::size_t i = 1000; i < 1010; ++i) audio.channel(1)[i] = -1.0f;
    const auto whole = measureLevels(audio, audio.numFrames());
    const auto split = measureRandomBlocks(audio, 7);
    EXPECT_EQ(whole.samplePeakDbfs, split.samplePeakDbfs);
    EXPECT_EQ(whole.rmsDbfs, split.rmsDbfs);
    EXPECT_EQ(whole.channelDcOffset, split.channelDcOffset);
    EXPECT_EQ(whole.clippedRuns, split.clippedRuns);
    EXPECT_GE(whole.clippedRuns, 1);
}

TEST(LevelStats, RejectsBadChannelCounts) {
    LevelStats stats;
    EXPECT_FALSE(stats.prepare(0).ok());
    EXPECT_FALSE(stats.prepare(kMaxChannels + 1).ok());
}
