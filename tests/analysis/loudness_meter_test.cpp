#include "lathe/analysis/loudness_meter.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "loudness_test_signals.h"
#include "support/allocation_counter.h"
#include "support/signals.h"

using namespace lathe;
using namespace lathe::analysis;
using namespace lathe::test::loudness;

namespace {

constexpr double kTolerance = 0.1;  // EBU Tech 3341 and 3342: +-0.1 LU for loudness levels

LoudnessMeterOptions withSeries() {
    LoudnessMeterOptions options;
    options.recordSeries = true;
    return options;
}

// Series entry i is the window ending at hop i + 1, i.e. at t = (i + 1) * 10 ms.
// Largest value over windows ending at hops firstHop..lastHop (inclusive).
double seriesMax(const std::vector<float>& series, std::int64_t firstHop, std::int64_t lastHop) {
    double m = -std::numeric_limits<double>::infinity();
    for (std::int64_t hop = firstHop; hop <= lastHop && hop <= std::int64_t(series.size()); ++hop)
        m = std::max(m, double(series[std::size_t(hop - 1)]));
    return m;
}
double seriesMin(const std::vector<float>& series, std::int64_t firstHop, std::int64_t lastHop) {
    double m = std::numeric_limits<double>::infinity();
    for (std::int64_t hop = firstHop; hop <= lastHop && hop <= std::int64_t(series.size()); ++hop)
        m = std::min(m, double(series[std::size_t(hop - 1)]));
    return m;
}

std::vector<Segment> repeat(int times, const std::vector<Segment>& pattern) {
    std::vector<Segment> out;
    for (int i = 0; i < times; ++i) out.insert(out.end(), pattern.begin(), pattern.end());
    return out;
}

bool sameBits(const std::optional<double>& a, const std::optional<double>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || std::memcmp(&*a, &*b, sizeof(double)) == 0;
}

void expectSameResult(const LoudnessResult& a, const LoudnessResult& b) {
    EXPECT_TRUE(sameBits(a.integratedLufs, b.integratedLufs));
    EXPECT_TRUE(sameBits(a.loudnessRangeLu, b.loudnessRangeLu));
    EXPECT_TRUE(sameBits(a.maxMomentaryLufs, b.maxMomentaryLufs));
    EXPECT_TRUE(sameBits(a.maxShortTermLufs, b.maxShortTermLufs));
    EXPECT_TRUE(sameBits(a.monoFoldIntegratedLufs, b.monoFoldIntegratedLufs));
    ASSERT_EQ(a.momentaryLufs.size(), b.momentaryLufs.size());
    ASSERT_EQ(a.shortTermLufs.size(), b.shortTermLufs.size());
    // Bitwise (NaN entries included), element by element.
    for (std::size_t i = 0; i < a.momentaryLufs.size(); ++i)
        ASSERT_EQ(std::memcmp(&a.momentaryLufs[i], &b.momentaryLufs[i], sizeof(float)), 0) << i;
    for (std::size_t i = 0; i < a.shortTermLufs.size(); ++i)
        ASSERT_EQ(std::memcmp(&a.shortTermLufs[i], &b.shortTermLufs[i], sizeof(float)), 0) << i;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// EBU Tech 3341 v4 (November 2023), section 2.9, Table 1: the loudness test signals, generated
// here from their definitions (1 kHz sine, levels in dBFS peak, in phase on all channels).
// Cases 7 and 8 need the EBU's programme recordings and are not run; 15 to 23 are true peak.
// Every case runs at several sample rates (K-weighting is designed for any rate).
// ---------------------------------------------------------------------------------------------

class EbuTech3341 : public ::testing::TestWithParam<double> {};

// Case 1: stereo sine, -23 dBFS, 20 s: M, S, I = -23.0 +-0.1 LUFS.
// Case 2: the same at -33 dBFS: -33.0 +-0.1 LUFS.
TEST_P(EbuTech3341, Cases1And2SteadyToneReadsItsLevelOnEveryScale) {
    const double fs = GetParam();
    for (const double level : {-23.0, -33.0}) {
        const auto r = measure(sineSegments(fs, 2, {{{level}, 20.0}}), fs, withSeries());
        ASSERT_TRUE(r.integratedLufs && r.maxMomentaryLufs && r.maxShortTermLufs);
        EXPECT_NEAR(*r.integratedLufs, level, kTolerance);
        EXPECT_NEAR(*r.maxMomentaryLufs, level, kTolerance);
        EXPECT_NEAR(*r.maxShortTermLufs, level, kTolerance);
        // Every complete window, not only the maxima.
        EXPECT_NEAR(seriesMin(r.momentaryLufs, 40, 2000), level, kTolerance);
        EXPECT_NEAR(seriesMax(r.momentaryLufs, 40, 2000), level, kTolerance);
        EXPECT_NEAR(seriesMin(r.shortTermLufs, 300, 2000), level, kTolerance);
        EXPECT_NEAR(seriesMax(r.shortTermLufs, 300, 2000), level, kTolerance);
    }
}

// Case 3: -36 dBFS 10 s, -23 dBFS 60 s, -36 dBFS 10 s: I = -23.0 +-0.1 (relative gate).
TEST_P(EbuTech3341, Case3RelativeGate) {
    const double fs = GetParam();
    const auto r = measure(sineSegments(fs, 2, {{{-36.0}, 10.0}, {{-23.0}, 60.0}, {{-36.0}, 10.0}}), fs);
    ASSERT_TRUE(r.integratedLufs);
    EXPECT_NEAR(*r.integratedLufs, -23.0, kTolerance);
}

// Case 4: -72 10 s, -36 10 s, -23 60 s, -36 10 s, -72 10 s: I = -23.0 +-0.1 (both gates).
TEST_P(EbuTech3341, Case4AbsoluteAndRelativeGates) {
    const double fs = GetParam();
    const auto r = measure(sineSegments(fs, 2,
                                        {{{-72.0}, 10.0}, {{-36.0}, 10.0}, {{-23.0}, 60.0}, {{-36.0}, 10.0}, {{-72.0}, 10.0}}),
                           fs);
    ASSERT_TRUE(r.integratedLufs);
    EXPECT_NEAR(*r.integratedLufs, -23.0, kTolerance);
}

// Case 5: -26 dBFS 20 s, -20 dBFS 20.1 s, -26 dBFS 20 s: I = -23.0 +-0.1.
TEST_P(EbuTech3341, Case5GatingBlockOverlap) {
    const double fs = GetParam();
    const auto r = measure(sineSegments(fs, 2, {{{-26.0}, 20.0}, {{-20.0}, 20.1}, {{-26.0}, 20.0}}), fs);
    ASSERT_TRUE(r.integratedLufs);
    EXPECT_NEAR(*r.integratedLufs, -23.0, kTolerance);
}

// Case 6: 5.0 channels L R C Ls Rs at -28, -28, -24, -30, -30 dBFS, 20 s: I = -23.0 +-0.1
// (the surrounds weigh 1.41). The test set also has it as 5.1 with a silent LFE channel.
TEST_P(EbuTech3341, Case6SurroundWeights) {
    const double fs = GetParam();
    const auto five = measure(sineSegments(fs, 5, {{{-28.0, -28.0, -24.0, -30.0, -30.0}, 20.0}}), fs);
    ASSERT_TRUE(five.integratedLufs);
    EXPECT_NEAR(*five.integratedLufs, -23.0, kTolerance);
    const auto six = measure(sineSegments(fs, 6, {{{-28.0, -28.0, -24.0, kSilence, -30.0, -30.0}, 20.0}}), fs);
    ASSERT_TRUE(six.integratedLufs);
    EXPECT_NEAR(*six.integratedLufs, -23.0, kTolerance);
}

// Case 9: 1.34 s at -20 dBFS then 1.66 s at -30 dBFS, five times: S = -23.0 +-0.1, constant
// after 3 s (every 3 s window holds one of each).
TEST_P(EbuTech3341, Case9ShortTermIsConstant) {
    const double fs = GetParam();
    const auto r = measure(sineSegments(fs, 2, repeat(5, {{{-20.0}, 1.34}, {{-30.0}, 1.66}})), fs, withSeries());
    ASSERT_EQ(r.shortTermLufs.size(), 1500u);
    EXPECT_NEAR(seriesMin(r.shortTermLufs, 300, 1500), -23.0, kTolerance);
    EXPECT_NEAR(seriesMax(r.shortTermLufs, 300, 1500), -23.0, kTolerance);
}

// Case 10: 20 signals, each i * 0.15 s of silence (i = 0..19), 3 s at -23 dBFS, 1 s of
// silence: max S = -23.0 +-0.1 for each, wherever the burst starts.
TEST_P(EbuTech3341, Case10MaxShortTermWhereverTheBurstStarts) {
    const double fs = GetParam();
    for (int i = 0; i < 20; ++i) {
        const auto r = measure(sineSegments(fs, 2, {{{kSilence}, 0.15 * i}, {{-23.0}, 3.0}, {{kSilence}, 1.0}}), fs);
        ASSERT_TRUE(r.maxShortTermLufs) << i;
        EXPECT_NEAR(*r.maxShortTermLufs, -23.0, kTolerance) << "signal " << i + 1;
    }
}

// Case 11: 20 segments of 6 s: i * 0.15 s of silence, 3 s at (-38 + i) dBFS, (3 - 0.15 i) s of
// silence: max S within each segment = -38 + i +-0.1 (a meter must follow both the level and
// the timing of successive bursts).
TEST_P(EbuTech3341, Case11SuccessiveMaxShortTerm) {
    const double fs = GetParam();
    std::vector<Segment> segments;
    for (int i = 0; i < 20; ++i) {
        segments.push_back({{kSilence}, 0.15 * i});
        segments.push_back({{-38.0 + i}, 3.0});
        segments.push_back({{kSilence}, 3.0 - 0.15 * i});
    }
    const auto r = measure(sineSegments(fs, 2, segments), fs, withSeries());
    for (int i = 0; i < 20; ++i)
        EXPECT_NEAR(seriesMax(r.shortTermLufs, 600 * i + 1, 600 * (i + 1)), -38.0 + i, kTolerance) << "segment " << i;
}

// Case 12: 0.18 s at -20 dBFS then 0.22 s at -30 dBFS, 25 times: M = -23.0 +-0.1, constant
// after 1 s.
TEST_P(EbuTech3341, Case12MomentaryIsConstant) {
    const double fs = GetParam();
    const auto r = measure(sineSegments(fs, 2, repeat(25, {{{-20.0}, 0.18}, {{-30.0}, 0.22}})), fs, withSeries());
    ASSERT_EQ(r.momentaryLufs.size(), 1000u);
    EXPECT_NEAR(seriesMin(r.momentaryLufs, 100, 1000), -23.0, kTolerance);
    EXPECT_NEAR(seriesMax(r.momentaryLufs, 100, 1000), -23.0, kTolerance);
}

// Case 13: 20 signals, each i * 0.02 s of silence (i = 0..19), 0.4 s at -23 dBFS, 1 s of
// silence: max M = -23.0 +-0.1 for each (needs momentary at >= 100 Hz, which lathe has).
TEST_P(EbuTech3341, Case13MaxMomentaryWhereverTheBurstStarts) {
    const double fs = GetParam();
    for (int i = 0; i < 20; ++i) {
        const auto r = measure(sineSegments(fs, 2, {{{kSilence}, 0.02 * i}, {{-23.0}, 0.4}, {{kSilence}, 1.0}}), fs);
        ASSERT_TRUE(r.maxMomentaryLufs) << i;
        EXPECT_NEAR(*r.maxMomentaryLufs, -23.0, kTolerance) << "signal " << i + 1;
    }
}

// Case 14: 20 segments of 0.8 s: i * 0.02 s of silence, 0.4 s at (-38 + i) dBFS,
// (0.4 - 0.02 i) s of silence: max M within each segment = -38 + i +-0.1.
TEST_P(EbuTech3341, Case14SuccessiveMaxMomentary) {
    const double fs = GetParam();
    std::vector<Segment> segments;
    for (int i = 0; i < 20; ++i) {
        segments.push_back({{kSilence}, 0.02 * i});
        segments.push_back({{-38.0 + i}, 0.4});
        segments.push_back({{kSilence}, 0.4 - 0.02 * i});
    }
    const auto r = measure(sineSegments(fs, 2, segments), fs, withSeries());
    for (int i = 0; i < 20; ++i)
        EXPECT_NEAR(seriesMax(r.momentaryLufs, 80 * i + 1, 80 * (i + 1)), -38.0 + i, kTolerance) << "segment " << i;
}

// Beyond Tech 3341, whose bursts start on multiples of 10 ms: bursts starting anywhere. With a
// 10 ms hop the best window misses at most 5 ms of a 400 ms burst: 10 lg(395 / 400) = -0.055 LU
// below the steady tone's reading (and 5 ms of a 3 s burst: -0.007 LU).
TEST_P(EbuTech3341, MaximaCatchBurstsStartingBetweenHops) {
    const double fs = GetParam();
    const auto steady = measure(sineSegments(fs, 2, {{{-23.0}, 4.0}}), fs);
    ASSERT_TRUE(steady.maxMomentaryLufs && steady.maxShortTermLufs);
    for (int i = 0; i < 9; ++i) {
        const double offset = 0.5 + 0.0037 * i;  // 3.7 ms steps: every phase against the hop grid
        const auto m = measure(sineSegments(fs, 2, {{{kSilence}, offset}, {{-23.0}, 0.4}, {{kSilence}, 0.5}}), fs);
        ASSERT_TRUE(m.maxMomentaryLufs);
        EXPECT_NEAR(*m.maxMomentaryLufs, -23.0, kTolerance) << offset;
        EXPECT_GT(*m.maxMomentaryLufs, *steady.maxMomentaryLufs - 0.055 - 0.005) << offset;
        EXPECT_LT(*m.maxMomentaryLufs, *steady.maxMomentaryLufs + 0.005) << offset;
        const auto s = measure(sineSegments(fs, 2, {{{kSilence}, offset}, {{-23.0}, 3.0}, {{kSilence}, 0.5}}), fs);
        ASSERT_TRUE(s.maxShortTermLufs);
        EXPECT_NEAR(*s.maxShortTermLufs, -23.0, kTolerance) << offset;
        EXPECT_GT(*s.maxShortTermLufs, *steady.maxShortTermLufs - 0.0073 - 0.002) << offset;
    }
}

INSTANTIATE_TEST_SUITE_P(Rates, EbuTech3341, ::testing::Values(8000.0, 11025.0, 44100.0, 48000.0, 96000.0, 192000.0),
                         [](const auto& info) { return std::to_string(int(info.param)) + "Hz"; });

// ---------------------------------------------------------------------------------------------
// EBU Tech 3342 v4 (November 2023), section 4, Table 1: loudness range, stereo 1 kHz sine in
// 20 s segments, LRA +-1 LU. Cases 5 and 6 are programme recordings (not run).
// ---------------------------------------------------------------------------------------------

class EbuTech3342 : public ::testing::TestWithParam<double> {};

TEST_P(EbuTech3342, Cases1To4) {
    const double fs = GetParam();
    struct Case {
        std::vector<double> levelsDb;
        double expectedLu;
    };
    const Case cases[] = {
        {{-20.0, -30.0}, 10.0},                       // case 1
        {{-20.0, -15.0}, 5.0},                        // case 2
        {{-40.0, -20.0}, 20.0},                       // case 3
        {{-50.0, -35.0, -20.0, -35.0, -50.0}, 15.0},  // case 4
    };
    int number = 1;
    for (const Case& c : cases) {
        std::vector<Segment> segments;
        for (const double level : c.levelsDb) segments.push_back({{level}, 20.0});
        const auto r = measure(sineSegments(fs, 2, segments), fs);
        ASSERT_TRUE(r.loudnessRangeLu) << "case " << number;
        EXPECT_NEAR(*r.loudnessRangeLu, c.expectedLu, 1.0) << "case " << number;
        ++number;
    }
}

INSTANTIATE_TEST_SUITE_P(Rates, EbuTech3342, ::testing::Values(8000.0, 44100.0, 48000.0, 192000.0),
                         [](const auto& info) { return std::to_string(int(info.param)) + "Hz"; });

// ---------------------------------------------------------------------------------------------
// Behaviour
// ---------------------------------------------------------------------------------------------

TEST(LoudnessMeter, SilenceHasNoLoudness) {
    LoudnessMeterOptions options = withSeries();
    options.measureMonoFold = true;
    const auto r = measure(AudioBuffer(2, 48000 * 5), 48000.0, options);
    EXPECT_FALSE(r.integratedLufs);
    EXPECT_FALSE(r.loudnessRangeLu);
    EXPECT_FALSE(r.maxMomentaryLufs);
    EXPECT_FALSE(r.maxShortTermLufs);
    EXPECT_FALSE(r.monoFoldIntegratedLufs);
    ASSERT_EQ(r.momentaryLufs.size(), 500u);
    for (const float v : r.momentaryLufs) EXPECT_TRUE(std::isinf(v) && v < 0);
}

TEST(LoudnessMeter, ShortInputs) {
    const double fs = 48000.0;
    // 0.3 s: no 400 ms window, no gating block.
    const auto tiny = measure(sineSegments(fs, 2, {{{-23.0}, 0.3}}), fs, withSeries());
    EXPECT_FALSE(tiny.integratedLufs);
    EXPECT_FALSE(tiny.maxMomentaryLufs);
    EXPECT_FALSE(tiny.maxShortTermLufs);
    EXPECT_FALSE(tiny.loudnessRangeLu);
    EXPECT_EQ(tiny.momentaryLufs.size(), 30u);  // the series still covers it (zero-padded windows)
    // 1 s: blocks and momentary, no short-term.
    const auto second = measure(sineSegments(fs, 2, {{{-23.0}, 1.0}}), fs);
    ASSERT_TRUE(second.integratedLufs && second.maxMomentaryLufs);
    EXPECT_NEAR(*second.integratedLufs, -23.0, kTolerance);
    EXPECT_FALSE(second.maxShortTermLufs);
    EXPECT_FALSE(second.loudnessRangeLu);
    // 3.05 s: one short-term value (at 3.0 s), still no range; 3.1 s: two values.
    const auto three = measure(sineSegments(fs, 2, {{{-23.0}, 3.05}}), fs);
    EXPECT_TRUE(three.maxShortTermLufs);
    EXPECT_FALSE(three.loudnessRangeLu);
    const auto more = measure(sineSegments(fs, 2, {{{-23.0}, 3.1}}), fs);
    ASSERT_TRUE(more.loudnessRangeLu);
    EXPECT_NEAR(*more.loudnessRangeLu, 0.0, 0.01);
}

TEST(LoudnessMeter, MonoFileIsOneFrontChannel) {
    const auto r = measure(sineSegments(48000.0, 1, {{{-23.0}, 10.0}}), 48000.0);
    ASSERT_TRUE(r.integratedLufs);
    EXPECT_NEAR(*r.integratedLufs, -26.0, kTolerance);  // half the power of the stereo case
}

TEST(LoudnessMeter, ChannelWeights) {
    EXPECT_EQ(loudnessChannelWeight(0, 1), 1.0);
    for (int c = 0; c < 2; ++c) EXPECT_EQ(loudnessChannelWeight(c, 2), 1.0);
    for (int c = 0; c < 3; ++c) EXPECT_EQ(loudnessChannelWeight(c, 3), 1.0);
    const double quad[] = {1, 1, 1.41, 1.41};
    const double five[] = {1, 1, 1, 1.41, 1.41};
    const double fiveOne[] = {1, 1, 1, 0, 1.41, 1.41};
    const double sixOne[] = {1, 1, 1, 0, 1.41, 1.41, 1};
    const double sevenOne[] = {1, 1, 1, 0, 1.41, 1.41, 1, 1};
    for (int c = 0; c < 4; ++c) EXPECT_EQ(loudnessChannelWeight(c, 4), quad[c]);
    for (int c = 0; c < 5; ++c) EXPECT_EQ(loudnessChannelWeight(c, 5), five[c]);
    for (int c = 0; c < 6; ++c) EXPECT_EQ(loudnessChannelWeight(c, 6), fiveOne[c]);
    for (int c = 0; c < 7; ++c) EXPECT_EQ(loudnessChannelWeight(c, 7), sixOne[c]);
    for (int c = 0; c < 8; ++c) EXPECT_EQ(loudnessChannelWeight(c, 8), sevenOne[c]);
    EXPECT_EQ(loudnessChannelWeight(2, 2), 0.0);  // out of range
}

TEST(LoudnessMeter, LfeIsExcludedAndSurroundsWeigh141) {
    const double fs = 48000.0;
    const auto base = measure(sineSegments(fs, 6, {{{-23.0, -23.0, -23.0, kSilence, kSilence, kSilence}, 10.0}}), fs);
    // A loud LFE channel (a 60 Hz tone near full scale) changes nothing: its weight is 0.
    AudioBuffer withLfe = sineSegments(fs, 6, {{{-23.0, -23.0, -23.0, kSilence, kSilence, kSilence}, 10.0}});
    const AudioBuffer lfe = sineSegments(fs, 1, {{{-1.0}, 10.0}}, 60.0);
    std::copy(lfe.channel(0).begin(), lfe.channel(0).end(), withLfe.channel(3).begin());
    const auto loudLfe = measure(withLfe, fs);
    EXPECT_TRUE(sameBits(base.integratedLufs, loudLfe.integratedLufs));
    // The same tone in Ls instead of L reads 10 lg 1.41 = +1.49 dB louder.
    const auto left = measure(sineSegments(fs, 6, {{{-23.0, kSilence, kSilence, kSilence, kSilence, kSilence}, 10.0}}), fs);
    const auto surround = measure(sineSegments(fs, 6, {{{kSilence, kSilence, kSilence, kSilence, -23.0, kSilence}, 10.0}}), fs);
    ASSERT_TRUE(left.integratedLufs && surround.integratedLufs);
    EXPECT_NEAR(*surround.integratedLufs - *left.integratedLufs, 10 * std::log10(1.41), 1e-9);
}

// Figures are bit-identical however the audio is split into process() calls.
TEST(LoudnessMeter, BlockSizeInvariance) {
    struct Setup {
        double fs;
        int channels;
    };
    for (const Setup setup : {Setup{44100.0, 2}, Setup{11025.0, 2}, Setup{48000.0, 6}, Setup{96000.0, 1}}) {
        const AudioBuffer audio = musicLike(setup.fs, setup.channels, 20.0);
        LoudnessMeterOptions options = withSeries();
        options.measureMonoFold = true;
        const auto whole = measure(audio, setup.fs, options, audio.numFrames());
        for (const std::uint64_t seed : {1u, 2u}) {
            LoudnessMeter meter;
            ASSERT_TRUE(meter.prepare(setup.fs, setup.channels, options));
            Random random(seed);
            const ConstAudioBlock block = audio.block();
            for (std::size_t offset = 0; offset < audio.numFrames();) {
                // Mostly small blocks, sometimes large ones, sometimes empty ones.
                const std::size_t limit = (random.next() % 8 == 0) ? 20000 : 700;
                const std::size_t count = std::min<std::size_t>(audio.numFrames() - offset, random.next() % limit);
                meter.process(block.slice(offset, count));
                offset += count;
            }
            SCOPED_TRACE(std::to_string(setup.fs) + " Hz, " + std::to_string(setup.channels) + " ch");
            expectSameResult(whole, meter.result());
        }
    }
}

TEST(LoudnessMeter, ResetGivesAFreshMeasurement) {
    const double fs = 48000.0;
    const AudioBuffer first = musicLike(fs, 2, 8.0, 1);
    const AudioBuffer second = musicLike(fs, 2, 8.0, 2);
    LoudnessMeterOptions options = withSeries();
    options.measureMonoFold = true;
    LoudnessMeter meter;
    ASSERT_TRUE(meter.prepare(fs, 2, options));
    feed(meter, first);
    meter.reset();
    feed(meter, second);
    expectSameResult(meter.result(), measure(second, fs, options));
}

TEST(LoudnessMeter, ProcessDoesNotAllocateOncePrepared) {
    const double fs = 44100.0;
    const AudioBuffer audio = musicLike(fs, 2, 30.0);
    LoudnessMeterOptions options = withSeries();
    options.measureMonoFold = true;
    options.expectedFrames = std::int64_t(audio.numFrames());
    LoudnessMeter meter;
    ASSERT_TRUE(meter.prepare(fs, 2, options));
    const ConstAudioBlock block = audio.block();
    Random random(5);
    std::size_t allocations = 0;
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        const std::size_t count = std::min<std::size_t>(audio.numFrames() - offset, 1 + random.next() % 3000);
        const ConstAudioBlock part = block.slice(offset, count);
        test::AllocationCounter counter;
        meter.process(part);
        allocations += counter.count();
        offset += count;
    }
    EXPECT_EQ(allocations, 0u);
    // reset() keeps the reservations: a second pass does not allocate either.
    meter.reset();
    test::AllocationCounter counter;
    meter.process(block);
    EXPECT_EQ(counter.count(), 0u);
    const auto r = meter.result();
    EXPECT_EQ(r.momentaryLufs.size(), audio.numFrames() / 441);
}

// The file reader rejects NaN and Inf; if they reach the meter anyway it must survive them.
TEST(LoudnessMeter, NonFiniteInputPoisonsOnlyTheWindowsThatHoldIt) {
    const double fs = 48000.0;
    const AudioBuffer audio = musicLike(fs, 2, 20.0);
    const std::size_t poisonAt = 12 * 48000 + 1234;  // 12.0257 s: in the hop from 12.02 to 12.03 s
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity()}) {
        AudioBuffer poisoned = test::copyOf(audio.block());
        poisoned.channel(1)[poisonAt] = bad;
        const auto r = measure(poisoned, fs, withSeries());
        // Figures equal those of the audio before the bad sample: later windows all hold it
        // (the filter state stays non-finite) and are ignored.
        AudioBuffer before = test::copyOf(ConstAudioBlock(audio.block()).slice(0, poisonAt));
        const auto expected = measure(before, fs);
        EXPECT_TRUE(sameBits(r.integratedLufs, expected.integratedLufs));
        EXPECT_TRUE(sameBits(r.loudnessRangeLu, expected.loudnessRangeLu));
        EXPECT_TRUE(sameBits(r.maxMomentaryLufs, expected.maxMomentaryLufs));
        EXPECT_TRUE(sameBits(r.maxShortTermLufs, expected.maxShortTermLufs));
        ASSERT_EQ(r.momentaryLufs.size(), 2000u);
        EXPECT_TRUE(std::isfinite(r.momentaryLufs[1201]));  // window ending at 12.02 s
        EXPECT_TRUE(std::isnan(r.momentaryLufs[1202]));     // ending at 12.03 s: holds the bad sample
        EXPECT_TRUE(std::isnan(r.momentaryLufs.back()));
    }
    // After reset() the meter measures normally again.
    AudioBuffer poisoned = test::copyOf(audio.block());
    poisoned.channel(0)[100] = std::numeric_limits<float>::quiet_NaN();
    LoudnessMeter meter;
    ASSERT_TRUE(meter.prepare(fs, 2));
    feed(meter, poisoned);
    EXPECT_FALSE(meter.result().integratedLufs);
    meter.reset();
    feed(meter, audio);
    expectSameResult(meter.result(), measure(audio, fs));
}

TEST(LoudnessMeter, MonoFoldDown) {
    const double fs = 48000.0;
    LoudnessMeterOptions options;
    options.measureMonoFold = true;
    // Dual mono: M = L, so the fold-down reads exactly what the stereo measurement reads.
    const AudioBuffer dual = sineSegments(fs, 2, {{{-20.0}, 5.0}, {{-30.0}, 5.0}});
    const auto d = measure(dual, fs, options);
    ASSERT_TRUE(d.integratedLufs && d.monoFoldIntegratedLufs);
    EXPECT_TRUE(sameBits(d.integratedLufs, d.monoFoldIntegratedLufs));
    // Opposite polarity: the fold-down is silent.
    AudioBuffer opposite = test::copyOf(dual.block());
    for (float& s : opposite.channel(1)) s = -s;
    const auto o = measure(opposite, fs, options);
    ASSERT_TRUE(o.integratedLufs);
    EXPECT_FALSE(o.monoFoldIntegratedLufs);
    // Uncorrelated channels of equal power: the fold-down is 3 dB down.
    const auto u = measure(test::pinkNoise(fs, 30.0, 0.5, 2, 8), fs, options);
    ASSERT_TRUE(u.integratedLufs && u.monoFoldIntegratedLufs);
    EXPECT_NEAR(*u.monoFoldIntegratedLufs - *u.integratedLufs, -10 * std::log10(2.0), 0.1);
    // Against the definition: M = (L + R) / 2 on both speakers, measured by a stereo meter.
    const AudioBuffer music = musicLike(fs, 2, 30.0);
    AudioBuffer folded(2, music.numFrames());
    for (std::size_t i = 0; i < music.numFrames(); ++i) {
        const float m = 0.5f * (music.channel(0)[i] + music.channel(1)[i]);
        folded.channel(0)[i] = m;
        folded.channel(1)[i] = m;
    }
    const auto viaOption = measure(music, fs, options);
    const auto viaDefinition = measure(folded, fs);
    ASSERT_TRUE(viaOption.monoFoldIntegratedLufs && viaDefinition.integratedLufs);
    EXPECT_NEAR(*viaOption.monoFoldIntegratedLufs, *viaDefinition.integratedLufs, 1e-4);  // float rounding of M
    // Only stereo has a fold-down.
    EXPECT_FALSE(measure(sineSegments(fs, 1, {{{-20.0}, 2.0}}), fs, options).monoFoldIntegratedLufs);
    EXPECT_FALSE(measure(sineSegments(fs, 6, {{{-20.0}, 2.0}}), fs, options).monoFoldIntegratedLufs);
}

TEST(LoudnessMeter, SeriesAgreesWithTheMaxima) {
    const double fs = 44100.0;
    const auto r = measure(musicLike(fs, 2, 20.0), fs, withSeries());
    ASSERT_EQ(r.momentaryLufs.size(), 2000u);
    ASSERT_EQ(r.shortTermLufs.size(), 2000u);
    EXPECT_EQ(r.seriesHopSeconds, 0.01);
    ASSERT_TRUE(r.maxMomentaryLufs && r.maxShortTermLufs);
    EXPECT_EQ(float(*r.maxMomentaryLufs), float(seriesMax(r.momentaryLufs, 40, 2000)));
    EXPECT_EQ(float(*r.maxShortTermLufs), float(seriesMax(r.shortTermLufs, 300, 2000)));
    // Without the option, no series.
    const auto plain = measure(musicLike(fs, 2, 5.0), fs);
    EXPECT_TRUE(plain.momentaryLufs.empty());
    EXPECT_TRUE(plain.shortTermLufs.empty());
}

TEST(LoudnessMeter, PrepareRejectsWhatItCannotMeasure) {
    LoudnessMeter meter;
    EXPECT_FALSE(meter.prepare(4000.0, 2));
    EXPECT_FALSE(meter.prepare(768000.0, 2));
    EXPECT_FALSE(meter.prepare(std::numeric_limits<double>::quiet_NaN(), 2));
    EXPECT_FALSE(meter.prepare(48000.0, 0));
    EXPECT_FALSE(meter.prepare(48000.0, 9));
    const Status bad = meter.prepare(1000.0, 2);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("sample rate"), std::string::npos);
    EXPECT_TRUE(meter.prepare(8000.0, 1));
    EXPECT_TRUE(meter.prepare(384000.0, 8));
}

TEST(LoudnessMeter, UnpreparedOrMismatchedCallsAreIgnored) {
    LoudnessMeter meter;
    const AudioBuffer stereo = sineSegments(48000.0, 2, {{{-20.0}, 1.0}});
    meter.process(stereo.block());  // not prepared: nothing happens
    EXPECT_FALSE(meter.result().integratedLufs);
    ASSERT_TRUE(meter.prepare(48000.0, 1));
    meter.process(stereo.block());  // wrong channel count: ignored
    EXPECT_FALSE(meter.result().maxMomentaryLufs);
}

TEST(LoudnessMeter, CopiesAreIndependent) {
    const double fs = 48000.0;
    const AudioBuffer audio = musicLike(fs, 2, 12.0);
    const ConstAudioBlock block = audio.block();
    LoudnessMeter a;
    ASSERT_TRUE(a.prepare(fs, 2, withSeries()));
    a.process(block.slice(0, 6 * 48000));
    LoudnessMeter b = a;  // mid-stream copy
    a.process(block.slice(6 * 48000, 6 * 48000));
    const auto afterFirst = a.result();
    b.process(block.slice(6 * 48000, 6 * 48000));
    expectSameResult(afterFirst, b.result());
    expectSameResult(afterFirst, measure(audio, fs, withSeries()));
    LoudnessMeter moved = std::move(b);
    expectSameResult(afterFirst, moved.result());
}
