// `lathe analyze` end to end: runs the built binary ($LATHE_CLI) on generated and broken files.
#include <gtest/gtest.h>
#include <sndfile.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "lathe/audio_file.h"
#include "support/cli_run.h"
#include "support/signals.h"
#include "util/random.h"
#include "support/temp_dir.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {

// The shared runner (tests/support/cli_run.h).
using test::CliRun;
using test::runLathe;
std::string quote(const std::string& text) { return test::shellQuote(text); }

fs::path writeWav(const test::TempDir& dir, const std::string& name, const AudioBuffer& audio, double rate,
                  SampleEncoding encoding = SampleEncoding::Pcm24) {
    const fs::path path = dir / name;
    EXPECT_TRUE(writeAudioFile(path, audio.block(), rate, {FileFormat::Wav, encoding, {}}).ok());
    return path;
}

nlohmann::json parse(const std::string& text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << text.substr(0, 200);
    return j;
}

const char* const kNumberKeys[] = {"sample_rate", "duration_s", "head_silence_s", "tail_silence_s"};
const char* const kIntegerKeys[] = {"channels", "frames", "clipped_runs"};
const char* const kNumberOrNullKeys[] = {
    "integrated_lufs", "loudness_range_lu", "max_momentary_lufs", "max_short_term_lufs", "true_peak_dbtp",
    "sample_peak_dbfs", "plr_db", "crest_factor_db", "dc_offset_dbfs", "stereo_correlation", "side_to_mid_db",
    "mono_fold_down_lu", "spectral_tilt_db_per_octave", "dr_tt"};

void expectAllKeys(const nlohmann::json& j) {
    ASSERT_TRUE(j.is_object());
    EXPECT_TRUE(j.at("file").is_string());
    for (const char* key : kNumberKeys) EXPECT_TRUE(j.contains(key) && j[key].is_number()) << key;
    for (const char* key : kIntegerKeys) EXPECT_TRUE(j.contains(key) && j[key].is_number_integer()) << key;
    for (const char* key : kNumberOrNullKeys)
        EXPECT_TRUE(j.contains(key) && (j[key].is_number() || j[key].is_null())) << key;
    for (const char* key : {"third_octave_mid_db", "third_octave_side_db"}) {
        ASSERT_TRUE(j.contains(key) && j[key].is_array()) << key;
        EXPECT_EQ(j[key].size(), 31u) << key;
        for (const auto& band : j[key]) EXPECT_TRUE(band.is_number() || band.is_null()) << key;
    }
}

// Writes interleaved float samples with libsndfile directly (lathe's writer would not write a NaN).
fs::path writeRawFloat(const test::TempDir& dir, const std::string& name, const std::vector<float>& interleaved, int channels) {
    const fs::path path = dir / name;
    SF_INFO info{};
    info.samplerate = 48000;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    EXPECT_NE(file, nullptr);
    sf_writef_float(file, interleaved.data(), sf_count_t(interleaved.size()) / channels);
    sf_close(file);
    return path;
}

}  // namespace

TEST(CliAnalyze, JsonHasEveryKeyWithTheRightType) {
    test::TempDir dir;
    const auto path = writeWav(dir, "noise.wav", test::pinkNoise(44100, 5.0, 0.5, 2), 44100);
    const CliRun run = runLathe(dir, "analyze --json " + quote(path.string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto j = parse(run.out);
    expectAllKeys(j);
    EXPECT_EQ(j["file"], path.string());
    EXPECT_EQ(j["sample_rate"], 44100);
    EXPECT_EQ(j["channels"], 2);
    EXPECT_EQ(j["frames"], 5 * 44100);
    EXPECT_TRUE(j["integrated_lufs"].is_number());
    EXPECT_TRUE(j["true_peak_dbtp"].is_number());
    EXPECT_TRUE(j["stereo_correlation"].is_number());
    EXPECT_FALSE(j.contains("momentary_lufs"));
}

TEST(CliAnalyze, SeriesAtTenMilliseconds) {
    test::TempDir dir;
    const auto path = writeWav(dir, "noise.wav", test::pinkNoise(48000, 4.0, 0.5, 2), 48000);
    const CliRun run = runLathe(dir, "analyze --json --series " + quote(path.string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto j = parse(run.out);
    EXPECT_EQ(j.at("series_hop_s"), 0.01);
    ASSERT_TRUE(j.at("momentary_lufs").is_array());
    ASSERT_TRUE(j.at("short_term_lufs").is_array());
    // One value per 10 ms hop: about 400 for 4 s (the meter decides the exact first and last hop).
    EXPECT_NEAR(double(j["momentary_lufs"].size()), 400.0, 41.0);
    EXPECT_NEAR(double(j["short_term_lufs"].size()), 400.0, 301.0);
}

TEST(CliAnalyze, TableByDefault) {
    test::TempDir dir;
    const auto path = writeWav(dir, "tone.wav", test::sine(48000, 1000, 4.0, 0.5, 2), 48000);
    const CliRun run = runLathe(dir, "analyze " + quote(path.string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    for (const char* row : {"integrated loudness", "true peak", "stereo correlation", "dynamic range (TT)", "1/3-octave"})
        EXPECT_NE(run.out.find(row), std::string::npos) << row;
    EXPECT_TRUE(run.err.empty()) << run.err;
}

TEST(CliAnalyze, MonoFileHasNullStereoFigures) {
    test::TempDir dir;
    const auto path = writeWav(dir, "mono.wav", test::pinkNoise(44100, 4.0, 0.5, 1), 44100);
    const CliRun run = runLathe(dir, "analyze --json " + quote(path.string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto j = parse(run.out);
    expectAllKeys(j);
    EXPECT_TRUE(j["stereo_correlation"].is_null());
    EXPECT_TRUE(j["side_to_mid_db"].is_null());
    EXPECT_TRUE(j["mono_fold_down_lu"].is_null());
    for (const auto& band : j["third_octave_side_db"]) EXPECT_TRUE(band.is_null());
}

TEST(CliAnalyze, SilentFileGivesNullLoudnessAndAWarning) {
    test::TempDir dir;
    const auto path = writeWav(dir, "silence.wav", AudioBuffer(2, 48000 * 4), 48000);
    const CliRun run = runLathe(dir, "analyze --json " + quote(path.string()));
    EXPECT_EQ(run.exitCode, 0);  // analysable: a warning, not an error
    const auto j = parse(run.out);
    expectAllKeys(j);
    for (const char* key : {"integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "sample_peak_dbfs", "plr_db"})
        EXPECT_TRUE(j[key].is_null()) << key;
    ASSERT_EQ(run.errLines().size(), 1u) << run.err;
    EXPECT_EQ(run.errLines()[0].rfind("lathe: warning: " + path.string() + ": silent:", 0), 0u) << run.err;
    ASSERT_EQ(j["warnings"].size(), 1u);
}

TEST(CliAnalyze, BadInputsGiveOneLineErrorsAndNonZeroExit) {
    test::TempDir dir;
    // Not audio.
    const auto text = dir / "notes.wav";
    std::ofstream(text) << "these are not the samples you are looking for\n";
    // Empty.
    const auto empty = dir / "empty.wav";
    std::ofstream(empty).close();
    // Truncated: a valid 24-bit WAV with its second half cut off.
    const auto whole = writeWav(dir, "whole.wav", test::pinkNoise(48000, 2.0, 0.5, 2), 48000);
    const auto truncated = dir / "truncated.wav";
    fs::copy_file(whole, truncated);
    fs::resize_file(truncated, fs::file_size(whole) / 2);
    // A NaN sample in a float file.
    std::vector<float> samples(48000 * 2, 0.25f);
    samples[1000] = std::numeric_limits<float>::quiet_NaN();
    const auto nan = writeRawFloat(dir, "nan.wav", samples, 2);
    // A folder.
    const auto folder = dir / "folder.wav";
    fs::create_directory(folder);

    struct Case {
        fs::path path;
        const char* problem;
    };
    for (const Case& c : {Case{dir / "missing.wav", "no such file"}, Case{text, "not a readable audio file"},
                          Case{empty, "empty"}, Case{truncated, "truncated"}, Case{nan, "NaN"}, Case{folder, "directory"}}) {
        SCOPED_TRACE(c.path.string());
        for (const char* mode : {"", "--json "}) {
            const CliRun run = runLathe(dir, std::string("analyze ") + mode + quote(c.path.string()));
            EXPECT_NE(run.exitCode, 0);
            const auto lines = run.errLines();
            ASSERT_EQ(lines.size(), 1u) << run.err;
            EXPECT_EQ(lines[0].rfind("lathe: ", 0), 0u) << lines[0];
            EXPECT_NE(lines[0].find(c.path.string()), std::string::npos) << lines[0];
            EXPECT_NE(lines[0].find(c.problem), std::string::npos) << lines[0];
        }
    }
}

TEST(CliAnalyze, SeveralFilesGiveAnArrayAndAnyFailureFailsTheRun) {
    test::TempDir dir;
    const auto a = writeWav(dir, "a.wav", test::pinkNoise(44100, 3.0, 0.5, 2), 44100);
    const auto b = writeWav(dir, "b.wav", test::sine(48000, 440, 3.0, 0.25, 1), 48000, SampleEncoding::Float32);
    const CliRun good = runLathe(dir, "analyze --json " + quote(a.string()) + " " + quote(b.string()));
    ASSERT_EQ(good.exitCode, 0) << good.err;
    const auto array = parse(good.out);
    ASSERT_TRUE(array.is_array());
    ASSERT_EQ(array.size(), 2u);
    expectAllKeys(array[0]);
    expectAllKeys(array[1]);
    EXPECT_EQ(array[0]["file"], a.string());
    EXPECT_EQ(array[1]["file"], b.string());
    EXPECT_EQ(array[1]["channels"], 1);

    // A missing file among good ones: the good ones are still analysed; the run fails.
    const auto missing = dir / "missing.wav";
    const CliRun mixed = runLathe(dir, "analyze --json " + quote(a.string()) + " " + quote(missing.string()) + " " + quote(b.string()));
    EXPECT_NE(mixed.exitCode, 0);
    const auto partial = parse(mixed.out);
    ASSERT_TRUE(partial.is_array());
    EXPECT_EQ(partial.size(), 2u);
    ASSERT_EQ(mixed.errLines().size(), 1u) << mixed.err;
    EXPECT_NE(mixed.errLines()[0].find(missing.string()), std::string::npos);

    const CliRun table = runLathe(dir, "analyze " + quote(a.string()) + " " + quote(missing.string()));
    EXPECT_NE(table.exitCode, 0);
    EXPECT_NE(table.out.find(a.string()), std::string::npos);
}

TEST(CliAnalyze, PeakMemoryOfAFourMinuteFileStaysBelow64MiB) {
#if defined(__SANITIZE_ADDRESS__)
    GTEST_SKIP() << "AddressSanitizer's shadow memory makes resident-set figures meaningless";
#else
    test::TempDir dir;
    const fs::path path = dir / "four-minutes.wav";
    {
        // 240 s of 44.1 kHz 24-bit stereo noise, written in blocks (about 63 MB on disk).
        auto writer = AudioFileWriter::create(path, 44100, 2, {FileFormat::Wav, SampleEncoding::Pcm24, {}});
        ASSERT_TRUE(writer.ok()) << writer.error().message;
        AudioBuffer block(2, 44100);
        Random random(1);
        for (int second = 0; second < 240; ++second) {
            for (int c = 0; c < 2; ++c)
                for (auto& sample : block.channel(c)) sample = 0.3f * random.bipolar();
            ASSERT_TRUE(writer->write(block.block()).ok());
        }
        ASSERT_TRUE(writer->commit().ok());
    }
    const CliRun run = runLathe(dir, "analyze --json --series " + quote(path.string()));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_DOUBLE_EQ(parse(run.out).at("duration_s").get<double>(), 240.0);
    // The largest resident set of any child waited for so far: every other child analysed a small file.
    rusage usage{};
    ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
    const double peakMiB = double(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
    EXPECT_LT(peakMiB, 64.0);
    RecordProperty("peak_rss_mib", std::to_string(peakMiB));
#endif
}

TEST(CliAnalyze, NoFileIsAUsageError) {
    test::TempDir dir;
    const CliRun run = runLathe(dir, "analyze");
    EXPECT_EQ(run.exitCode, 2);
}
