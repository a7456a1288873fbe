#pragma once
// Polarity (sign) inversion per channel.

#include <array>
#include <string_view>

#include "lathe/dsp/stage.h"

namespace lathe::dsp {

struct PolarityParams {
    std::array<bool, kMaxChannels> invert{};  ///< per channel: multiply by -1

    [[nodiscard]] static PolarityParams all() noexcept {
        PolarityParams p;
        p.invert.fill(true);
        return p;
    }
};

/// Inverts the polarity of the selected channels (y = -x, exact). Latency 0. No smoothing: a
/// polarity flip is a discontinuity by nature, so set it before rendering, not as automation.
class Polarity final : public Stage {
public:
    explicit Polarity(PolarityParams params = PolarityParams::all()) noexcept : params_(params) {}

    void setParams(const PolarityParams& params) noexcept { params_ = params; }
    [[nodiscard]] const PolarityParams& params() const noexcept { return params_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override {}
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "polarity"; }

private:
    PolarityParams params_;
};

}  // namespace lathe::dsp
