// `lathe master` as a user runs it: exit codes, one-line errors, outputs, the JSON and HTML reports.
#include <gtest/gtest.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lathe/audio_file.h"
#include "lathe/synth/demo_mix.h"
#include "support/cli_run.h"
#include "support/temp_dir.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {
fs::path writeDemo(const test::TempDir& dir) {
    synth::DemoMixParams params;
    params.seconds = 8.0;
    const auto path = dir / "mix.wav";
    EXPECT_TRUE(writeAudioFile(path, synth::makeDemoMix(params).block(), 48000, {}).ok());
    return path;
}
}  // namespace

TEST(MasterCli, MastersWithNegativeNumberValuesAndWritesBothReports) {
    test::TempDir dir;
    const auto in = writeDemo(dir);
    const auto run = test::runLathe(dir, "master " + test::shellQuote(in.string()) + " -o " + test::shellQuote((dir / "m.flac").string()) +
                                             " --target -14 --ceiling -1 --report " + test::shellQuote((dir / "r.json").string()) +
                                             " --report-html " + test::shellQuote((dir / "r.html").string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_NE(run.out.find("integrated loudness"), std::string::npos);
    const auto report = nlohmann::json::parse(test::readFile(dir / "r.json"));
    EXPECT_NEAR(report["after"]["integrated_lufs"].get<double>(), -14.0, 0.1);
    EXPECT_LE(report["after"]["true_peak_dbtp"].get<double>(), -1.0);
    std::string html = test::readFile(dir / "r.html");
    // The SVG namespace is an identifier, not a fetch; anything else with a scheme would be.
    for (std::size_t at; (at = html.find("http://www.w3.org/2000/svg")) != std::string::npos;) html.erase(at, 26);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos) << "self-contained: no network references";
    EXPECT_EQ(html.find("https://"), std::string::npos) << "self-contained: no network references";
}

TEST(MasterCli, ErrorsAreOneLineAndLeaveNothingBehind) {
    test::TempDir dir;
    const auto in = writeDemo(dir);
    const auto q = [](const fs::path& p) { return test::shellQuote(p.string()); };
    struct Case {
        std::string arguments;
        const char* words;
        int exitCode;
    };
    const Case cases[] = {
        {q(in) + " -o " + q(in), "input file", 1},
        {q(in) + " -o " + q(dir / "o.wav") + " --target loudest", "presets", 1},
        {q(dir / "missing.wav") + " -o " + q(dir / "o.wav"), "no such file", 1},
        {q(in) + " -o " + q(dir / "o.flac") + " --bit-depth 32f", "FLAC", 1},
        {q(in) + " -o " + q(dir / "o.wav") + " --amount 150", "", 2},
    };
    for (const auto& c : cases) {
        const auto run = test::runLathe(dir, "master " + c.arguments);
        EXPECT_EQ(run.exitCode, c.exitCode) << c.arguments << "\n" << run.err;
        if (c.exitCode == 1) {
            ASSERT_EQ(run.errLines().size(), 1u) << run.err;
            EXPECT_NE(run.err.find(c.words), std::string::npos) << run.err;
        }
    }
    for (const auto& entry : fs::directory_iterator(dir.path()))
        EXPECT_TRUE(entry.path().filename() == "mix.wav" || entry.path().filename().string().rfind("lathe-", 0) == 0 ||
                    entry.path().extension() == ".txt")
            << "left behind: " << entry.path();
}
