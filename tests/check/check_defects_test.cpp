// `lathe check` on generated masters that each carry ONE known defect: each must draw exactly the
// expected FAILs (no spurious ones) and its expected WARNs; a clean master passes everything.
#include "lathe/check/check.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <set>

#include "lathe/dsp/dither.h"
#include "support/masters.h"
#include "support/signals.h"

namespace lathe::check {
namespace {

constexpr double kRate = 44100.0;
constexpr double kSeconds = 20.0;

AudioBuffer balancedDemoMix(double rate, bool sineBass = false, double transpose = 0.0, bool cutLowEnd = true) {
    return test::balancedDemoMix(rate, kSeconds, sineBass, transpose, cutLowEnd);
}

// A clean master: the balanced demo mix at -14 LUFS, true peak under -1.5 dBTP.
const AudioBuffer& cleanMaster() {
    static const AudioBuffer master = [] {
        AudioBuffer m = balancedDemoMix(kRate);
        test::makeMaster(m, kRate, -14.0, -1.5);
        return m;
    }();
    return master;
}

AudioFileInfo formatOf(const AudioBuffer& audio, double rate, int bits = 24, bool isFloat = false) {
    AudioFileInfo info;
    info.path = "generated.wav";
    info.sampleRate = rate;
    info.numChannels = audio.numChannels();
    info.numFrames = std::int64_t(audio.numFrames());
    info.bitsPerSample = bits;
    info.isFloat = isFloat;
    info.encodingName = (isFloat ? "float " : "PCM ") + std::to_string(bits) + "-bit";
    return info;
}

CheckReport check(const AudioBuffer& audio, const AudioFileInfo& format, const std::string& target = "streaming",
                  bool codecs = false) {
    CheckOptions options;
    options.target = mastering::parseDeliveryTarget(target).value();
    options.codecPreview = codecs;
    auto report = checkAudio(audio.block(), format, options);
    EXPECT_TRUE(report.ok()) << report.error().message;
    return report ? std::move(report.value()) : CheckReport{};
}

std::string describe(const Verdict& verdict) {
    std::string out;
    for (const auto& item : verdict.items)
        if (item.severity != Severity::pass)
            out += std::string(severityName(item.severity)) + " " + item.id + " " + item.figure + ": " + item.reason + "\n";
    return out;
}

// The FAILs must be exactly `fails`; every id in `warns` must be a WARN.
void expectVerdict(const CheckReport& report, const std::set<std::string>& fails, const std::set<std::string>& warns) {
    const auto failed = report.verdict.idsWith(Severity::fail);
    EXPECT_EQ(std::set<std::string>(failed.begin(), failed.end()), fails) << describe(report.verdict);
    for (const auto& id : warns) {
        const VerdictItem* item = report.verdict.find(id);
        ASSERT_NE(item, nullptr) << id;
        EXPECT_EQ(item->severity, Severity::warn) << id << "\n" << describe(report.verdict);
    }
}

TEST(CheckDefects, CleanMasterPassesEveryItemCodecsIncluded) {
    const auto report = check(cleanMaster(), formatOf(cleanMaster(), kRate), "streaming", true);
    EXPECT_EQ(report.verdict.overall(), Severity::pass) << describe(report.verdict);
    EXPECT_TRUE(report.codecs && report.codecs->results.size() == 5);
    EXPECT_GT(report.verdict.items.size(), 35u);
}

TEST(CheckDefects, TooLoud) {
    AudioBuffer loud = balancedDemoMix(kRate);
    test::makeMaster(loud, kRate, -9.0, -1.0);
    const auto report = check(loud, formatOf(loud, kRate));
    expectVerdict(report, {"loudness"}, {});
    EXPECT_NE(report.verdict.find("loudness")->reason.find("louder than the target"), std::string::npos);
}

TEST(CheckDefects, Clipped) {
    // The balanced mix brought to -14 LUFS by gain alone, its peaks (2 dB over full scale) clipped
    // by the converter: what happens without a limiter.
    AudioBuffer clipped = balancedDemoMix(kRate);
    test::applyGainDb(clipped, -14.0 - test::integratedLufs(clipped.block(), kRate));
    for (int c = 0; c < 2; ++c)
        for (auto& s : clipped.channel(c)) s = std::clamp(s, -1.0f, 1.0f);
    const auto report = check(clipped, formatOf(clipped, kRate));
    expectVerdict(report, {"clipping", "true-peak", "inter-sample-overs"}, {});
    EXPECT_GT(report.analysis.clippedRuns, 10);
}

TEST(CheckDefects, InterSampleOvers) {
    // 5 ms bursts of a quarter-sample-rate sine at 45 degrees: samples at -2 dBFS, true peak
    // +1 dBTP (the classic true-peak test signal), in the quiet intro.
    AudioBuffer overs = test::copyOf(cleanMaster().block());
    const double amplitude = std::pow(10.0, 1.0 / 20.0);
    for (double start : {0.5, 1.5, 2.5})
        for (std::size_t i = std::size_t(start * kRate); i < std::size_t((start + 0.005) * kRate); ++i)
            for (int c = 0; c < 2; ++c)
                overs.channel(c)[i] = float(amplitude * std::sin(std::numbers::pi / 2.0 * double(i) + std::numbers::pi / 4.0));
    const auto report = check(overs, formatOf(overs, kRate));
    expectVerdict(report, {"true-peak", "inter-sample-overs"}, {});
    EXPECT_EQ(report.analysis.clippedRuns, 0);
    ASSERT_TRUE(report.overs);
    EXPECT_EQ(report.overs->clippedSamples, 0);
    EXPECT_GT(report.overs->interSampleOvers, 300);
    EXPECT_EQ(report.overs->eventCount, 3);  // one event per burst, marked on the waveform
    EXPECT_NEAR(report.overs->events[1].timeSeconds, 1.5, 0.01);
}

TEST(CheckDefects, SquashedDynamics) {
    // Driven 20 dB into a fast brickwall limiter (1 ms), then brought back to -14 LUFS: the
    // loudness war's brick. TT DR collapses (FAIL); PLR and PSR drop under their floors (WARN; this
    // bass-heavy mix keeps them over 6 dB: K-weighting discounts its low end, not its peaks).
    AudioBuffer squashed = test::copyOf(cleanMaster().block());
    test::applyGainDb(squashed, 20.0);
    test::limitSamplePeak(squashed, kRate, 1.0, 1.0);
    test::makeMaster(squashed, kRate, -14.0, -1.5);
    const auto report = check(squashed, formatOf(squashed, kRate));
    expectVerdict(report, {"dr"}, {"plr", "psr"});
    EXPECT_LE(*report.analysis.drTt, 4.0);
    EXPECT_LT(*report.analysis.plrDb, 8.0);
    // The clean master's figures, for contrast.
    const auto clean = check(cleanMaster(), formatOf(cleanMaster(), kRate));
    EXPECT_GE(*clean.analysis.drTt, 8.0);
    EXPECT_GE(*clean.analysis.plrDb, 9.0);
}

TEST(CheckDefects, DcOffset) {
    AudioBuffer dc = test::copyOf(cleanMaster().block());
    for (int c = 0; c < 2; ++c)
        for (auto& s : dc.channel(c)) s += 0.02f;  // -34 dBFS
    const auto report = check(dc, formatOf(dc, kRate));
    expectVerdict(report, {"dc-offset"}, {});
}

TEST(CheckDefects, PhaseInvertedChannel) {
    AudioBuffer inverted = test::copyOf(cleanMaster().block());
    for (auto& s : inverted.channel(1)) s = -s;
    const auto report = check(inverted, formatOf(inverted, kRate));
    expectVerdict(report, {"phase-correlation", "side-to-mid", "mono-fold-down"},
                  {"low-frequency-width", "translation-phone", "translation-club"});
    EXPECT_LT(*report.analysis.stereoCorrelation, -0.9);
}

TEST(CheckDefects, BassOnlyBelowSixtyHertz) {
    // A sine bass (no harmonics) 14 semitones down (roots 39-58 Hz), low end not cut.
    AudioBuffer sub = balancedDemoMix(kRate, true, -14.0, false);
    test::makeMaster(sub, kRate, -14.0, -1.5);
    const auto report = check(sub, formatOf(sub, kRate));
    // The sub-heavy low end also reads boomy and loses level on small speakers: WARNs, no FAIL.
    expectVerdict(report, {}, {"translation-phone", "tonal-low"});
    const auto& reason = report.verdict.find("translation-phone")->reason;
    EXPECT_NE(reason.find("bass disappears on the phone speaker"), std::string::npos) << reason;
    EXPECT_NE(reason.find("no harmonics above 200 Hz"), std::string::npos) << reason;
    for (const char* id : {"translation-hifi", "translation-car"})
        EXPECT_EQ(report.verdict.find(id)->severity, Severity::pass) << id << "\n" << describe(report.verdict);
    // The clean master's bass (a sawtooth, with its harmonics in the upper bass) carries on the phone.
    const auto clean = check(cleanMaster(), formatOf(cleanMaster(), kRate));
    EXPECT_EQ(clean.verdict.find("translation-phone")->severity, Severity::pass);
}

// The clean master with a 4 s exponential fade to -100 dB at the end (a quiet passage), reduced
// to 16 bits.
AudioBuffer fadedMaster() {
    AudioBuffer faded = test::copyOf(cleanMaster().block());
    const auto fade = std::size_t(4.0 * kRate);
    for (int c = 0; c < 2; ++c) {
        auto x = faded.channel(c);
        for (std::size_t i = 0; i < fade; ++i)
            x[x.size() - fade + i] *= float(std::pow(10.0, -100.0 * double(i) / double(fade) / 20.0));
    }
    return faded;
}

TEST(CheckDefects, TruncatedTo16BitsWithoutDither) {
    AudioBuffer truncated = fadedMaster();
    for (int c = 0; c < 2; ++c)
        for (auto& s : truncated.channel(c)) s = float(std::floor(double(s) * 32768.0) / 32768.0);
    const auto report = check(truncated, formatOf(truncated, kRate, 16));
    expectVerdict(report, {}, {"dither"});
    EXPECT_EQ(report.truncation.state, DitherState::truncated);

    // The same master reduced with TPDF dither passes.
    AudioBuffer dithered = fadedMaster();
    dsp::Dither dither({16, dsp::DitherMode::Tpdf, 1, {}});
    ASSERT_TRUE(dither.prepare({kRate, 2, dithered.numFrames()}).ok());
    dither.process(dithered.block());
    const auto good = check(dithered, formatOf(dithered, kRate, 16));
    EXPECT_EQ(good.verdict.find("dither")->severity, Severity::pass) << describe(good.verdict);
    EXPECT_EQ(good.truncation.state, DitherState::dithered);
    EXPECT_EQ(good.verdict.overall(), Severity::pass) << describe(good.verdict);
}

TEST(CheckDefects, FortyEightKilohertzForACd) {
    // A CD master (-10.5 LUFS, under -0.3 dBTP, 16-bit dithered) at 48 kHz instead of 44.1 kHz.
    const auto cdMaster = [](double rate) {
        AudioBuffer m = balancedDemoMix(rate);
        test::makeMaster(m, rate, -10.5, -0.5);
        dsp::Dither dither({16, dsp::DitherMode::Tpdf, 1, {}});
        EXPECT_TRUE(dither.prepare({rate, 2, m.numFrames()}).ok());
        dither.process(m.block());
        return m;
    };
    const AudioBuffer wrongRate = cdMaster(48000.0);
    const auto report = check(wrongRate, formatOf(wrongRate, 48000.0, 16), "cd");
    expectVerdict(report, {"sample-rate"}, {});
    // The same master at 44.1 kHz is a CD master: no FAIL (a loud CD master may WARN on DR).
    const AudioBuffer right = cdMaster(kRate);
    const auto good = check(right, formatOf(right, kRate, 16), "cd");
    EXPECT_TRUE(good.verdict.idsWith(Severity::fail).empty()) << describe(good.verdict);
    for (const char* id : {"sample-rate", "bit-depth", "dither", "loudness", "true-peak"})
        EXPECT_EQ(good.verdict.find(id)->severity, Severity::pass) << id << "\n" << describe(good.verdict);
    // And a 24-bit file is not a CD master either.
    const auto deep = check(right, formatOf(right, kRate, 24), "cd");
    expectVerdict(deep, {"bit-depth"}, {});
}

TEST(CheckDefects, SilenceAtHeadAndTail) {
    const AudioBuffer padded =
        test::concat(test::concat(AudioBuffer(2, std::size_t(2.0 * kRate)), cleanMaster()), AudioBuffer(2, std::size_t(6.0 * kRate)));
    const auto report = check(padded, formatOf(padded, kRate));
    expectVerdict(report, {}, {"head-silence", "tail-silence"});
    EXPECT_NEAR(report.analysis.tailSilenceSeconds, 6.0, 0.1);
}

}  // namespace
}  // namespace lathe::check
