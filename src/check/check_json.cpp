#include "lathe/check/check_json.h"

#include <cmath>

#include "lathe/analysis/analysis_json.h"

namespace lathe::check {

namespace {

using json = nlohmann::ordered_json;

json number(std::optional<double> value) {
    if (!value || !std::isfinite(*value)) return nullptr;
    return *value;
}
json number(double value) { return std::isfinite(value) ? json(value) : json(nullptr); }

template <class Bands>
json bands(const Bands& values) {
    json out = json::array();
    for (const auto& v : values) out.push_back(number(v));
    return out;
}

}  // namespace

json toJson(const CheckReport& r) {
    json out;
    out["lathe_report"] = "check";
    out["version"] = 1;
    out["file"] = r.file;
    out["target"] = {{"name", r.target.name},
                     {"integrated_lufs", r.target.integratedLufs},
                     {"ceiling_dbtp", r.ceilingDbtp},
                     {"plr_floor_db", r.target.plrFloorDb},
                     {"normalised_playback", r.target.normalisedPlayback},
                     {"source", r.target.source}};
    out["verdict"] = std::string(severityName(r.verdict.overall()));
    int counts[3] = {0, 0, 0};
    for (const auto& item : r.verdict.items) ++counts[int(item.severity)];
    out["counts"] = {{"pass", counts[0]}, {"warn", counts[1]}, {"fail", counts[2]}};
    json items = json::array();
    for (const auto& item : r.verdict.items)
        items.push_back({{"id", item.id},
                         {"category", item.category},
                         {"severity", std::string(severityName(item.severity))},
                         {"value", number(item.value)},
                         {"unit", item.unit},
                         {"figure", item.figure},
                         {"threshold", item.threshold},
                         {"reason", item.reason}});
    out["items"] = std::move(items);
    out["format"] = {{"sample_rate", r.format.sampleRate},
                     {"bits_per_sample", r.format.bitsPerSample},
                     {"float", r.format.isFloat},
                     {"encoding", r.format.encodingName},
                     {"container", r.format.containerName}};
    out["analysis"] = analysis::toJson(r.analysis, false);
    out["psr_db"] = number(r.psrDb);
    out["low_frequency_side_to_mid_db"] = number(r.lowFrequencySideToMidDb);
    out["balance"] = {{"reference", r.balanceReference},
                      {"deviation_db", bands(r.balanceDeviationDb)},
                      {"curve_db", bands(r.balanceTargetDb)}};
    json platforms = json::array();
    for (const auto& p : r.platforms)
        platforms.push_back({{"platform", p.platform},
                             {"reference_lufs", p.referenceLufs},
                             {"gain_db", p.gainDb},
                             {"playback_lufs", p.playbackLufs},
                             {"playback_true_peak_dbtp", p.playbackTruePeakDbtp},
                             {"boost_limited_by_peak", p.boostLimitedByPeak},
                             {"limiter_engaged", p.limiterEngaged},
                             {"shortfall_lu", p.shortfallLu},
                             {"summary", p.summary}});
    out["platforms"] = std::move(platforms);
    if (r.overs) {
        json positions = json::array();
        for (const auto& e : r.overs->events) positions.push_back({{"time_s", e.timeSeconds}, {"peak_dbfs", e.peakDbfs}});
        out["overs"] = {{"clipped_samples", r.overs->clippedSamples},
                        {"inter_sample_overs", r.overs->interSampleOvers},
                        {"events", r.overs->eventCount},
                        {"positions", std::move(positions)}};
    } else {
        out["overs"] = nullptr;
    }
    out["dither"] = {{"state", ditherStateName(r.truncation.state)},
                     {"effective_bits", r.truncation.effectiveBits},
                     {"judged_blocks", r.truncation.judgedBlocks},
                     {"staircase_blocks", r.truncation.staircaseBlocks},
                     {"stuck_blocks", r.truncation.stuckBlocks},
                     {"median_floor_lsb2", r.truncation.medianFloorLsb2}};
    json translation = json::array();
    for (const auto& t : r.translation) {
        json problems = json::array();
        for (const auto& p : t.problems) problems.push_back(p);
        translation.push_back({{"system", t.systemId},
                               {"name", t.systemName},
                               {"loudness_change_lu", t.loudnessChangeLu},
                               {"loudness_vs_typical_lu", t.loudnessVsTypicalLu},
                               {"playback_spl_db", t.playbackSplDb},
                               {"low_corner_hz", t.lowCornerHz},
                               {"low_end_share_below_100hz_pct", t.lowEndShareBelow100HzPct},
                               {"upper_bass_support_db", t.upperBassSupportDb},
                               {"low_end_audible", t.lowEndAudible},
                               {"low_end_translates", t.lowEndTranslates},
                               {"vocal_range_audible", t.vocalRangeAudible},
                               {"vocal_range_mono_loss_db", t.vocalRangeMonoLossDb},
                               {"tonal_deviation_db", number(t.tonalDeviationDb)},
                               {"tonal_deviation_hz", t.tonalDeviationHz},
                               {"played_band_spl_db", bands(t.playedBandSplDb)},
                               {"problems", std::move(problems)}});
    }
    out["translation"] = std::move(translation);
    if (r.codecs) {
        json excerpts = json::array(), results = json::array();
        for (const auto& e : r.codecs->excerpts)
            excerpts.push_back({{"start_s", double(e.startFrame) / r.format.sampleRate},
                                {"duration_s", double(e.frames) / r.format.sampleRate}});
        for (const auto& c : r.codecs->results)
            results.push_back({{"id", c.id},
                               {"label", c.label},
                               {"available", c.available},
                               {"error", c.error},
                               {"sample_rate", c.codecSampleRate},
                               {"delay_frames", c.delayFrames},
                               {"input_true_peak_dbtp", c.available ? number(c.inputTruePeakDbtp) : json(nullptr)},
                               {"decoded_true_peak_dbtp", c.available ? number(c.decodedTruePeakDbtp) : json(nullptr)},
                               {"decoded_sample_peak_dbfs", c.available ? number(c.decodedSamplePeakDbfs) : json(nullptr)},
                               {"clipped_samples", c.clippedSamples},
                               {"inter_sample_overs", c.interSampleOvers},
                               {"coding_error_dbfs", c.available ? number(c.codingErrorDbfs) : json(nullptr)},
                               {"coding_error_to_signal_db", c.available ? number(c.codingErrorToSignalDb) : json(nullptr)}});
        out["codecs"] = {{"whole_file", r.codecs->wholeFile},
                         {"previewed_s", r.codecs->previewedSeconds},
                         {"excerpts", std::move(excerpts)},
                         {"results", std::move(results)}};
    } else {
        out["codecs"] = nullptr;
    }
    const auto& t = r.timing;
    out["timing_s"] = {{"read", t.readSeconds},           {"analyze", t.analyzeSeconds},
                       {"reference", t.referenceSeconds}, {"overs", t.oversSeconds},
                       {"dither", t.ditherSeconds},       {"translation", t.translationSeconds},
                       {"codecs", t.codecSeconds},        {"total", t.totalSeconds}};
    return out;
}

}  // namespace lathe::check
