#pragma once
// Energy <-> LUFS, ITU-R BS.1770-4 eq. (2): L = -0.691 + 10 log10(sum_i G_i z_i), where z_i is
// the mean square of the K-weighted channel i and G_i its weight. "Energy" below means that
// weighted sum of mean squares.

#include <cmath>
#include <limits>

namespace lathe::analysis {

inline constexpr double kLoudnessOffsetDb = -0.691;

// -inf for zero energy; NaN stays NaN.
[[nodiscard]] inline double energyToLufs(double energy) noexcept {
    if (energy == 0.0) return -std::numeric_limits<double>::infinity();
    return kLoudnessOffsetDb + 10.0 * std::log10(energy);
}

[[nodiscard]] inline double lufsToEnergy(double lufs) noexcept {
    return std::pow(10.0, (lufs - kLoudnessOffsetDb) / 10.0);
}

}  // namespace lathe::analysis
