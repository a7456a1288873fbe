// Stereo correlation and side-to-mid energy (see include/lathe/analysis/stereo_stats.h).
#include "lathe/analysis/stereo_stats.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lathe::analysis {

Status StereoStats::prepare(int numChannels) {
    if (numChannels < 2 || numChannels > kMaxChannels)
        return fail("stereo statistics need 2 to " + std::to_string(kMaxChannels) + " channels, not " +
                    std::to_string(numChannels));
    reset();
    return success();
}

void StereoStats::reset() noexcept {
    sumLeft_ = sumRight_ = 0;
    sumLeftSquares_ = sumRightSquares_ = sumProducts_ = 0;
    midEnergy_ = sideEnergy_ = 0;
    frames_ = 0;
}

void StereoStats::process(ConstAudioBlock block) noexcept {
    const float* left = block.channelData(0);
    const float* right = block.channelData(1);
    double sumLeft = sumLeft_, sumRight = sumRight_;
    double sumLeftSquares = sumLeftSquares_, sumRightSquares = sumRightSquares_, sumProducts = sumProducts_;
    double midEnergy = midEnergy_, sideEnergy = sideEnergy_;
    for (std::size_t i = 0; i < block.numFrames(); ++i) {
        const double l = left[i];
        const double r = right[i];
        sumLeft += l;
        sumRight += r;
        sumLeftSquares += l * l;
        sumRightSquares += r * r;
        sumProducts += l * r;
        const double mid = 0.5 * (l + r);  // exact in double
        const double side = 0.5 * (l - r);
        midEnergy += mid * mid;
        sideEnergy += side * side;
    }
    sumLeft_ = sumLeft;
    sumRight_ = sumRight;
    sumLeftSquares_ = sumLeftSquares;
    sumRightSquares_ = sumRightSquares;
    sumProducts_ = sumProducts;
    midEnergy_ = midEnergy;
    sideEnergy_ = sideEnergy;
    frames_ += static_cast<std::int64_t>(block.numFrames());
}

StereoStatsResult StereoStats::result() const {
    StereoStatsResult out;
    out.midEnergy = midEnergy_;
    out.sideEnergy = sideEnergy_;
    if (frames_ > 0) {
        const double n = double(frames_);
        const double meanLeft = sumLeft_ / n;
        const double meanRight = sumRight_ / n;
        const double varianceLeft = sumLeftSquares_ / n - meanLeft * meanLeft;
        const double varianceRight = sumRightSquares_ / n - meanRight * meanRight;
        const double covariance = sumProducts_ / n - meanLeft * meanRight;
        if (varianceLeft > 0 && varianceRight > 0) {
            const double r = covariance / std::sqrt(varianceLeft * varianceRight);
            out.correlation = std::clamp(r, -1.0, 1.0);
        }
    }
    if (midEnergy_ > 0 && sideEnergy_ > 0) out.sideToMidDb = 10.0 * std::log10(sideEnergy_ / midEnergy_);
    return out;
}

}  // namespace lathe::analysis
