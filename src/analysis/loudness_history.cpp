#include "analysis/loudness_history.h"

#include <cmath>

namespace lathe::analysis {
namespace {

// Index of hop `k` in a ring of `size` entries (k may be negative).
std::size_t ringIndex(std::int64_t k, std::int64_t size) noexcept {
    const std::int64_t r = k % size;
    return static_cast<std::size_t>(r < 0 ? r + size : r);
}

}  // namespace

std::int64_t HopGrid::boundary(std::int64_t hop) const noexcept {
    // Rounds halves up (floor(x + 1/2)), not away from zero, so the grid is shift-invariant:
    // boundary(k + 40) - boundary(k) is the same for every k, negative ones included.
    if (sampleRate_ == std::floor(sampleRate_)) {
        // Integer rates (all real ones): exact integer arithmetic, floor division.
        const std::int64_t numerator = hop * static_cast<std::int64_t>(sampleRate_) + kHopsPerSecond / 2;
        const std::int64_t quotient = numerator / kHopsPerSecond;
        return (numerator % kHopsPerSecond < 0) ? quotient - 1 : quotient;
    }
    return static_cast<std::int64_t>(std::floor(double(hop) * sampleRate_ / double(kHopsPerSecond) + 0.5));
}

void LoudnessWindows::reset() noexcept {
    groupSums_.fill(0.0);
    recent_.fill(0.0);
    hops_ = 0;
}

void LoudnessWindows::push(double subBlockEnergy) noexcept {
    const std::int64_t k = hops_;  // index of this sub-block
    recent_[ringIndex(k, kGatingStepHops)] = subBlockEnergy;
    double group = 0.0;
    for (std::int64_t j = k - (kGatingStepHops - 1); j <= k; ++j) group += recent_[ringIndex(j, kGatingStepHops)];
    hops_ = k + 1;
    groupSums_[ringIndex(hops_, kShortTermHops)] = group;
}

double LoudnessWindows::momentarySum() const noexcept {
    double sum = 0.0;
    for (std::int64_t end = hops_ - (kMomentaryHops - kGatingStepHops); end <= hops_; end += kGatingStepHops)
        sum += groupSums_[ringIndex(end, kShortTermHops)];
    return sum;
}

double LoudnessWindows::shortTermSum() const noexcept {
    double sum = 0.0;
    for (std::int64_t end = hops_ - (kShortTermHops - kGatingStepHops); end <= hops_; end += kGatingStepHops)
        sum += groupSums_[ringIndex(end, kShortTermHops)];
    return sum;
}

}  // namespace lathe::analysis
