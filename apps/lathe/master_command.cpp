// `lathe master IN -o OUT [--target PRESET|LUFS] [--ceiling DBTP] [--intent TEXT] [--amount PCT]
//   [--format wav|aiff|flac] [--bit-depth 16|24|32f] [--sample-rate HZ] [--report FILE.json] [--preview]
//   [--dynamics normal|loud] [--downmix] [--quiet]`
#include <lathe/check/check.h>
#include <lathe/check/html_report.h>
#include <lathe/mastering/master.h>
#include <lathe/mastering/report.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "commands.h"

namespace lathe::cli {
namespace {

struct MasterOptions {
    std::string input, output, target = "streaming", intent, format, bitDepth, report, reportHtml, dynamics = "normal";
    std::optional<double> ceiling, sampleRate;
    double amountPercent = 100.0;
    bool preview = false, downmix = false, quiet = false;
};

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
    command->add_option("IN", o->input, "Input mix (WAV, AIFF, FLAC, ...)")->required();
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
    command->callback([&context, o] {
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
