// `lathe analyze FILE... [--json] [--series]`: loudness, true peak and QC figures of audio files.
// A table per file by default; --json prints one JSON object per file (an array for several).
// Each file that cannot be analysed gets one error line on stderr; the others are still analysed
// and the exit code is 1 if any failed. Warnings (e.g. a silent file) go to stderr as
// "lathe: warning: FILE: ..." and into the JSON "warnings" array; they do not fail the run.
#include <lathe/analysis/analysis_json.h>
#include <lathe/analysis/analyzer.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "commands.h"

namespace lathe::cli {

namespace {

std::string formatValue(const std::optional<double>& value, const std::string& unit, int decimals = 1) {
    if (!value.has_value()) return "-";
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, value.value_or(0.0));
    return unit.empty() ? std::string(text) : std::string(text) + " " + unit;
}

void printTable(const analysis::Analysis& a) {
    std::printf("%s\n", a.file.c_str());
    std::printf("  %-26s %.0f Hz, %d ch, %.3f s\n", "format", a.sampleRate, a.channels, a.durationSeconds);
    const auto row = [](const char* name, const std::string& value) { std::printf("  %-26s %s\n", name, value.c_str()); };
    row("integrated loudness", formatValue(a.integratedLufs, "LUFS"));
    row("loudness range", formatValue(a.loudnessRangeLu, "LU"));
    row("max momentary", formatValue(a.maxMomentaryLufs, "LUFS"));
    row("max short-term", formatValue(a.maxShortTermLufs, "LUFS"));
    row("true peak", formatValue(a.truePeakDbtp, "dBTP", 2));
    row("sample peak", formatValue(a.samplePeakDbfs, "dBFS", 2));
    row("PLR", formatValue(a.plrDb, "dB"));
    row("crest factor", formatValue(a.crestFactorDb, "dB"));
    row("DC offset (worst channel)", formatValue(a.dcOffsetDbfs, "dBFS"));
    row("clipped runs", std::to_string(a.clippedRuns));
    row("stereo correlation", formatValue(a.stereoCorrelation, "", 2));
    row("side / mid", formatValue(a.sideToMidDb, "dB"));
    row("mono fold-down", formatValue(a.monoFoldDownLu, "LU"));
    row("spectral tilt", formatValue(a.spectralTiltDbPerOctave, "dB/oct", 2));
    row("dynamic range (TT)", a.drTt ? "DR" + std::to_string(std::lround(*a.drTt)) : std::string("-"));
    row("head / tail silence", formatValue(a.headSilenceSeconds, "s", 3) + " / " + formatValue(a.tailSilenceSeconds, "s", 3));
    std::printf("  1/3-octave mid / side (dB re full-scale sine):\n");
    for (std::size_t b = 0; b < analysis::kThirdOctaveCentresHz.size(); ++b) {
        std::optional<double> mid;
        std::optional<double> side;
        if (b < a.thirdOctaveMidDb.size()) mid = a.thirdOctaveMidDb[b];
        if (b < a.thirdOctaveSideDb.size()) side = a.thirdOctaveSideDb[b];
        char label[32];
        std::snprintf(label, sizeof label, "%g Hz", analysis::kThirdOctaveCentresHz[b]);
        std::printf("    %-10s %12s %12s\n", label, formatValue(mid, "").c_str(), formatValue(side, "").c_str());
    }
}

}  // namespace

void registerAnalyzeCommand(CLI::App& app, CommandContext& context) {
    auto* command = app.add_subcommand("analyze", "Measure loudness, true peak and QC figures of audio files");
    auto files = std::make_shared<std::vector<std::string>>();
    auto json = std::make_shared<bool>(false);
    auto series = std::make_shared<bool>(false);
    command->add_option("FILE", *files, "Audio files to analyse")->required();
    command->add_flag("--json", *json, "Print JSON: one object per file, an array for several files");
    command->add_flag("--series", *series, "With --json: add momentary_lufs and short_term_lufs at a 10 ms hop");
    command->callback([&context, files, json, series] {
        analysis::AnalysisOptions options;
        options.recordSeries = *series;
        auto results = nlohmann::ordered_json::array();
        bool anyFailed = false;
        for (const auto& file : *files) {
            auto analysis = analysis::analyzeFile(file, options);
            if (!analysis) {
                reportError(analysis.error().message);
                anyFailed = true;
                continue;
            }
            for (const auto& warning : analysis->warnings) std::fprintf(stderr, "lathe: warning: %s: %s\n", file.c_str(), warning.c_str());
            if (*json) {
                results.push_back(analysis::toJson(*analysis, *series));
            } else {
                printTable(*analysis);
            }
        }
        if (*json) {
            const auto& out = files->size() == 1 && results.size() == 1 ? results[0] : results;
            if (files->size() > 1 || !results.empty()) std::printf("%s\n", out.dump(2).c_str());
        }
        std::fflush(stdout);
        if (anyFailed) context.exitCode = 1;
    });
}

}  // namespace lathe::cli
