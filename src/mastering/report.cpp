#include "lathe/mastering/report.h"

#include "lathe/analysis/analysis_json.h"
#include "lathe/atomic_file.h"
#include "util/json_number.h"

namespace lathe::mastering {
namespace {

using Json = nlohmann::ordered_json;

Json numbers(const std::vector<double>& values) {
    Json out = Json::array();
    for (double v : values) out.push_back(v);
    return out;
}

const char* shapeName(EqShape shape) {
    switch (shape) {
        case EqShape::LowShelf: return "low_shelf";
        case EqShape::HighShelf: return "high_shelf";
        case EqShape::Bell: return "bell";
        case EqShape::HighPass: return "high_pass";
    }
    return "?";
}

Json planJson(const MasteringPlan& plan) {
    Json eq = Json::array();
    for (const auto& move : plan.eq)
        eq.push_back({{"shape", shapeName(move.shape)}, {"frequency_hz", move.frequencyHz}, {"gain_db", move.gainDb},
                      {"q", move.q}, {"reason", move.reason}});
    const auto& g = plan.glue;
    const auto& s = plan.stereo;
    const auto& l = plan.loudness;
    Json curve = Json::array();
    for (const auto& point : plan.matchEq.curve) curve.push_back({{"frequency_hz", point.frequencyHz}, {"gain_db", point.gainDb}});
    return {
        {"eq", eq},
        {"match_eq", {{"enabled", plan.matchEq.enabled}, {"curve", curve}, {"reason", plan.matchEq.reason}}},
        {"compressor", {{"enabled", g.enabled}, {"threshold_db", g.thresholdDb}, {"ratio", g.ratio}, {"knee_db", g.kneeDb},
                        {"attack_ms", g.attackMs}, {"release_ms", g.releaseMs}, {"auto_release", g.autoRelease},
                        {"sidechain_high_pass_hz", g.sidechainHighPassHz}, {"reason", g.reason}}},
        {"stereo", {{"enabled", s.enabled}, {"width_percent", s.widthPercent},
                    {"bass_mono_below_hz", s.bassMonoBelowHz ? Json(*s.bassMonoBelowHz) : Json(nullptr)},
                    {"correlation_floor", s.correlationFloor}, {"crossover_hz", numbers(s.crossoverHz)},
                    {"band_width_percent", numbers(s.bandWidthPercent)}, {"reason", s.reason}}},
        {"clipper", {{"enabled", plan.clipper.enabled}, {"shave_db", plan.clipper.shaveDb}, {"reason", plan.clipper.reason}}},
        {"limiter", {{"ceiling_dbtp", plan.limiter.ceilingDbtp}, {"peak_target_dbtp", optionalNumber(plan.limiter.peakTargetDbtp)},
                     {"lookahead_ms", plan.limiter.lookaheadMs},
                     {"release_ms", plan.limiter.releaseMs},
                     {"expected_peak_reduction_db", plan.limiter.expectedPeakReductionDb}}},
        {"loudness", {{"requested_lufs", l.requestedLufs}, {"planned_lufs", l.plannedLufs}, {"plr_floor_db", l.plrFloorDb},
                      {"guardrail_limited", l.guardrailLimited}, {"turn_down_only", l.turnDownOnly},
                      {"estimated_gain_db", l.estimatedGainDb}}},
    };
}

// Per aspect, the distance to the reference before (the mix) and after (the file as written).
Json referenceJson(const MasterReport& report) {
    if (!report.plan.reference) return nullptr;
    const auto& match = *report.plan.reference;
    const ProfileDistance after = report.referenceAfter.value_or(ProfileDistance{});
    const auto pair = [](const std::optional<double>& before, const std::optional<double>& afterValue) {
        return Json{{"before", optionalNumber(before)}, {"after", optionalNumber(afterValue)}};
    };
    const auto& a = match.amounts;
    return {
        {"source", match.reference.source},
        {"match", {{"eq", a.eq}, {"loudness", a.loudness}, {"width", a.width}, {"dynamics", a.dynamics}, {"max_eq_db", match.maxEqDb},
                   {"smoothing_octaves", match.smoothingOctaves}}},
        {"distances",
         {{"spectral_db_rms", pair(match.before.spectralDbRms, after.spectralDbRms)},
          {"loudness_lu", pair(match.before.loudnessLu, after.loudnessLu)},
          {"side_to_mid_db", pair(match.before.sideToMidDb, after.sideToMidDb)},
          {"plr_db", pair(match.before.plrDb, after.plrDb)},
          {"short_term_spread_lu", pair(match.before.shortTermSpreadLu, after.shortTermSpreadLu)}}},
        {"loudness_guardrail", report.plan.loudness.guardrailLimited},
        {"limits", match.limits},
        {"profile", toJson(match.reference)},
        {"mix_profile", toJson(match.mix)},
    };
}

}  // namespace

nlohmann::ordered_json toJson(const MasterReport& report) {
    Json decisions = Json::array();
    for (const auto& d : report.plan.decisions) decisions.push_back({{"stage", d.stage}, {"setting", d.setting}, {"reason", d.reason}});
    Json iterations = Json::array();
    for (const auto& it : report.iterations)
        iterations.push_back({{"gain_db", it.gainDb}, {"integrated_lufs", it.integratedLufs}, {"true_peak_dbtp", it.truePeakDbtp}});
    const auto& t = report.target;
    const auto& timing = report.timing;
    return {
        {"lathe_report", "master"},
        {"version", 1},
        {"input", report.input},
        {"output", report.output},
        {"target", {{"name", t.name}, {"integrated_lufs", t.integratedLufs}, {"ceiling_dbtp", report.plan.limiter.ceilingDbtp},
                    {"plr_floor_db", report.plan.loudness.plrFloorDb}, {"normalised_playback", t.normalisedPlayback},
                    {"source", t.source}}},
        {"output_format", {{"sample_rate", report.outputSampleRate}, {"encoding", report.outputEncoding},
                           {"dithered", report.dithered}}},
        {"preview", report.previewSeconds > 0 ? Json{{"start_s", report.previewStartSeconds}, {"duration_s", report.previewSeconds}}
                                              : Json(nullptr)},
        {"before", analysis::toJson(report.before)},
        {"after", analysis::toJson(report.after)},
        {"plan", planJson(report.plan)},
        {"decisions", decisions},
        {"reference", referenceJson(report)},
        {"loudness_iterations", iterations},
        {"limiter_gain_db", report.limiterGainDb},
        {"max_limiter_reduction_db", report.maxLimiterReductionDb},
        {"warnings", report.warnings},
        {"timing_s", {{"analyze", timing.analyzeSeconds}, {"render", timing.renderSeconds}, {"loudness", timing.loudnessSeconds},
                      {"write", timing.writeSeconds}, {"verify", timing.verifySeconds}, {"total", timing.totalSeconds}}},
    };
}

Status writeReportJson(const MasterReport& report, const std::filesystem::path& path) {
    return writeTextFileAtomically(path, toJson(report).dump(2) + "\n", {report.input, report.output});
}

}  // namespace lathe::mastering
