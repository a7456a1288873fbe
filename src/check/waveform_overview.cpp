#include "lathe/check/waveform_overview.h"

#include <algorithm>
#include <cmath>

namespace lathe::check {

WaveformOverview makeWaveformOverview(ConstAudioBlock audio, double sampleRate, std::size_t columns) {
    WaveformOverview overview;
    const std::size_t frames = audio.numFrames();
    if (frames == 0 || audio.numChannels() == 0 || columns == 0) return overview;
    columns = std::min(columns, frames);
    overview.secondsPerColumn = double(frames) / double(columns) / sampleRate;
    overview.minimum.assign(columns, 0.0f);
    overview.maximum.assign(columns, 0.0f);
    overview.rms.assign(columns, 0.0f);
    for (std::size_t column = 0; column < columns; ++column) {
        const std::size_t begin = column * frames / columns, end = (column + 1) * frames / columns;
        float low = audio.channelData(0)[begin], high = low;
        double energy = 0.0;
        for (int c = 0; c < audio.numChannels(); ++c) {
            const float* x = audio.channelData(c);
            for (std::size_t i = begin; i < end; ++i) {
                low = std::min(low, x[i]);
                high = std::max(high, x[i]);
                energy += double(x[i]) * x[i];
            }
        }
        overview.minimum[column] = low;
        overview.maximum[column] = high;
        overview.rms[column] = float(std::sqrt(energy / double((end - begin) * std::size_t(audio.numChannels()))));
    }
    return overview;
}

}  // namespace lathe::check
