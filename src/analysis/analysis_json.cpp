// JSON form of an Analysis (see include/lathe/analysis/analysis_json.h).
#include "lathe/analysis/analysis_json.h"

#include <cmath>

#include "util/json_number.h"

namespace lathe::analysis {

namespace {

nlohmann::ordered_json series(const std::vector<float>& values) {
    auto out = nlohmann::ordered_json::array();
    for (float value : values) {
        if (std::isfinite(value)) out.push_back(value);
        else out.push_back(nullptr);
    }
    return out;
}

}  // namespace

nlohmann::ordered_json toJson(const Analysis& a, bool includeSeries) {
    nlohmann::ordered_json j;
    j["file"] = a.file;
    // Sample rates are whole numbers in every file format lathe reads: print them as integers.
    if (a.sampleRate == std::floor(a.sampleRate)) j["sample_rate"] = static_cast<std::int64_t>(a.sampleRate);
    else j["sample_rate"] = a.sampleRate;
    j["channels"] = a.channels;
    j["frames"] = a.frames;
    j["duration_s"] = a.durationSeconds;
    j["integrated_lufs"] = optionalNumber(a.integratedLufs);
    j["loudness_range_lu"] = optionalNumber(a.loudnessRangeLu);
    j["max_momentary_lufs"] = optionalNumber(a.maxMomentaryLufs);
    j["max_short_term_lufs"] = optionalNumber(a.maxShortTermLufs);
    j["true_peak_dbtp"] = optionalNumber(a.truePeakDbtp);
    j["sample_peak_dbfs"] = optionalNumber(a.samplePeakDbfs);
    j["plr_db"] = optionalNumber(a.plrDb);
    j["crest_factor_db"] = optionalNumber(a.crestFactorDb);
    j["rms_dbfs"] = optionalNumber(a.rmsDbfs);
    j["dc_offset_dbfs"] = optionalNumber(a.dcOffsetDbfs);
    j["clipped_runs"] = a.clippedRuns;
    j["stereo_correlation"] = optionalNumber(a.stereoCorrelation);
    j["side_to_mid_db"] = optionalNumber(a.sideToMidDb);
    j["mono_fold_down_lu"] = optionalNumber(a.monoFoldDownLu);
    j["third_octave_centres_hz"] = kThirdOctaveCentresHz;
    j["third_octave_mid_db"] = optionalNumbers(a.thirdOctaveMidDb);
    j["third_octave_side_db"] = optionalNumbers(a.thirdOctaveSideDb);
    j["spectral_tilt_db_per_octave"] = optionalNumber(a.spectralTiltDbPerOctave);
    j["dr_tt"] = a.drTt ? nlohmann::ordered_json(std::lround(*a.drTt)) : nlohmann::ordered_json(nullptr);  // an integer, as the TT meter prints it
    j["dr_tt_db"] = optionalNumber(a.drTtDb);
    j["head_silence_s"] = a.headSilenceSeconds;
    j["tail_silence_s"] = a.tailSilenceSeconds;
    j["warnings"] = a.warnings;
    if (includeSeries) {
        j["series_hop_s"] = a.seriesHopSeconds;
        j["momentary_lufs"] = series(a.momentaryLufs);
        j["short_term_lufs"] = series(a.shortTermLufs);
    }
    return j;
}

}  // namespace lathe::analysis
