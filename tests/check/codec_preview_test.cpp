#include "lathe/check/codec_preview.h"

#include <gtest/gtest.h>

#include <cmath>

#include "check/codec_roundtrip.h"
#include "check/delay_estimate.h"
#include "support/masters.h"
#include "support/signals.h"

namespace lathe::check {
namespace {

constexpr double kPreviewRate = 44100.0;

TEST(DelayEstimate, FindsAKnownDelay) {
    const auto noise = test::pinkNoise(kPreviewRate, 2.0, 0.5, 1, 3);
    const auto x = noise.channel(0);
    for (std::size_t delay : {0u, 1u, 529u, 1105u, 2047u}) {
        std::vector<float> y(x.size() + delay, 0.0f);
        std::copy(x.begin(), x.end(), y.begin() + std::ptrdiff_t(delay));
        EXPECT_EQ(estimateDelayFrames(x, y, 4096, 10000), delay);
    }
}

TEST(CodecRoundTrip, EveryDefaultCodecDecodesToTheSameMusicDelayed) {
    const auto input = test::pinkNoise(kPreviewRate, 3.0, 0.3, 2, 5);
    for (const auto& setting : defaultCodecSettings()) {
        const double rate = codecSampleRate(setting.codec, kPreviewRate);
        ASSERT_GT(rate, 0.0) << setting.id << ": encoder missing";
        EXPECT_EQ(rate, setting.codec == Codec::opus ? 48000.0 : kPreviewRate) << setting.id;
        if (rate != kPreviewRate) continue;  // resampling is previewCodecs' business
        auto decoded = encodeDecode(input.block(), rate, setting);
        ASSERT_TRUE(decoded.ok()) << setting.id << ": " << decoded.error().message;
        EXPECT_EQ(decoded->numChannels(), 2);
        EXPECT_GE(decoded->numFrames(), input.numFrames()) << setting.id;
    }
}

TEST(CodecPreview, ShortFilesArePreviewedWhole) {
    const auto input = test::pinkNoise(kPreviewRate, 8.0, 0.3, 2, 5);
    const auto excerpts = selectExcerpts(input.block(), kPreviewRate);
    ASSERT_EQ(excerpts.size(), 1u);
    EXPECT_EQ(excerpts[0].startFrame, 0u);
    EXPECT_EQ(excerpts[0].frames, input.numFrames());
}

TEST(CodecPreview, LongFilesInExcerptsThatHoldTheLoudestPartAndTheHighestPeaks) {
    // 60 s of quiet noise, a loud section at 20-25 s and a single high peak at 47 s.
    auto input = test::pinkNoise(kPreviewRate, 60.0, 0.05, 2, 9);
    for (int c = 0; c < 2; ++c) {
        auto x = input.channel(c);
        for (std::size_t i = std::size_t(20 * kPreviewRate); i < std::size_t(25 * kPreviewRate); ++i) x[i] *= 8.0f;
        x[std::size_t(47 * kPreviewRate)] = 0.95f;
    }
    CodecPreviewOptions options;
    const auto excerpts = selectExcerpts(input.block(), kPreviewRate, options);
    ASSERT_EQ(excerpts.size(), 4u);
    const auto covers = [&](double seconds) {
        const auto frame = std::size_t(seconds * kPreviewRate);
        for (const auto& e : excerpts)
            if (frame >= e.startFrame && frame < e.startFrame + e.frames) return true;
        return false;
    };
    EXPECT_TRUE(covers(22.5));
    EXPECT_TRUE(covers(47.0));
    for (std::size_t i = 1; i < excerpts.size(); ++i)
        EXPECT_GE(excerpts[i].startFrame, excerpts[i - 1].startFrame + excerpts[i - 1].frames);
}

TEST(CodecPreview, CodingErrorAndDelayAreSane) {
    const auto input = test::pinkNoise(kPreviewRate, 6.0, 0.25, 2, 5);
    auto preview = previewCodecs(input.block(), kPreviewRate);
    ASSERT_TRUE(preview.ok()) << preview.error().message;
    ASSERT_EQ(preview->results.size(), defaultCodecSettings().size());
    for (const auto& r : preview->results) {
        ASSERT_TRUE(r.available) << r.id << ": " << r.error;
        // After alignment the coding error is well below the signal (a misalignment gives ~ +3 dB).
        EXPECT_LT(r.codingErrorToSignalDb, -6.0) << r.id;
        EXPECT_GT(r.codingErrorToSignalDb, -60.0) << r.id;
        EXPECT_GE(r.delayFrames, 0) << r.id;
        EXPECT_NEAR(r.decodedTruePeakDbtp, r.inputTruePeakDbtp, 3.0) << r.id;
    }
    // 320 kbps MP3 codes more accurately than 128 kbps.
    EXPECT_LT(preview->results[1].codingErrorToSignalDb, preview->results[0].codingErrorToSignalDb);
}

// The check Apple's afclip does: a dense, loud master (pink noise limited to -7 LUFS at -0.1 dBTP,
// the density of a loud modern master) clips after MP3 coding: the encoder's quantisation noise and
// band-limiting push peaks over full scale. The same master 1.4 dB lower (-1.5 dBTP) comes through
// clean. (The demo mix at the same settings rises less: its peaks are kick drums, little changed by
// the codec; see the printed figures.)
TEST(CodecPreview, FindsTheOversAnMp3EncodeCreatesFromAHotMaster) {
    AudioBuffer hot = test::pinkNoise(kPreviewRate, 15.0, 0.5, 2, 3);
    test::makeMaster(hot, kPreviewRate, -7.0, -0.1);
    ASSERT_LE(test::truePeakDbtp(hot.block(), kPreviewRate), -0.1);
    ASSERT_GT(test::truePeakDbtp(hot.block(), kPreviewRate), -0.4);
    CodecPreviewOptions options;
    options.settings = {defaultCodecSettings()[0], defaultCodecSettings()[1]};  // MP3 128 and 320 kbps

    auto preview = previewCodecs(hot.block(), kPreviewRate, options);
    ASSERT_TRUE(preview.ok());
    const auto& mp3 = preview->results[0];
    ASSERT_TRUE(mp3.available) << mp3.error;
    EXPECT_GT(mp3.decodedTruePeakDbtp, 0.0);
    EXPECT_GT(mp3.clippedSamples + mp3.interSampleOvers, 0);

    AudioBuffer safe = test::copyOf(hot.block());
    test::applyGainDb(safe, -1.5 - test::truePeakDbtp(hot.block(), kPreviewRate));
    ASSERT_NEAR(test::truePeakDbtp(safe.block(), kPreviewRate), -1.5, 0.01);
    auto safePreview = previewCodecs(safe.block(), kPreviewRate, options);
    ASSERT_TRUE(safePreview.ok());
    for (const auto& r : safePreview->results) {
        EXPECT_EQ(r.clippedSamples, 0) << r.id;
        EXPECT_EQ(r.interSampleOvers, 0) << r.id;
        EXPECT_LT(r.decodedTruePeakDbtp, 0.0) << r.id;
    }
    std::printf("MP3 128 kbps: master -0.1 dBTP decodes at %+.2f dBTP (%lld clipped samples, %lld inter-sample overs); "
                "at -1.5 dBTP: %+.2f dBTP\n",
                mp3.decodedTruePeakDbtp, static_cast<long long>(mp3.clippedSamples), static_cast<long long>(mp3.interSampleOvers),
                safePreview->results[0].decodedTruePeakDbtp);
}

}  // namespace
}  // namespace lathe::check
