#include "lathe/dsp/mid_side.h"

#include <cassert>
#include <string>

namespace lathe::dsp {

namespace {
Status requireStereo(const ProcessSpec& spec, const char* what) {
    if (spec.numChannels != 2) return fail(std::string(what) + ": needs exactly 2 channels (got " +
                                           std::to_string(spec.numChannels) + ")");
    return success();
}
}  // namespace

void encodeMidSide(AudioBlock block) noexcept {
    assert(block.numChannels() == 2);
    float* left = block.channelData(0);
    float* right = block.channelData(1);
    for (std::size_t i = 0; i < block.numFrames(); ++i) {
        const double l = left[i], r = right[i];
        left[i] = static_cast<float>(0.5 * (l + r));
        right[i] = static_cast<float>(0.5 * (l - r));
    }
}

void decodeMidSide(AudioBlock block) noexcept {
    assert(block.numChannels() == 2);
    float* mid = block.channelData(0);
    float* side = block.channelData(1);
    for (std::size_t i = 0; i < block.numFrames(); ++i) {
        const double m = mid[i], s = side[i];
        mid[i] = static_cast<float>(m + s);
        side[i] = static_cast<float>(m - s);
    }
}

Status MidSideEncoder::prepare(const ProcessSpec& spec) { return requireStereo(spec, "mid/side encoder"); }
Status MidSideDecoder::prepare(const ProcessSpec& spec) { return requireStereo(spec, "mid/side decoder"); }

}  // namespace lathe::dsp
