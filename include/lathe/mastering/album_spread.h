#pragma once
// How much the tracks of an album differ: the album report's spread figures.
//   Loudness spread: loudest minus softest integrated loudness (LU).
//   Tonal spread: each track's 1/3-octave mid spectrum (the analyzer's bands, dB) with the track's
//     own mean over the bands removed (the shape, not the level), compared band by band with the
//     album's mean shape; the RMS of those differences over every track and band, in dB. Bands
//     31.5 Hz to 16 kHz that every track has (above -100 dB). 0 when every track has the same balance.

#include <optional>
#include <vector>

#include "lathe/analysis/analyzer.h"

namespace lathe::mastering {

inline constexpr double kTonalSpreadLowHz = 31.5;
inline constexpr double kTonalSpreadHighHz = 16000.0;

// nullopt when fewer than two tracks have a defined integrated loudness.
std::optional<double> loudnessSpreadLu(const std::vector<analysis::Analysis>& tracks);

// nullopt for fewer than two tracks or no band that every track has.
std::optional<double> tonalSpreadDb(const std::vector<analysis::Analysis>& tracks);

}  // namespace lathe::mastering
