// libsndfile-backed reader and writer (see include/lathe/audio_file.h).
#include "lathe/audio_file.h"

#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace lathe {
namespace fs = std::filesystem;

namespace {

std::string quoted(const fs::path& path) { return path.string(); }

Error fileError(const fs::path& path, const std::string& problem) { return fail(quoted(path) + ": " + problem); }

std::string containerName(int format) {
    switch (format & SF_FORMAT_TYPEMASK) {
        case SF_FORMAT_WAV: return "WAV";
        case SF_FORMAT_WAVEX: return "WAV (extensible)";
        case SF_FORMAT_RF64: return "RF64";
        case SF_FORMAT_W64: return "W64";
        case SF_FORMAT_AIFF: return "AIFF";
        case SF_FORMAT_FLAC: return "FLAC";
        case SF_FORMAT_CAF: return "CAF";
        case SF_FORMAT_OGG: return "Ogg";
        case SF_FORMAT_AU: return "AU";
        default: return "other";
    }
}

void describeEncoding(int format, AudioFileInfo& info) {
    switch (format & SF_FORMAT_SUBMASK) {
        case SF_FORMAT_PCM_S8:
        case SF_FORMAT_PCM_U8: info.bitsPerSample = 8; info.encodingName = "PCM 8-bit"; break;
        case SF_FORMAT_PCM_16: info.bitsPerSample = 16; info.encodingName = "PCM 16-bit"; break;
        case SF_FORMAT_PCM_24: info.bitsPerSample = 24; info.encodingName = "PCM 24-bit"; break;
        case SF_FORMAT_PCM_32: info.bitsPerSample = 32; info.encodingName = "PCM 32-bit"; break;
        case SF_FORMAT_FLOAT: info.bitsPerSample = 32; info.isFloat = true; info.encodingName = "float 32-bit"; break;
        case SF_FORMAT_DOUBLE: info.bitsPerSample = 64; info.isFloat = true; info.encodingName = "float 64-bit"; break;
        default: info.bitsPerSample = 0; info.encodingName = "compressed"; break;
    }
}

std::string formatTime(double seconds) {
    char text[64];
    std::snprintf(text, sizeof text, "%.3f s", seconds);
    return text;
}

constexpr std::size_t kReadChunkFrames = 8192;

}  // namespace

// ---------------------------------------------------------------------------------------------
struct AudioFileReader::Impl {
    SNDFILE* file = nullptr;
    AudioFileInfo info;
    std::int64_t position = 0;
    std::vector<float> interleaved;
    ~Impl() {
        if (file) sf_close(file);
    }
};

AudioFileReader::AudioFileReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AudioFileReader::AudioFileReader(AudioFileReader&&) noexcept = default;
AudioFileReader& AudioFileReader::operator=(AudioFileReader&&) noexcept = default;
AudioFileReader::~AudioFileReader() = default;
const AudioFileInfo& AudioFileReader::info() const noexcept { return impl_->info; }

Result<AudioFileReader> AudioFileReader::open(const fs::path& path) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return fileError(path, "no such file");
    if (fs::is_directory(path, ec)) return fileError(path, "is a directory, not an audio file");
    auto impl = std::make_unique<Impl>();
    SF_INFO sfInfo{};
    impl->file = sf_open(path.c_str(), SFM_READ, &sfInfo);
    if (!impl->file) {
        const std::string why = sf_strerror(nullptr);
        if (fs::file_size(path, ec) == 0) return fileError(path, "empty file (0 bytes)");
        return fileError(path, "not a readable audio file (" + why + ")");
    }
    auto& info = impl->info;
    info.path = path;
    info.sampleRate = sfInfo.samplerate;
    info.numChannels = sfInfo.channels;
    info.numFrames = sfInfo.frames;
    info.containerName = containerName(sfInfo.format);
    describeEncoding(sfInfo.format, info);
    if (info.sampleRate < kMinSampleRate || info.sampleRate > kMaxSampleRate)
        return fileError(path, "unsupported sample rate " + std::to_string(sfInfo.samplerate) +
                                   " Hz (lathe reads 8000 to 384000 Hz)");
    if (info.numChannels < 1 || info.numChannels > kMaxChannels)
        return fileError(path, "unsupported channel count " + std::to_string(sfInfo.channels) + " (lathe reads 1 to " +
                                   std::to_string(kMaxChannels) + ")");
    if (info.numFrames <= 0) return fileError(path, "contains no audio (0 frames)");
    // A header that claims more data than the file holds means the file was cut short.
    char log[2048] = {};
    sf_command(impl->file, SFC_GET_LOG_INFO, log, sizeof log);
    // libsndfile logs e.g. "data : 288000 (should be 149920)" and then reads what is there.
    for (const char* chunk : {"data :", "SSND :"}) {
        const char* line = std::strstr(log, chunk);
        const char* lineEnd = line ? std::strchr(line, '\n') : nullptr;
        const char* should = line ? std::strstr(line, "(should be") : nullptr;
        if (should && (!lineEnd || should < lineEnd))
            return fileError(path, "truncated: the header declares more audio than the file holds");
    }
    impl->interleaved.resize(kReadChunkFrames * static_cast<std::size_t>(info.numChannels));
    return AudioFileReader(std::move(impl));
}

Result<std::size_t> AudioFileReader::read(AudioBlock out) {
    auto& s = *impl_;
    const int numChannels = s.info.numChannels;
    if (out.numChannels() != numChannels) return fileError(s.info.path, "read into a block with the wrong channel count");
    std::size_t done = 0;
    while (done < out.numFrames() && s.position < s.info.numFrames) {
        const auto want = static_cast<sf_count_t>(std::min<std::size_t>(kReadChunkFrames, out.numFrames() - done));
        const sf_count_t got = sf_readf_float(s.file, s.interleaved.data(), want);
        if (got <= 0) {
            const int code = sf_error(s.file);
            if (code != SF_ERR_NO_ERROR) return fileError(s.info.path, std::string("read error (") + sf_strerror(s.file) + ")");
            return fileError(s.info.path, "truncated: the header declares " + std::to_string(s.info.numFrames) +
                                              " frames but the audio ends after " + std::to_string(s.position));
        }
        const float* src = s.interleaved.data();
        for (int c = 0; c < numChannels; ++c) {
            float* dst = out.channelData(c) + done;
            for (sf_count_t i = 0; i < got; ++i) dst[i] = src[i * numChannels + c];
        }
        if (s.info.isFloat) {
            for (sf_count_t i = 0; i < got * numChannels; ++i) {
                if (!std::isfinite(src[i])) {
                    const std::int64_t frame = s.position + i / numChannels;
                    return fileError(s.info.path, std::string(std::isnan(src[i]) ? "NaN" : "infinite") +
                                                      " sample at " + formatTime(double(frame) / s.info.sampleRate) +
                                                      " (frame " + std::to_string(frame) + ", channel " +
                                                      std::to_string(i % numChannels + 1) + ")");
                }
            }
        }
        s.position += got;
        done += static_cast<std::size_t>(got);
    }
    return done;
}

Status AudioFileReader::seek(std::int64_t frame) {
    if (sf_seek(impl_->file, frame, SEEK_SET) < 0) return fileError(impl_->info.path, "cannot seek to frame " + std::to_string(frame));
    impl_->position = frame;
    return success();
}

Result<DecodedAudio> readAudioFile(const fs::path& path) {
    auto reader = AudioFileReader::open(path);
    if (!reader) return reader.error();
    DecodedAudio decoded;
    decoded.info = reader->info();
    decoded.audio.resize(decoded.info.numChannels, static_cast<std::size_t>(decoded.info.numFrames));
    auto got = reader->read(decoded.audio.block());
    if (!got) return got.error();
    if (*got != decoded.audio.numFrames())
        return fileError(path, "truncated: the header declares " + std::to_string(decoded.info.numFrames) +
                                   " frames but the audio ends after " + std::to_string(*got));
    return decoded;
}

// ---------------------------------------------------------------------------------------------
Result<FileFormat> formatFromExtension(const fs::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (ext == ".wav") return FileFormat::Wav;
    if (ext == ".aif" || ext == ".aiff" || ext == ".aifc") return FileFormat::Aiff;
    if (ext == ".flac") return FileFormat::Flac;
    return fileError(path, "unknown output format '" + ext + "' (use .wav, .aiff or .flac)");
}

struct AudioFileWriter::Impl {
    SNDFILE* file = nullptr;
    fs::path finalPath;
    fs::path tempPath;
    int numChannels = 0;
    int integerBits = 0;  // 0 for float output
    bool committed = false;
    std::vector<float> interleavedFloat;
    std::vector<int> interleavedInt;
    ~Impl() {
        if (file) sf_close(file);
        if (!committed && !tempPath.empty()) {
            std::error_code ec;
            fs::remove(tempPath, ec);
        }
    }
};

AudioFileWriter::AudioFileWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AudioFileWriter::AudioFileWriter(AudioFileWriter&&) noexcept = default;
AudioFileWriter& AudioFileWriter::operator=(AudioFileWriter&&) noexcept = default;
AudioFileWriter::~AudioFileWriter() = default;

namespace {
bool samePath(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}
}  // namespace

Result<AudioFileWriter> AudioFileWriter::create(const fs::path& path, double sampleRate, int numChannels,
                                                const WriteOptions& options) {
    for (const auto& input : options.protectedPaths)
        if (samePath(path, input)) return fileError(path, "refusing to overwrite an input file; choose another output path");
    if (numChannels < 1 || numChannels > kMaxChannels) return fileError(path, "cannot write " + std::to_string(numChannels) + " channels");
    if (sampleRate < 1000 || sampleRate > kMaxSampleRate) return fileError(path, "cannot write sample rate " + std::to_string(sampleRate));

    int format = 0;
    int integerBits = 0;
    switch (options.format) {
        case FileFormat::Wav: format = SF_FORMAT_RF64; break;  // downgraded to plain WAV below 4 GiB
        case FileFormat::Aiff: format = SF_FORMAT_AIFF; break;
        case FileFormat::Flac: format = SF_FORMAT_FLAC; break;
    }
    switch (options.encoding) {
        case SampleEncoding::Pcm16: format |= SF_FORMAT_PCM_16; integerBits = 16; break;
        case SampleEncoding::Pcm24: format |= SF_FORMAT_PCM_24; integerBits = 24; break;
        case SampleEncoding::Float32:
            if (options.format == FileFormat::Flac) return fileError(path, "FLAC cannot hold 32-bit float; use 16 or 24 bits");
            format |= SF_FORMAT_FLOAT;
            break;
    }

    fs::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return fileError(path, "output folder does not exist");
    std::string pattern = (dir / ("." + path.filename().string() + ".lathe-tmp-XXXXXX")).string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) return fileError(path, std::string("cannot create a file in the output folder (") + std::strerror(errno) + ")");
    fchmod(fd, 0644);

    auto impl = std::make_unique<Impl>();
    impl->finalPath = path;
    impl->tempPath = pattern;
    impl->numChannels = numChannels;
    impl->integerBits = integerBits;
    SF_INFO sfInfo{};
    sfInfo.samplerate = static_cast<int>(std::lround(sampleRate));
    sfInfo.channels = numChannels;
    sfInfo.format = format;
    impl->file = sf_open_fd(fd, SFM_WRITE, &sfInfo, SF_TRUE);
    if (!impl->file) {
        close(fd);
        return fileError(path, std::string("cannot write this format (") + sf_strerror(nullptr) + ")");
    }
    if (options.format == FileFormat::Wav) sf_command(impl->file, SFC_RF64_AUTO_DOWNGRADE, nullptr, SF_TRUE);
    return AudioFileWriter(std::move(impl));
}

Status AudioFileWriter::write(ConstAudioBlock block) {
    auto& s = *impl_;
    if (s.committed) return fileError(s.finalPath, "write after commit");
    if (block.numChannels() != s.numChannels) return fileError(s.finalPath, "write with the wrong channel count");
    const std::size_t frames = block.numFrames();
    const auto nc = static_cast<std::size_t>(s.numChannels);
    sf_count_t written = 0;
    if (s.integerBits == 0) {
        s.interleavedFloat.resize(frames * nc);
        for (int c = 0; c < s.numChannels; ++c) {
            const float* src = block.channelData(c);
            for (std::size_t i = 0; i < frames; ++i) s.interleavedFloat[i * nc + std::size_t(c)] = src[i];
        }
        written = sf_writef_float(s.file, s.interleavedFloat.data(), sf_count_t(frames));
    } else {
        // Our own float -> integer mapping, symmetric with libsndfile's reading (x * 2^(bits-1)),
        // so a signal already quantised to the output grid (e.g. dithered) is written exactly.
        const double scale = std::ldexp(1.0, s.integerBits - 1);
        const double maxCode = scale - 1.0;
        const int shift = 32 - s.integerBits;
        s.interleavedInt.resize(frames * nc);
        for (int c = 0; c < s.numChannels; ++c) {
            const float* src = block.channelData(c);
            for (std::size_t i = 0; i < frames; ++i) {
                const double code = std::clamp(std::nearbyint(double(src[i]) * scale), -scale, maxCode);
                s.interleavedInt[i * nc + std::size_t(c)] = static_cast<int>(static_cast<std::int64_t>(code) << shift);
            }
        }
        written = sf_writef_int(s.file, s.interleavedInt.data(), sf_count_t(frames));
    }
    if (written != sf_count_t(frames)) return fileError(s.finalPath, std::string("write failed (") + sf_strerror(s.file) + ")");
    return success();
}

Status AudioFileWriter::commit() {
    auto& s = *impl_;
    if (s.committed) return success();
    sf_write_sync(s.file);
    const int closeCode = sf_close(s.file);
    s.file = nullptr;
    if (closeCode != 0) return fileError(s.finalPath, "could not finish writing the file");
    std::error_code ec;
    fs::rename(s.tempPath, s.finalPath, ec);
    if (ec) return fileError(s.finalPath, "could not move the finished file into place (" + ec.message() + ")");
    s.committed = true;
    return success();
}

Status writeAudioFile(const fs::path& path, ConstAudioBlock audio, double sampleRate, const WriteOptions& options) {
    auto writer = AudioFileWriter::create(path, sampleRate, audio.numChannels(), options);
    if (!writer) return writer.error();
    constexpr std::size_t kChunk = 65536;
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += kChunk) {
        auto status = writer->write(audio.slice(offset, std::min(kChunk, audio.numFrames() - offset)));
        if (!status) return status;
    }
    return writer->commit();
}

}  // namespace lathe
