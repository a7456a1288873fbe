#pragma once
// The visual report of `lathe check --html` (and, later, `lathe master --report-html`): one
// self-contained HTML file, charts drawn as inline SVG, no scripts or fonts from the network.
// Charts: loudness over time (momentary, short-term, integrated, target), long-term spectrum
// against the target balance or a reference, waveform overview with true-peak overs marked,
// dynamics histogram (short-term loudness), translation per playback system, codec preview; then
// the codec table, the platform table and the verdict list. With a `before` analysis (a master
// run's input) the loudness, spectrum and histogram charts also draw the input, dashed.
// A small inline script records script errors and whether every chart drew into <body> data
// attributes (data-charts, data-charts-drawn, data-errors) for automated checks.

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/check/check.h"
#include "lathe/result.h"

namespace lathe::check {

struct HtmlReportContent {
    std::string title = "lathe check";
    std::string subtitle;                         ///< e.g. the file and the target
    const analysis::Analysis* before = nullptr;   ///< optional: the unprocessed input
    const analysis::Analysis* after = nullptr;    ///< required: the master (with its loudness series)
    const Verdict* verdict = nullptr;             ///< required
    double targetLufs = -14.0;
    double ceilingDbtp = -1.0;
    std::vector<std::optional<double>> balanceCurveDb;  ///< target or reference bands, level-matched to `after`
    std::string balanceLabel = "target balance";
    const WaveformOverview* waveform = nullptr;
    const OversScan* overs = nullptr;
    std::span<const SystemTranslation> translation;
    std::span<const PlatformPlayback> platforms;
    const CodecPreview* codecs = nullptr;
};

/// What a check report contributes (pointers into `report`, which must outlive the content).
[[nodiscard]] HtmlReportContent htmlContentFor(const CheckReport& report, const analysis::Analysis* before = nullptr);

/// The page. Errors: `after` or `verdict` missing.
[[nodiscard]] Result<std::string> renderHtmlReport(const HtmlReportContent& content);

/// Renders and writes atomically (lathe/atomic_file.h); never replaces a path in protectedPaths.
[[nodiscard]] Status writeHtmlReport(const std::filesystem::path& path, const HtmlReportContent& content,
                                     const std::vector<std::filesystem::path>& protectedPaths = {});

}  // namespace lathe::check
