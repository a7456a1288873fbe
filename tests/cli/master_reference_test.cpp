// `lathe master --reference` and `--analyze-reference` as a user runs them: outputs, the report's
// reference section, the profile file round trip, exit codes and one-line errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "lathe/audio_file.h"
#include "lathe/synth/demo_mix.h"
#include "support/cli_run.h"
#include "support/masters.h"
#include "support/temp_dir.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {

// The demo mix, and a louder, brighter reference made from it at 96 kHz.
void writeMixAndReference(const test::TempDir& dir) {
    synth::DemoMixParams params;
    params.seconds = 8.0;
    const auto mix = synth::makeDemoMix(params);
    ASSERT_TRUE(writeAudioFile(dir / "mix.wav", mix.block(), 48000, {}).ok());
    auto reference = test::balancedDemoMix(96000.0, 8.0, false, 0.0, false);
    test::makeMaster(reference, 96000.0, -11.0, -1.0);
    ASSERT_TRUE(writeAudioFile(dir / "ref.flac", reference.block(), 96000, {FileFormat::Flac, SampleEncoding::Pcm24, {}}).ok());
}

}  // namespace

TEST(MasterReferenceCli, ProfileFileMatchesLikeTheAudioAndTheReportShowsDistances) {
    test::TempDir dir;
    writeMixAndReference(dir);
    auto run = test::runLathe(dir, "master --analyze-reference " + test::shellQuote(dir / "ref.flac") + " -o " + test::shellQuote(dir / "ref.json"));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_NE(run.out.find("ref.json"), std::string::npos);
    const auto profile = nlohmann::json::parse(test::readFile(dir / "ref.json"));
    EXPECT_EQ(profile["lathe_reference_profile"], 1);
    EXPECT_NEAR(profile["integrated_lufs"].get<double>(), -11.0, 0.1);

    nlohmann::json reports[2];
    const char* references[2] = {"ref.flac", "ref.json"};
    const char* masters[2] = {"m0.wav", "m1.wav"};
    const char* reportFiles[2] = {"r0.json", "r1.json"};
    for (int i = 0; i < 2; ++i) {
        const auto out = dir / masters[i];
        const auto report = dir / reportFiles[i];
        run = test::runLathe(dir, "master " + test::shellQuote(dir / "mix.wav") + " -o " + test::shellQuote(out) + " --reference " + test::shellQuote(dir / references[i]) +
                                      " --match eq=100,loudness=100,width=100,dynamics=50 --report " + test::shellQuote(report));
        ASSERT_EQ(run.exitCode, 0) << run.err;
        EXPECT_NE(run.out.find("spectrum (1/3 oct, dB RMS)"), std::string::npos) << run.out;
        reports[i] = nlohmann::json::parse(test::readFile(report));
    }
    // The saved profile steers exactly as the audio does.
    EXPECT_EQ(reports[0]["reference"]["distances"]["spectral_db_rms"]["before"],
              reports[1]["reference"]["distances"]["spectral_db_rms"]["before"]);
    EXPECT_EQ(reports[0]["plan"]["match_eq"], reports[1]["plan"]["match_eq"]);
    const auto& distances = reports[1]["reference"]["distances"];
    EXPECT_LT(std::abs(distances["loudness_lu"]["after"].get<double>()), 0.2);
    EXPECT_LT(distances["spectral_db_rms"]["after"].get<double>(), distances["spectral_db_rms"]["before"].get<double>());
    EXPECT_NEAR(reports[1]["after"]["integrated_lufs"].get<double>(), -11.0, 0.2);
    EXPECT_LE(reports[1]["after"]["true_peak_dbtp"].get<double>(), -1.0);
    EXPECT_TRUE(reports[1]["plan"]["match_eq"]["enabled"].get<bool>());
}

TEST(MasterReferenceCli, SeveralWeightedReferences) {
    test::TempDir dir;
    writeMixAndReference(dir);
    ASSERT_EQ(test::runLathe(dir, "master --analyze-reference " + test::shellQuote(dir / "ref.flac") + " -o " + test::shellQuote(dir / "ref.json") + " -q").exitCode, 0);
    auto quiet = test::balancedDemoMix(48000.0, 8.0);
    test::makeMaster(quiet, 48000.0, -15.0, -1.0);
    ASSERT_TRUE(writeAudioFile(dir / "quiet.wav", quiet.block(), 48000, {}).ok());
    const auto run = test::runLathe(dir, "master " + test::shellQuote(dir / "mix.wav") + " -o " + test::shellQuote(dir / "m.wav") + " --reference " + test::shellQuote(dir / "ref.json") +
                                             " --reference " + test::shellQuote(dir / "quiet.wav") + " --reference-weight 3 --reference-weight 1 --report " +
                                             test::shellQuote(dir / "r.json") + " -q");
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_TRUE(run.out.empty());
    const auto report = nlohmann::json::parse(test::readFile(dir / "r.json"));
    EXPECT_EQ(report["reference"]["source"], "ref.flac + quiet.wav");
    EXPECT_NEAR(report["after"]["integrated_lufs"].get<double>(), (3.0 * -11.0 + 1.0 * -15.0) / 4.0, 0.25);
}

TEST(MasterReferenceCli, ErrorsAreOneLineWithTheRightExitCode) {
    test::TempDir dir;
    writeMixAndReference(dir);
    std::ofstream(dir / "broken.json") << "{\"lathe_reference_profile\": 1, \"integrated_lufs\": ";
    const auto mix = test::shellQuote(dir / "mix.wav");
    const auto out = " -o " + test::shellQuote(dir / "o.wav");
    struct Case {
        std::string arguments;
        const char* words;
        int exitCode;
    };
    const Case cases[] = {
        {mix + out + " --reference " + test::shellQuote(dir / "ref.flac") + " --match eq=100,bass=3", "'bass=3'", 1},
        {mix + out + " --reference " + test::shellQuote(dir / "ref.flac") + " --match loudness=120", "'loudness=120'", 1},
        {mix + out + " --reference " + test::shellQuote(dir / "missing.wav"), "missing.wav", 1},
        {mix + out + " --reference " + test::shellQuote(dir / "broken.json"), "broken.json", 1},
        {mix + " -o " + test::shellQuote(dir / "ref.flac") + " --reference " + test::shellQuote(dir / "ref.flac"), "reference file", 1},
        {"--analyze-reference " + test::shellQuote(dir / "missing.wav") + " -o " + test::shellQuote(dir / "p.json"), "missing.wav", 1},
        {mix + out + " --reference " + test::shellQuote(dir / "ref.flac") + " --reference-weight 1 --reference-weight 2", "", 2},
        {mix + out + " --match eq=50", "", 2},
        {"-o " + test::shellQuote(dir / "o.wav") + " --reference " + test::shellQuote(dir / "ref.flac"), "", 2},
        {mix + out + " --reference " + test::shellQuote(dir / "ref.flac") + " --match-max-db 40", "", 2},
    };
    for (const auto& c : cases) {
        const auto run = test::runLathe(dir, "master " + c.arguments);
        EXPECT_EQ(run.exitCode, c.exitCode) << c.arguments << "\n" << run.err;
        if (c.exitCode == 1) {
            ASSERT_EQ(run.errLines().size(), 1u) << run.err;
            EXPECT_NE(run.err.find(c.words), std::string::npos) << run.err;
        }
    }
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        const auto name = entry.path().filename().string();
        EXPECT_TRUE(name == "mix.wav" || name == "ref.flac" || name == "broken.json" || name.rfind("lathe-", 0) == 0 ||
                    entry.path().extension() == ".txt")
            << "left behind: " << entry.path();
    }
}
