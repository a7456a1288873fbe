#pragma once
// Silence at the head and tail of a file, streamed. A frame is silent when every channel's sample
// magnitude is below the threshold (default -60 dBFS, i.e. |x| < 0.001); head silence runs from
// the start to the first non-silent frame, tail silence from after the last non-silent frame to
// the end. Resolution: one sample. A file with no non-silent frame is silence from end to end:
// head and tail both equal its duration. Latency: none. process() never allocates.

#include <cstdint>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct SilenceResult {
    double headSeconds = 0;
    double tailSeconds = 0;
    bool allSilent = true;
};

class SilenceDetector {
public:
    static constexpr double kDefaultThresholdDbfs = -60.0;

    Status prepare(double sampleRate, double thresholdDbfs = kDefaultThresholdDbfs);
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] SilenceResult result() const noexcept;

private:
    double sampleRate_ = 0;
    float threshold_ = 0;
    std::int64_t frames_ = 0;
    std::int64_t firstLoudFrame_ = -1;  // -1 until a frame reaches the threshold
    std::int64_t lastLoudFrame_ = -1;
};

}  // namespace lathe::analysis
