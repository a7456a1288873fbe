#include "lathe/check/truncation_detector.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "lathe/dsp/dither.h"
#include "support/signals.h"
#include "util/random.h"

namespace lathe::check {
namespace {

constexpr double kTruncationRate = 44100.0;

// A 200 Hz tone decaying from -40 dBFS to -110 dBFS over 8 s (the tail of a fade or a piano
// note): the passage where truncation distortion is audible. Plus 1 s of loud noise before it.
AudioBuffer fadeOut(double rate = kTruncationRate) {
    const auto loud = test::whiteNoise(rate, 1.0, 0.5, 2, 7);
    const auto frames = std::size_t(8.0 * rate);
    AudioBuffer tail(2, frames);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < frames; ++i) {
            const double t = double(i) / rate;
            const double db = -40.0 - 70.0 * t / 8.0;
            tail.channel(c)[i] = float(std::pow(10.0, db / 20.0) * std::sin(2.0 * std::numbers::pi * 200.0 * t + c));
        }
    return test::concat(loud, tail);
}

AudioBuffer reduced(const AudioBuffer& in, dsp::DitherMode mode, int bits = 16) {
    AudioBuffer out = test::copyOf(in.block());
    dsp::DitherParams params;
    params.bits = bits;
    params.mode = mode;
    dsp::Dither dither(params);
    EXPECT_TRUE(dither.prepare({kTruncationRate, 2, out.numFrames()}).ok());
    dither.process(out.block());
    return out;
}

AudioBuffer floorTruncated(const AudioBuffer& in) {
    AudioBuffer out = test::copyOf(in.block());
    for (int c = 0; c < out.numChannels(); ++c)
        for (auto& s : out.channel(c)) s = float(std::floor(double(s) * 32768.0) / 32768.0);
    return out;
}

TEST(EffectiveBits, FindsTheGrid) {
    const auto in = fadeOut();
    EXPECT_EQ(effectiveBits(reduced(in, dsp::DitherMode::Tpdf, 16).block()), 16);
    EXPECT_EQ(effectiveBits(reduced(in, dsp::DitherMode::Tpdf, 8).block()), 8);
    EXPECT_EQ(effectiveBits(reduced(in, dsp::DitherMode::Tpdf, 24).block()), 24);
    EXPECT_EQ(effectiveBits(in.block()), 0);  // float content
    AudioBuffer silence(2, 100);
    EXPECT_EQ(effectiveBits(silence.block()), 1);
}

TEST(TruncationDetector, TpdfDitheredFadeIsDithered) {
    const auto result = detectTruncation(reduced(fadeOut(), dsp::DitherMode::Tpdf).block());
    EXPECT_EQ(result.state, DitherState::dithered);
    EXPECT_GT(result.judgedBlocks, 100);
    EXPECT_EQ(result.staircaseBlocks, 0);
    // The floor of TPDF dither: LSB^2 / 4 plus the tone's own first difference.
    EXPECT_GT(result.medianFloorLsb2, 0.24);
}

TEST(TruncationDetector, NoiseShapedDitherIsDithered) {
    const auto result = detectTruncation(reduced(fadeOut(), dsp::DitherMode::NoiseShaped).block());
    EXPECT_EQ(result.state, DitherState::dithered);
    EXPECT_EQ(result.staircaseBlocks, 0);
}

TEST(TruncationDetector, RoundingWithoutDitherIsTruncation) {
    const auto result = detectTruncation(reduced(fadeOut(), dsp::DitherMode::Round).block());
    EXPECT_EQ(result.state, DitherState::truncated);
    EXPECT_GE(result.staircaseBlocks, 10);
}

TEST(TruncationDetector, FloorTruncationIsTruncationAndSticksAtMinusOneLsb) {
    const auto result = detectTruncation(floorTruncated(fadeOut()).block());
    EXPECT_EQ(result.state, DitherState::truncated);
    EXPECT_GT(result.stuckBlocks, 0);
}

TEST(TruncationDetector, TwentyFourBitContentIsNotReduced) {
    const auto result = detectTruncation(reduced(fadeOut(), dsp::DitherMode::Round, 24).block());
    EXPECT_EQ(result.state, DitherState::notReduced);
    EXPECT_EQ(result.effectiveBits, 24);
}

TEST(TruncationDetector, LoudMaterialWithoutQuietPassagesIsUndetermined) {
    const auto result = detectTruncation(reduced(test::whiteNoise(kTruncationRate, 3.0, 0.5), dsp::DitherMode::Round).block());
    EXPECT_EQ(result.state, DitherState::undetermined);
}

TEST(TruncationDetector, DigitalSilenceAfterDitherIsNotAStaircase) {
    // Dithered fade followed by 5 s of exact zeros (a ditherer that mutes on silence).
    auto dithered = reduced(fadeOut(), dsp::DitherMode::Tpdf);
    const auto withSilence = test::concat(dithered, AudioBuffer(2, std::size_t(5 * kTruncationRate)));
    EXPECT_EQ(detectTruncation(withSilence.block()).state, DitherState::dithered);
}

}  // namespace
}  // namespace lathe::check
