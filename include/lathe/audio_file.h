#pragma once
// Audio file I/O through libsndfile.
// Reading: WAV (incl. WAVE_FORMAT_EXTENSIBLE), RF64, W64, AIFF/AIFC, FLAC, CAF; 16/24/32-bit
// integer and 32/64-bit float; 8 kHz to 384 kHz; 1 to 8 channels; delivered as planar float.
// Writing: WAV, AIFF, FLAC at 16/24-bit integer or 32-bit float (WAV/AIFF). Every write goes
// to a temporary file in the destination folder and is renamed into place on commit(); an
// uncommitted or failed write leaves nothing behind, and a writer never replaces an input.
// Errors name the file and the problem in one line.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe {

inline constexpr double kMinSampleRate = 8000.0;
inline constexpr double kMaxSampleRate = 384000.0;

enum class FileFormat { Wav, Aiff, Flac };
enum class SampleEncoding { Pcm16, Pcm24, Float32 };

struct AudioFileInfo {
    std::filesystem::path path;
    double sampleRate = 0.0;
    int numChannels = 0;
    std::int64_t numFrames = 0;
    std::string containerName;  // "WAV", "RF64", "AIFF", "FLAC", ...
    std::string encodingName;   // "PCM 24-bit", "float 32-bit", ...
    int bitsPerSample = 0;      // 16, 24, 32, 64 (0 when unknown)
    bool isFloat = false;
    [[nodiscard]] double durationSeconds() const noexcept { return sampleRate > 0 ? double(numFrames) / sampleRate : 0.0; }
};

// Streaming reader. Non-finite samples (NaN/Inf, possible only in float files) are an error that
// names the time, frame and channel of the first one.
class AudioFileReader {
public:
    static Result<AudioFileReader> open(const std::filesystem::path& path);

    AudioFileReader(AudioFileReader&&) noexcept;
    AudioFileReader& operator=(AudioFileReader&&) noexcept;
    ~AudioFileReader();

    [[nodiscard]] const AudioFileInfo& info() const noexcept;
    // Fills up to out.numFrames() frames of every channel (out.numChannels() == info().numChannels).
    // Returns the frames read: 0 at the end. A file that ends before its header says is an error.
    Result<std::size_t> read(AudioBlock out);
    Status seek(std::int64_t frame);

private:
    struct Impl;
    explicit AudioFileReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

struct DecodedAudio {
    AudioFileInfo info;
    AudioBuffer audio;
};
// Reads a whole file (for the stages that need random access; analysis streams instead).
Result<DecodedAudio> readAudioFile(const std::filesystem::path& path);

struct WriteOptions {
    FileFormat format = FileFormat::Wav;
    SampleEncoding encoding = SampleEncoding::Pcm24;
    // Paths the output must not be (the inputs of the run); compared after resolving links.
    std::vector<std::filesystem::path> protectedPaths;
};

// Guesses the format from an extension (.wav .aiff .aif .flac); Error for anything else.
Result<FileFormat> formatFromExtension(const std::filesystem::path& path);

// Streaming writer: writes to "<dir>/.<name>.lathe-tmp-XXXXXX" and renames on commit().
// Samples are written as given; clipping to full scale and dither are the caller's business
// (a float beyond +-1 written to an integer format is clipped by libsndfile, never wrapped).
class AudioFileWriter {
public:
    static Result<AudioFileWriter> create(const std::filesystem::path& path, double sampleRate, int numChannels,
                                          const WriteOptions& options);

    AudioFileWriter(AudioFileWriter&&) noexcept;
    AudioFileWriter& operator=(AudioFileWriter&&) noexcept;
    ~AudioFileWriter();  // discards the temporary file if commit() did not succeed

    Status write(ConstAudioBlock block);
    Status commit();

private:
    struct Impl;
    explicit AudioFileWriter(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

Status writeAudioFile(const std::filesystem::path& path, ConstAudioBlock audio, double sampleRate,
                      const WriteOptions& options);

}  // namespace lathe
