#pragma once
// The album report (`lathe album` writes it to DIR/album.json, and to --report FILE.json):
//   lathe_report "album", version, target, loudness_mode, tonal_target, tonal_profile (the shared
//     target as a reference profile, reference.h; null when none), jobs,
//   album: track count, loudness and tonal spread before and after (album_spread.h), the loudest
//     track, the guardrail shift, the highest delivered true peak, the album-level decisions;
//   tracks[]: number, input, output, target_lufs, before and after (integrated_lufs, true_peak_dbtp,
//     plr_db, loudness_range_lu, spectral_tilt_db_per_octave), limiter_gain_db, warnings, and the
//     track's full master report under "master" (report.h);
//   single_file: null, or the file, its CUE sheet, rate, length and each track's place
//     (pregap_start_frame, start_frame, frames, start_s, cue_index_01);
//   warnings, timing_s. Undefined figures are null.

#include <filesystem>
#include <vector>

#include <nlohmann/json.hpp>

#include "lathe/mastering/album.h"
#include "lathe/result.h"

namespace lathe::mastering {

[[nodiscard]] nlohmann::ordered_json toJson(const AlbumReport& report);
// Writes toJson(report) atomically (temporary file + rename); refuses the `inputs`.
Status writeAlbumReportJson(const AlbumReport& report, const std::filesystem::path& path,
                            const std::vector<std::filesystem::path>& inputs);

}  // namespace lathe::mastering
