// Sample peak, RMS, crest factor, DC offset and clipped runs (see include/lathe/analysis/level_stats.h).
#include "lathe/analysis/level_stats.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lathe::analysis {

Status LevelStats::prepare(int numChannels) {
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("level statistics: unsupported channel count " + std::to_string(numChannels));
    channels_.assign(static_cast<std::size_t>(numChannels), ChannelState{});
    frames_ = 0;
    return success();
}

void LevelStats::reset() noexcept {
    std::fill(channels_.begin(), channels_.end(), ChannelState{});
    frames_ = 0;
}

void LevelStats::process(ConstAudioBlock block) noexcept {
    const auto fullScale = static_cast<float>(kFullScaleThreshold);
    const std::size_t numFrames = block.numFrames();
    for (int c = 0; c < block.numChannels(); ++c) {
        auto& state = channels_[static_cast<std::size_t>(c)];
        const float* x = block.channelData(c);
        double sum = state.sum;
        double sumSquares = state.sumSquares;
        float peak = state.peak;
        float runValue = state.runValue;
        std::int64_t runLength = state.runLength;
        std::int64_t clippedRuns = state.clippedRuns;
        for (std::size_t i = 0; i < numFrames; ++i) {
            const double v = x[i];
            sum += v;
            sumSquares += v * v;
            const float magnitude = std::abs(x[i]);
            peak = std::max(peak, magnitude);
            if (magnitude >= fullScale) {
                // Only samples at full scale extend or start a run worth tracking.
                if (runLength > 0 && x[i] == runValue) {
                    if (++runLength == kMinClippedRunLength) ++clippedRuns;
                } else {
                    runValue = x[i];
                    runLength = 1;
                }
            } else {
                runLength = 0;
            }
        }
        state.sum = sum;
        state.sumSquares = sumSquares;
        state.peak = peak;
        state.runValue = runValue;
        state.runLength = runLength;
        state.clippedRuns = clippedRuns;
    }
    frames_ += static_cast<std::int64_t>(numFrames);
}

LevelStatsResult LevelStats::result() const {
    LevelStatsResult out;
    double totalSquares = 0;
    double worstDc = 0;
    for (const auto& state : channels_) {
        out.samplePeakLinear = std::max(out.samplePeakLinear, double(state.peak));
        totalSquares += state.sumSquares;
        const double mean = frames_ > 0 ? state.sum / double(frames_) : 0.0;
        out.channelDcOffset.push_back(mean);
        worstDc = std::max(worstDc, std::abs(mean));
        out.clippedRuns += state.clippedRuns;
    }
    if (out.samplePeakLinear > 0) out.samplePeakDbfs = 20.0 * std::log10(out.samplePeakLinear);
    const double samples = double(frames_) * double(channels_.size());
    if (totalSquares > 0 && samples > 0) out.rmsDbfs = 10.0 * std::log10(totalSquares / samples);
    if (out.samplePeakDbfs && out.rmsDbfs) out.crestFactorDb = *out.samplePeakDbfs - *out.rmsDbfs;
    if (worstDc > 0) out.dcOffsetDbfs = 20.0 * std::log10(worstDc);
    return out;
}

}  // namespace lathe::analysis
