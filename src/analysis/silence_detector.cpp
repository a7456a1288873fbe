// Head and tail silence (see include/lathe/analysis/silence_detector.h).
#include "lathe/analysis/silence_detector.h"

#include <cmath>

namespace lathe::analysis {

Status SilenceDetector::prepare(double sampleRate, double thresholdDbfs) {
    if (!(sampleRate > 0)) return fail("silence detector: sample rate must be positive");
    if (!(thresholdDbfs < 0)) return fail("silence detector: threshold must be below 0 dBFS");
    sampleRate_ = sampleRate;
    threshold_ = static_cast<float>(std::pow(10.0, thresholdDbfs / 20.0));
    reset();
    return success();
}

void SilenceDetector::reset() noexcept {
    frames_ = 0;
    firstLoudFrame_ = -1;
    lastLoudFrame_ = -1;
}

void SilenceDetector::process(ConstAudioBlock block) noexcept {
    const auto numFrames = static_cast<std::int64_t>(block.numFrames());
    const auto isLoud = [&](std::int64_t i) {
        for (int c = 0; c < block.numChannels(); ++c)
            if (std::abs(block.channelData(c)[i]) >= threshold_) return true;
        return false;
    };
    // Scan backwards for the last loud frame of this block; if there is none, there is no first
    // one either. Otherwise scan forwards for the first one only until one is known.
    std::int64_t last = numFrames - 1;
    while (last >= 0 && !isLoud(last)) --last;
    if (last >= 0) {
        lastLoudFrame_ = frames_ + last;
        if (firstLoudFrame_ < 0) {
            std::int64_t first = 0;
            while (!isLoud(first)) ++first;
            firstLoudFrame_ = frames_ + first;
        }
    }
    frames_ += numFrames;
}

SilenceResult SilenceDetector::result() const noexcept {
    SilenceResult out;
    if (firstLoudFrame_ < 0) {
        out.headSeconds = out.tailSeconds = double(frames_) / sampleRate_;
        return out;
    }
    out.allSilent = false;
    out.headSeconds = double(firstLoudFrame_) / sampleRate_;
    out.tailSeconds = double(frames_ - 1 - lastLoudFrame_) / sampleRate_;
    return out;
}

}  // namespace lathe::analysis
