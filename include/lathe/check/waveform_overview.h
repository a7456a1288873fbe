#pragma once
// A waveform overview for reports: per column, the minimum and maximum sample over all channels
// and the RMS (all channels), so a chart of a few hundred to a few thousand columns draws a whole
// track without its samples.

#include <vector>

#include "lathe/audio_buffer.h"

namespace lathe::check {

struct WaveformOverview {
    double secondsPerColumn = 0;
    std::vector<float> minimum;
    std::vector<float> maximum;
    std::vector<float> rms;
};

[[nodiscard]] WaveformOverview makeWaveformOverview(ConstAudioBlock audio, double sampleRate, std::size_t columns = 1200);

}  // namespace lathe::check
