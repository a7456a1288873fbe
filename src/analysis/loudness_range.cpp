#include "analysis/loudness_range.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/loudness_gating.h"
#include "analysis/loudness_units.h"

namespace lathe::analysis {
namespace {

// Nearest rank: index round((n - 1) p), the MATLAB round (halves away from zero) of Tech 3342.
std::size_t percentileIndex(std::size_t n, double p) {
    return static_cast<std::size_t>(std::floor(double(n - 1) * p + 0.5));
}

}  // namespace

std::optional<LoudnessRange> loudnessRange(std::span<const double> shortTermEnergies) {
    std::vector<double> gated;
    gated.reserve(shortTermEnergies.size());
    double sum = 0.0;
    for (const double e : shortTermEnergies) {
        if (!passesAbsoluteGate(e)) continue;
        gated.push_back(e);
        sum += e;
    }
    if (gated.empty()) return std::nullopt;

    const double relativeThreshold =
        sum / double(gated.size()) * std::pow(10.0, kLoudnessRangeRelativeGateLu / 10.0);
    std::erase_if(gated, [&](double e) { return !(e > relativeThreshold); });
    if (gated.size() < 2) return std::nullopt;

    std::sort(gated.begin(), gated.end());
    LoudnessRange out;
    out.lowLufs = energyToLufs(gated[percentileIndex(gated.size(), kLoudnessRangeLowPercentile)]);
    out.highLufs = energyToLufs(gated[percentileIndex(gated.size(), kLoudnessRangeHighPercentile)]);
    out.rangeLu = out.highLufs - out.lowLufs;
    return out;
}

}  // namespace lathe::analysis
