// `lathe album` as a user runs it: outputs, reports, progress only on a terminal, one-line errors.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lathe/audio_file.h"
#include "support/cli_run.h"
#include "support/masters.h"
#include "support/temp_dir.h"
#include "util/text.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {

// Three short tracks at -20, -24 and -22 LUFS.
std::string writeTracks(const test::TempDir& dir) {
    std::string arguments;
    const double lufs[] = {-20.0, -24.0, -22.0};
    for (int i = 0; i < 3; ++i) {
        AudioBuffer mix = test::balancedDemoMix(48000.0, 3.0, false, 3.0 * i);
        test::applyGainDb(mix, lufs[i] - test::integratedLufs(mix.block(), 48000.0));
        const auto path = dir / formatText("track %d.wav", i + 1);
        EXPECT_TRUE(writeAudioFile(path, mix.block(), 48000.0, {}).ok());
        arguments += test::shellQuote(path) + " ";
    }
    return arguments;
}

}  // namespace

TEST(AlbumCli, QuietRunWritesTracksSingleFileCueAndBothReports) {
    test::TempDir dir;
    const std::string tracks = writeTracks(dir);
    const auto run = test::runLathe(dir, "album " + tracks + "--out-dir " + test::shellQuote(dir / "out") +
                                             " --target -16 --loudness equal --single-file --gap 1 --jobs 2 --quiet --report " +
                                             test::shellQuote(dir / "r.json"));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_EQ(run.err, "");
    for (const char* name : {"01 - track 1.wav", "02 - track 2.wav", "03 - track 3.wav", "album.wav", "album.cue", "album.json"})
        EXPECT_TRUE(fs::exists(dir / "out" / name)) << name;
    EXPECT_EQ(test::readFile(dir / "r.json"), test::readFile(dir / "out" / "album.json"));
    const auto report = nlohmann::json::parse(test::readFile(dir / "r.json"));
    EXPECT_EQ(report["lathe_report"], "album");
    EXPECT_EQ(report["loudness_mode"], "equal");
    EXPECT_EQ(report["jobs"], 2);
    ASSERT_EQ(report["tracks"].size(), 3u);
    for (const auto& track : report["tracks"]) {
        EXPECT_NEAR(track["after"]["integrated_lufs"].get<double>(), -16.0, 0.1);
        EXPECT_LE(track["after"]["true_peak_dbtp"].get<double>(), -1.0);
        EXPECT_TRUE(track["master"].is_object());
    }
    EXPECT_LE(report["album"]["loudness_spread_after_lu"].get<double>(), 0.3);
    EXPECT_NEAR(report["album"]["loudness_spread_before_lu"].get<double>(), 4.0, 0.1);
    ASSERT_TRUE(report["single_file"].is_object());
    EXPECT_EQ(report["single_file"]["tracks"].size(), 3u);
    EXPECT_NEAR(report["single_file"]["tracks"][1]["start_s"].get<double>(), 4.0, 1e-9) << "3 s track + 1 s gap";
    const std::string cue = test::readFile(dir / "out" / "album.cue");
    EXPECT_NE(cue.find("TRACK 03 AUDIO"), std::string::npos) << cue;
    EXPECT_NE(cue.find("INDEX 01 00:04:00"), std::string::npos) << cue;
}

TEST(AlbumCli, SummaryOnStdoutAndNoProgressWhenStderrIsNotATerminal) {
    test::TempDir dir;
    const auto run = test::runLathe(dir, "album " + writeTracks(dir) + "--out-dir " + test::shellQuote(dir / "out"));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_NE(run.out.find("lathe album: 3 tracks (streaming, album loudness"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("01 - track 1.wav"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("loudness spread: 4.0 LU -> 4.0 LU"), std::string::npos) << run.out;
}

// On a terminal (a pseudo-terminal made by util-linux `script`) the progress line shows; --quiet hides it.
TEST(AlbumCli, ProgressOnATerminalUnlessQuiet) {
    if (std::system("command -v script >/dev/null 2>&1") != 0) GTEST_SKIP() << "util-linux `script` is not installed";
    test::TempDir dir;
    const std::string tracks = writeTracks(dir);
    const char* cli = std::getenv("LATHE_CLI");
    ASSERT_NE(cli, nullptr);
    auto onTerminal = [&](const std::string& extra, const std::string& out) {
        const std::string command = test::shellQuote(cli) + " album " + tracks + "--out-dir " + test::shellQuote(dir / out) + extra + " >/dev/null";
        return test::runCommand(dir, "script -qec " + test::shellQuote(command) + " /dev/null");
    };
    const auto shown = onTerminal("", "a");
    ASSERT_EQ(shown.exitCode, 0) << shown.out << shown.err;
    EXPECT_NE(shown.out.find("lathe album: mastering"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find("3/3 done"), std::string::npos) << shown.out;
    EXPECT_NE(shown.out.find('\r'), std::string::npos);
    const auto quiet = onTerminal(" --quiet", "b");
    ASSERT_EQ(quiet.exitCode, 0) << quiet.out << quiet.err;
    EXPECT_EQ(quiet.out.find("lathe album"), std::string::npos) << quiet.out;
}

TEST(AlbumCli, ErrorsAreOneLineAndLeaveNothingBehind) {
    test::TempDir dir;
    const std::string tracks = writeTracks(dir);
    ASSERT_TRUE(writeAudioFile(dir / "silent.wav", AudioBuffer(2, 96000).block(), 48000.0, {}).ok());
    const std::string out = " --out-dir " + test::shellQuote(dir / "out");
    struct Case {
        std::string arguments;
        const char* words;
        int exitCode;
    };
    const Case cases[] = {
        {tracks + test::shellQuote(dir / "missing.wav") + out, "missing.wav: no such file", 1},
        {tracks + test::shellQuote(dir / "silent.wav") + out, "silent.wav: is silent", 1},
        {tracks + out + " --target loudest", "presets", 1},
        {tracks + out + " --reference " + test::shellQuote(dir / "no-reference.wav"), "no-reference.wav", 1},
        {tracks + out + " --single-file --gap 61", "", 2},
        {tracks + out + " --loudness loud", "", 2},
        {tracks + out + " --jobs 0", "", 2},
        {tracks, "", 2},
    };
    for (const auto& c : cases) {
        const auto run = test::runLathe(dir, "album " + c.arguments);
        EXPECT_EQ(run.exitCode, c.exitCode) << c.arguments << "\n" << run.err;
        if (c.exitCode == 1) {
            ASSERT_EQ(run.errLines().size(), 1u) << run.err;
            EXPECT_NE(run.err.find(c.words), std::string::npos) << run.err;
        }
        EXPECT_FALSE(fs::exists(dir / "out")) << c.arguments;
    }
}
