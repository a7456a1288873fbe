// Sample peak, RMS, crest factor, DC offset and clipped runs (see include/lathe/analysis/level_stats.h).
#include "lathe/analysis/level_stats.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "analysis/lane_sums.h"

namespace lathe::analysis {

static_assert(LevelStats::kLanes == analysis::kLanes);

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
        accumulateInLanes(state.lanes, frames_, numFrames, [x](LaneSums& lane, std::size_t i) {
            const double v = x[i];
            lane.sum += v;
            lane.sumSquares += v * v;
            const float magnitude = std::abs(x[i]);
            lane.peak = magnitude > lane.peak ? magnitude : lane.peak;
        });
        float peak = 0;
        for (const auto& lane : state.lanes) peak = std::max(peak, lane.peak);

        // Clipped runs: sequential, but only blocks that reach full scale need the sample loop.
        if (peak < fullScale) {
            state.runLength = 0;
            continue;
        }
        float runValue = state.runValue;
        std::int64_t runLength = state.runLength;
        std::int64_t clippedRuns = state.clippedRuns;
        for (std::size_t i = 0; i < numFrames; ++i) {
            if (std::abs(x[i]) >= fullScale) {
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
        const auto& l = state.lanes;
        for (const auto& lane : l) out.samplePeakLinear = std::max(out.samplePeakLinear, double(lane.peak));
        totalSquares += (l[0].sumSquares + l[1].sumSquares) + (l[2].sumSquares + l[3].sumSquares);
        const double sum = (l[0].sum + l[1].sum) + (l[2].sum + l[3].sum);
        const double mean = frames_ > 0 ? sum / double(frames_) : 0.0;
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
