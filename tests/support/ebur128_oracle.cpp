#include "support/ebur128_oracle.h"

#include <ebur128.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "lathe/audio_file.h"

namespace lathe::test {

Ebur128Measurement measureWithLibebur128(const std::filesystem::path& path) {
    auto decoded = readAudioFile(path);
    EXPECT_TRUE(decoded.ok()) << (decoded.ok() ? "" : decoded.error().message);
    if (!decoded.ok()) return {};
    const auto& audio = decoded->audio;
    const int channels = audio.numChannels();
    ebur128_state* state = ebur128_init(unsigned(channels), unsigned(decoded->info.sampleRate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    std::vector<float> interleaved(audio.numFrames() * std::size_t(channels));
    for (std::size_t i = 0; i < audio.numFrames(); ++i)
        for (int c = 0; c < channels; ++c) interleaved[i * std::size_t(channels) + std::size_t(c)] = audio.channel(c)[i];
    ebur128_add_frames_float(state, interleaved.data(), audio.numFrames());
    Ebur128Measurement m;
    ebur128_loudness_global(state, &m.integratedLufs);
    double peak = 0.0;
    for (int c = 0; c < channels; ++c) {
        double p = 0.0;
        ebur128_true_peak(state, unsigned(c), &p);
        peak = std::max(peak, p);
    }
    ebur128_destroy(&state);
    m.truePeakDbtp = 20.0 * std::log10(peak);
    return m;
}

}  // namespace lathe::test
