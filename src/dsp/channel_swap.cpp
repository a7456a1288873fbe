#include "lathe/dsp/channel_swap.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace lathe::dsp {

Status ChannelSwap::prepare(const ProcessSpec& spec) {
    if (spec.numChannels != 2)
        return fail("channel swap: needs exactly 2 channels (got " + std::to_string(spec.numChannels) + ")");
    return success();
}

void ChannelSwap::process(AudioBlock block) noexcept {
    assert(block.numChannels() == 2);
    std::swap_ranges(block.channelData(0), block.channelData(0) + block.numFrames(), block.channelData(1));
}

}  // namespace lathe::dsp
