#include "lathe/check/intersample_overs.h"

#include <algorithm>
#include <cmath>

#include "lathe/dsp/oversampler.h"

namespace lathe::check {

OversScan scanOvers(ConstAudioBlock audio, double sampleRate, double markThresholdLinear, std::size_t maxEvents) {
    OversScan scan;
    const int channels = audio.numChannels();
    const std::size_t frames = audio.numFrames();
    if (channels == 0 || frames == 0) return scan;
    constexpr int kFactor = 4;
    constexpr std::size_t kBlock = 4096;
    dsp::Oversampler oversampler;
    if (!oversampler.prepare({sampleRate, channels, kBlock}, {kFactor, 0.45, 80.0})) return scan;
    const auto latency = std::int64_t(std::llround(oversampler.upsampleLatencyFrames() * kFactor));
    const auto mark = float(markThresholdLinear);
    constexpr float kFullScale = 1.0f;
    const double mergeSeconds = 0.010;
    double peak = 0.0;
    bool inEvent = false;
    double lastOverSeconds = -1.0;

    const auto noteOver = [&](double seconds, double magnitude) {
        if (inEvent && seconds - lastOverSeconds < mergeSeconds) {
            if (!scan.events.empty() && std::size_t(scan.eventCount) <= maxEvents)
                scan.events.back().peakDbfs = std::max(scan.events.back().peakDbfs, 20.0 * std::log10(magnitude));
        } else {
            ++scan.eventCount;
            if (scan.events.size() < maxEvents) scan.events.push_back({seconds, 20.0 * std::log10(magnitude)});
            inEvent = true;
        }
        lastOverSeconds = seconds;
    };

    for (int c = 0; c < channels; ++c)
        for (const float x : audio.channel(c))
            if (std::abs(x) >= kFullScale) ++scan.clippedSamples;

    // Oversample the input followed by enough zeros to flush the filter.
    const std::size_t flushFrames = std::size_t(latency / kFactor + 2);
    AudioBuffer zeros(channels, kBlock);
    std::int64_t upIndex = 0;  // global oversampled index
    for (std::size_t start = 0; start < frames + flushFrames; start += kBlock) {
        ConstAudioBlock block;
        std::size_t count = 0;
        if (start < frames) {
            count = std::min(kBlock, frames - start);
            block = audio.slice(start, count);
        } else {
            count = std::min(kBlock, frames + flushFrames - start);
            block = ConstAudioBlock(zeros.block()).slice(0, count);
        }
        const AudioBlock up = oversampler.upsample(block);
        for (std::size_t j = 0; j < up.numFrames(); ++j) {
            const std::int64_t position = upIndex + std::int64_t(j) - latency;  // oversampled index of the input timeline
            if (position < 0 || position >= std::int64_t(frames) * kFactor) continue;
            float magnitude = 0.0f;
            for (int ch = 0; ch < channels; ++ch) magnitude = std::max(magnitude, std::abs(up.channelData(ch)[j]));
            peak = std::max(peak, double(magnitude));
            const auto n0 = std::size_t(position / kFactor);
            if (position % kFactor != 0 && magnitude > kFullScale) {
                const std::size_t n1 = std::min(n0 + 1, frames - 1);
                for (int ch = 0; ch < channels; ++ch)
                    if (std::abs(up.channelData(ch)[j]) > kFullScale && std::abs(audio.channelData(ch)[n0]) < kFullScale &&
                        std::abs(audio.channelData(ch)[n1]) < kFullScale)
                        ++scan.interSampleOvers;
            }
            const bool over = magnitude > mark;
            if (over) noteOver(double(position) / (kFactor * sampleRate), std::max(double(magnitude), 1e-12));
        }
        upIndex += std::int64_t(up.numFrames());
    }
    scan.oversampledPeakDbfs = peak > 0.0 ? 20.0 * std::log10(peak) : -200.0;
    return scan;
}

}  // namespace lathe::check
