// `lathe album IN1 IN2 ... --out-dir DIR [--target PRESET|LUFS] [--ceiling DBTP] [--reference REF]
//   [--loudness album|equal] [--gap SECONDS] [--single-file] [--jobs N] [--report FILE.json]
//   [--dynamics normal|loud] [--downmix] [--quiet]`
#include <lathe/atomic_file.h>
#include <lathe/mastering/album.h>
#include <lathe/mastering/album_report.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <set>
#include <thread>

#include "commands.h"
#include "status_line.h"

namespace lathe::cli {
namespace {

struct AlbumOptions {
    std::vector<std::string> inputs;
    std::string outDir, target = "streaming", reference, loudness = "album", report, dynamics = "normal";
    std::optional<double> ceiling;
    double gapSeconds = 2.0;
    int jobs = 0;
    bool singleFile = false, downmix = false, quiet = false;
};

std::string figure(const std::optional<double>& value, const char* format) {
    if (!value) return "n/a";
    char text[64];
    std::snprintf(text, sizeof text, format, *value);
    return text;
}

// The status line's text for the album's progress so far.
class ProgressText {
public:
    std::string update(const mastering::AlbumProgress& p) {
        if (p.stage != stage_) running_.clear(), stage_ = p.stage;
        if (p.finished) running_.erase(p.track);
        else running_.insert(p.track);
        const char* verb = p.stage == mastering::AlbumStage::Analyse  ? "analysing"
                           : p.stage == mastering::AlbumStage::Master ? "mastering"
                                                                     : "joining";
        std::string text = "lathe album: " + std::string(verb) + " " + std::to_string(p.finishedTracks) + "/" +
                           std::to_string(p.trackCount) + " done";
        if (!running_.empty()) {
            text += ", now";
            for (const std::size_t t : running_) text += " #" + std::to_string(t + 1);
        }
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        char clock[32];
        std::snprintf(clock, sizeof clock, "  (%.0f s)", elapsed);
        return text + clock;
    }

private:
    mastering::AlbumStage stage_ = mastering::AlbumStage::Analyse;
    std::set<std::size_t> running_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

void printSummary(const mastering::AlbumReport& report) {
    std::printf("lathe album: %zu tracks (%s, %s loudness, %d job%s, %.1f s)\n", report.tracks.size(), report.target.name.c_str(),
                mastering::albumLoudnessName(report.loudness), report.jobs, report.jobs == 1 ? "" : "s",
                report.timing.totalSeconds);
    std::printf("  tonal target: %s\n", report.tonalTarget.c_str());
    std::printf("  %-3s %-36s %12s %12s %12s %10s\n", "#", "output", "before LUFS", "after LUFS", "true peak", "PLR");
    for (const auto& t : report.tracks) {
        std::string name = t.output.filename().string();
        if (name.size() > 36) name = name.substr(0, 33) + "...";
        std::printf("  %-3d %-36s %12s %12s %12s %10s\n", t.number, name.c_str(), figure(t.master.before.integratedLufs, "%.1f").c_str(),
                    figure(t.master.after.integratedLufs, "%.1f").c_str(), figure(t.master.after.truePeakDbtp, "%.1f dBTP").c_str(),
                    figure(t.master.after.plrDb, "%.1f dB").c_str());
    }
    std::printf("  loudness spread: %s -> %s; tonal spread: %s -> %s\n", figure(report.loudnessSpreadBeforeLu, "%.1f LU").c_str(),
                figure(report.loudnessSpreadAfterLu, "%.1f LU").c_str(), figure(report.tonalSpreadBeforeDb, "%.2f dB").c_str(),
                figure(report.tonalSpreadAfterDb, "%.2f dB").c_str());
    if (report.singleFile)
        std::printf("  single file: %s (%.1f s) with %s\n", report.singleFile->audio.string().c_str(),
                    double(report.singleFile->layout.totalFrames) / report.singleFile->layout.sampleRate,
                    report.singleFile->cueSheet.filename().string().c_str());
    std::printf("  report: %s\n", report.reportPath.string().c_str());
    for (const auto& w : report.warnings) std::printf("  warning: %s\n", w.c_str());
}

}  // namespace

void registerAlbumCommand(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("album", "Master the tracks of an album together, in parallel");
    auto o = std::make_shared<AlbumOptions>();
    command->add_option("IN", o->inputs, "The tracks, in album order")->required()->expected(1, -1);
    command->add_option("--out-dir", o->outDir, "Folder for the mastered tracks, the report and the single file")->required();
    command->add_option("--target", o->target,
                        "Preset (streaming, spotify-loud, apple, youtube, deezer, cd, ebu-r128, atsc-a85, podcast) or LUFS");
    command->add_option("--ceiling", o->ceiling, "True-peak ceiling in dBTP (default: the target's)")->check(CLI::Range(-20.0, 0.0));
    command->add_option("--reference", o->reference, "Tonal target: a reference track or saved profile (default: the album's average)");
    command->add_option("--loudness", o->loudness, "album (keep the differences, loudest at the target) or equal (every track at it)")
        ->check(CLI::IsMember({"album", "equal"}));
    command->add_option("--gap", o->gapSeconds, "Silence before each track in the single file, seconds (default 2)")
        ->check(CLI::Range(0.0, 60.0));
    command->add_flag("--single-file", o->singleFile, "Also write one continuous file (album.<ext>) and a CUE sheet");
    command->add_option("--jobs", o->jobs, "Tracks processed at once (default: hardware threads)")->check(CLI::Range(1, 256));
    command->add_option("--report", o->report, "Also write the album report (JSON) here");
    command->add_option("--dynamics", o->dynamics, "normal (keep the PLR floor) or loud (allow going past it)")
        ->check(CLI::IsMember({"normal", "loud"}));
    command->add_flag("--downmix", o->downmix, "Fold multichannel input to stereo");
    command->add_flag("-q,--quiet", o->quiet, "No progress display and no summary");
    command->callback([&context, o] {
        auto target = mastering::parseDeliveryTarget(o->target);
        if (!target) {
            context.exitCode = reportError(target.error().message);
            return;
        }
        mastering::AlbumRequest request;
        for (const auto& input : o->inputs) request.inputs.emplace_back(input);
        request.outputDir = o->outDir;
        request.plan.target = *target;
        request.plan.ceilingDbtp = o->ceiling;
        request.plan.dynamicsLoud = o->dynamics == "loud";
        request.loudness = o->loudness == "equal" ? mastering::AlbumLoudness::Equal : mastering::AlbumLoudness::Album;
        if (!o->reference.empty()) request.reference = o->reference;
        request.singleFile = o->singleFile;
        request.gapSeconds = o->gapSeconds;
        request.jobs = o->jobs;
        request.downmix = o->downmix;
        StatusLine status(!o->quiet);
        ProgressText text;
        if (status.active()) request.progress = [&](const mastering::AlbumProgress& p) { status.show(text.update(p)); };
        auto report = mastering::masterAlbum(request);
        status.clear();
        if (!report) {
            context.exitCode = reportError(report.error().message);
            return;
        }
        if (!o->report.empty()) {
            if (auto written = mastering::writeAlbumReportJson(*report, o->report, request.inputs); !written) {
                context.exitCode = reportError(written.error().message);
                return;
            }
        }
        if (!o->quiet) printSummary(*report);
    });
}

}  // namespace lathe::cli
