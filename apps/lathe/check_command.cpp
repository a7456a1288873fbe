// `lathe check FILE [--target PRESET|LUFS] [--ceiling DBTP] [--reference REF] [--json] [--html REPORT.html]
//  [--codec-full | --no-codecs]`:
// is a master ready to release? Prints the verdict item by item (or JSON), optionally writes the
// HTML report. Exit code 0 for PASS or WARN, 1 for FAIL, 2 when the file cannot be read (and for
// usage errors: an unknown target, a report that cannot be written).
#include <lathe/check/check.h>
#include <lathe/check/check_json.h>
#include <lathe/check/html_report.h>
#include <lathe/mastering/targets.h>

#include <cstdio>

#include "commands.h"

namespace lathe::cli {

namespace {

struct CheckArguments {
    std::string file;
    std::string target = "streaming";
    std::optional<double> ceilingDbtp;
    std::string reference;
    bool json = false;
    std::string html;
    bool codecFull = false;
    bool noCodecs = false;
};

std::string duration(double seconds) {
    char text[32];
    const int minutes = int(seconds / 60.0);
    std::snprintf(text, sizeof text, "%d:%04.1f", minutes, seconds - 60.0 * minutes);
    return text;
}

void printText(const check::CheckReport& report) {
    const auto& f = report.format;
    std::printf("lathe check  %s  (%.1f kHz, %s, %d ch, %s)\n", report.file.c_str(), f.sampleRate / 1000.0,
                f.encodingName.c_str(), report.analysis.channels, duration(report.analysis.durationSeconds).c_str());
    std::printf("target %s: %.1f LUFS, ceiling %.1f dBTP; tonal balance vs %s\n\n", report.target.name.c_str(),
                report.target.integratedLufs, report.ceilingDbtp, report.balanceReference.c_str());
    std::string category;
    int counts[3] = {0, 0, 0};
    for (const auto& item : report.verdict.items) {
        ++counts[int(item.severity)];
        if (item.category != category) {
            category = item.category;
            std::printf("%s\n", category.c_str());
        }
        std::printf("  %-4s  %-28s %-14s %s\n", std::string(check::severityName(item.severity)).c_str(), item.id.c_str(),
                    item.figure.c_str(), item.reason.c_str());
    }
    std::printf("\nverdict: %s (%d FAIL, %d WARN, %d PASS)\n", std::string(check::severityName(report.verdict.overall())).c_str(),
                counts[2], counts[1], counts[0]);
}

}  // namespace

void registerCheckCommand(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("check", "Is a master ready to release? Verdict item by item, codec preview, HTML report");
    auto args = std::make_shared<CheckArguments>();
    command->add_option("FILE", args->file, "Audio file to check")->required();
    command->add_option("--target", args->target, "Delivery target: a preset (streaming, cd, apple, ...) or LUFS (e.g. -14)");
    command->add_option("--ceiling", args->ceilingDbtp, "True-peak ceiling in dBTP (default: the target's)");
    command->add_option("--reference", args->reference, "Reference track: compare the tonal balance with its spectrum");
    command->add_flag("--json", args->json, "Print the report as JSON");
    command->add_option("--html", args->html, "Write a self-contained HTML report");
    command->add_flag("--codec-full", args->codecFull,
                      "Codec preview of the whole file (default: files over 20 s are previewed in four 5 s excerpts: "
                      "the loudest section and the highest peaks)");
    command->add_flag("--no-codecs", args->noCodecs, "Skip the codec preview");
    command->callback([&context, args] {
        auto target = mastering::parseDeliveryTarget(args->target);
        if (!target) {
            context.exitCode = reportError(target.error().message, 2);
            return;
        }
        check::CheckOptions options;
        options.target = target.value();
        options.ceilingDbtp = args->ceilingDbtp;
        if (!args->reference.empty()) options.reference = args->reference;
        options.codecPreview = !args->noCodecs;
        if (args->codecFull) options.codec.maxPreviewSeconds = 0.0;
        auto report = check::checkFile(args->file, options);
        if (!report) {
            context.exitCode = reportError(report.error().message, 2);
            return;
        }
        if (!args->html.empty()) {
            std::vector<std::filesystem::path> inputs = {args->file};
            if (!args->reference.empty()) inputs.emplace_back(args->reference);
            if (auto status = check::writeHtmlReport(args->html, check::htmlContentFor(report.value()), inputs); !status) {
                context.exitCode = reportError(status.error().message, 2);
                return;
            }
        }
        if (args->json)
            std::printf("%s\n", check::toJson(report.value()).dump(2).c_str());
        else
            printText(report.value());
        context.exitCode = check::exitCodeFor(report->verdict.overall());
    });
}

}  // namespace lathe::cli
