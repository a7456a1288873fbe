#pragma once
// Swaps the left and right channels of a stereo signal.

#include <string_view>

#include "lathe/dsp/stage.h"

namespace lathe::dsp {

/// Exchanges channels 0 and 1 (bit-exact). Exactly 2 channels. Latency 0.
class ChannelSwap final : public Stage {
public:
    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override {}
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "channel_swap"; }
};

}  // namespace lathe::dsp
