#pragma once
// The JSON form of an Analysis, as printed by `lathe analyze --json`. Keys (units in the names):
//   file, sample_rate, channels, frames, duration_s, integrated_lufs, loudness_range_lu,
//   max_momentary_lufs, max_short_term_lufs, true_peak_dbtp, sample_peak_dbfs, plr_db,
//   crest_factor_db, rms_dbfs, dc_offset_dbfs, clipped_runs, stereo_correlation, side_to_mid_db,
//   mono_fold_down_lu, third_octave_centres_hz, third_octave_mid_db, third_octave_side_db,
//   spectral_tilt_db_per_octave, dr_tt, dr_tt_db, head_silence_s, tail_silence_s, warnings;
// with the series: series_hop_s, momentary_lufs, short_term_lufs (-inf values, i.e. digital
// silence, as null). Undefined figures (nullopt) are null.

#include <nlohmann/json.hpp>

#include "lathe/analysis/analyzer.h"

namespace lathe::analysis {

[[nodiscard]] nlohmann::ordered_json toJson(const Analysis& analysis, bool includeSeries = false);

}  // namespace lathe::analysis
