// TT Dynamic Range (see include/lathe/analysis/dynamic_range_tt.h).
#include "lathe/analysis/dynamic_range_tt.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>

namespace lathe::analysis {

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
        channel.sumSquares = 0;
        channel.peak = 0;
        channel.blocks.clear();
    }
}

void DynamicRangeTt::closeBlock() noexcept {
    for (auto& channel : channels_) {
        const double rmsScaled = std::sqrt(2.0 * channel.sumSquares / double(framesInBlock_));
        channel.blocks.push_back({rmsScaled, double(channel.peak)});
        channel.sumSquares = 0;
        channel.peak = 0;
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
            double sumSquares = channel.sumSquares;
            float peak = channel.peak;
            for (std::size_t i = 0; i < count; ++i) {
                sumSquares += double(x[i]) * double(x[i]);
                peak = std::max(peak, std::abs(x[i]));
            }
            channel.sumSquares = sumSquares;
            channel.peak = peak;
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
            rms.push_back(std::sqrt(2.0 * channel.sumSquares / double(framesInBlock_)));
            peaks.push_back(double(channel.peak));
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
