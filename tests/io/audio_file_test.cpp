#include "lathe/audio_file.h"
#include "lathe/atomic_file.h"

#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "support/signals.h"
#include "support/temp_dir.h"

using namespace lathe;
namespace fs = std::filesystem;

namespace {

// Writes interleaved float data with libsndfile directly (to make inputs lathe's writer refuses to make).
void writeRaw(const fs::path& path, int format, int rate, int channels, const std::vector<float>& interleaved) {
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    ASSERT_NE(file, nullptr) << sf_strerror(nullptr);
    sf_writef_float(file, interleaved.data(), sf_count_t(interleaved.size() / std::size_t(channels)));
    sf_close(file);
}

bool containsAll(const std::string& text, std::initializer_list<const char*> parts) {
    for (const char* part : parts)
        if (text.find(part) == std::string::npos) return false;
    return true;
}

}  // namespace

struct RoundTripCase {
    FileFormat format;
    SampleEncoding encoding;
    const char* extension;
    double quantumStep;  // the output grid; 0 for float
};

class AudioFileRoundTrip : public ::testing::TestWithParam<RoundTripCase> {};

TEST_P(AudioFileRoundTrip, WritesAndReadsBackOnTheOutputGrid) {
    const auto& param = GetParam();
    test::TempDir dir;
    const auto path = dir / (std::string("tone") + param.extension);
    AudioBuffer tone = test::sine(44100, 997, 0.5, 0.8, 2);
    WriteOptions options{param.format, param.encoding, {}};
    ASSERT_TRUE(writeAudioFile(path, tone.block(), 44100, options).ok());
    auto decoded = readAudioFile(path);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->info.sampleRate, 44100);
    EXPECT_EQ(decoded->info.numChannels, 2);
    ASSERT_EQ(decoded->audio.numFrames(), tone.numFrames());
    const double tolerance = param.quantumStep == 0 ? 0.0 : param.quantumStep / 2.0 + 1e-9;
    EXPECT_LE(test::maxAbsDifference(tone.block(), decoded->audio.block()), tolerance);
    // A signal already on the grid survives exactly (what dither relies on).
    if (param.quantumStep > 0) {
        AudioBuffer again = test::copyOf(decoded->audio.block());
        const auto path2 = dir / (std::string("again") + param.extension);
        ASSERT_TRUE(writeAudioFile(path2, again.block(), 44100, options).ok());
        auto decoded2 = readAudioFile(path2);
        ASSERT_TRUE(decoded2.ok());
        EXPECT_EQ(test::maxAbsDifference(again.block(), decoded2->audio.block()), 0.0);
    }
}

INSTANTIATE_TEST_SUITE_P(Formats, AudioFileRoundTrip,
                         ::testing::Values(RoundTripCase{FileFormat::Wav, SampleEncoding::Pcm16, ".wav", 1.0 / 32768},
                                           RoundTripCase{FileFormat::Wav, SampleEncoding::Pcm24, ".wav", 1.0 / 8388608},
                                           RoundTripCase{FileFormat::Wav, SampleEncoding::Float32, ".wav", 0},
                                           RoundTripCase{FileFormat::Aiff, SampleEncoding::Pcm16, ".aiff", 1.0 / 32768},
                                           RoundTripCase{FileFormat::Aiff, SampleEncoding::Pcm24, ".aiff", 1.0 / 8388608},
                                           RoundTripCase{FileFormat::Aiff, SampleEncoding::Float32, ".aiff", 0},
                                           RoundTripCase{FileFormat::Flac, SampleEncoding::Pcm16, ".flac", 1.0 / 32768},
                                           RoundTripCase{FileFormat::Flac, SampleEncoding::Pcm24, ".flac", 1.0 / 8388608}));

TEST(AudioFileWrite, ClipsBeyondFullScaleInsteadOfWrapping) {
    test::TempDir dir;
    AudioBuffer loud(1, 4);
    loud.channel(0)[0] = 1.5f;
    loud.channel(0)[1] = -1.5f;
    loud.channel(0)[2] = 1.0f;
    loud.channel(0)[3] = -1.0f;
    ASSERT_TRUE(writeAudioFile(dir / "loud.wav", loud.block(), 48000, {FileFormat::Wav, SampleEncoding::Pcm16, {}}).ok());
    auto decoded = readAudioFile(dir / "loud.wav");
    ASSERT_TRUE(decoded.ok());
    const auto ch = decoded->audio.channel(0);
    EXPECT_FLOAT_EQ(ch[0], 32767.0f / 32768.0f);
    EXPECT_FLOAT_EQ(ch[1], -1.0f);
    EXPECT_FLOAT_EQ(ch[2], 32767.0f / 32768.0f);
    EXPECT_FLOAT_EQ(ch[3], -1.0f);
}

TEST(AudioFileWrite, RefusesToOverwriteAnInputAndLeavesNothingBehindOnFailure) {
    test::TempDir dir;
    AudioBuffer tone = test::sine(48000, 440, 0.1);
    const auto input = dir / "in.wav";
    ASSERT_TRUE(writeAudioFile(input, tone.block(), 48000, {}).ok());
    const auto sizeBefore = fs::file_size(input);
    WriteOptions options;
    options.protectedPaths = {input};
    auto status = writeAudioFile(dir.path() / "." / "in.wav", tone.block(), 48000, options);
    ASSERT_FALSE(status.ok());
    EXPECT_TRUE(containsAll(status.error().message, {"in.wav", "overwrite"})) << status.error().message;
    EXPECT_EQ(fs::file_size(input), sizeBefore);
    // A writer that is never committed removes its temporary file.
    {
        auto writer = AudioFileWriter::create(dir / "out.wav", 48000, 2, {});
        ASSERT_TRUE(writer.ok());
        ASSERT_TRUE(writer->write(tone.block()).ok());
    }
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
        (void)entry;
        ++files;
    }
    EXPECT_EQ(files, 1u) << "only the input may remain";
    EXPECT_FALSE(fs::exists(dir / "out.wav"));
}

TEST(AudioFileWrite, FlacRefusesFloat) {
    test::TempDir dir;
    AudioBuffer tone = test::sine(48000, 440, 0.1);
    auto status = writeAudioFile(dir / "x.flac", tone.block(), 48000, {FileFormat::Flac, SampleEncoding::Float32, {}});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("x.flac"), std::string::npos);
}

TEST(AudioFileRead, ReadsEveryContainerAndEncoding) {
    test::TempDir dir;
    std::vector<float> data(2 * 1000);
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = 0.25f * std::sin(float(i) * 0.01f);
    const std::pair<const char*, int> cases[] = {
        {"a.wav", SF_FORMAT_WAVEX | SF_FORMAT_PCM_24}, {"b.rf64", SF_FORMAT_RF64 | SF_FORMAT_PCM_32},
        {"c.w64", SF_FORMAT_W64 | SF_FORMAT_DOUBLE},    {"d.aifc", SF_FORMAT_AIFF | SF_FORMAT_FLOAT},
        {"e.caf", SF_FORMAT_CAF | SF_FORMAT_PCM_16},    {"f.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24}};
    for (const auto& [name, format] : cases) {
        writeRaw(dir / name, format, 96000, 2, data);
        auto decoded = readAudioFile(dir / name);
        ASSERT_TRUE(decoded.ok()) << name << ": " << decoded.error().message;
        EXPECT_EQ(decoded->audio.numFrames(), 1000u) << name;
        EXPECT_NEAR(decoded->audio.channel(1)[999], data[1999], 1.0 / 32768) << name;
    }
}

TEST(AudioFileRead, AcceptsTheSupportedRangeOfRatesAndChannels) {
    test::TempDir dir;
    for (int rate : {8000, 11025, 44100, 192000, 384000}) {
        for (int channels : {1, 2, 6, 8}) {
            std::vector<float> data(std::size_t(channels) * 100, 0.1f);
            // (Appended piece by piece: GCC 12 warns falsely, -Wstringop-overflow, on "r" + std::string.)
            std::string name = "r";
            name += std::to_string(rate);
            name += 'c';
            name += std::to_string(channels);
            name += ".wav";
            const auto path = dir / name;
            writeRaw(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, rate, channels, data);
            auto decoded = readAudioFile(path);
            ASSERT_TRUE(decoded.ok()) << decoded.error().message;
            EXPECT_EQ(decoded->info.numChannels, channels);
        }
    }
}

// Each kind of bad input yields one line naming the file and the problem.
TEST(AudioFileRead, BadInputsGetOneLineErrorsNamingFileAndProblem) {
    test::TempDir dir;
    auto expectError = [](const fs::path& path, std::initializer_list<const char*> words) {
        auto result = readAudioFile(path);
        ASSERT_FALSE(result.ok()) << path;
        const auto& message = result.error().message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
        EXPECT_NE(message.find(path.filename().string()), std::string::npos) << message;
        EXPECT_TRUE(containsAll(message, words)) << message;
    };
    expectError(dir / "missing.wav", {"no such file"});
    { std::ofstream(dir / "empty.wav"); }
    expectError(dir / "empty.wav", {"empty"});
    { std::ofstream(dir / "text.wav") << "this is not audio, just some text that is long enough to not be empty"; }
    expectError(dir / "text.wav", {"not a readable audio file"});
    expectError(dir.path(), {"directory"});

    writeRaw(dir / "zero.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 2, {});
    expectError(dir / "zero.wav", {"no audio"});
    writeRaw(dir / "slow.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 4000, 1, std::vector<float>(100, 0.1f));
    expectError(dir / "slow.wav", {"sample rate", "4000"});
    writeRaw(dir / "many.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, 48000, 10, std::vector<float>(1000, 0.1f));
    expectError(dir / "many.wav", {"channel count", "10"});

    std::vector<float> bad(2 * 48000, 0.1f);
    bad[2 * 24000 + 1] = std::numeric_limits<float>::quiet_NaN();
    writeRaw(dir / "nan.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 2, bad);
    expectError(dir / "nan.wav", {"NaN", "0.500 s", "channel 2"});
    bad[2 * 24000 + 1] = 0.1f;
    bad[2 * 12000] = std::numeric_limits<float>::infinity();
    writeRaw(dir / "inf.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, 48000, 2, bad);
    expectError(dir / "inf.wav", {"infinite", "0.250 s", "channel 1"});

    // Truncation: cut a valid file in half.
    AudioBuffer tone = test::sine(48000, 440, 1.0);
    ASSERT_TRUE(writeAudioFile(dir / "whole.wav", tone.block(), 48000, {}).ok());
    const auto size = fs::file_size(dir / "whole.wav");
    fs::copy_file(dir / "whole.wav", dir / "cut.wav");
    fs::resize_file(dir / "cut.wav", size / 2);
    expectError(dir / "cut.wav", {"truncated"});
    fs::copy_file(dir / "whole.wav", dir / "header.wav");
    fs::resize_file(dir / "header.wav", 30);
    auto headerOnly = readAudioFile(dir / "header.wav");
    EXPECT_FALSE(headerOnly.ok());
}

TEST(AudioFileRead, StreamsInAnyBlockSize) {
    test::TempDir dir;
    AudioBuffer noise = test::whiteNoise(44100, 1.0, 0.5, 2);
    ASSERT_TRUE(writeAudioFile(dir / "n.wav", noise.block(), 44100, {FileFormat::Wav, SampleEncoding::Float32, {}}).ok());
    auto reader = AudioFileReader::open(dir / "n.wav");
    ASSERT_TRUE(reader.ok());
    AudioBuffer streamed(2, noise.numFrames());
    std::size_t offset = 0;
    std::size_t step = 1;
    while (true) {
        const std::size_t n = std::min(step, streamed.numFrames() - offset);
        auto got = reader->read(streamed.block().slice(offset, n));
        ASSERT_TRUE(got.ok());
        if (*got == 0) break;
        offset += *got;
        step = step * 3 + 1;
        if (step > 20000) step = 7;
    }
    EXPECT_EQ(offset, noise.numFrames());
    EXPECT_EQ(test::maxAbsDifference(noise.block(), streamed.block()), 0.0);
}

TEST(AtomicTextFile, WritesReplacesAndProtectsInputs) {
    test::TempDir dir;
    const auto path = dir / "report.json";
    ASSERT_TRUE(writeTextFileAtomically(path, "{\"a\": 1}").ok());
    ASSERT_TRUE(writeTextFileAtomically(path, "{\"a\": 2}").ok());
    EXPECT_EQ(test::readFile(path), "{\"a\": 2}");
    auto refused = writeTextFileAtomically(path, "x", {path});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("report.json"), std::string::npos);
    EXPECT_FALSE(writeTextFileAtomically(dir / "missing-folder" / "r.json", "x").ok());
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path())) files += entry.is_regular_file();
    EXPECT_EQ(files, 1u);
}
