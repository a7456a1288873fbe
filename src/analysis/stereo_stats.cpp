// Stereo correlation and side-to-mid energy (see include/lathe/analysis/stereo_stats.h).
#include "lathe/analysis/stereo_stats.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "analysis/lane_sums.h"

namespace lathe::analysis {

static_assert(StereoStats::kLanes == analysis::kLanes);

Status StereoStats::prepare(int numChannels) {
    if (numChannels < 2 || numChannels > kMaxChannels)
        return fail("stereo statistics need 2 to " + std::to_string(kMaxChannels) + " channels, not " +
                    std::to_string(numChannels));
    reset();
    return success();
}

void StereoStats::reset() noexcept {
    lanes_ = {};
    frames_ = 0;
}

void StereoStats::process(ConstAudioBlock block) noexcept {
    const float* left = block.channelData(0);
    const float* right = block.channelData(1);
    accumulateInLanes(lanes_, frames_, block.numFrames(), [left, right](LaneSums& lane, std::size_t i) {
        const double l = left[i];
        const double r = right[i];
        lane.left += l;
        lane.right += r;
        lane.leftSquares += l * l;
        lane.rightSquares += r * r;
        lane.products += l * r;
    });
    frames_ += static_cast<std::int64_t>(block.numFrames());
}

StereoStatsResult StereoStats::result() const {
    const auto total = [this](double LaneSums::*field) {
        return (lanes_[0].*field + lanes_[1].*field) + (lanes_[2].*field + lanes_[3].*field);
    };
    const double sumLeft = total(&LaneSums::left);
    const double sumRight = total(&LaneSums::right);
    const double sumLeftSquares = total(&LaneSums::leftSquares);
    const double sumRightSquares = total(&LaneSums::rightSquares);
    const double sumProducts = total(&LaneSums::products);

    StereoStatsResult out;
    out.midEnergy = std::max(0.0, (sumLeftSquares + 2.0 * sumProducts + sumRightSquares) / 4.0);
    out.sideEnergy = std::max(0.0, (sumLeftSquares - 2.0 * sumProducts + sumRightSquares) / 4.0);
    if (frames_ > 0) {
        const double n = double(frames_);
        const double meanLeft = sumLeft / n;
        const double meanRight = sumRight / n;
        const double varianceLeft = sumLeftSquares / n - meanLeft * meanLeft;
        const double varianceRight = sumRightSquares / n - meanRight * meanRight;
        const double covariance = sumProducts / n - meanLeft * meanRight;
        // A variance lost in rounding (a constant channel, e.g. pure DC) counts as zero.
        constexpr double kRelativeFloor = 1e-12;
        if (varianceLeft > kRelativeFloor * sumLeftSquares / n && varianceRight > kRelativeFloor * sumRightSquares / n) {
            const double r = covariance / std::sqrt(varianceLeft * varianceRight);
            out.correlation = std::clamp(r, -1.0, 1.0);
        }
    }
    if (out.midEnergy > 0 && out.sideEnergy > 0) out.sideToMidDb = 10.0 * std::log10(out.sideEnergy / out.midEnergy);
    return out;
}

}  // namespace lathe::analysis
