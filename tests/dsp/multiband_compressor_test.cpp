#include "lathe/dsp/multiband_compressor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "support/signals.h"
#include "support/stage_contract.h"

using namespace lathe;
using lathe::dsp::Compressor;
using lathe::dsp::Crossover;
using lathe::dsp::MultibandCompressor;
using lathe::test::copyOf;

namespace {

MultibandCompressor::Params threeBands(Crossover::Type type) {
    MultibandCompressor::Params p;
    p.numBands = 3;
    p.crossoverHz = {200, 2500, 0, 0};
    p.crossoverType = type;
    for (auto& band : p.bands) {
        band.thresholdDb = -20;
        band.ratio = 4;
        band.kneeDb = 6;
        band.attackMs = 5;
        band.releaseMs = 80;
    }
    return p;
}

AudioBuffer delayed(const AudioBuffer& in, std::size_t frames) {
    AudioBuffer out(in.numChannels(), in.numFrames());
    for (int c = 0; c < in.numChannels(); ++c)
        for (std::size_t i = frames; i < in.numFrames(); ++i) out.channel(c)[i] = in.channel(c)[i - frames];
    return out;
}

void expectBitIdentical(const AudioBuffer& a, const AudioBuffer& b) {
    for (int c = 0; c < a.numChannels(); ++c)
        for (std::size_t i = 0; i < a.numFrames(); ++i)
            ASSERT_EQ(std::memcmp(&a.channel(c)[i], &b.channel(c)[i], sizeof(float)), 0) << c << " " << i;
}

double rms(std::span<const float> x, std::size_t begin, std::size_t end) {
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) sum += double(x[i]) * x[i];
    return std::sqrt(sum / double(end - begin));
}

const char* typeName(Crossover::Type type) {
    return type == Crossover::Type::LinkwitzRiley4 ? "LR4" : "linear-phase";
}

}  // namespace

TEST(MultibandCompressor, RatioOneEqualsUnprocessedCrossoverSum) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        auto p = threeBands(type);
        for (auto& band : p.bands) band.ratio = 1;
        p.lookaheadMs = 2;
        MultibandCompressor multiband(p);
        AudioBuffer output = copyOf(input.block());
        test::processWhole(multiband, output, rate, 700);

        Crossover::Params split;
        split.numBands = 3;
        split.crossoverHz = p.crossoverHz;
        split.type = type;
        Crossover crossover(split);
        AudioBuffer sum = copyOf(input.block());
        test::processWhole(crossover, sum, rate, 700);
        const auto lookahead = std::size_t(multiband.latencyFrames() - crossover.latencyFrames());
        EXPECT_EQ(lookahead, 96u);
        expectBitIdentical(output, delayed(sum, lookahead));
    }
}

TEST(MultibandCompressor, EachBandCompressesOnlyItsOwnBand) {
    // A -6 dBFS 60 Hz sine lives in band 0 only: band 0 reduces by the static curve at about
    // -6 dB, bands 1 and 2 see (almost) nothing.
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        const double rate = 44100;
        const AudioBuffer input = test::sine(rate, 60.0, 2.0, 0.5);
        auto p = threeBands(type);
        // Edges far enough above 60 Hz that the (uncompressed) leak of the sine into band 1,
        // |HP4(60/400)| = -66 dB, cannot move the measured output level (it would at 200 Hz: -42 dB).
        p.crossoverHz = {400, 4000, 0, 0};
        for (auto& band : p.bands) band.peakHoldMs = 10;  // >= half a period of 60 Hz
        MultibandCompressor multiband(p);
        AudioBuffer output = copyOf(input.block());
        test::processWhole(multiband, output, rate, 512);
        // The crossover's low band at 60 Hz: |LP| is 1 within 0.01 dB, so the band-0 level is -6.02 dBFS.
        const double expected = Compressor(p.bands[0]).gainComputer().gainReductionDb(20 * std::log10(0.5));
        EXPECT_NEAR(multiband.gainReductionDb(0), expected, 0.1) << typeName(type);
        EXPECT_LT(multiband.maxGainReductionDb(1), 0.01f) << typeName(type);
        EXPECT_LT(multiband.maxGainReductionDb(2), 0.01f) << typeName(type);
        const auto latency = std::size_t(multiband.latencyFrames());
        const std::size_t end = input.numFrames(), begin = end - std::size_t(0.5 * rate);
        const double measured = 20 * std::log10(rms(input.channel(0), begin - latency, end - latency) / rms(output.channel(0), begin, end));
        EXPECT_NEAR(measured, expected, 0.1) << typeName(type);
    }
}

TEST(MultibandCompressor, SoloPlaysOneProcessedBand) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        auto p = threeBands(type);
        p.bands[1].ratio = 8;
        p.bands[1].thresholdDb = -40;
        // Reference: split with a crossover, compress band j alone with that band's compressor.
        Crossover::Params split;
        split.numBands = 3;
        split.crossoverHz = p.crossoverHz;
        split.type = type;
        Crossover crossover(split);
        ASSERT_TRUE(crossover.prepare({rate, 2, input.numFrames()}).ok());
        std::vector<AudioBuffer> bands(3, AudioBuffer(2, input.numFrames()));
        std::array<AudioBlock, 3> blocks{bands[0].block(), bands[1].block(), bands[2].block()};
        crossover.split(input.block(), blocks);
        for (int j = 0; j < 3; ++j) {
            Compressor compressor(p.bands[std::size_t(j)]);
            test::processWhole(compressor, bands[std::size_t(j)], rate, 1000);
            p.soloBand = j;
            MultibandCompressor multiband(p);
            AudioBuffer output = copyOf(input.block());
            test::processWhole(multiband, output, rate, 1000);
            expectBitIdentical(output, bands[std::size_t(j)]);
        }
    }
}

TEST(MultibandCompressor, ReportsLatencyAndRejectsBadSettings) {
    auto p = threeBands(Crossover::Type::LinkwitzRiley4);
    p.lookaheadMs = 5;
    MultibandCompressor multiband(p);
    ASSERT_TRUE(multiband.prepare({48000, 2, 512}).ok());
    EXPECT_EQ(multiband.latencyFrames(), 240);
    p.crossoverHz = {3000, 200, 0, 0};
    EXPECT_FALSE(MultibandCompressor(p).prepare({48000, 2, 512}).ok());
    p = threeBands(Crossover::Type::LinkwitzRiley4);
    p.bands[2].ratio = 0.5f;
    const auto status = MultibandCompressor(p).prepare({48000, 2, 512});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("band 3"), std::string::npos) << status.error().message;
}

TEST(MultibandCompressor, StageContract) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        auto p = threeBands(type);
        p.lookaheadMs = 1;
        p.bands[0].stereoMode = Compressor::StereoMode::MidSide;
        p.bands[2].detector = Compressor::Detector::Rms;
        test::expectStageContract([p] { return std::make_unique<MultibandCompressor>(p); }, input, rate);
        p.numBands = 5;
        p.crossoverHz = {100, 500, 2000, 8000};
        p.soloBand = 4;
        test::expectStageContract([p] { return std::make_unique<MultibandCompressor>(p); }, input, rate);
    }
}
