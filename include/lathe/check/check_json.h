#pragma once
// The JSON form of a check report, as printed by `lathe check --json`:
//   lathe_report "check", version 1, file, target {name, integrated_lufs, ceiling_dbtp, plr_floor_db,
//   normalised_playback, source}, verdict "PASS"|"WARN"|"FAIL", counts {pass, warn, fail},
//   items [{id, category, severity, value, unit, figure, threshold, reason}],
//   format {sample_rate, bits_per_sample, float, encoding, container},
//   analysis (the keys of `lathe analyze --json`, without the series), psr_db,
//   low_frequency_side_to_mid_db, balance {reference, deviation_db[31], curve_db[31]},
//   platforms [...], overs {clipped_samples, inter_sample_overs, events, positions_s[...]} | null,
//   dither {state, effective_bits, judged_blocks, staircase_blocks, stuck_blocks, median_floor_lsb2},
//   translation [...],
//   codecs {whole_file, previewed_s, excerpts [{start_s, duration_s}], results [...]} | null,
//   timing_s {...}.

#include <nlohmann/json.hpp>

#include "lathe/check/check.h"

namespace lathe::check {

[[nodiscard]] nlohmann::ordered_json toJson(const CheckReport& report);

}  // namespace lathe::check
