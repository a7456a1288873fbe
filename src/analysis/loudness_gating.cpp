#include "analysis/loudness_gating.h"

#include <cmath>

#include "analysis/loudness_units.h"

namespace lathe::analysis {

bool passesAbsoluteGate(double energy) noexcept {
    static const double threshold = lufsToEnergy(kAbsoluteGateLufs);
    return std::isfinite(energy) && energy > threshold;
}

std::optional<double> gatedLoudnessLufs(std::span<const double> blockEnergies) noexcept {
    double sum = 0.0;
    std::size_t count = 0;
    for (const double e : blockEnergies) {
        if (!passesAbsoluteGate(e)) continue;
        sum += e;
        ++count;
    }
    if (count == 0) return std::nullopt;

    // Gamma_r = (loudness of the absolute-gated blocks) - 10 LU, as an energy.
    const double relativeThreshold = sum / double(count) * std::pow(10.0, kIntegratedRelativeGateLu / 10.0);
    double gatedSum = 0.0;
    std::size_t gatedCount = 0;
    for (const double e : blockEnergies) {
        if (!passesAbsoluteGate(e) || !(e > relativeThreshold)) continue;
        gatedSum += e;
        ++gatedCount;
    }
    if (gatedCount == 0) return std::nullopt;
    return energyToLufs(gatedSum / double(gatedCount));
}

}  // namespace lathe::analysis
