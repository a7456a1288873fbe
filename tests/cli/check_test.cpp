// `lathe check` end to end: runs the built binary ($LATHE_CLI) on generated files. Exit codes:
// 0 for PASS or WARN, 1 for FAIL, 2 when the file cannot be read (and for usage errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lathe/audio_file.h"
#include "support/cli_run.h"
#include "support/masters.h"
#include "support/signals.h"
#include "support/temp_dir.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {

constexpr double kRate = 44100.0;

const AudioBuffer& cleanMaster() {
    static const AudioBuffer master = [] {
        AudioBuffer m = test::balancedDemoMix(kRate, 20.0);
        test::makeMaster(m, kRate, -14.0, -1.5);
        return m;
    }();
    return master;
}

fs::path writeWav(const test::TempDir& dir, const std::string& name, const AudioBuffer& audio, double rate = kRate,
                  SampleEncoding encoding = SampleEncoding::Pcm24) {
    const fs::path path = dir / name;
    EXPECT_TRUE(writeAudioFile(path, audio.block(), rate, {FileFormat::Wav, encoding, {}}).ok());
    return path;
}

std::string arg(const fs::path& path) { return test::shellQuote(path.string()); }

nlohmann::json parse(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << text.substr(0, 300);
    return j;
}

const nlohmann::json* item(const nlohmann::json& report, const std::string& id) {
    for (const auto& i : report.at("items"))
        if (i.at("id") == id) return &i;
    return nullptr;
}

std::string severityOf(const nlohmann::json& report, const std::string& id) {
    const auto* i = item(report, id);
    return i ? i->at("severity").get<std::string>() : "missing";
}

TEST(CheckCli, CleanMasterPassesAndExitsZero) {
    test::TempDir dir;
    const auto file = writeWav(dir, "clean.wav", cleanMaster());
    const auto run = test::runLathe(dir, "check " + arg(file));
    EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("verdict: PASS"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("codec-mp3-128"), std::string::npos);
    EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(CheckCli, JsonCarriesTheVerdictItemsAndEveryPart) {
    test::TempDir dir;
    const auto file = writeWav(dir, "clean.wav", cleanMaster());
    const auto run = test::runLathe(dir, "check --json " + arg(file));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto j = parse(run.out);
    EXPECT_EQ(j.at("lathe_report"), "check");
    EXPECT_EQ(j.at("version"), 1);
    EXPECT_EQ(j.at("verdict"), "PASS");
    EXPECT_EQ(j.at("target").at("name"), "streaming");
    EXPECT_EQ(j.at("target").at("ceiling_dbtp"), -1.0);
    ASSERT_TRUE(j.at("items").is_array());
    EXPECT_GT(j.at("items").size(), 35u);
    for (const auto& i : j.at("items")) {
        for (const char* key : {"id", "category", "severity", "unit", "figure", "threshold", "reason"})
            EXPECT_TRUE(i.at(key).is_string()) << key;
        EXPECT_TRUE(i.at("value").is_number() || i.at("value").is_null());
    }
    EXPECT_NEAR(j.at("analysis").at("integrated_lufs").get<double>(), -14.0, 0.1);
    EXPECT_EQ(j.at("format").at("bits_per_sample"), 24);
    EXPECT_EQ(j.at("platforms").size(), 7u);
    EXPECT_EQ(j.at("translation").size(), 6u);
    EXPECT_EQ(j.at("codecs").at("results").size(), 5u);
    EXPECT_TRUE(j.at("codecs").at("whole_file").get<bool>());
    EXPECT_EQ(j.at("balance").at("deviation_db").size(), 31u);
    EXPECT_EQ(j.at("dither").at("state"), "not-reduced");
    EXPECT_TRUE(j.at("overs").is_null());
    EXPECT_GT(j.at("timing_s").at("total").get<double>(), 0.0);
}

TEST(CheckCli, ClippedMasterFailsWithExitOne) {
    test::TempDir dir;
    AudioBuffer clipped = test::balancedDemoMix(kRate, 12.0);
    test::applyGainDb(clipped, -14.0 - test::integratedLufs(clipped.block(), kRate));
    for (int c = 0; c < 2; ++c)
        for (auto& s : clipped.channel(c)) s = std::clamp(s, -1.0f, 1.0f);
    const auto file = writeWav(dir, "clipped.wav", clipped);
    const auto run = test::runLathe(dir, "check --json " + arg(file));
    EXPECT_EQ(run.exitCode, 1) << run.err;
    const auto j = parse(run.out);
    EXPECT_EQ(j.at("verdict"), "FAIL");
    EXPECT_EQ(severityOf(j, "clipping"), "FAIL");
    EXPECT_EQ(severityOf(j, "true-peak"), "FAIL");
    ASSERT_FALSE(j.at("overs").is_null());
    EXPECT_GT(j.at("overs").at("events").get<int>(), 0);
}

TEST(CheckCli, UnreadableFilesExitTwoWithOneLine) {
    test::TempDir dir;
    const auto missing = test::runLathe(dir, "check " + arg(dir / "nope.wav"));
    EXPECT_EQ(missing.exitCode, 2);
    ASSERT_EQ(missing.errLines().size(), 1u) << missing.err;
    EXPECT_NE(missing.err.find("nope.wav"), std::string::npos);
    EXPECT_EQ(missing.err.rfind("lathe: ", 0), 0u);

    const fs::path garbage = dir / "garbage.wav";
    std::ofstream(garbage) << "this is not a RIFF file at all, just text";
    const auto bad = test::runLathe(dir, "check --json " + arg(garbage));
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_TRUE(bad.out.empty());
    EXPECT_EQ(bad.errLines().size(), 1u) << bad.err;
}

TEST(CheckCli, TargetsAndCeiling) {
    test::TempDir dir;
    const auto file = writeWav(dir, "clean.wav", cleanMaster());
    // A number of LUFS: -23 LUFS is 9 LU away.
    const auto broadcast = test::runLathe(dir, "check --json --target -23 " + arg(file));
    EXPECT_EQ(broadcast.exitCode, 1);
    EXPECT_EQ(severityOf(parse(broadcast.out), "loudness"), "FAIL");
    // An unknown preset is a usage error naming the presets.
    const auto bogus = test::runLathe(dir, "check --target loudest " + arg(file));
    EXPECT_EQ(bogus.exitCode, 2);
    EXPECT_NE(bogus.err.find("streaming"), std::string::npos) << bogus.err;
    // The ceiling: the master's true peak is under -1.5 dBTP.
    const auto strict = test::runLathe(dir, "check --json --ceiling -2 " + arg(file));
    EXPECT_EQ(strict.exitCode, 1);
    const auto strictJson = parse(strict.out);
    EXPECT_EQ(severityOf(strictJson, "true-peak"), "FAIL");
    EXPECT_EQ(strictJson.at("target").at("ceiling_dbtp"), -2.0);
    const auto relaxed = test::runLathe(dir, "check --json --ceiling -0.5 " + arg(file));
    EXPECT_EQ(relaxed.exitCode, 0);
    EXPECT_EQ(severityOf(parse(relaxed.out), "true-peak"), "PASS");
}

TEST(CheckCli, CdTargetWantsFortyFourOneSixteenBit) {
    test::TempDir dir;
    AudioBuffer m = test::balancedDemoMix(48000.0, 12.0);
    test::makeMaster(m, 48000.0, -10.5, -0.5);
    const auto file = writeWav(dir, "cd-48k-24.wav", m, 48000.0);
    const auto run = test::runLathe(dir, "check --json --target cd " + arg(file));
    EXPECT_EQ(run.exitCode, 1);
    const auto j = parse(run.out);
    EXPECT_EQ(severityOf(j, "sample-rate"), "FAIL");
    EXPECT_EQ(severityOf(j, "bit-depth"), "FAIL");
    EXPECT_EQ(j.at("target").at("name"), "cd");
}

TEST(CheckCli, TruncatedSixteenBitFileWarnsAndExitsZero) {
    test::TempDir dir;
    AudioBuffer faded = test::copyOf(cleanMaster().block());
    const auto fade = std::size_t(4.0 * kRate);
    for (int c = 0; c < 2; ++c) {
        auto x = faded.channel(c);
        for (std::size_t i = 0; i < fade; ++i)
            x[x.size() - fade + i] *= float(std::pow(10.0, -100.0 * double(i) / double(fade) / 20.0));
        for (auto& s : x) s = float(std::floor(double(s) * 32768.0) / 32768.0);  // truncate, no dither
    }
    const auto file = writeWav(dir, "truncated.wav", faded, kRate, SampleEncoding::Pcm16);
    const auto run = test::runLathe(dir, "check --json " + arg(file));
    EXPECT_EQ(run.exitCode, 0) << run.err;
    const auto j = parse(run.out);
    EXPECT_EQ(j.at("verdict"), "WARN");
    EXPECT_EQ(severityOf(j, "dither"), "WARN");
    EXPECT_EQ(j.at("dither").at("state"), "truncated");
    EXPECT_EQ(j.at("format").at("bits_per_sample"), 16);
}

TEST(CheckCli, HtmlReportIsWrittenAndNeverOverAnInput) {
    test::TempDir dir;
    const auto file = writeWav(dir, "clean.wav", cleanMaster());
    const auto report = dir / "report.html";
    const auto run = test::runLathe(dir, "check --html " + arg(report) + " " + arg(file));
    EXPECT_EQ(run.exitCode, 0) << run.err;
    ASSERT_TRUE(fs::exists(report));
    const std::string html = test::readFile(report);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("id=\"chart-waveform\""), std::string::npos);

    const auto sizeBefore = fs::file_size(file);
    const auto overInput = test::runLathe(dir, "check --html " + arg(file) + " " + arg(file));
    EXPECT_EQ(overInput.exitCode, 2);
    EXPECT_EQ(fs::file_size(file), sizeBefore);
    EXPECT_EQ(overInput.errLines().size(), 1u) << overInput.err;
}

TEST(CheckCli, ReferenceTrackIsTheBalanceTarget) {
    test::TempDir dir;
    const auto file = writeWav(dir, "clean.wav", cleanMaster());
    // Against itself: no tonal deviation at all.
    const auto self = test::runLathe(dir, "check --json --reference " + arg(file) + " " + arg(file));
    ASSERT_EQ(self.exitCode, 0) << self.err;
    const auto j = parse(self.out);
    EXPECT_EQ(j.at("balance").at("reference"), "reference clean.wav");
    for (const auto& d : j.at("balance").at("deviation_db"))
        if (!d.is_null()) {
            EXPECT_NEAR(d.get<double>(), 0.0, 1e-6);
        }
    // Against a much brighter reference (white noise), the master reads dark.
    const auto bright = writeWav(dir, "bright.wav", test::whiteNoise(kRate, 6.0, 0.3));
    const auto dark = test::runLathe(dir, "check --json --reference " + arg(bright) + " " + arg(file));
    EXPECT_EQ(severityOf(parse(dark.out), "tonal-high"), "FAIL") << dark.out.substr(0, 200);
    // A reference that cannot be read is an error (exit 2).
    const auto missing = test::runLathe(dir, "check --reference " + arg(dir / "none.wav") + " " + arg(file));
    EXPECT_EQ(missing.exitCode, 2);
}

}  // namespace

// The clean master is 20 s: previewed whole by default. A 30 s file is previewed in excerpts, and
// the codec items say so; --codec-full previews all of it; --no-codecs skips the preview.
TEST(CheckCli, CodecPreviewIsExcerptedForLongFilesUnlessAskedForTheWholeFile) {
    test::TempDir dir;
    AudioBuffer longMaster = test::balancedDemoMix(kRate, 30.0);
    test::makeMaster(longMaster, kRate, -14.0, -1.5);
    const auto file = writeWav(dir, "long.wav", longMaster);

    const auto excerpted = parse(test::runLathe(dir, "check --json " + arg(file)).out);
    ASSERT_TRUE(excerpted.at("codecs").is_object());
    EXPECT_FALSE(excerpted.at("codecs").at("whole_file").get<bool>());
    EXPECT_LT(excerpted.at("codecs").at("previewed_s").get<double>(), 29.0);
    const auto* mp3 = item(excerpted, "codec-mp3-128");
    ASSERT_NE(mp3, nullptr);
    EXPECT_NE(mp3->at("reason").get<std::string>().find("--codec-full"), std::string::npos) << *mp3;

    const auto whole = parse(test::runLathe(dir, "check --json --codec-full " + arg(file)).out);
    EXPECT_TRUE(whole.at("codecs").at("whole_file").get<bool>());
    EXPECT_NEAR(whole.at("codecs").at("previewed_s").get<double>(), 30.0, 0.01);

    const auto none = parse(test::runLathe(dir, "check --json --no-codecs " + arg(file)).out);
    EXPECT_TRUE(none.at("codecs").is_null());
    EXPECT_EQ(severityOf(none, "codec-mp3-128"), "missing");
}
