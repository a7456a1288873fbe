#pragma once
// Folds all channels to mono.

#include <string_view>

#include "lathe/dsp/stage.h"

namespace lathe::dsp {

/// Replaces every channel by the mean of all channels (computed in double, rounded once), so a
/// signal common to all channels keeps its level and a mono-compatible mix is heard as mono.
/// Channels that are already identical pass bit-exact. Any channel count. Latency 0.
class MonoSum final : public Stage {
public:
    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override {}
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "mono_sum"; }
};

}  // namespace lathe::dsp
