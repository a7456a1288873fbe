// `lathe master IN -o OUT [--target PRESET|LUFS] [--ceiling DBTP] [--intent TEXT] [--amount PCT]
//   [--format wav|aiff|flac] [--bit-depth 16|24|32f] [--sample-rate HZ] [--report FILE.json] [--preview]
//   [--dynamics normal|loud] [--downmix] [--quiet]
//   [--reference REF ... [--reference-weight W ...]] [--match eq=100,loudness=100,width=100,dynamics=50]
//   [--match-max-db DB] [--match-smoothing OCT]`
// `lathe master --analyze-reference REF -o REF.json`: saves REF's profile for `--reference REF.json`.
#include <lathe/check/check.h>
#include <lathe/check/html_report.h>
#include <lathe/mastering/master.h>
#include <lathe/mastering/reference.h>
#include <lathe/mastering/report.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"

namespace lathe::cli {
namespace {

struct MasterOptions {
    std::string input, output, target = "streaming", intent, format, bitDepth, report, reportHtml, dynamics = "normal";
    std::optional<double> ceiling, sampleRate;
    double amountPercent = 100.0;
    bool preview = false, downmix = false, quiet = false;
    std::vector<std::string> references;
    std::vector<double> referenceWeights;
    std::optional<std::string> match;
    double matchMaxDb = mastering::kDefaultMatchMaxEqDb;
    double matchSmoothingOctaves = 0.0;
    std::string analyzeReference;
};

std::string signedFigure(const std::optional<double>& value, const char* unit) {
    if (!value) return "n/a";
    char text[64];
    std::snprintf(text, sizeof text, "%+.1f %s", *value, unit);
    return text;
}

void printReference(const mastering::MasterReport& report) {
    if (!report.plan.reference) return;
    const auto& match = *report.plan.reference;
    const mastering::ProfileDistance after = report.referenceAfter.value_or(mastering::ProfileDistance{});
    std::printf("  reference %s: distance before -> after\n", match.reference.source.c_str());
    const auto row = [](const char* name, const std::optional<double>& before, const std::optional<double>& afterValue,
                        const char* unit, bool magnitude) {
        const auto show = [&](const std::optional<double>& v) {
            char text[64];
            if (!v) return std::string("n/a");
            std::snprintf(text, sizeof text, magnitude ? "%.1f %s" : "%+.1f %s", *v, unit);
            return std::string(text);
        };
        std::printf("    %-30s %12s -> %s\n", name, show(before).c_str(), show(afterValue).c_str());
    };
    row("spectrum (1/3 oct, dB RMS)", match.before.spectralDbRms, after.spectralDbRms, "dB", true);
    row("loudness", match.before.loudnessLu, after.loudnessLu, "LU", false);
    row("side-to-mid", match.before.sideToMidDb, after.sideToMidDb, "dB", false);
    row("PLR", match.before.plrDb, after.plrDb, "dB", false);
    row("momentary loudness spread", match.before.shortTermSpreadLu, after.shortTermSpreadLu, "LU", false);
    for (const auto& limit : match.limits) std::printf("    limit: %s\n", limit.c_str());
}

// `--analyze-reference REF -o REF.json`.
int analyzeReference(const MasterOptions& o) {
    auto profile = mastering::loadReference(o.analyzeReference);
    if (!profile) return reportError(profile.error().message);
    if (auto status = mastering::saveReferenceJson(*profile, o.output, {o.analyzeReference}); !status)
        return reportError(status.error().message);
    if (!o.quiet)
        std::printf("lathe master: reference profile of %s -> %s (%.1f LUFS, PLR %.1f dB, side/mid %s, %.1f s analysed)\n",
                    o.analyzeReference.c_str(), o.output.c_str(), profile->integratedLufs, profile->plrDb,
                    signedFigure(profile->sideToMidDb, "dB").c_str(), profile->analysedSeconds);
    return 0;
}

std::string figure(const std::optional<double>& value, const char* unit) {
    if (!value) return "n/a";
    char text[64];
    std::snprintf(text, sizeof text, "%.1f %s", *value, unit);
    return text;
}

void printSummary(const mastering::MasterReport& report) {
    const auto& b = report.before;
    const auto& a = report.after;
    std::printf("lathe master: %s -> %s (%s, %.1f s)\n", report.input.c_str(), report.output.c_str(),
                report.target.name.c_str(), report.timing.totalSeconds);
    std::printf("  %-22s %14s %14s\n", "", "before", "after");
    std::printf("  %-22s %14s %14s\n", "integrated loudness", figure(b.integratedLufs, "LUFS").c_str(), figure(a.integratedLufs, "LUFS").c_str());
    std::printf("  %-22s %14s %14s\n", "true peak", figure(b.truePeakDbtp, "dBTP").c_str(), figure(a.truePeakDbtp, "dBTP").c_str());
    std::printf("  %-22s %14s %14s\n", "PLR", figure(b.plrDb, "dB").c_str(), figure(a.plrDb, "dB").c_str());
    std::printf("  %-22s %14s %14s\n", "loudness range", figure(b.loudnessRangeLu, "LU").c_str(), figure(a.loudnessRangeLu, "LU").c_str());
    std::printf("  %-22s %14s %14s\n", "side/mid", figure(b.sideToMidDb, "dB").c_str(), figure(a.sideToMidDb, "dB").c_str());
    std::printf("  %-22s %14s %14s\n", "spectral tilt", figure(b.spectralTiltDbPerOctave, "dB/oct").c_str(),
                figure(a.spectralTiltDbPerOctave, "dB/oct").c_str());
    std::printf("  decisions:\n");
    for (const auto& d : report.plan.decisions) std::printf("    %-10s %s: %s\n", d.stage.c_str(), d.setting.c_str(), d.reason.c_str());
    std::printf("  limiter: gain %+.2f dB, max gain reduction %.1f dB, %zu loudness iterations\n", report.limiterGainDb,
                report.maxLimiterReductionDb, report.iterations.size());
    printReference(report);
    for (const auto& w : report.warnings) std::printf("  warning: %s\n", w.c_str());
}

// The visual report of a master: `lathe check` of the delivered file, with the input overlaid.
Status writeMasterHtml(const mastering::MasterReport& report, const MasterOptions& o) {
    check::CheckOptions options;
    options.target = report.target;
    options.ceilingDbtp = report.plan.limiter.ceilingDbtp;
    auto checked = check::checkFile(report.output, options);
    if (!checked) return checked.error();
    auto content = check::htmlContentFor(*checked, &report.before);
    content.title = "lathe master";
    content.subtitle = report.input + " -> " + report.output + " (" + report.target.name + ")";
    return check::writeHtmlReport(o.reportHtml, content, {report.input, report.output});
}

}  // namespace

void registerMasterCommand(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("master", "Master a mix for a destination");
    auto o = std::make_shared<MasterOptions>();
    command->add_option("IN", o->input, "Input mix (WAV, AIFF, FLAC, ...)");
    command->add_option("-o,--output", o->output, "Output file (.wav, .aiff, .flac)")->required();
    command->add_option("--target", o->target,
                        "Preset (streaming, spotify-loud, apple, youtube, deezer, cd, ebu-r128, atsc-a85, podcast) or LUFS");
    command->add_option("--ceiling", o->ceiling, "True-peak ceiling in dBTP (default: the target's)")->check(CLI::Range(-20.0, 0.0));
    command->add_option("--intent", o->intent, "Written intent, e.g. \"warmer, more low end, keep it dynamic\"");
    command->add_option("--amount", o->amountPercent, "Blend of every automatic correction, 0-100 %")->check(CLI::Range(0.0, 100.0));
    command->add_option("--format", o->format, "Output format (default: from the extension)")->check(CLI::IsMember({"wav", "aiff", "flac"}));
    command->add_option("--bit-depth", o->bitDepth, "16 (dithered), 24 (default) or 32f")->check(CLI::IsMember({"16", "24", "32f"}));
    command->add_option("--sample-rate", o->sampleRate, "Output sample rate in Hz (default: the input's)")->check(CLI::Range(8000.0, 384000.0));
    command->add_option("--report", o->report, "Write the full report as JSON");
    command->add_option("--report-html", o->reportHtml, "Write the visual report (the check of the master, input overlaid)");
    command->add_flag("--preview", o->preview, "Render only the loudest 30 seconds");
    command->add_option("--dynamics", o->dynamics, "normal (keep the PLR floor) or loud (allow going past it)")
        ->check(CLI::IsMember({"normal", "loud"}));
    command->add_flag("--downmix", o->downmix, "Fold multichannel input to stereo");
    command->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
    command->add_option("--reference", o->references,
                        "Reference track (audio, any rate or format, or a profile .json); repeat to average several")
        ->allow_extra_args(false);
    command->add_option("--reference-weight", o->referenceWeights, "Weight of each --reference, in order (default equal)")
        ->allow_extra_args(false)
        ->check(CLI::Range(0.0, 1000.0));
    command->add_option("--match", o->match, "How far to match each aspect, percent: eq=100,loudness=100,width=100,dynamics=50");
    command->add_option("--match-max-db", o->matchMaxDb, "Largest match EQ move per band in dB (default 6)")
        ->check(CLI::Range(0.0, 24.0));
    command->add_option("--match-smoothing", o->matchSmoothingOctaves,
                        "Smooth the tonal difference over this many octaves (default 0: the 1/3-octave bands as they are)")
        ->check(CLI::Range(0.0, 3.0));
    command->add_option("--analyze-reference", o->analyzeReference, "Write the profile of this reference to -o FILE.json and exit");
    command->callback([&context, o] {
        if (!o->analyzeReference.empty()) {
            if (!o->input.empty() || !o->references.empty())
                context.exitCode = reportError("--analyze-reference takes no IN and no --reference (lathe master --analyze-reference "
                                               "REF -o REF.json)", 2);
            else
                context.exitCode = analyzeReference(*o);
            return;
        }
        if (o->input.empty()) {
            context.exitCode = reportError("master: IN is required (or --analyze-reference REF)", 2);
            return;
        }
        if (o->references.empty() && (o->match || !o->referenceWeights.empty())) {
            context.exitCode = reportError("--match and --reference-weight need --reference", 2);
            return;
        }
        if (!o->referenceWeights.empty() && o->referenceWeights.size() != o->references.size()) {
            context.exitCode = reportError(std::to_string(o->referenceWeights.size()) + " --reference-weight for " +
                                               std::to_string(o->references.size()) + " --reference: give one per reference",
                                           2);
            return;
        }
        if (!o->referenceWeights.empty() && std::none_of(o->referenceWeights.begin(), o->referenceWeights.end(),
                                                         [](double w) { return w > 0.0; })) {
            context.exitCode = reportError("--reference-weight: at least one weight must be positive", 2);
            return;
        }
        mastering::MatchAmounts amounts;
        if (o->match) {
            auto parsed = mastering::parseMatchAmounts(*o->match);
            if (!parsed) {
                context.exitCode = reportError("--match: " + parsed.error().message);
                return;
            }
            amounts = *parsed;
        }
        std::vector<mastering::ReferenceProfile> profiles;
        for (const auto& path : o->references) {
            std::error_code ec;
            if (std::filesystem::weakly_canonical(path, ec) == std::filesystem::weakly_canonical(o->output, ec)) {
                context.exitCode = reportError(o->output + ": is a reference file; choose another output path");
                return;
            }
            auto profile = mastering::loadReference(path);
            if (!profile) {
                context.exitCode = reportError(profile.error().message);
                return;
            }
            profiles.push_back(std::move(*profile));
        }
        auto target = mastering::parseDeliveryTarget(o->target);
        if (!target) {
            context.exitCode = reportError(target.error().message);
            return;
        }
        mastering::MasterRequest request;
        request.input = o->input;
        request.output = o->output;
        request.plan.target = *target;
        request.plan.ceilingDbtp = o->ceiling;
        request.plan.intent = mastering::parseIntent(o->intent);
        request.plan.amount = o->amountPercent / 100.0;
        request.plan.dynamicsLoud = o->dynamics == "loud";
        if (!profiles.empty()) {
            request.plan.reference = mastering::averageProfiles(profiles, o->referenceWeights);
            request.plan.match = amounts;
            request.plan.matchMaxEqDb = o->matchMaxDb;
            request.plan.matchSmoothingOctaves = o->matchSmoothingOctaves;
        }
        request.preview = o->preview;
        request.downmix = o->downmix;
        request.sampleRateHz = o->sampleRate;
        request.recordSeries = !o->reportHtml.empty();
        if (o->format == "wav") request.format = FileFormat::Wav;
        if (o->format == "aiff") request.format = FileFormat::Aiff;
        if (o->format == "flac") request.format = FileFormat::Flac;
        if (o->bitDepth == "16") request.encoding = SampleEncoding::Pcm16;
        if (o->bitDepth == "24") request.encoding = SampleEncoding::Pcm24;
        if (o->bitDepth == "32f") request.encoding = SampleEncoding::Float32;
        auto report = mastering::masterFile(request);
        if (!report) {
            context.exitCode = reportError(report.error().message);
            return;
        }
        if (!o->report.empty()) {
            if (auto status = mastering::writeReportJson(*report, o->report); !status) {
                context.exitCode = reportError(status.error().message);
                return;
            }
        }
        if (!o->reportHtml.empty()) {
            if (auto status = writeMasterHtml(*report, *o); !status) {
                context.exitCode = reportError(status.error().message);
                return;
            }
        }
        if (!o->quiet) printSummary(*report);
    });
}

}  // namespace lathe::cli
