// TT Dynamic Range (see include/lathe/analysis/dynamic_range_tt.h).
#include "lathe/analysis/dynamic_range_tt.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

#include "analysis/lane_sums.h"

namespace lathe::analysis {

static_assert(DynamicRangeTt::kLanes == analysis::kLanes);

Status DynamicRangeTt::prepare(double sampleRate, int numChannels, std::int64_t expectedFrames) {
    if (!(sampleRate > 0)) return fail("dynamic range: sample rate must be positive");
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("dynamic range: unsupported channel count " + std::to_string(numChannels));
    blockFrames_ = std::llround(kBlockSeconds * sampleRate);
    channels_.assign(static_cast<std::size_t>(numChannels), ChannelState{});
    const auto expectedBlocks = static_cast<std::size_t>(std::max<std::int64_t>(expectedFrames, 0) / blockFrames_ + 2);
    for (auto& channel : channels_) channel.blocks.reserve(expectedBlocks);
    reset();
    return success();
}

void DynamicRangeTt::reset() noexcept {
    framesInBlock_ = 0;
    totalFrames_ = 0;
    for (auto& channel : channels_) {
        channel.lanes = {};
        channel.blocks.clear();
    }
}

DynamicRangeTt::BlockFigures DynamicRangeTt::ChannelState::figures(std::int64_t frames) const noexcept {
    const double sumSquares = (lanes[0].sumSquares + lanes[1].sumSquares) + (lanes[2].sumSquares + lanes[3].sumSquares);
    float peak = 0;
    for (const auto& lane : lanes) peak = std::max(peak, lane.peak);
    return {std::sqrt(2.0 * sumSquares / double(frames)), double(peak)};
}

void DynamicRangeTt::closeBlock() noexcept {
    for (auto& channel : channels_) {
        channel.blocks.push_back(channel.figures(framesInBlock_));
        channel.lanes = {};
    }
    framesInBlock_ = 0;
}

void DynamicRangeTt::process(ConstAudioBlock block) noexcept {
    std::size_t offset = 0;
    while (offset < block.numFrames()) {
        const auto count = static_cast<std::size_t>(
            std::min<std::int64_t>(blockFrames_ - framesInBlock_, std::int64_t(block.numFrames() - offset)));
        for (int c = 0; c < block.numChannels(); ++c) {
            auto& channel = channels_[static_cast<std::size_t>(c)];
            const float* x = block.channelData(c) + offset;
            // Lanes count from the start of the 3 s block, which is fixed in the stream.
            accumulateInLanes(channel.lanes, framesInBlock_, count, [x](LaneSums& lane, std::size_t i) {
                const double v = x[i];
                lane.sumSquares += v * v;
                const float magnitude = std::abs(x[i]);
                lane.peak = magnitude > lane.peak ? magnitude : lane.peak;
            });
        }
        framesInBlock_ += static_cast<std::int64_t>(count);
        offset += count;
        if (framesInBlock_ == blockFrames_) closeBlock();
    }
    totalFrames_ += static_cast<std::int64_t>(block.numFrames());
}

DynamicRangeTtResult DynamicRangeTt::result() const {
    DynamicRangeTtResult out;
    out.channelDrDb.resize(channels_.size());
    if (totalFrames_ < blockFrames_) return out;
    double sum = 0;
    int counted = 0;
    for (std::size_t c = 0; c < channels_.size(); ++c) {
        const auto& channel = channels_[c];
        std::vector<double> rms;
        std::vector<double> peaks;
        for (const auto& block : channel.blocks) {
            rms.push_back(block.rmsScaled);
            peaks.push_back(block.peak);
        }
        if (framesInBlock_ > 0) {  // the final, shorter block
            const BlockFigures last = channel.figures(framesInBlock_);
            rms.push_back(last.rmsScaled);
            peaks.push_back(last.peak);
        }
        std::sort(rms.begin(), rms.end(), std::greater<>());
        std::sort(peaks.begin(), peaks.end(), std::greater<>());
        const std::size_t loudest = std::max<std::size_t>(1, rms.size() / kLoudestDivisor);
        double sumSquares = 0;
        for (std::size_t i = 0; i < loudest; ++i) sumSquares += rms[i] * rms[i];
        const double rmsTop = std::sqrt(sumSquares / double(loudest));
        const double secondPeak = peaks.size() >= 2 ? peaks[1] : peaks[0];
        if (rmsTop <= 0 || secondPeak <= 0) continue;
        const double dr = 20.0 * std::log10(secondPeak / rmsTop);
        out.channelDrDb[c] = dr;
        sum += dr;
        ++counted;
    }
    if (counted > 0) {
        out.drDb = sum / counted;
        out.dr = static_cast<int>(std::lround(*out.drDb));
    }
    return out;
}

}  // namespace lathe::analysis
