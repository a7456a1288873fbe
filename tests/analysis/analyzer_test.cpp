#include "lathe/analysis/analyzer.h"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>

#include "lathe/analysis/analysis_json.h"
#include "support/signals.h"
#include "support/temp_dir.h"
#include "util/random.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

Analysis analyse(const AudioBuffer& audio, double rate, std::size_t blockFrames, AnalysisOptions options = {}) {
    Analyzer analyzer;
    EXPECT_TRUE(analyzer.prepare(rate, audio.numChannels(), options, std::int64_t(audio.numFrames())).ok());
    test::feedInBlocks(analyzer, audio, blockFrames);
    return analyzer.finish();
}

// A stereo test signal with something for every figure: pink noise, a DC offset, partly correlated
// channels, a fade-in after 0.2 s of silence, and a clipped run.
AudioBuffer richSignal(double rate, double seconds) {
    AudioBuffer audio = test::pinkNoise(rate, seconds, 0.5, 2);
    const auto fadeStart = std::size_t(0.2 * rate);
    for (std::size_t i = 0; i < audio.numFrames(); ++i) {
        const float common = audio.channel(0)[i];
        audio.channel(1)[i] = 0.6f * common + 0.4f * audio.channel(1)[i] + 0.01f;
        const float gain = i < fadeStart ? 0.0f : std::min(1.0f, float(i - fadeStart) / float(rate));
        audio.channel(0)[i] *= gain;
        audio.channel(1)[i] *= gain;
    }
    for (std::size_t i = 0; i < 5; ++i) audio.channel(0)[std::size_t(2 * rate) + i] = 1.0f;
    return audio;
}

// libebur128 (the independent oracle) on a buffer.
double ebur128Integrated(const AudioBuffer& audio, double rate) {
    ebur128_state* state = ebur128_init(unsigned(audio.numChannels()), unsigned(rate), EBUR128_MODE_I);
    std::vector<float> interleaved(audio.numFrames() * std::size_t(audio.numChannels()));
    for (std::size_t i = 0; i < audio.numFrames(); ++i)
        for (int c = 0; c < audio.numChannels(); ++c)
            interleaved[i * std::size_t(audio.numChannels()) + std::size_t(c)] = audio.channel(c)[i];
    ebur128_add_frames_float(state, interleaved.data(), audio.numFrames());
    double loudness = 0;
    ebur128_loudness_global(state, &loudness);
    ebur128_destroy(&state);
    return loudness;
}

}  // namespace

TEST(Analyzer, AnyBlockSplitAndThreadingGiveIdenticalFigures) {
    const double rate = 44100;
    const AudioBuffer audio = richSignal(rate, 7.0);
    AnalysisOptions options;
    options.recordSeries = true;
    const auto reference = toJson(analyse(audio, rate, audio.numFrames(), options), true);
    for (std::size_t blockFrames : {1u, 441u, 4096u, 20000u}) {
        for (bool parallel : {false, true}) {
            options.parallel = parallel;
            EXPECT_EQ(toJson(analyse(audio, rate, blockFrames, options), true), reference)
                << "blocks of " << blockFrames << ", parallel " << parallel;
        }
    }
    // Random block sizes.
    Analyzer analyzer;
    options.parallel = true;
    ASSERT_TRUE(analyzer.prepare(rate, 2, options).ok());
    Random random(11);
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        const std::size_t count = std::min<std::size_t>(1 + random.next() % 30000, audio.numFrames() - offset);
        analyzer.process(ConstAudioBlock(audio.block()).slice(offset, count));
        offset += count;
    }
    EXPECT_EQ(toJson(analyzer.finish(), true), reference);
}

TEST(Analyzer, AssemblesItsPartsFigures) {
    const double rate = 48000;
    const AudioBuffer audio = richSignal(rate, 8.0);
    const Analysis a = analyse(audio, rate, 4096);
    EXPECT_EQ(a.channels, 2);
    EXPECT_EQ(a.frames, std::int64_t(audio.numFrames()));
    EXPECT_DOUBLE_EQ(a.durationSeconds, 8.0);
    ASSERT_TRUE(a.integratedLufs && a.truePeakDbtp && a.samplePeakDbfs && a.plrDb && a.crestFactorDb && a.rmsDbfs);
    EXPECT_NEAR(*a.integratedLufs, ebur128Integrated(audio, rate), 0.1);
    EXPECT_DOUBLE_EQ(*a.plrDb, *a.truePeakDbtp - *a.integratedLufs);
    EXPECT_DOUBLE_EQ(*a.crestFactorDb, *a.samplePeakDbfs - *a.rmsDbfs);
    EXPECT_NEAR(*a.samplePeakDbfs, 0.0, 1e-9);  // the clipped run
    EXPECT_GE(*a.truePeakDbtp, *a.samplePeakDbfs - 1e-6);
    EXPECT_EQ(a.clippedRuns, 1);
    ASSERT_TRUE(a.dcOffsetDbfs);
    EXPECT_GT(*a.dcOffsetDbfs, -45.0);  // 0.01 * (fade) on the right channel: about -41 dBFS
    ASSERT_TRUE(a.stereoCorrelation && a.sideToMidDb && a.monoFoldDownLu);
    EXPECT_GT(*a.stereoCorrelation, 0.5);
    EXPECT_LT(*a.sideToMidDb, -3.0);
    EXPECT_EQ(a.thirdOctaveMidDb.size(), kThirdOctaveCentresHz.size());
    EXPECT_EQ(a.thirdOctaveSideDb.size(), kThirdOctaveCentresHz.size());
    EXPECT_TRUE(a.spectralTiltDbPerOctave);
    EXPECT_TRUE(a.drTt && a.drTtDb);
    EXPECT_NEAR(a.headSilenceSeconds, 0.2, 0.01);
    EXPECT_NEAR(a.tailSilenceSeconds, 0.0, 0.01);
    EXPECT_TRUE(a.momentaryLufs.empty());  // no series unless asked
}

TEST(Analyzer, MonoFoldDownOfIdenticalOneSidedAndInvertedChannels) {
    const double rate = 48000;
    const AudioBuffer noise = test::pinkNoise(rate, 5.0, 0.25, 2);
    const auto withRight = [&](float gain) {
        AudioBuffer out = test::copyOf(noise.block());
        for (std::size_t i = 0; i < out.numFrames(); ++i) out.channel(1)[i] = gain * out.channel(0)[i];
        return out;
    };
    const auto foldDown = [&](float gain) {
        return analyse(withRight(gain), rate, 4096).monoFoldDownLu.value_or(std::nan(""));
    };
    // M = (L + R) / 2 on both speakers. L = R: M = L, the same loudness (0 LU).
    EXPECT_NEAR(foldDown(1.0f), 0.0, 0.01);
    // R = 0: M = L / 2 on two speakers carries half the power of L alone: -3.01 LU.
    EXPECT_NEAR(foldDown(0.0f), -10 * std::log10(2.0), 0.05);
    // R = -0.99 L: M = 0.005 L, power 2 * 0.005^2 against 1 + 0.99^2: -46 LU.
    EXPECT_NEAR(foldDown(-0.99f), 10 * std::log10(2 * 0.005 * 0.005 / (1 + 0.99 * 0.99)), 0.2);
    // Exactly inverted: the fold-down is digital silence, so the figure is undefined and a warning says why.
    const Analysis inverted = analyse(withRight(-1.0f), rate, 4096);
    EXPECT_FALSE(inverted.monoFoldDownLu);
    EXPECT_EQ(inverted.stereoCorrelation, -1.0);
    ASSERT_FALSE(inverted.warnings.empty());
    EXPECT_NE(inverted.warnings[0].find("mono fold-down"), std::string::npos);
}

TEST(Analyzer, MonoFilesHaveNoStereoFigures) {
    const Analysis a = analyse(test::pinkNoise(44100, 4.0, 0.5, 1), 44100, 4096);
    EXPECT_EQ(a.channels, 1);
    EXPECT_TRUE(a.integratedLufs);
    EXPECT_FALSE(a.stereoCorrelation);
    EXPECT_FALSE(a.sideToMidDb);
    EXPECT_FALSE(a.monoFoldDownLu);
    ASSERT_EQ(a.thirdOctaveSideDb.size(), kThirdOctaveCentresHz.size());
    for (const auto& band : a.thirdOctaveSideDb) EXPECT_FALSE(band);
    EXPECT_TRUE(a.thirdOctaveMidDb[17]);  // 1 kHz
}

TEST(Analyzer, SilenceAnalysesToNullLoudnessWithAWarning) {
    const Analysis a = analyse(AudioBuffer(2, 48000 * 5), 48000, 4096);
    EXPECT_FALSE(a.integratedLufs);
    EXPECT_FALSE(a.loudnessRangeLu);
    EXPECT_FALSE(a.truePeakDbtp);
    EXPECT_FALSE(a.samplePeakDbfs);
    EXPECT_FALSE(a.plrDb);
    EXPECT_FALSE(a.crestFactorDb);
    EXPECT_FALSE(a.dcOffsetDbfs);
    EXPECT_FALSE(a.drTt);
    EXPECT_FALSE(a.spectralTiltDbPerOctave);
    EXPECT_DOUBLE_EQ(a.headSilenceSeconds, 5.0);
    ASSERT_EQ(a.warnings.size(), 1u);
    EXPECT_EQ(a.warnings[0].rfind("silent:", 0), 0u) << a.warnings[0];

    // Quiet but not digital silence: below the -70 LUFS gate.
    const Analysis quiet = analyse(test::sineDb(48000, 1000, 5.0, -85.0, 2), 48000, 4096);
    EXPECT_FALSE(quiet.integratedLufs);
    EXPECT_TRUE(quiet.samplePeakDbfs);
    ASSERT_FALSE(quiet.warnings.empty());
    EXPECT_EQ(quiet.warnings[0].rfind("silent:", 0), 0u) << quiet.warnings[0];
}

TEST(Analyzer, AnalyzeFileStreamsTheSameFiguresAsABuffer) {
    test::TempDir dir;
    const double rate = 44100;
    const AudioBuffer audio = richSignal(rate, 6.0);
    const auto path = dir / "rich.wav";
    ASSERT_TRUE(writeAudioFile(path, audio.block(), rate, {FileFormat::Wav, SampleEncoding::Float32, {}}).ok());
    auto fromFile = analyzeFile(path);
    ASSERT_TRUE(fromFile.ok()) << fromFile.error().message;
    Analysis fromBuffer = analyse(audio, rate, 1000);
    fromBuffer.file = path.string();
    EXPECT_EQ(toJson(*fromFile), toJson(fromBuffer));
    AnalysisOptions sequential;
    sequential.parallel = false;
    auto fromFileSequentially = analyzeFile(path, sequential);
    ASSERT_TRUE(fromFileSequentially.ok());
    EXPECT_EQ(toJson(*fromFileSequentially), toJson(fromBuffer));
}

TEST(Analyzer, AnalyzeFileNamesTheFileInErrors) {
    test::TempDir dir;
    const auto missing = dir / "missing.wav";
    auto result = analyzeFile(missing);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.find(missing.string()), std::string::npos);
}

TEST(Analyzer, RejectsUnsupportedShapes) {
    Analyzer analyzer;
    EXPECT_FALSE(analyzer.prepare(1000, 2).ok());
    EXPECT_FALSE(analyzer.prepare(48000, 0).ok());
    EXPECT_FALSE(analyzer.prepare(48000, kMaxChannels + 1).ok());
}
