#pragma once
// Mid/side encoding and decoding of a stereo pair.
//   encode: M = (L + R) / 2,  S = (L - R) / 2     decode: L = M + S,  R = M - S
// Computed in double and rounded once to float: encode then decode returns L and R within
// 2 ulp of max(|L|, |R|) (each of M and S carries one rounding of half an ulp, the sum one more).

#include <string_view>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

/// In place on channels 0 (L -> M) and 1 (R -> S) of a 2-channel block. For use inside stages.
void encodeMidSide(AudioBlock block) noexcept;
/// In place on channels 0 (M -> L) and 1 (S -> R).
void decodeMidSide(AudioBlock block) noexcept;

/// Stereo to mid/side (channel 0 = mid, 1 = side). Exactly 2 channels. Latency 0.
class MidSideEncoder final : public Stage {
public:
    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override {}
    void process(AudioBlock block) noexcept override { encodeMidSide(block); }
    [[nodiscard]] std::string_view name() const noexcept override { return "mid_side_encoder"; }
};

/// Mid/side back to stereo. Exactly 2 channels. Latency 0.
class MidSideDecoder final : public Stage {
public:
    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override {}
    void process(AudioBlock block) noexcept override { decodeMidSide(block); }
    [[nodiscard]] std::string_view name() const noexcept override { return "mid_side_decoder"; }
};

}  // namespace lathe::dsp
