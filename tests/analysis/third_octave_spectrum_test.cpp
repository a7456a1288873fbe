#include "lathe/analysis/third_octave_spectrum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "support/signals.h"
#include "util/random.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

ThirdOctaveSpectrumResult measureSpectrum(const AudioBuffer& audio, double rate, std::size_t blockFrames = 4096, int overlap = 1) {
    ThirdOctaveSpectrum spectrum;
    EXPECT_TRUE(spectrum.prepare(rate, audio.numChannels(), overlap).ok());
    test::feedInBlocks(spectrum, audio, blockFrames);
    return spectrum.finish();
}

std::size_t bandIndex(double nominalHz) {
    for (std::size_t b = 0; b < kThirdOctaveCentresHz.size(); ++b)
        if (kThirdOctaveCentresHz[b] == nominalHz) return b;
    ADD_FAILURE() << "no band " << nominalHz;
    return 0;
}

double toDb(double amplitude) { return 20 * std::log10(amplitude); }

}  // namespace

TEST(ThirdOctaveSpectrum, BandsFollowIec61260) {
    const auto& bands = thirdOctaveBands();
    EXPECT_NEAR(bands[bandIndex(1000)].centreHz, 1000.0, 1e-9);
    EXPECT_NEAR(bands[bandIndex(20)].centreHz, 19.953, 0.001);
    for (std::size_t b = 0; b + 1 < bands.size(); ++b) {
        EXPECT_NEAR(bands[b].upperHz, bands[b + 1].lowerHz, 1e-9);  // contiguous
        EXPECT_NEAR(bands[b].nominalHz / bands[b].centreHz, 1.0, 0.03);
    }
}

TEST(ThirdOctaveSpectrum, SineLandsInItsBandAtItsLevel) {
    struct Case {
        double rate, frequency, amplitude;
    };
    for (const Case& c : {Case{48000, 1000, 0.5}, Case{44100, 100, 0.25}, Case{44100, 31.62, 0.5}, Case{96000, 10000, 0.1},
                          Case{44100, 19.95, 0.5}}) {
        SCOPED_TRACE(c.frequency);
        const auto result = measureSpectrum(test::sine(c.rate, c.frequency, 10.0, c.amplitude, 2), c.rate);
        std::size_t expected = 0;
        for (std::size_t b = 0; b < thirdOctaveBands().size(); ++b)
            if (std::abs(std::log10(thirdOctaveBands()[b].centreHz / c.frequency)) < 0.01) expected = b;
        ASSERT_TRUE(result.midDb[expected]);
        EXPECT_NEAR(*result.midDb[expected], toDb(c.amplitude), 0.05);
        for (std::size_t b = 0; b < result.midDb.size(); ++b) {
            if (b == expected || !result.midDb[b]) continue;
            EXPECT_LT(*result.midDb[b], toDb(c.amplitude) - 25) << "band " << kThirdOctaveCentresHz[b];
        }
        // Dual mono: the side signal is exactly zero, so every side band is empty.
        for (const auto& side : result.sideDb) EXPECT_FALSE(side);
    }
}

TEST(ThirdOctaveSpectrum, OneChannelSplitsIntoEqualMidAndSide) {
    AudioBuffer audio = test::sine(48000, 1000, 5.0, 0.5, 2);
    std::fill(audio.channel(1).begin(), audio.channel(1).end(), 0.0f);
    const auto result = measureSpectrum(audio, 48000);
    const std::size_t b = bandIndex(1000);
    EXPECT_NEAR(*result.midDb[b], toDb(0.25), 0.05);
    EXPECT_NEAR(*result.sideDb[b], toDb(0.25), 0.05);
}

TEST(ThirdOctaveSpectrum, BandPowersAddUpToTheMeanSquare) {
    // Uniform white noise of amplitude a has mean square a^2 / 3; the bands span 17.8 Hz to Nyquist.
    const double rate = 44100;
    const auto result = measureSpectrum(test::whiteNoise(rate, 20.0, 0.5, 1), rate);
    EXPECT_TRUE(result.sideDb.empty());
    double total = 0;
    for (const auto& band : result.midDb) total += std::pow(10.0, *band / 10.0) / 2.0;  // back to mean square
    const double expected = 0.25 / 3.0 * (rate / 2 - thirdOctaveBands()[0].lowerHz) / (rate / 2);
    EXPECT_NEAR(10 * std::log10(total), 10 * std::log10(expected), 0.05);
}

// Bursts that recur once per frame, placed where the non-overlapping Hann frames weigh nearly zero:
// the plain Welch average misses most of their power; with overlap 4 (hop N/4, squared Hann windows
// summing to a constant) every sample weighs the same and the band reads the true mean square.
TEST(ThirdOctaveSpectrum, OverlapFourWeighsEverySampleEqually) {
    const double rate = 48000;
    const std::size_t n = ThirdOctaveSpectrum::fftSizeFor(rate);
    const std::size_t burst = n / 16;
    // The first and last N/2 weigh less (fewer frames cover them): about N / length of the power, so a
    // long signal (160 frames) keeps that under 0.03 dB.
    constexpr std::size_t kFrames = 160;
    AudioBuffer audio(1, kFrames * n);
    const double w = 2.0 * std::numbers::pi * 1000.0 / rate;
    for (std::size_t frame = 0; frame < kFrames; ++frame)
        for (std::size_t i = 0; i < burst; ++i) {
            const std::size_t at = frame * n + (n - burst / 2 + i) % n;  // centred on the frame boundary
            audio.channel(0)[at] = float(0.5 * std::sin(w * double(at)));
        }
    // The bands' powers add up to the mean square (the gated bursts splatter outside the 1 kHz band,
    // so the sum over all bands is the quantity to compare).
    double meanSquare = 0.0;
    for (float x : audio.channel(0)) meanSquare += double(x) * x;
    meanSquare /= double(audio.numFrames());
    const auto total = [](const ThirdOctaveSpectrumResult& r) {
        double sum = 0.0;
        for (const auto& band : r.midDb) sum += band ? std::pow(10.0, *band / 10.0) / 2.0 : 0.0;
        return 10.0 * std::log10(sum);
    };
    EXPECT_NEAR(total(measureSpectrum(audio, rate, 4096, 4)), 10.0 * std::log10(meanSquare), 0.03);
    EXPECT_LT(total(measureSpectrum(audio, rate, 4096, 1)), 10.0 * std::log10(meanSquare) - 10.0);  // the bias the overlap removes
    ThirdOctaveSpectrum spectrum;
    EXPECT_FALSE(spectrum.prepare(rate, 1, 3).ok());
}

TEST(ThirdOctaveSpectrum, TiltOfWhiteAndPinkNoise) {
    // Tilt is the slope of the power density per Hz: white noise 0, pink noise -10 log10 2 = -3.01 dB/oct.
    // Estimation noise over 30 s is a few hundredths of a dB per octave.
    const double rate = 44100;
    const auto white = measureSpectrum(test::whiteNoise(rate, 30.0, 0.5, 1), rate);
    const auto pink = measureSpectrum(test::pinkNoise(rate, 30.0, 0.5, 1), rate);
    ASSERT_TRUE(white.tiltDbPerOctave && pink.tiltDbPerOctave);
    EXPECT_NEAR(*white.tiltDbPerOctave, 0.0, 0.1);
    EXPECT_NEAR(*pink.tiltDbPerOctave, -10 * std::log10(2.0), 0.1);
}

TEST(ThirdOctaveSpectrum, TiltIsTheLeastSquaresSlopeOfTheDensity) {
    // Band levels made from an exact density slope of -4.5 dB/oct (plus a constant) give back -4.5.
    const auto& bands = thirdOctaveBands();
    std::vector<std::optional<double>> levels(bands.size());
    for (std::size_t b = 0; b < bands.size(); ++b)
        levels[b] = -20 - 4.5 * std::log2(bands[b].centreHz) + 10 * std::log10(bands[b].upperHz - bands[b].lowerHz);
    EXPECT_NEAR(*spectralTiltDbPerOctave(levels, 48000), -4.5, 1e-9);
    levels[bandIndex(1000)].reset();
    EXPECT_FALSE(spectralTiltDbPerOctave(levels, 48000));
    levels[bandIndex(1000)] = 0.0;
    levels[bandIndex(20)].reset();  // outside 100 Hz..4 kHz: not needed
    EXPECT_TRUE(spectralTiltDbPerOctave(levels, 48000));
}

TEST(ThirdOctaveSpectrum, BandsAboveNyquistAreNull) {
    const auto result = measureSpectrum(test::whiteNoise(8000, 2.0, 0.5, 2), 8000);
    EXPECT_TRUE(result.midDb[bandIndex(4000)]);  // exact centre 3981 Hz < 4 kHz
    for (double nominal : {5000.0, 10000.0, 20000.0}) {
        EXPECT_FALSE(result.midDb[bandIndex(nominal)]);
        EXPECT_FALSE(result.sideDb[bandIndex(nominal)]);
    }
    const auto at44 = measureSpectrum(test::whiteNoise(44100, 1.0, 0.5, 1), 44100);
    EXPECT_TRUE(at44.midDb[bandIndex(20000)]);  // straddles Nyquist: measured up to 22.05 kHz
}

TEST(ThirdOctaveSpectrum, ShortFilesStillReadTheRightLevel) {
    // 0.25 s is far shorter than one 32768-point frame: one zero-padded frame, normalised by the
    // window energy it holds.
    const auto result = measureSpectrum(test::sine(48000, 1000, 0.25, 0.5, 1), 48000);
    EXPECT_NEAR(*result.midDb[bandIndex(1000)], toDb(0.5), 0.2);
}

TEST(ThirdOctaveSpectrum, AnyBlockSplitGivesIdenticalBits) {
    const AudioBuffer audio = test::pinkNoise(44100, 3.0, 0.5, 2);
    const auto whole = measureSpectrum(audio, 44100, audio.numFrames());
    Random random(3);
    ThirdOctaveSpectrum spectrum;
    ASSERT_TRUE(spectrum.prepare(44100, 2).ok());
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        const std::size_t count = std::min<std::size_t>(1 + random.next() % 5000, audio.numFrames() - offset);
        spectrum.process(ConstAudioBlock(audio.block()).slice(offset, count));
        offset += count;
    }
    const auto split = spectrum.finish();
    EXPECT_EQ(whole.midDb, split.midDb);
    EXPECT_EQ(whole.sideDb, split.sideDb);
    EXPECT_EQ(whole.tiltDbPerOctave, split.tiltDbPerOctave);
}

TEST(ThirdOctaveSpectrum, ResetStartsOver) {
    const AudioBuffer noise = test::pinkNoise(48000, 2.0, 0.5, 2);
    ThirdOctaveSpectrum spectrum;
    ASSERT_TRUE(spectrum.prepare(48000, 2).ok());
    spectrum.process(test::sine(48000, 500, 1.0, 0.9, 2).block());
    spectrum.reset();
    spectrum.process(noise.block());
    EXPECT_EQ(spectrum.finish().midDb, measureSpectrum(noise, 48000).midDb);
}
