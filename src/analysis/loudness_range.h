#pragma once
// Loudness Range (LRA), EBU Tech 3342: the spread of the short-term (3 s) loudness distribution.
// Short-term values below -70 LUFS are dropped (absolute gate), then those more than 20 LU below
// the loudness of the remaining ones (relative gate); LRA is the 95th minus the 10th percentile
// of what is left. Percentiles are nearest-rank with index round((n - 1) p) into the sorted
// values, as the MATLAB reference implementation of Tech 3342 (section 5) does.
// Tech 3342 v4 asks for short-term values at least every 100 ms (>= 2.9 s overlap); the meter
// feeds one every 100 ms.

#include <optional>
#include <span>

namespace lathe::analysis {

inline constexpr double kLoudnessRangeRelativeGateLu = -20.0;
inline constexpr double kLoudnessRangeLowPercentile = 0.10;
inline constexpr double kLoudnessRangeHighPercentile = 0.95;

struct LoudnessRange {
    double rangeLu = 0;   // highLufs - lowLufs
    double lowLufs = 0;   // 10th percentile of the gated short-term loudness
    double highLufs = 0;  // 95th percentile
};

// nullopt when fewer than two short-term values pass the gates. Allocates (sorts a copy).
[[nodiscard]] std::optional<LoudnessRange> loudnessRange(std::span<const double> shortTermEnergies);

}  // namespace lathe::analysis
