#include "lathe/dsp/polarity.h"

namespace lathe::dsp {

Status Polarity::prepare(const ProcessSpec& spec) {
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("polarity: 1 to 8 channels");
    return success();
}

void Polarity::process(AudioBlock block) noexcept {
    for (int c = 0; c < block.numChannels(); ++c) {
        if (!params_.invert[static_cast<std::size_t>(c)]) continue;
        for (float& sample : block.channel(c)) sample = -sample;
    }
}

}  // namespace lathe::dsp
