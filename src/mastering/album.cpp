// masterAlbum(): analyse every track -> album decisions -> master every track -> join -> publish.
#include "lathe/mastering/album.h"

#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <mutex>
#include <thread>

#include "lathe/atomic_file.h"
#include "lathe/mastering/album_report.h"
#include "lathe/mastering/album_spread.h"
#include "lathe/mastering/cue_sheet.h"
#include "mastering/album_tonal_target.h"
#include "mastering/parallel_tasks.h"
#include "util/text.h"

namespace lathe::mastering {
namespace {
namespace fs = std::filesystem;

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

constexpr const char* kAlbumStem = "album";
constexpr std::size_t kMaxCueTracks = 99;  // Red Book and the CUE format number tracks 01-99

// What a track is delivered as.
struct Delivery {
    FileFormat format = FileFormat::Wav;
    std::string extension = ".wav";
    SampleEncoding encoding = SampleEncoding::Pcm24;
    double sampleRate = 0.0;
    int channels = 0;
};

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return text;
}

// The input's container, rate and word length, unless the target forces them.
Delivery deliveryFor(const AudioFileInfo& info, const DeliveryTarget& target, bool downmix) {
    Delivery d;
    const std::string container = info.containerName;
    d.format = container == "AIFF" ? FileFormat::Aiff : container == "FLAC" ? FileFormat::Flac : FileFormat::Wav;
    const std::string extension = lowercase(info.path.extension().string());
    const auto fromExtension = formatFromExtension(info.path);
    d.extension = fromExtension.ok() && fromExtension.value() == d.format ? extension
                  : d.format == FileFormat::Aiff                   ? ".aiff"
                  : d.format == FileFormat::Flac                   ? ".flac"
                                                                   : ".wav";
    if (target.encoding) d.encoding = *target.encoding;
    else if (info.isFloat) d.encoding = SampleEncoding::Float32;
    else if (info.bitsPerSample > 0 && info.bitsPerSample <= 16) d.encoding = SampleEncoding::Pcm16;
    else d.encoding = SampleEncoding::Pcm24;  // 24-bit, 32-bit integer and compressed inputs
    d.sampleRate = target.sampleRateHz.value_or(info.sampleRate);
    d.channels = info.numChannels > 2 && downmix ? 2 : info.numChannels;
    return d;
}

bool samePath(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
    return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    if (from.empty()) return;
    for (std::size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size()) text.replace(at, from.size(), to);
}

// The staging folder: a private folder in the output folder, removed with whatever it still holds.
class StagingDir {
public:
    static Result<StagingDir> create(const fs::path& parent) {
        std::string pattern = (parent / ".lathe-album-XXXXXX").string();
        if (!mkdtemp(pattern.data())) return fail(parent.string() + ": cannot create a folder in the output folder");
        return StagingDir(pattern);
    }
    StagingDir(StagingDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    StagingDir& operator=(StagingDir&&) = delete;
    ~StagingDir() {
        std::error_code ec;
        if (!path_.empty()) fs::remove_all(path_, ec);
    }
    [[nodiscard]] const fs::path& path() const noexcept { return path_; }

private:
    explicit StagingDir(fs::path path) : path_(std::move(path)) {}
    fs::path path_;
};

// Serialises the progress callback and counts finished tracks per stage.
class ProgressReporter {
public:
    ProgressReporter(const std::function<void(const AlbumProgress&)>& callback, std::size_t trackCount)
        : callback_(callback), trackCount_(trackCount) {}
    void started(AlbumStage stage, std::size_t track) { send(stage, track, false); }
    void finished(AlbumStage stage, std::size_t track) { send(stage, track, true); }

private:
    void send(AlbumStage stage, std::size_t track, bool finished) {
        if (!callback_) return;
        std::lock_guard lock(mutex_);
        auto& done = finishedCount_[std::size_t(stage)];
        if (finished) ++done;
        callback_({stage, track, finished, done, trackCount_});
    }
    const std::function<void(const AlbumProgress&)>& callback_;
    std::size_t trackCount_;
    std::mutex mutex_;
    std::size_t finishedCount_[3] = {0, 0, 0};
};

// The tracks as decoded for the album's decisions: analysis (and tonal profile) of the unmastered mix.
struct TrackAnalysis {
    analysis::Analysis mix;
    std::optional<ReferenceProfile> tonal;
};

Result<TrackAnalysis> analyseTrack(const fs::path& input, bool downmix, bool parallelAnalyzer, bool wantTonal) {
    auto decoded = readAudioFile(input);
    if (!decoded) return decoded.error();
    const double rate = decoded->info.sampleRate;
    AudioBuffer audio = std::move(decoded->audio);
    if (audio.numChannels() > 2) {
        if (!downmix)
            return fail(formatText("%s: has %d channels; lathe masters mono or stereo (use --downmix to fold to stereo)",
                                   input.c_str(), audio.numChannels()));
        audio = downmixToStereo(audio.block());
    }
    if (double(audio.numFrames()) < rate) return fail(input.string() + ": shorter than 1 s: too short to master");
    analysis::Analyzer analyzer;
    analysis::AnalysisOptions options;
    options.parallel = parallelAnalyzer;
    if (auto status = analyzer.prepare(rate, audio.numChannels(), options, std::int64_t(audio.numFrames())); !status)
        return fail(input.string() + ": " + status.error().message);
    constexpr std::size_t kBlock = 65536;
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += kBlock)
        analyzer.process(audio.block().slice(offset, std::min(kBlock, audio.numFrames() - offset)));
    TrackAnalysis out;
    out.mix = analyzer.finish();
    out.mix.file = input.string();
    if (!out.mix.integratedLufs) return fail(input.string() + ": is silent (no block above the -70 LUFS gate): nothing to master");
    if (wantTonal) out.tonal = trackTonalProfile(audio.block(), rate, out.mix, input.string());
    return out;
}

// Joins the staged track files into one file per `layout` (silence between), streaming.
Status assembleSingleFile(const std::vector<fs::path>& trackFiles, const AlbumLayout& layout, const fs::path& output,
                          const Delivery& delivery, const std::vector<fs::path>& inputs, ProgressReporter& progress) {
    WriteOptions options;
    options.format = delivery.format;
    options.encoding = delivery.encoding;
    options.protectedPaths = inputs;
    auto writer = AudioFileWriter::create(output, delivery.sampleRate, delivery.channels, options);
    if (!writer) return writer.error();
    constexpr std::size_t kChunk = 65536;
    AudioBuffer buffer(delivery.channels, kChunk);
    std::int64_t position = 0;
    auto writeSilence = [&](std::int64_t untilFrame) -> Status {
        buffer.clear();
        while (position < untilFrame) {
            const auto count = std::size_t(std::min<std::int64_t>(untilFrame - position, std::int64_t(kChunk)));
            if (auto status = writer->write(buffer.block().slice(0, count)); !status) return status;
            position += std::int64_t(count);
        }
        return success();
    };
    for (std::size_t i = 0; i < trackFiles.size(); ++i) {
        progress.started(AlbumStage::Assemble, i);
        if (auto status = writeSilence(layout.tracks[i].startFrame); !status) return status;
        auto reader = AudioFileReader::open(trackFiles[i]);
        if (!reader) return reader.error();
        if (reader->info().numChannels != delivery.channels) return fail(trackFiles[i].string() + ": unexpected channel count");
        for (;;) {
            auto got = reader->read(buffer.block());
            if (!got) return got.error();
            if (*got == 0) break;
            if (auto status = writer->write(buffer.block().slice(0, *got)); !status) return status;
            position += std::int64_t(*got);
        }
        progress.finished(AlbumStage::Assemble, i);
    }
    if (auto status = writeSilence(layout.totalFrames); !status) return status;
    return writer->commit();
}

// A track's error as one line naming the input (never the staging folder).
Error trackError(const Error& error, const fs::path& input, const fs::path& staging, const fs::path& outputDir) {
    std::string message = error.message;
    replaceAll(message, staging.string(), outputDir.string());
    if (message.find(input.string()) == std::string::npos) message = input.string() + ": " + message;
    return fail(message);
}

}  // namespace

std::string albumTrackFileName(int number, std::size_t trackCount, const fs::path& input, const std::string& extension) {
    const int digits = trackCount >= 100 ? 3 : 2;
    return formatText("%0*d - ", digits, number) + input.stem().string() + extension;
}

Result<AlbumReport> masterAlbum(const AlbumRequest& request) {
    const auto start = Clock::now();
    const std::size_t count = request.inputs.size();
    if (count == 0) return fail("album: no tracks given");
    if (!(request.eqMatch >= 0.0 && request.eqMatch <= 1.0)) return fail("album: the EQ match amount must be 0 to 1");
    if (!(request.gapSeconds >= 0.0 && request.gapSeconds <= 60.0)) return fail("album: the gap must be 0 to 60 seconds");
    if (request.singleFile && count > kMaxCueTracks)
        return fail(formatText("album: %zu tracks; a CUE sheet (and a CD) holds at most %zu", count, kMaxCueTracks));

    AlbumReport report;
    report.target = request.plan.target;
    report.loudness = request.loudness;
    const unsigned hardware = std::thread::hardware_concurrency();
    report.jobs = int(std::min<std::size_t>(count, std::size_t(request.jobs > 0 ? request.jobs : std::max(1u, hardware))));

    // Every input readable, and what each track is delivered as.
    std::vector<Delivery> delivery;
    for (const auto& input : request.inputs) {
        auto reader = AudioFileReader::open(input);
        if (!reader) return reader.error();
        delivery.push_back(deliveryFor(reader->info(), request.plan.target, request.downmix));
    }
    if (request.singleFile) {
        // One continuous file has one format: the first track's, for every track.
        for (std::size_t i = 1; i < count; ++i) {
            if (delivery[i].channels != delivery[0].channels)
                return fail(formatText("%s: has %d channel(s) but %s has %d; --single-file needs every track with the same "
                                       "channel count",
                                       request.inputs[i].c_str(), delivery[i].channels, request.inputs[0].c_str(),
                                       delivery[0].channels));
            if (delivery[i].sampleRate != delivery[0].sampleRate)
                report.warnings.push_back(formatText("%s: %.0f Hz resampled to %.0f Hz, the album's rate (--single-file)",
                                                     request.inputs[i].c_str(), delivery[i].sampleRate, delivery[0].sampleRate));
            delivery[i].format = delivery[0].format;
            delivery[i].extension = delivery[0].extension;
            delivery[i].encoding = delivery[0].encoding;
            delivery[i].sampleRate = delivery[0].sampleRate;
        }
    }

    // The final names (nothing may replace an input), then the output folder.
    std::error_code ec;
    const fs::path outputDir = request.outputDir.empty() ? fs::path(".") : request.outputDir;
    std::vector<fs::path> finalPaths;
    for (std::size_t i = 0; i < count; ++i)
        finalPaths.push_back(outputDir / albumTrackFileName(int(i) + 1, count, request.inputs[i], delivery[i].extension));
    const fs::path albumAudio = outputDir / (std::string(kAlbumStem) + delivery[0].extension);
    const fs::path cuePath = outputDir / (std::string(kAlbumStem) + ".cue");
    report.reportPath = outputDir / (std::string(kAlbumStem) + ".json");
    std::vector<fs::path> allOutputs = finalPaths;
    allOutputs.push_back(report.reportPath);
    if (request.singleFile) allOutputs.push_back(albumAudio), allOutputs.push_back(cuePath);
    for (const auto& output : allOutputs)
        for (const auto& input : request.inputs)
            if (samePath(output, input)) return fail(output.string() + ": is an input file; choose another output folder");
    bool createdOutputDir = false;
    if (!fs::exists(outputDir, ec)) {
        createdOutputDir = fs::create_directories(outputDir, ec);
        if (ec) return fail(outputDir.string() + ": cannot create the output folder (" + ec.message() + ")");
    }
    if (!fs::is_directory(outputDir, ec)) return fail(outputDir.string() + ": is not a folder");

    auto result = [&]() -> Result<AlbumReport> {
        auto staging = StagingDir::create(outputDir);
        if (!staging) return staging.error();
        const fs::path& stagingDir = staging->path();
        ProgressReporter progress(request.progress, count);

        // 1. Analyse.
        auto phase = Clock::now();
        std::optional<ReferenceProfile> referenceProfile;
        if (request.reference) {
            if (!albumTonalMatchingAvailable()) return fail("album: --reference needs reference matching, not built yet");
            auto loaded = loadTonalReference(*request.reference);
            if (!loaded) return loaded.error();
            referenceProfile = std::move(*loaded);
        }
        // With a tonal target to share, each track's profile is measured while its audio is at hand.
        const bool shareTonalTarget = albumTonalMatchingAvailable() && (referenceProfile || request.eqMatch > 0.0);
        std::vector<TrackAnalysis> analyses(count);
        auto analysed = runParallelTasks(count, report.jobs, [&](std::size_t i) -> Status {
            progress.started(AlbumStage::Analyse, i);
            auto track = analyseTrack(request.inputs[i], request.downmix, report.jobs == 1, shareTonalTarget);
            if (!track) return track.error();
            analyses[i] = std::move(*track);
            progress.finished(AlbumStage::Analyse, i);
            return success();
        });
        if (!analysed) return analysed.error();
        report.timing.analyseSeconds = secondsSince(phase);

        // 2. Album decisions: the shared tonal target and each track's loudness.
        std::vector<analysis::Analysis> mixes;
        for (const auto& a : analyses) mixes.push_back(a.mix);
        PlanRequest albumPlan = request.plan;
        if (shareTonalTarget) {
            if (referenceProfile) {
                report.tonalProfile = std::move(*referenceProfile);
                report.tonalTarget = "the reference " + request.reference->string();
            } else {
                std::vector<ReferenceProfile> profiles;
                for (const auto& a : analyses) profiles.push_back(*a.tonal);
                report.tonalProfile = averageTonalProfile(profiles);
                report.tonalTarget = formatText("the album's average balance (%zu tracks)", count);
            }
            applyTonalTarget(albumPlan, *report.tonalProfile, request.eqMatch);
            report.tonalTarget += formatText(": EQ %.0f %%, width %.0f %% toward it", request.eqMatch * 100.0, kAlbumWidthMatch * 100.0);
        } else {
            report.tonalTarget = albumTonalMatchingAvailable() ? "none (EQ match 0 %): each track toward lathe's default balance"
                                                               : "lathe's default balance, per track (album tonal matching "
                                                                 "not built yet)";
        }
        report.loudnessPlan = planAlbumLoudness(mixes, albumPlan, request.loudness);
        if (report.loudnessPlan.guardrailShiftLu > 0.0) report.warnings.push_back(report.loudnessPlan.decisions.back().reason);

        // 3. Master every track into the staging folder.
        phase = Clock::now();
        std::vector<MasterReport> masters(count);
        std::vector<fs::path> staged(count);
        auto mastered = runParallelTasks(count, report.jobs, [&](std::size_t i) -> Status {
            progress.started(AlbumStage::Master, i);
            MasterRequest master;
            master.input = request.inputs[i];
            master.output = staged[i] = stagingDir / finalPaths[i].filename();
            master.plan = trackPlanRequest(albumPlan, report.loudnessPlan.targetLufs[i]);
            if (master.plan.reference) master.plan.mixProfile = analyses[i].tonal;  // saves masterFile a pass
            master.format = delivery[i].format;
            master.encoding = delivery[i].encoding;
            master.sampleRateHz = delivery[i].sampleRate;
            master.downmix = request.downmix;
            auto done = masterFile(master);
            if (!done) return trackError(done.error(), request.inputs[i], stagingDir, outputDir);
            masters[i] = std::move(*done);
            progress.finished(AlbumStage::Master, i);
            return success();
        });
        if (!mastered) return mastered.error();
        report.timing.masterSeconds = secondsSince(phase);

        // 4. The continuous file and its CUE sheet.
        phase = Clock::now();
        std::string cueText;
        if (request.singleFile) {
            std::vector<std::int64_t> frames;
            for (const auto& path : staged) {
                auto reader = AudioFileReader::open(path);
                if (!reader) return reader.error();
                frames.push_back(reader->info().numFrames);
            }
            auto layout = layoutAlbum(frames, delivery[0].sampleRate, request.gapSeconds, request.plan.target.name == "cd");
            if (!layout) return layout.error();
            if (auto status = assembleSingleFile(staged, *layout, stagingDir / albumAudio.filename(), delivery[0],
                                                 request.inputs, progress);
                !status)
                return trackError(status.error(), albumAudio, stagingDir, outputDir);
            CueSheet sheet;
            sheet.audioFileName = albumAudio.filename().string();
            sheet.format = delivery[0].format;
            for (const auto& input : request.inputs) sheet.trackTitles.push_back(input.stem().string());
            cueText = cueSheetText(sheet, *layout);
            report.singleFile = AlbumSingleFile{albumAudio, cuePath, *layout};
        }
        report.timing.assembleSeconds = secondsSince(phase);

        // 5. Publish: every file moves into place only now that all of them exist.
        std::vector<std::pair<fs::path, fs::path>> moves;
        for (std::size_t i = 0; i < count; ++i) moves.emplace_back(staged[i], finalPaths[i]);
        if (request.singleFile) moves.emplace_back(stagingDir / albumAudio.filename(), albumAudio);
        for (const auto& [from, to] : moves) {
            fs::rename(from, to, ec);
            if (ec) return fail(to.string() + ": could not move the finished file into place (" + ec.message() + ")");
        }
        if (request.singleFile)
            if (auto status = writeTextFileAtomically(cuePath, cueText, request.inputs); !status) return status.error();

        for (std::size_t i = 0; i < count; ++i) {
            AlbumTrackReport track;
            track.number = int(i) + 1;
            track.input = request.inputs[i];
            track.output = finalPaths[i];
            track.targetLufs = report.loudnessPlan.targetLufs[i];
            track.master = std::move(masters[i]);
            track.master.output = finalPaths[i].string();
            track.master.after.file = finalPaths[i].string();
            report.tracks.push_back(std::move(track));
        }
        std::vector<analysis::Analysis> delivered;
        for (const auto& t : report.tracks) delivered.push_back(t.master.after);
        report.loudnessSpreadBeforeLu = loudnessSpreadLu(mixes);
        report.loudnessSpreadAfterLu = loudnessSpreadLu(delivered);
        report.tonalSpreadBeforeDb = tonalSpreadDb(mixes);
        report.tonalSpreadAfterDb = tonalSpreadDb(delivered);
        for (const auto& t : report.tracks)
            for (const auto& w : t.master.warnings)
                report.warnings.push_back(formatText("track %d: %s", t.number, w.c_str()));
        report.timing.totalSeconds = secondsSince(start);
        if (auto status = writeAlbumReportJson(report, report.reportPath, request.inputs); !status) return status.error();
        return report;
    }();
    if (!result && createdOutputDir) fs::remove(outputDir, ec);  // only if still empty
    return result;
}

}  // namespace lathe::mastering
