#pragma once
// The K-weighting filter loop: both biquads of designKWeighting() in direct form I, double
// precision state, run over one channel (or two channels side by side, which doubles the work
// available per cycle since each channel's recursion is a serial dependency chain).
//
// The hot loops only need the sum of squares of the filtered signal over a stretch of samples,
// so they return that instead of the signal; kWeightInto() returns the signal (tests, plots).
// Every variant performs the same operations in the same order per sample, so results do not
// depend on which variant ran or on how the input was split into calls.
//
// Glossary of the per-channel state:
//   x1, x2  the last two input samples
//   s1, s2  the last two outputs of the shelf (also the high pass's input history)
//   y1, y2  the last two outputs of the high pass (the K-weighted signal)

#include <cstddef>

#include "analysis/k_weighting.h"

namespace lathe::analysis {

struct KWeightingState {
    double x1 = 0, x2 = 0, s1 = 0, s2 = 0, y1 = 0, y2 = 0;

    // Sets state magnitudes below 1e-30 to zero, so that after the signal stops the recursion
    // never lingers on (slow) subnormal numbers. Values that small are 600 dB below full scale:
    // the loudness figures cannot see them. Call at fixed signal positions (the meter does it at
    // each 10 ms hop boundary) to keep results independent of how the input is split.
    void flushTiny() noexcept;
};

// One sample through both stages (the exact arithmetic every loop below performs).
// The recursive term a1 * y[n-1] is added last, so the loop-carried dependency is one multiply
// and one subtraction per stage.
inline double kWeightStep(const KWeighting& k, KWeightingState& st, double x) noexcept {
    const BiquadCoefficients& f = k.shelf;
    const double s = (((f.b0 * x + f.b1 * st.x1) + f.b2 * st.x2) - f.a2 * st.s2) - f.a1 * st.s1;
    const double y = (((s - (st.s1 + st.s1)) + st.s2) - k.highPass.a2 * st.y2) - k.highPass.a1 * st.y1;
    st.x2 = st.x1;
    st.x1 = x;
    st.s2 = st.s1;
    st.s1 = s;
    st.y2 = st.y1;
    st.y1 = y;
    return y;
}

// Filters `count` samples of `input` and adds each y^2, in sample order, to sumSquares.
void kWeightSumSquares(const KWeighting& k, KWeightingState& state, const float* input, std::size_t count,
                       double& sumSquares) noexcept;

// The same for two channels at once. When sumMidSquares is not null, also adds (yA + yB)^2 (the
// K-weighted L + R of a mono fold-down, K-weighting being linear).
void kWeightSumSquaresPair(const KWeighting& k, KWeightingState& stateA, KWeightingState& stateB,
                           const float* inputA, const float* inputB, std::size_t count, double& sumSquaresA,
                           double& sumSquaresB, double* sumMidSquares) noexcept;

// Filters `count` samples into `output`.
void kWeightInto(const KWeighting& k, KWeightingState& state, const float* input, double* output,
                 std::size_t count) noexcept;

}  // namespace lathe::analysis
