#include "lathe/check/check.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "lathe/check/verdict_rules.h"
#include "lathe/mastering/tonal_balance.h"

namespace lathe::check {

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

mastering::DeliveryTarget streamingTarget() {
    auto target = mastering::parseDeliveryTarget("streaming");
    return target ? target.value() : mastering::DeliveryTarget{};
}

// Side over mid power of the bands up to 125 Hz; nullopt for mono files and when there is no bass.
std::optional<double> lowFrequencySideToMid(const analysis::Analysis& a) {
    double mid = 0.0, side = 0.0;
    for (std::size_t b = 0; b < a.thirdOctaveMidDb.size() && b < a.thirdOctaveSideDb.size(); ++b) {
        if (analysis::kThirdOctaveCentresHz[b] > 125.0) break;
        if (a.thirdOctaveMidDb[b]) mid += std::pow(10.0, *a.thirdOctaveMidDb[b] / 10.0);
        if (a.thirdOctaveSideDb[b]) side += std::pow(10.0, *a.thirdOctaveSideDb[b] / 10.0);
    }
    if (mid + side < 1e-10) return std::nullopt;  // under -100 dB: no bass to judge
    return 10.0 * std::log10(std::max(side, 1e-20) / std::max(mid, 1e-20));
}

// The balance curve drawn behind the mix: target (or reference) band levels shifted by the same
// offset the deviation uses (mean over 100 Hz - 4 kHz), so both lines meet where the mix is balanced.
std::vector<std::optional<double>> levelMatchedCurve(const std::vector<std::optional<double>>& mix,
                                                     const std::vector<std::optional<double>>& curve) {
    double sum = 0.0;
    int n = 0;
    for (std::size_t b = 0; b < curve.size() && b < mix.size(); ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f < 100.0 || f > 4000.0 || !mix[b] || !curve[b] || *mix[b] < -100.0 || *curve[b] < -100.0) continue;
        sum += *mix[b] - *curve[b];
        ++n;
    }
    std::vector<std::optional<double>> out(curve.size());
    if (n == 0) return out;
    for (std::size_t b = 0; b < curve.size(); ++b)
        if (curve[b]) out[b] = *curve[b] + sum / n;
    return out;
}

}  // namespace

CheckOptions::CheckOptions() : target(streamingTarget()) {}

Result<CheckReport> checkAudio(ConstAudioBlock audio, const AudioFileInfo& format, const CheckOptions& options) {
    const auto start = Clock::now();
    if (audio.numChannels() < 1 || audio.numFrames() == 0) return fail(format.path.string() + ": no audio to check");
    const double rate = format.sampleRate;
    CheckReport report;
    report.file = format.path.string();
    report.format = format;
    report.target = options.target;
    report.ceilingDbtp = options.ceilingDbtp.value_or(options.target.ceilingDbtp);

    // Analysis (with the loudness series for the report).
    auto t = Clock::now();
    analysis::Analyzer analyzer;
    analysis::AnalysisOptions analysisOptions;
    analysisOptions.recordSeries = true;
    if (auto status = analyzer.prepare(rate, audio.numChannels(), analysisOptions, std::int64_t(audio.numFrames())); !status)
        return fail(report.file + ": " + status.error().message);
    analyzer.process(audio);
    report.analysis = analyzer.finish();
    report.analysis.file = report.file;
    report.timing.analyzeSeconds = since(t);
    const auto& a = report.analysis;
    if (a.truePeakDbtp && a.maxShortTermLufs) report.psrDb = *a.truePeakDbtp - *a.maxShortTermLufs;
    report.lowFrequencySideToMidDb = lowFrequencySideToMid(a);

    // Tonal balance against the target or a reference track.
    t = Clock::now();
    std::vector<std::optional<double>> curve(kTranslationBands);
    if (options.reference) {
        auto reference = analysis::analyzeFile(*options.reference);
        if (!reference) return fail("reference: " + reference.error().message);
        curve = reference->thirdOctaveMidDb;
        curve.resize(kTranslationBands);
        report.balanceReference = "reference " + options.reference->filename().string();
    } else {
        for (std::size_t b = 0; b < kTranslationBands; ++b)
            curve[b] = mastering::targetBalanceDb(analysis::kThirdOctaveCentresHz[b]);
        report.balanceReference = "target balance";
    }
    report.balanceDeviationDb = mastering::balanceDeviationDb(a.thirdOctaveMidDb, curve);
    report.balanceTargetDb = levelMatchedCurve(a.thirdOctaveMidDb, curve);
    report.timing.referenceSeconds = since(t);

    if (a.integratedLufs && a.truePeakDbtp) report.platforms = predictPlayback(*a.integratedLufs, *a.truePeakDbtp);

    // Overs: only where there can be some.
    t = Clock::now();
    const double markDbtp = std::min(report.ceilingDbtp, 0.0);
    if (a.truePeakDbtp && *a.truePeakDbtp > markDbtp)
        report.overs = scanOvers(audio, rate, std::pow(10.0, report.ceilingDbtp / 20.0));
    report.timing.oversSeconds = since(t);

    t = Clock::now();
    report.truncation = detectTruncation(audio);
    report.timing.ditherSeconds = since(t);

    t = Clock::now();
    TranslationInput translation;
    translation.midDb = a.thirdOctaveMidDb;
    translation.sideDb = a.thirdOctaveSideDb;
    translation.balanceDeviationDb = report.balanceDeviationDb;
    report.translation = evaluateTranslation(translation);
    report.timing.translationSeconds = since(t);

    if (options.codecPreview) {
        t = Clock::now();
        auto preview = previewCodecs(audio, rate, options.codec);
        if (preview) report.codecs = std::move(preview.value());
        report.timing.codecSeconds = since(t);
    }
    report.waveform = makeWaveformOverview(audio, rate);
    report.verdict = evaluateVerdict(report);
    report.timing.totalSeconds = since(start);
    return report;
}

Result<CheckReport> checkFile(const std::filesystem::path& path, const CheckOptions& options) {
    const auto start = Clock::now();
    auto decoded = readAudioFile(path);
    if (!decoded) return decoded.error();
    const double readSeconds = since(start);
    auto report = checkAudio(decoded->audio.block(), decoded->info, options);
    if (report) {
        report->timing.readSeconds = readSeconds;
        report->timing.totalSeconds += readSeconds;
    }
    return report;
}

}  // namespace lathe::check
