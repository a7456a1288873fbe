#include "lathe/mastering/master.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "lathe/audio_file.h"
#include "lathe/check/check.h"
#include "lathe/check/truncation_detector.h"
#include "lathe/mastering/plan.h"
#include "lathe/mastering/report.h"
#include "lathe/synth/demo_mix.h"
#include "support/ebur128_oracle.h"
#include "support/signals.h"
#include "support/temp_dir.h"

using namespace lathe;
using namespace lathe::mastering;
using lathe::test::measureWithLibebur128;
namespace fs = std::filesystem;

namespace {

fs::path writeDemo(const test::TempDir& dir, double seconds = 12.0, double rate = 48000) {
    synth::DemoMixParams params;
    params.seconds = seconds;
    params.sampleRate = rate;
    const auto mix = synth::makeDemoMix(params);
    const auto path = dir / "mix.wav";
    EXPECT_TRUE(writeAudioFile(path, mix.block(), rate, {FileFormat::Wav, SampleEncoding::Pcm24, {}}).ok());
    return path;
}

MasterRequest requestFor(const fs::path& in, const fs::path& out, const std::string& target) {
    MasterRequest request;
    request.input = in;
    request.output = out;
    request.plan.target = parseDeliveryTarget(target).value();
    return request;
}

}  // namespace

class MasterPresets : public ::testing::TestWithParam<const char*> {};

// Every preset: the written file measures (libebur128) within 0.1 LU of the target and at or
// below the ceiling in true peak.
TEST_P(MasterPresets, DeliversTheTargetLoudnessUnderTheCeiling) {
    test::TempDir dir;
    const auto in = writeDemo(dir);
    auto request = requestFor(in, dir / "master.wav", GetParam());
    auto report = masterFile(request);
    ASSERT_TRUE(report.ok()) << report.error().message;
    const auto oracle = measureWithLibebur128(dir / "master.wav");
    EXPECT_NEAR(oracle.integratedLufs, report->plan.loudness.plannedLufs, 0.1) << GetParam();
    EXPECT_LE(oracle.truePeakDbtp, report->plan.limiter.ceilingDbtp + 1e-6) << GetParam();
    ASSERT_TRUE(report->after.truePeakDbtp.has_value());
    EXPECT_LE(*report->after.truePeakDbtp, report->plan.limiter.ceilingDbtp + 1e-6);
    EXPECT_FALSE(report->plan.decisions.empty());
}

INSTANTIATE_TEST_SUITE_P(AllPresets, MasterPresets,
                         ::testing::Values("streaming", "spotify-loud", "apple", "youtube", "deezer", "cd", "ebu-r128",
                                           "atsc-a85", "podcast", "-9"));

TEST(Master, CdIs441kHz16BitDitheredAndSixteenBitIsAlwaysDithered) {
    test::TempDir dir;
    const auto in = writeDemo(dir);
    auto report = masterFile(requestFor(in, dir / "cd.wav", "cd"));
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto decoded = readAudioFile(dir / "cd.wav");
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->info.sampleRate, 44100);
    EXPECT_EQ(decoded->info.bitsPerSample, 16);

    // Measured, not taken from the report: a mix that fades to a very low level, mastered to
    // 16 bits, must show a dither noise floor in its quiet tail (the check module's truncation
    // detector finds the undithered staircase otherwise).
    synth::DemoMixParams params;
    params.seconds = 6.0;
    AudioBuffer mix = synth::makeDemoMix(params);
    const AudioBuffer tail = test::sine(48000, 220, 6.0, 1.0, 2);
    AudioBuffer fading = test::concat(mix, tail);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = mix.numFrames(); i < fading.numFrames(); ++i)
            fading.channel(c)[i] *= float(0.5 * std::pow(10.0, -5.0 * double(i - mix.numFrames()) / 288000.0));
    ASSERT_TRUE(writeAudioFile(dir / "fade.wav", fading.block(), 48000, {FileFormat::Wav, SampleEncoding::Float32, {}}).ok());
    auto request = requestFor(dir / "fade.wav", dir / "s16.flac", "streaming");
    request.encoding = SampleEncoding::Pcm16;
    auto sixteen = masterFile(request);
    ASSERT_TRUE(sixteen.ok()) << sixteen.error().message;
    auto written = readAudioFile(dir / "s16.flac");
    ASSERT_TRUE(written.ok());
    const auto truncation = check::detectTruncation(written->audio.block());
    EXPECT_TRUE(truncation.reduced);
    EXPECT_GT(truncation.judgedBlocks, 10);
    EXPECT_EQ(truncation.state, check::DitherState::dithered) << check::ditherStateName(truncation.state);
}

TEST(Master, ReportsTheAnalysisOfTheFileAsWrittenAndOneRenderLandsOnTarget) {
    // The "after" figures come from the render that was written (verified sample for sample against
    // the file read back): they must equal an analysis of the written file. For 16-bit FLAC (dither
    // and the encoder) and 24-bit WAV at another rate (resampled before the limiter).
    test::TempDir dir;
    const auto in = writeDemo(dir, 10.0);
    for (const char* name : {"after.flac", "after.wav"}) {
        auto request = requestFor(in, dir / name, "streaming");
        // No clipper (the loudness model covers the limiter alone): at amount 0 the demo's dynamics
        // are left to the limiter.
        request.plan.amount = 0.0;
        if (std::string(name) == "after.flac") request.encoding = SampleEncoding::Pcm16;
        else request.sampleRateHz = 44100.0;
        auto report = masterFile(request);
        ASSERT_TRUE(report.ok()) << report.error().message;
        auto file = analysis::analyzeFile(dir / name);
        ASSERT_TRUE(file.ok());
        EXPECT_EQ(report->after.integratedLufs, file->integratedLufs) << name;
        EXPECT_EQ(report->after.truePeakDbtp, file->truePeakDbtp) << name;
        EXPECT_EQ(report->after.loudnessRangeLu, file->loudnessRangeLu) << name;
        EXPECT_EQ(report->after.samplePeakDbfs, file->samplePeakDbfs) << name;
        EXPECT_EQ(report->after.thirdOctaveMidDb, file->thirdOctaveMidDb) << name;
        EXPECT_EQ(report->after.frames, file->frames) << name;
        EXPECT_EQ(report->after.file, (dir / name).string());
        // The loudness model's gain: one render within 0.03 LU of the plan.
        EXPECT_EQ(report->iterations.size(), 1u) << name;
        EXPECT_NEAR(*report->after.integratedLufs, report->plan.loudness.plannedLufs, 0.03) << name;
    }
}

TEST(Master, IsDeterministic) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 6.0);
    ASSERT_TRUE(masterFile(requestFor(in, dir / "a.wav", "streaming")).ok());
    ASSERT_TRUE(masterFile(requestFor(in, dir / "b.wav", "streaming")).ok());
    EXPECT_EQ(test::readFile(dir / "a.wav"), test::readFile(dir / "b.wav"));
}

TEST(Master, AmountZeroIsOnlyGainAndLimiter) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 8.0);
    auto request = requestFor(in, dir / "plain.wav", "streaming");
    request.plan.amount = 0.0;
    auto report = masterFile(request);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_TRUE(report->plan.eq.empty());
    EXPECT_FALSE(report->plan.glue.enabled);
    EXPECT_FALSE(report->plan.stereo.enabled);
    EXPECT_FALSE(report->plan.clipper.enabled);
}

// The planner decides glue compression and the clipper on the peak reduction it expects from the
// input. When the processing before the limiter changes the peak-to-loudness ratio (the demo's
// boomy bass is cut by ~7 dB), the limiter works harder than expected: the report says so, with the
// measured figure, and warns past 6 dB. With amount 0 (gain and limiter only) the expectation holds.
// The demo mix's EQ (6.8 dB less bass) lowers its loudness more than its peaks: from the input the
// limiter would take about 3 dB, the rendered pre-limiter signal needs far more. The expectation is
// measured on the render (with the loudness model's gain into the limiter); where dynamics
// processing is allowed, glue compression and the clipper share the load, each decision with its
// reason. The report warns when the limiter takes more than 6 dB, and says so when it takes more
// than 2 dB beyond the expectation.
TEST(Master, PlansTheDynamicsOnTheRenderedPreLimiterSignal) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 12.0);
    struct Case {
        const char* name;
        double amount;
        bool keepDynamic;
    };
    for (const Case& c : {Case{"amount 100", 1.0, false}, Case{"amount 0", 0.0, false}, Case{"keep it dynamic", 1.0, true}}) {
        auto request = requestFor(in, dir / "m.wav", "streaming");
        request.plan.amount = c.amount;
        request.plan.intent.adjustments.keepDynamic = c.keepDynamic;
        auto report = masterFile(request);
        ASSERT_TRUE(report.ok()) << report.error().message;
        const double fromInput = planMaster(report->before, request.plan).limiter.expectedPeakReductionDb;
        const double expected = report->plan.limiter.expectedPeakReductionDb;
        const double measured = report->maxLimiterReductionDb;
        std::printf("[ figures  ] %s: expected peak reduction %.2f dB from the input, %.2f dB from the render; "
                    "limiter %.2f dB\n", c.name, fromInput, expected, measured);
        auto decided = [&](const char* stage, const char* words) {
            return std::any_of(report->plan.decisions.begin(), report->plan.decisions.end(), [&](const auto& d) {
                return d.stage == stage && (d.setting + d.reason).find(words) != std::string::npos;
            });
        };
        auto warned = [&](const char* words) {
            return std::any_of(report->warnings.begin(), report->warnings.end(),
                               [&](const std::string& w) { return w.find(words) != std::string::npos; });
        };
        EXPECT_EQ(decided("limiter", "measured gain reduction"), measured > expected + 2.0) << c.name;
        EXPECT_EQ(warned("gain reduction"), measured > 6.0) << c.name;
        // Every case measures the render (even at amount 0 the loudness model's gain, which counts
        // the loudness the limiter takes away, moves the expectation by more than 0.5 dB).
        EXPECT_GT(std::abs(expected - fromInput), 0.5) << c.name;
        EXPECT_TRUE(decided("limiter", "measured on the rendered pre-limiter signal")) << c.name;
        const bool added = report->plan.glue.enabled || report->plan.clipper.enabled;
        if (c.amount == 1.0 && !c.keepDynamic) {
            EXPECT_GT(expected, fromInput + 2.0);  // the EQ moved the peak-to-loudness ratio
            // Glue and clipper added on the render's figures, with that reason: the limiter is left
            // much less than the whole reduction (10.4 dB without them: the "keep it dynamic" case).
            EXPECT_TRUE(report->plan.glue.enabled && report->plan.clipper.enabled);
            EXPECT_TRUE(decided("compressor", "rendered pre-limiter signal needs"));
            EXPECT_TRUE(decided("clipper", "rendered pre-limiter signal needs"));
            EXPECT_LT(measured, expected - 3.0);
        } else {
            // No dynamics processing: the limiter does it all, as the render's expectation says.
            EXPECT_FALSE(added) << c.name;
            EXPECT_NEAR(measured, expected, 0.5) << c.name;
        }
        if (c.keepDynamic) {
            EXPECT_GT(measured, 6.0);  // the EQ's peaks, all on the limiter: warned, with the way out
            EXPECT_TRUE(warned("allowing glue compression and the clipper"));
        }
    }
}

TEST(Master, RefusesBadInputsWithOneLineErrors) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 4.0);
    auto expectError = [&](const MasterRequest& request, const char* words) {
        auto report = masterFile(request);
        ASSERT_FALSE(report.ok()) << words;
        EXPECT_NE(report.error().message.find(words), std::string::npos) << report.error().message;
        EXPECT_EQ(report.error().message.find('\n'), std::string::npos);
    };
    expectError(requestFor(in, in, "streaming"), "input file");
    const AudioBuffer silence(2, 48000 * 3);
    ASSERT_TRUE(writeAudioFile(dir / "silence.wav", silence.block(), 48000, {}).ok());
    expectError(requestFor(dir / "silence.wav", dir / "o.wav", "streaming"), "nothing to master");
    const AudioBuffer shortClip = test::sine(48000, 440, 0.5);
    ASSERT_TRUE(writeAudioFile(dir / "short.wav", shortClip.block(), 48000, {}).ok());
    expectError(requestFor(dir / "short.wav", dir / "o.wav", "streaming"), "shorter than 1 s");
    const AudioBuffer surround = test::whiteNoise(48000, 2.0, 0.1, 6);
    ASSERT_TRUE(writeAudioFile(dir / "surround.wav", surround.block(), 48000, {}).ok());
    expectError(requestFor(dir / "surround.wav", dir / "o.wav", "streaming"), "--downmix");
    auto downmixed = requestFor(dir / "surround.wav", dir / "o.wav", "streaming");
    downmixed.downmix = true;
    EXPECT_TRUE(masterFile(downmixed).ok());
    EXPECT_FALSE(fs::exists(dir / "nothing.wav"));
}

TEST(Master, MonoIsMasteredAsMonoAndLoudInputIsTurnedDown) {
    test::TempDir dir;
    AudioBuffer mono = test::pinkNoise(48000, 6.0, 0.9, 1);
    ASSERT_TRUE(writeAudioFile(dir / "mono.wav", mono.block(), 48000, {}).ok());
    auto report = masterFile(requestFor(dir / "mono.wav", dir / "m.wav", "apple"));
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto decoded = readAudioFile(dir / "m.wav");
    ASSERT_TRUE(decoded.ok());
    EXPECT_EQ(decoded->info.numChannels, 1);
    EXPECT_TRUE(report->plan.loudness.turnDownOnly);
    EXPECT_NEAR(measureWithLibebur128(dir / "m.wav").integratedLufs, -16.0, 0.1);
}

TEST(Master, PreviewRendersTheLoudest30Seconds) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 45.0, 44100);
    auto request = requestFor(in, dir / "preview.wav", "streaming");
    request.preview = true;
    auto report = masterFile(request);
    ASSERT_TRUE(report.ok()) << report.error().message;
    auto decoded = readAudioFile(dir / "preview.wav");
    ASSERT_TRUE(decoded.ok());
    EXPECT_NEAR(decoded->info.durationSeconds(), 30.0, 0.01);
    EXPECT_GT(report->previewStartSeconds, 0.0);  // the quiet intro is skipped
}

TEST(Master, ReportJsonHasTheSchemaKeys) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 6.0);
    auto report = masterFile(requestFor(in, dir / "r.wav", "streaming"));
    ASSERT_TRUE(report.ok());
    ASSERT_TRUE(writeReportJson(*report, dir / "r.json").ok());
    const auto json = nlohmann::json::parse(test::readFile(dir / "r.json"));
    for (const char* key : {"target", "before", "after", "plan", "decisions", "loudness_iterations", "warnings", "timing_s"})
        EXPECT_TRUE(json.contains(key)) << key;
    EXPECT_TRUE(json["before"].contains("integrated_lufs"));
    EXPECT_TRUE(json["after"]["true_peak_dbtp"].is_number());
    for (const auto& d : json["decisions"]) EXPECT_FALSE(d["reason"].get<std::string>().empty());
}

// The planner and `lathe check` share the tonal regions: the demo mix (boomy by design: about
// +7 dB in 63-250 Hz) is judged boomy before, and its master passes every tonal item of check.
TEST(Master, TheMasterPassesTheTonalItemsCheckJudgedTheMixOn) {
    test::TempDir dir;
    const auto in = writeDemo(dir, 20.0);
    const auto severityOf = [](const check::CheckReport& report, const std::string& id) {
        for (const auto& item : report.verdict.items)
            if (item.id == id) return item.severity;
        ADD_FAILURE() << "no item " << id;
        return check::Severity::fail;
    };
    check::CheckOptions options;
    options.codecPreview = false;
    const auto before = check::checkFile(in, options);
    ASSERT_TRUE(before.ok()) << before.error().message;
    EXPECT_NE(severityOf(before.value(), "tonal-low"), check::Severity::pass);

    const auto report = masterFile(requestFor(in, dir / "master.wav", "streaming"));
    ASSERT_TRUE(report.ok()) << report.error().message;
    const auto after = check::checkFile(dir / "master.wav", options);
    ASSERT_TRUE(after.ok()) << after.error().message;
    for (const char* id : {"tonal-low", "tonal-high", "tonal-harsh"})
        EXPECT_EQ(severityOf(after.value(), id), check::Severity::pass) << id;
}
