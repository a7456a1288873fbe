#pragma once
// Small level helpers shared by the reference-matching files (internal).

#include <cmath>
#include <cstddef>
#include <optional>
#include <vector>

namespace lathe::mastering {

// Power ratio of a level in dB, and back: 10^(dB / 10), 10 log10(power).
inline double powerOf(double db) { return std::pow(10.0, db / 10.0); }
inline double dbOf(double power) { return 10.0 * std::log10(power); }

// Band b of a per-band list (1/3-octave levels), nullopt past its end.
inline std::optional<double> band(const std::vector<std::optional<double>>& bands, std::size_t b) {
    return b < bands.size() ? bands[b] : std::nullopt;
}

}  // namespace lathe::mastering
