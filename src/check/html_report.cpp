#include "lathe/check/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "check/svg_chart.h"
#include "lathe/atomic_file.h"

namespace lathe::check {

namespace {

using svg::Axis;
using svg::Chart;
using svg::escape;
using svg::number;
using Points = std::vector<std::pair<double, double>>;

constexpr double kWide = 960, kTall = 280;

std::string clock(double seconds) {
    char text[32];
    const int minutes = int(seconds / 60.0);
    std::snprintf(text, sizeof text, "%d:%04.1f", minutes, seconds - 60.0 * minutes);
    return text;
}

// Nice tick values covering [lo, hi] with about `count` ticks.
std::vector<double> ticks(double lo, double hi, int count) {
    const double raw = (hi - lo) / std::max(1, count);
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    double step = magnitude;
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    std::vector<double> out;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push_back(std::abs(v) < 1e-9 ? 0.0 : v);
    return out;
}

Axis timeAxis(double seconds) {
    Axis axis{0.0, std::max(seconds, 1e-3), false, "time", {}, {}};
    axis.ticks = ticks(0.0, axis.max, 10);
    for (const double t : axis.ticks) axis.tickLabels.push_back(clock(t));
    return axis;
}

// A loudness series reduced to at most `maxPoints` points (the maximum of each bucket, so short
// loud moments survive), as (seconds, LUFS); -inf (silence) becomes a gap.
Points reduceSeries(const std::vector<float>& series, double hopSeconds, double offsetSeconds, std::size_t maxPoints = 1600) {
    Points out;
    if (series.empty()) return out;
    const std::size_t bucket = std::max<std::size_t>(1, (series.size() + maxPoints - 1) / maxPoints);
    for (std::size_t start = 0; start < series.size(); start += bucket) {
        float best = -std::numeric_limits<float>::infinity();
        for (std::size_t i = start; i < std::min(series.size(), start + bucket); ++i) best = std::max(best, series[i]);
        const double t = offsetSeconds + double(start + bucket / 2) * hopSeconds;
        out.emplace_back(t, std::isfinite(best) && best > -70.0f ? double(best) : std::numeric_limits<double>::quiet_NaN());
    }
    return out;
}

std::string loudnessChart(const HtmlReportContent& c) {
    const auto& a = *c.after;
    Chart chart("chart-loudness", "Loudness over time", kWide, kTall, timeAxis(a.durationSeconds),
                Axis{-50.0, 0.0, false, "LUFS", ticks(-50.0, 0.0, 5), {}});
    chart.legend({{"momentary", "momentary (400 ms)"},
                  {"short-term", "short-term (3 s)"},
                  {"integrated", "integrated"},
                  {"target", "target"}});
    // Momentary values are stamped at the end of their 400 ms window, short-term at the end of 3 s.
    chart.path(reduceSeries(a.momentaryLufs, a.seriesHopSeconds, 0.0), "momentary", "momentary loudness");
    chart.path(reduceSeries(a.shortTermLufs, a.seriesHopSeconds, 0.0), "short-term", "short-term loudness");
    if (c.before) chart.path(reduceSeries(c.before->shortTermLufs, c.before->seriesHopSeconds, 0.0), "before", "input short-term");
    if (a.integratedLufs) chart.horizontal(*a.integratedLufs, "integrated", "integrated " + number(*a.integratedLufs) + " LUFS");
    chart.horizontal(c.targetLufs, "target");
    chart.text(0.0, c.targetLufs - 2.5, "  target " + number(c.targetLufs) + " LUFS", "note");
    return chart.svg();
}

std::vector<std::string> frequencyLabels(const std::vector<double>& values) {
    std::vector<std::string> out;
    for (const double f : values) out.push_back(f >= 1000.0 ? number(f / 1000.0, 0) + "k" : number(f, 0));
    return out;
}

Points bandPoints(const std::vector<std::optional<double>>& bands) {
    Points out;
    for (std::size_t b = 0; b < bands.size() && b < analysis::kThirdOctaveCentresHz.size(); ++b)
        out.emplace_back(analysis::kThirdOctaveCentresHz[b],
                         bands[b] && *bands[b] > -150.0 ? *bands[b] : std::numeric_limits<double>::quiet_NaN());
    return out;
}

std::string spectrumChart(const HtmlReportContent& c) {
    const auto& a = *c.after;
    double top = -200.0;
    for (const auto& v : a.thirdOctaveMidDb)
        if (v) top = std::max(top, *v);
    for (const auto& v : c.balanceCurveDb)
        if (v) top = std::max(top, *v);
    if (top < -150.0) top = 0.0;
    top = std::ceil((top + 5.0) / 10.0) * 10.0;
    const std::vector<double> frequencies = {20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000};
    Chart chart("chart-spectrum", "Long-term spectrum", kWide, kTall,
                Axis{20.0, 20000.0, true, "frequency (Hz), 1/3-octave bands of the mid signal", frequencies,
                     frequencyLabels(frequencies)},
                Axis{top - 60.0, top, false, "band level (dB)", ticks(top - 60.0, top, 6), {}});
    std::vector<std::pair<std::string, std::string>> legend = {{"spectrum", "this master"}, {"balance", c.balanceLabel}};
    if (c.before) legend.emplace_back("before", "input");
    chart.legend(legend);
    chart.path(bandPoints(c.balanceCurveDb), "balance", c.balanceLabel);
    if (c.before) chart.path(bandPoints(c.before->thirdOctaveMidDb), "before", "input spectrum");
    const Points mix = bandPoints(a.thirdOctaveMidDb);
    chart.path(mix, "spectrum", "mid spectrum");
    for (const auto& [f, db] : mix)
        if (std::isfinite(db)) chart.marker(f, db, "band", number(f, f < 100 ? 1 : 0) + " Hz: " + number(db) + " dB");
    return chart.svg();
}

std::string waveformChart(const HtmlReportContent& c) {
    const auto& a = *c.after;
    const double ceiling = std::pow(10.0, c.ceilingDbtp / 20.0);
    Chart chart("chart-waveform", "Waveform overview", kWide, 240, timeAxis(a.durationSeconds),
                Axis{-1.15, 1.15, false, "amplitude", {-1.0, -0.5, 0.0, 0.5, 1.0}, {"0 dB", "-6", "", "-6", "0 dBFS"}});
    chart.legend({{"wave-legend", "min / max"}, {"ceiling", "ceiling " + number(c.ceilingDbtp) + " dBTP"}, {"over", "true-peak overs"}});
    if (c.waveform && !c.waveform->maximum.empty()) {
        const auto& w = *c.waveform;
        std::string d;
        for (std::size_t i = 0; i < w.maximum.size(); ++i)
            d += (i == 0 ? "M" : "L") + number(chart.px((double(i) + 0.5) * w.secondsPerColumn)) + "," +
                 number(chart.py(w.maximum[i]));
        for (std::size_t i = w.minimum.size(); i-- > 0;)
            d += "L" + number(chart.px((double(i) + 0.5) * w.secondsPerColumn)) + "," + number(chart.py(w.minimum[i]));
        chart.raw("<path class=\"mark wave\" d=\"" + d + "Z\"/>\n");
        Points rmsUpper, rmsLower;
        for (std::size_t i = 0; i < w.rms.size(); ++i) {
            rmsUpper.emplace_back((double(i) + 0.5) * w.secondsPerColumn, w.rms[i]);
            rmsLower.emplace_back((double(i) + 0.5) * w.secondsPerColumn, -w.rms[i]);
        }
        chart.path(rmsUpper, "rms", "RMS");
        chart.path(rmsLower, "rms", "RMS");
    }
    chart.horizontal(ceiling, "ceiling");
    chart.horizontal(-ceiling, "ceiling");
    if (c.overs) {
        for (const auto& e : c.overs->events)
            chart.marker(e.timeSeconds, 1.12, "over", "over at " + clock(e.timeSeconds) + ": " + number(e.peakDbfs, 2) + " dBTP");
        if (c.overs->eventCount > std::int64_t(c.overs->events.size()))
            chart.text(a.durationSeconds, 1.05,
                       "first " + std::to_string(c.overs->events.size()) + " of " + std::to_string(c.overs->eventCount) + " overs shown",
                       "note", "end");
    }
    return chart.svg();
}

std::vector<double> histogram(const std::vector<float>& series, double lo, double hi) {
    std::vector<double> bins(std::size_t(hi - lo), 0.0);
    double total = 0.0;
    for (const float v : series) {
        if (!std::isfinite(v) || v < -70.0f) continue;
        const auto bin = std::size_t(std::clamp(std::floor(double(v) - lo), 0.0, double(bins.size() - 1)));
        bins[bin] += 1.0;
        total += 1.0;
    }
    if (total > 0)
        for (auto& b : bins) b *= 100.0 / total;
    return bins;
}

std::string dynamicsChart(const HtmlReportContent& c) {
    const auto& a = *c.after;
    const auto& series = a.shortTermLufs.empty() ? a.momentaryLufs : a.shortTermLufs;
    double lo = 0.0, hi = -70.0;
    const auto extend = [&](const std::vector<float>& s) {
        for (const float v : s)
            if (std::isfinite(v) && v >= -70.0f) lo = std::min(lo, double(v)), hi = std::max(hi, double(v));
    };
    extend(series);
    if (c.before) extend(c.before->shortTermLufs);
    if (hi < lo) lo = -40.0, hi = 0.0;
    lo = std::max(-70.0, std::floor(lo) - 1.0);
    hi = std::min(10.0, std::ceil(hi) + 1.0);
    const auto bins = histogram(series, lo, hi);
    const auto beforeBins = c.before ? histogram(c.before->shortTermLufs, lo, hi) : std::vector<double>{};
    double top = 1.0;
    for (const double b : bins) top = std::max(top, b);
    for (const double b : beforeBins) top = std::max(top, b);
    top = std::ceil(top / 5.0) * 5.0;
    Chart chart("chart-dynamics", "Dynamics histogram", kWide / 2 - 8, kTall, Axis{lo, hi, false, "short-term loudness (LUFS)", ticks(lo, hi, 6), {}},
                Axis{0.0, top, false, "% of time", ticks(0.0, top, 5), {}});
    chart.legend({{"bars-legend", a.shortTermLufs.empty() ? "momentary" : "short-term"}, {"integrated", "integrated"}});
    for (std::size_t i = 0; i < bins.size(); ++i)
        if (bins[i] > 0.0)
            chart.rect(lo + double(i) + 0.08, 0.0, lo + double(i) + 0.92, bins[i], "bar",
                       number(lo + double(i), 0) + " to " + number(lo + double(i) + 1, 0) + " LUFS: " + number(bins[i]) + "%");
    if (!beforeBins.empty()) {
        Points outline;
        for (std::size_t i = 0; i < beforeBins.size(); ++i) {
            outline.emplace_back(lo + double(i), beforeBins[i]);
            outline.emplace_back(lo + double(i) + 1.0, beforeBins[i]);
        }
        chart.path(outline, "before", "input");
    }
    if (a.integratedLufs) chart.vertical(*a.integratedLufs, "integrated", number(*a.integratedLufs) + " LUFS");
    if (a.loudnessRangeLu) chart.text(lo + 0.5, top * 0.92, "LRA " + number(*a.loudnessRangeLu) + " LU", "note");
    return chart.svg();
}

std::string translationCharts(const HtmlReportContent& c) {
    std::string out = "<div class=\"grid3\">\n";
    const std::vector<double> frequencies = {20, 100, 1000, 10000};
    for (const auto& t : c.translation) {
        const PlaybackSystem* system = nullptr;
        for (const auto& s : playbackSystems())
            if (s.id == t.systemId) system = &s;
        double top = 40.0;
        for (const auto& v : t.playedBandSplDb)
            if (v) top = std::max(top, *v);
        top = std::ceil((top + 5.0) / 10.0) * 10.0;
        Chart chart("chart-translation-" + t.systemId, "Translation: " + t.systemName, 310, 210,
                    Axis{20.0, 20000.0, true, "Hz", frequencies, frequencyLabels(frequencies)},
                    Axis{top - 80.0, top, false, "dB SPL", ticks(top - 80.0, top, 4), {}});
        Points played, floor;
        for (std::size_t b = 0; b < kTranslationBands; ++b) {
            const double f = analysis::kThirdOctaveCentresHz[b];
            played.emplace_back(f, t.playedBandSplDb[b] ? *t.playedBandSplDb[b] : std::numeric_limits<double>::quiet_NaN());
            if (system) floor.emplace_back(f, std::max(hearingThresholdDbSpl(f), system->noiseSplDb(f)));
        }
        chart.path(floor, "floor", "threshold of hearing / background noise");
        chart.path(played, t.problems.empty() ? "played" : "played-warn", "band SPL as played");
        for (std::size_t b = 0; b < kTranslationBands; ++b)
            if (t.playedBandSplDb[b] && t.bandAudible[b])
                chart.marker(analysis::kThirdOctaveCentresHz[b], *t.playedBandSplDb[b], "audible",
                             number(analysis::kThirdOctaveCentresHz[b], 0) + " Hz audible");
        out += "<figure class=\"small\"><figcaption><b>" + escape(t.systemName) + "</b> " + number(t.loudnessChangeLu) +
               " LU (" + number(t.loudnessVsTypicalLu) + " vs typical) &middot; bass " +
               (t.lowEndTranslates ? "<span class=\"ok\">translates</span>" : "<span class=\"bad\">lost</span>") +
               " &middot; vocals " + (t.vocalRangeAudible ? "<span class=\"ok\">audible</span>" : "<span class=\"bad\">lost</span>") +
               "</figcaption>" + chart.svg();
        for (const auto& p : t.problems) out += "<p class=\"problem\">" + escape(p) + "</p>";
        out += "</figure>\n";
    }
    out += "</div>\n";
    return out;
}

std::string codecChart(const HtmlReportContent& c) {
    const auto& results = c.codecs->results;
    double lo = -3.0, hi = 1.0;
    for (const auto& r : results)
        if (r.available) lo = std::min(lo, std::floor(r.inputTruePeakDbtp) - 1.0), hi = std::max(hi, std::ceil(r.decodedTruePeakDbtp) + 1.0);
    std::vector<double> positions;
    std::vector<std::string> labels;
    for (std::size_t i = 0; i < results.size(); ++i) positions.push_back(double(i) + 0.5), labels.push_back(results[i].id);
    Chart chart("chart-codecs", "Codec preview", kWide / 2 - 8, kTall,
                Axis{0.0, double(std::max<std::size_t>(1, results.size())), false, "codec", positions, labels},
                Axis{lo, hi, false, "true peak (dBTP)", ticks(lo, hi, 5), {}});
    chart.legend({{"bars-legend", "decoded"}, {"input-legend", "input"}, {"target", "0 dBTP"}});
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        if (!r.available) {
            chart.text(double(i) + 0.5, (lo + hi) / 2, "n/a", "note", "middle");
            continue;
        }
        const bool clips = r.clippedSamples > 0 || r.interSampleOvers > 0 || r.decodedTruePeakDbtp > 0.0;
        chart.rect(double(i) + 0.2, lo, double(i) + 0.8, r.decodedTruePeakDbtp, clips ? "bar-warn" : "bar",
                   r.label + ": " + number(r.decodedTruePeakDbtp, 2) + " dBTP decoded");
        const Points input = {{double(i) + 0.12, r.inputTruePeakDbtp}, {double(i) + 0.88, r.inputTruePeakDbtp}};
        chart.path(input, "input", "input " + number(r.inputTruePeakDbtp, 2) + " dBTP");
    }
    chart.horizontal(0.0, "target");
    return chart.svg();
}

const char* severityClass(Severity s) {
    switch (s) {
        case Severity::pass: return "pass";
        case Severity::warn: return "warn";
        case Severity::fail: return "fail";
    }
    return "fail";
}

std::string verdictTable(const Verdict& verdict) {
    std::string out = "<table class=\"verdict\"><thead><tr><th></th><th>check</th><th>figure</th><th>threshold</th><th>reason</th></tr></thead><tbody>\n";
    std::string category;
    for (const auto& item : verdict.items) {
        if (item.category != category) {
            category = item.category;
            out += "<tr class=\"category\"><td colspan=\"5\">" + escape(category) + "</td></tr>\n";
        }
        out += "<tr><td><span class=\"badge " + std::string(severityClass(item.severity)) + "\">" +
               std::string(severityName(item.severity)) + "</span></td><td>" + escape(item.id) + "</td><td class=\"num\">" +
               escape(item.figure) + "</td><td>" + escape(item.threshold) + "</td><td>" + escape(item.reason) + "</td></tr>\n";
    }
    return out + "</tbody></table>\n";
}

std::string codecTable(const CodecPreview& preview) {
    std::string out = "<table><thead><tr><th>codec</th><th>input TP</th><th>decoded TP</th><th>sample peak</th><th>clipped samples</th>"
                      "<th>inter-sample overs</th><th>coding error</th><th>error / signal</th><th>delay</th></tr></thead><tbody>\n";
    for (const auto& r : preview.results) {
        if (!r.available) {
            out += "<tr><td>" + escape(r.label) + "</td><td colspan=\"8\">not previewed: " + escape(r.error) + "</td></tr>\n";
            continue;
        }
        out += "<tr><td>" + escape(r.label) + "</td><td class=\"num\">" + number(r.inputTruePeakDbtp, 2) + " dBTP</td><td class=\"num\">" +
               number(r.decodedTruePeakDbtp, 2) + " dBTP</td><td class=\"num\">" + number(r.decodedSamplePeakDbfs, 2) +
               " dBFS</td><td class=\"num\">" + std::to_string(r.clippedSamples) + "</td><td class=\"num\">" +
               std::to_string(r.interSampleOvers) + "</td><td class=\"num\">" + number(r.codingErrorDbfs) + " dBFS</td><td class=\"num\">" +
               number(r.codingErrorToSignalDb) + " dB</td><td class=\"num\">" + std::to_string(r.delayFrames) + " @ " +
               number(r.codecSampleRate / 1000.0, 1) + " kHz</td></tr>\n";
    }
    out += "</tbody></table>\n<p class=\"note\">" +
           std::string(preview.wholeFile ? "Whole file previewed." : "Previewed in " + std::to_string(preview.excerpts.size()) +
                                                                          " excerpts (" + number(preview.previewedSeconds) +
                                                                          " s): the loudest section and the highest peaks.") +
           "</p>\n";
    return out;
}

std::string platformTable(std::span<const PlatformPlayback> platforms) {
    std::string out = "<table><thead><tr><th>platform</th><th>reference</th><th>gain</th><th>plays at</th><th>true peak as played</th><th></th></tr></thead><tbody>\n";
    for (const auto& p : platforms)
        out += "<tr><td>" + escape(p.platform) + "</td><td class=\"num\">" + number(p.referenceLufs) + " LUFS</td><td class=\"num\">" +
               number(p.gainDb) + " dB</td><td class=\"num\">" + number(p.playbackLufs) + " LUFS</td><td class=\"num\">" +
               number(p.playbackTruePeakDbtp, 2) + " dBTP</td><td>" + escape(p.summary) + "</td></tr>\n";
    return out + "</tbody></table>\n";
}

constexpr const char* kStyle = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px auto;max-width:1000px;color:#1d232a;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 12px}.overall{font-size:18px;font-weight:600;margin:12px 0}
svg.chart{background:#fff;border:1px solid #e2e2e2;border-radius:4px;display:block;max-width:100%;height:auto}
.grid{stroke:#eee}.frame{fill:none;stroke:#bbb}.tick,.legend,.axis,.note{font-size:11px;fill:#555}.axis{fill:#333}
.momentary{fill:none;stroke:#9ec5e8;stroke-width:1}.short-term{fill:none;stroke:#1f6fb2;stroke-width:1.8}
.integrated{stroke:#e07b00;stroke-width:1.5;fill:none}.target{stroke:#2a9d3a;stroke-width:1.5;stroke-dasharray:6 4;fill:none}
.before{fill:none;stroke:#888;stroke-width:1.3;stroke-dasharray:3 3}.spectrum{fill:none;stroke:#1f6fb2;stroke-width:2}
.band{fill:#1f6fb2}.balance{fill:none;stroke:#2a9d3a;stroke-width:2;stroke-dasharray:6 4}
.wave{fill:#7fa9d3;stroke:none}.wave-legend{stroke:#7fa9d3;stroke-width:6}.rms{fill:none;stroke:#1f4f82;stroke-width:1}
.ceiling{stroke:#c0392b;stroke-dasharray:5 4;stroke-width:1;fill:none}.over{fill:#c0392b;stroke:#c0392b}
.bar{fill:#5b8fc7}.bar-warn{fill:#e0a030}.bars-legend{stroke:#5b8fc7;stroke-width:6}.input{stroke:#333;stroke-width:2;fill:none}.input-legend{stroke:#333;stroke-width:2}
.floor{fill:none;stroke:#aaa;stroke-dasharray:4 3}.played{fill:none;stroke:#1f6fb2;stroke-width:2}.played-warn{fill:none;stroke:#d35400;stroke-width:2}
.audible{fill:#2a9d3a}.grid3{display:grid;grid-template-columns:repeat(3,1fr);gap:10px}.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}
figure.small{margin:0}figcaption{font-size:12px;margin-bottom:4px}.problem{color:#b03a00;font-size:12px;margin:4px 0}
.ok{color:#2a7d3a;font-weight:600}.bad{color:#c0392b;font-weight:600}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}th,td{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
td.num{text-align:right;white-space:nowrap}tr.category td{background:#f0f3f6;font-weight:600;text-transform:uppercase;font-size:11px;color:#445}
.badge{display:inline-block;min-width:38px;text-align:center;border-radius:3px;padding:0 4px;font-weight:700;font-size:11px;color:#fff}
.badge.pass{background:#2a9d3a}.badge.warn{background:#e0a030}.badge.fail{background:#c0392b}
)";

// Records script errors and whether each chart drew (non-empty box with data marks) into <body>.
constexpr const char* kSelfCheck = R"(
window.__latheErrors = [];
window.addEventListener('error', function (e) { window.__latheErrors.push(String(e.message)); });
window.addEventListener('load', function () {
  var charts = document.querySelectorAll('svg.chart'), drawn = 0;
  for (var i = 0; i < charts.length; ++i) {
    var box = charts[i].getBBox(), marks = charts[i].querySelectorAll('.mark').length;
    var ok = box.width > 0 && box.height > 0 && marks > 0;
    charts[i].setAttribute('data-drawn', ok ? 'yes' : 'no');
    if (ok) ++drawn;
  }
  document.body.setAttribute('data-charts', String(charts.length));
  document.body.setAttribute('data-charts-drawn', String(drawn));
  document.body.setAttribute('data-errors', String(window.__latheErrors.length));
  document.body.setAttribute('data-error-messages', window.__latheErrors.join(' | '));
});
)";

}  // namespace

HtmlReportContent htmlContentFor(const CheckReport& report, const analysis::Analysis* before) {
    HtmlReportContent c;
    c.title = "lathe check: " + std::filesystem::path(report.file).filename().string();
    c.subtitle = report.file + " \xC2\xB7 target " + report.target.name + " (" + number(report.target.integratedLufs) +
                 " LUFS, ceiling " + number(report.ceilingDbtp) + " dBTP)";
    c.before = before;
    c.after = &report.analysis;
    c.verdict = &report.verdict;
    c.targetLufs = report.target.integratedLufs;
    c.ceilingDbtp = report.ceilingDbtp;
    c.balanceCurveDb = report.balanceTargetDb;
    c.balanceLabel = report.balanceReference;
    c.waveform = &report.waveform;
    c.overs = report.overs ? &*report.overs : nullptr;
    c.translation = report.translation;
    c.platforms = report.platforms;
    c.codecs = report.codecs ? &*report.codecs : nullptr;
    return c;
}

Result<std::string> renderHtmlReport(const HtmlReportContent& c) {
    if (c.after == nullptr || c.verdict == nullptr) return fail("html report: the analysis and the verdict are required");
    const Severity overall = c.verdict->overall();
    int counts[3] = {0, 0, 0};
    for (const auto& item : c.verdict->items) ++counts[int(item.severity)];
    std::string html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
                       escape(c.title) + "</title>\n<style>" + kStyle + "</style>\n<script>" + kSelfCheck + "</script>\n</head><body>\n";
    html += "<h1>" + escape(c.title) + "</h1>\n<p class=\"sub\">" + escape(c.subtitle) + "</p>\n";
    html += "<p class=\"overall\">Verdict: <span class=\"badge " + std::string(severityClass(overall)) + "\">" +
            std::string(severityName(overall)) + "</span> " + std::to_string(counts[2]) + " FAIL, " + std::to_string(counts[1]) +
            " WARN, " + std::to_string(counts[0]) + " PASS</p>\n";
    html += "<h2>Loudness over time</h2>\n" + loudnessChart(c);
    html += "<h2>Spectrum</h2>\n" + spectrumChart(c);
    html += "<h2>Waveform</h2>\n" + waveformChart(c);
    html += "<h2>Dynamics and codecs</h2>\n<div class=\"grid2\">" + dynamicsChart(c);
    if (c.codecs) html += codecChart(c);
    html += "</div>\n";
    if (!c.translation.empty()) html += "<h2>Translation</h2>\n" + translationCharts(c);
    if (c.codecs) html += "<h2>Codec preview</h2>\n" + codecTable(*c.codecs);
    if (!c.platforms.empty()) html += "<h2>Streaming platforms</h2>\n" + platformTable(c.platforms);
    html += "<h2>Verdict</h2>\n" + verdictTable(*c.verdict);
    html += "<p class=\"note\">Generated by lathe. Self-contained: no network access needed to view.</p>\n</body></html>\n";
    return html;
}

Status writeHtmlReport(const std::filesystem::path& path, const HtmlReportContent& content,
                       const std::vector<std::filesystem::path>& protectedPaths) {
    auto html = renderHtmlReport(content);
    if (!html) return html.error();
    return writeTextFileAtomically(path, html.value(), protectedPaths);
}

}  // namespace lathe::check
