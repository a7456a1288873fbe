#include "lathe/dsp/mono_sum.h"

namespace lathe::dsp {

Status MonoSum::prepare(const ProcessSpec& spec) {
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("mono sum: 1 to 8 channels");
    return success();
}

void MonoSum::process(AudioBlock block) noexcept {
    const int channels = block.numChannels();
    if (channels < 2) return;
    if (channels == 2) {  // the common case, as a loop the compiler vectorises
        float* left = block.channelData(0);
        float* right = block.channelData(1);
        for (std::size_t i = 0; i < block.numFrames(); ++i)
            left[i] = right[i] = static_cast<float>(0.5 * (double(left[i]) + double(right[i])));
        return;
    }
    for (std::size_t i = 0; i < block.numFrames(); ++i) {
        double sum = 0.0;
        for (int c = 0; c < channels; ++c) sum += block.channelData(c)[i];
        // Identical channels: n x is exact in double and (n x) / n rounds back to x exactly.
        const float mean = static_cast<float>(sum / channels);
        for (int c = 0; c < channels; ++c) block.channelData(c)[i] = mean;
    }
}

}  // namespace lathe::dsp
