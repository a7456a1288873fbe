#pragma once
// 4x interpolation as two 2x half-band stages, run as planar rows: the interpolator of the
// true-peak meter (analysis/true_peak_meter) and of the limiter's true-peak detectors
// (dsp/true_peak_detector), so that both read the same oversampled signal.
//   stage 1  the Kaiser-windowed-sinc Nyquist filter (src/dsp/kaiser_sinc.h) for 2x with passband
//            p fs and stopband from (1 - p) fs: the same transition band as the one-step 4x design,
//            hence the same K1 taps per phase, but one branch to compute instead of three;
//   stage 2  2x -> 4x; its input carries nothing above (1 - p) fs, so it only has to reject
//            images from (1 + p) fs up and is short even at 20 dB more attenuation (then its
//            passband ripple, which adds to stage 1's, is a tenth of it). K2 is a multiple of 4
//            so that its delay, K2 / 2 samples at 2x, is a whole number of base-rate frames.
// For p = 0.48 at 60 dB: K1 = 92, K2 = 12, i.e. 92 + 24 multiply-adds per frame against 3 x 92.
// All sums go through src/dsp/fir_kernel.h's firBlock (same bits on every path and block split).

#include <cstddef>
#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

class HalfbandCascade {
public:
    static constexpr int kFactor = 4;
    static constexpr double kStage2ExtraDb = 20.0;

    Status prepare(double passbandFraction, double stopbandAttenuationDb);

    // Row 0 at frame t is x[t - latencyFrames()]; row p is the 4x position p / 4 frame later.
    [[nodiscard]] int latencyFrames() const noexcept { return k1_ / 2 + half2_ / 2; }
    // Stage 1 runs over a whole number of this many frames (starting earlier, never later, than
    // needed): the FIR kernel's vector tiles then cover it, with no scalar remainder of K1 taps.
    static constexpr int kStage1Granule = 32;

    // Rows at frame t depend on input frames [t - spanFrames(), t] only.
    [[nodiscard]] int spanFrames() const noexcept { return k1_ + half2_ + 1; }
    // Frames of input before frame a that rows() reads to compute frames [a - 1, b).
    [[nodiscard]] int historyFrames() const noexcept { return k1_ + half2_ + kStage1Granule; }
    // Frames of scratch before frame 0 in the `half` buffer rows() takes.
    [[nodiscard]] std::size_t halfRowLead() const noexcept { return static_cast<std::size_t>(half2_ + kStage1Granule); }

    // The four rows for frames [a - 1, b), from x (x[t] readable for t >= a - historyFrames()).
    // half: scratch of halfRowLead() + b floats (stage 1's half-frame row); r1, r3: rows 1 and 3,
    // written at [a - 1, b) (so r1[-1] must be writable when a = 0). On return rows[p][t] is row p at
    // frame t for t in [a - 1, b) (rows 0 and 2 point into x and half).
    void rows(const float* x, std::size_t a, std::size_t b, float* half, float* r1, float* r3, const float* rows[4]) const noexcept;

private:
    int k1_ = 0;     // stage 1 taps per phase
    int half2_ = 0;  // stage 2 taps per phase / 2
    std::vector<float> stage1_, stage2Even_, stage2Odd_;
};

}  // namespace lathe::dsp
