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
    // hop * fs is exact in double for any realistic length; a tie (x.5, exactly representable)
    // rounds away from zero, symmetrically for negative hops.
    return std::llround(double(hop) * sampleRate_ / double(kHopsPerSecond));
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
