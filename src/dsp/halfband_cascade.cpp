#include "lathe/dsp/halfband_cascade.h"

#include "dsp/fir_kernel.h"
#include "dsp/kaiser_sinc.h"

namespace lathe::dsp {

Status HalfbandCascade::prepare(double passbandFraction, double stopbandAttenuationDb) {
    auto stage1 = designKaiserSinc(2, passbandFraction, stopbandAttenuationDb);
    if (!stage1.ok()) return stage1.error();
    auto stage2 = designKaiserSinc(2, 0.5 * (1.0 - passbandFraction), stopbandAttenuationDb + kStage2ExtraDb, 4);
    if (!stage2.ok()) return stage2.error();
    k1_ = stage1->tapsPerPhase;
    half2_ = stage2->tapsPerPhase / 2;
    // Branch 1 of each 2x stage: prototype taps 1, 3, 5, ...; stage 2's split into even and odd.
    stage1_.resize(static_cast<std::size_t>(k1_));
    for (std::size_t j = 0; j < stage1_.size(); ++j) stage1_[j] = static_cast<float>(stage1->taps[2 * j + 1]);
    stage2Even_.resize(static_cast<std::size_t>(half2_));
    stage2Odd_.resize(static_cast<std::size_t>(half2_));
    for (std::size_t i = 0; i < stage2Even_.size(); ++i) {
        stage2Even_[i] = static_cast<float>(stage2->taps[4 * i + 1]);
        stage2Odd_[i] = static_cast<float>(stage2->taps[4 * i + 3]);
    }
    return success();
}

// With h = K2 / 2 and s = h / 2:
//   r0[t] = x[t - K1 / 2]                       stage 1, whole frames (a pure delay)
//   r2[t] = sum_j c_j x[t - j]                  stage 1, half frames (branch 1, K1 taps)
//   u = r0[0], r2[0], r0[1], r2[1], ...         the 2x sequence; stage 2's branch d = (e_i, o_i)
//   R1[t] = v[2 t]     = sum_i e_i r0[t - i] + o_i r2[t - 1 - i]     (quarter frames)
//   R3[t] = v[2 t + 1] = sum_i e_i r2[t - i] + o_i r0[t - i]         (three-quarter frames)
//   R0[t] = r0[t - s], R2[t] = r2[t - s]        delayed by stage 2's delay: R0..R3 are the 4x
//                                               sequence at t - K1 / 2 - s + 0, 1/4, 1/2, 3/4.
void HalfbandCascade::rows(const float* x, std::size_t a, std::size_t b, float* half, float* r1, float* r3,
                           const float* rows[4]) const noexcept {
    const int h = half2_;
    float* r2 = half + halfRowLead();
    // r2 is needed from frame a - h - 1 on; computed over a whole number of granules ending at b.
    constexpr auto granule = static_cast<std::size_t>(kStage1Granule);
    const std::size_t needed = b - a + static_cast<std::size_t>(h) + 1;
    const std::size_t count = (needed + granule - 1) / granule * granule;
    const std::ptrdiff_t start = static_cast<std::ptrdiff_t>(b) - static_cast<std::ptrdiff_t>(count);
    detail::firBlock(stage1_.data(), k1_, x + start, r2 + start, count);
    const float* r0 = x - k1_ / 2;
    const std::ptrdiff_t first = static_cast<std::ptrdiff_t>(a) - 1;
    const std::size_t frames = b - a + 1;
    detail::firBlock(stage2Even_.data(), h, r0 + first, r1 + first, frames);
    detail::firBlock(stage2Odd_.data(), h, r2 + first - 1, r1 + first, frames, r1 + first);
    detail::firBlock(stage2Even_.data(), h, r2 + first, r3 + first, frames);
    detail::firBlock(stage2Odd_.data(), h, r0 + first, r3 + first, frames, r3 + first);
    const std::ptrdiff_t s = h / 2;
    rows[0] = r0 - s;
    rows[1] = r1;
    rows[2] = r2 - s;
    rows[3] = r3;
}

}  // namespace lathe::dsp
