// The album report as JSON (see album_report.h).
#include "lathe/mastering/album_report.h"

#include <algorithm>

#include "lathe/atomic_file.h"
#include "lathe/mastering/cue_sheet.h"
#include "lathe/mastering/reference.h"
#include "lathe/mastering/report.h"

namespace lathe::mastering {
namespace {

using Json = nlohmann::ordered_json;

Json figure(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }

Json summary(const analysis::Analysis& a) {
    return {{"integrated_lufs", figure(a.integratedLufs)},
            {"true_peak_dbtp", figure(a.truePeakDbtp)},
            {"plr_db", figure(a.plrDb)},
            {"loudness_range_lu", figure(a.loudnessRangeLu)},
            {"spectral_tilt_db_per_octave", figure(a.spectralTiltDbPerOctave)}};
}

Json singleFileJson(const AlbumSingleFile& single) {
    const auto& layout = single.layout;
    Json tracks = Json::array();
    for (std::size_t i = 0; i < layout.tracks.size(); ++i) {
        const auto& t = layout.tracks[i];
        tracks.push_back({{"number", i + 1},
                          {"pregap_start_frame", t.pregapStartFrame},
                          {"start_frame", t.startFrame},
                          {"frames", t.frames},
                          {"start_s", double(t.startFrame) / layout.sampleRate},
                          {"cue_index_01", cueTime(t.startFrame, layout.sampleRate)}});
    }
    return {{"audio", single.audio.string()},
            {"cue_sheet", single.cueSheet.string()},
            {"sample_rate", layout.sampleRate},
            {"frames", layout.totalFrames},
            {"duration_s", double(layout.totalFrames) / layout.sampleRate},
            {"cd_frame_aligned", layout.cdFrameAligned},
            {"tracks", tracks}};
}

}  // namespace

nlohmann::ordered_json toJson(const AlbumReport& report) {
    Json tracks = Json::array();
    std::optional<double> highestTruePeak;
    for (const auto& t : report.tracks) {
        if (t.master.after.truePeakDbtp)
            highestTruePeak = std::max(highestTruePeak.value_or(*t.master.after.truePeakDbtp), *t.master.after.truePeakDbtp);
        tracks.push_back({{"number", t.number},
                          {"input", t.input.string()},
                          {"output", t.output.string()},
                          {"target_lufs", t.targetLufs},
                          {"before", summary(t.master.before)},
                          {"after", summary(t.master.after)},
                          {"limiter_gain_db", t.master.limiterGainDb},
                          {"warnings", t.master.warnings},
                          {"master", toJson(t.master)}});
    }
    Json decisions = Json::array();
    for (const auto& d : report.loudnessPlan.decisions) decisions.push_back({{"stage", d.stage}, {"setting", d.setting}, {"reason", d.reason}});
    const auto& t = report.target;
    const auto& timing = report.timing;
    return {
        {"lathe_report", "album"},
        {"version", 1},
        {"target", {{"name", t.name}, {"integrated_lufs", t.integratedLufs}, {"ceiling_dbtp", t.ceilingDbtp},
                    {"plr_floor_db", t.plrFloorDb}, {"source", t.source}}},
        {"loudness_mode", albumLoudnessName(report.loudness)},
        {"tonal_target", report.tonalTarget},
        {"tonal_profile", report.tonalProfile ? toJson(*report.tonalProfile) : Json(nullptr)},
        {"jobs", report.jobs},
        {"album", {{"tracks", report.tracks.size()},
                   {"loudness_spread_before_lu", figure(report.loudnessSpreadBeforeLu)},
                   {"loudness_spread_after_lu", figure(report.loudnessSpreadAfterLu)},
                   {"tonal_spread_before_db", figure(report.tonalSpreadBeforeDb)},
                   {"tonal_spread_after_db", figure(report.tonalSpreadAfterDb)},
                   {"loudest_track", report.loudnessPlan.loudestTrack + 1},
                   {"guardrail_shift_lu", report.loudnessPlan.guardrailShiftLu},
                   {"highest_true_peak_dbtp", figure(highestTruePeak)},
                   {"decisions", decisions}}},
        {"tracks", tracks},
        {"single_file", report.singleFile ? singleFileJson(*report.singleFile) : Json(nullptr)},
        {"warnings", report.warnings},
        {"timing_s", {{"analyse", timing.analyseSeconds}, {"master", timing.masterSeconds},
                      {"assemble", timing.assembleSeconds}, {"total", timing.totalSeconds}}},
    };
}

Status writeAlbumReportJson(const AlbumReport& report, const std::filesystem::path& path,
                            const std::vector<std::filesystem::path>& inputs) {
    return writeTextFileAtomically(path, toJson(report).dump(2) + "\n", inputs);
}

}  // namespace lathe::mastering
