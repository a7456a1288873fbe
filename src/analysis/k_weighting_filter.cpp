#include "analysis/k_weighting_filter.h"

#include <cmath>

namespace lathe::analysis {
namespace {

void flushValue(double& v) noexcept {
    if (std::abs(v) < 1e-30) v = 0.0;
}

}  // namespace

void KWeightingState::flushTiny() noexcept {
    flushValue(x1);
    flushValue(x2);
    flushValue(s1);
    flushValue(s2);
    flushValue(y1);
    flushValue(y2);
}

// The loops copy the state to locals so it lives in registers, and call the inline kWeightStep
// so the arithmetic is written once.
void kWeightSumSquares(const KWeighting& k, KWeightingState& state, const float* input, std::size_t count,
                       double& sumSquares) noexcept {
    KWeightingState st = state;
    double sum = sumSquares;
    for (std::size_t i = 0; i < count; ++i) {
        const double y = kWeightStep(k, st, double(input[i]));
        sum += y * y;
    }
    state = st;
    sumSquares = sum;
}

#if defined(__GNUC__)
// Two channels in the two lanes of one SSE2 register (GCC/Clang vector extension): each lane
// performs exactly the scalar kWeightStep arithmetic (IEEE multiply and add per lane, no fused
// multiply-add under ISO C++), so the results are bit-identical to kWeightSumSquares per channel,
// which a test checks.
namespace {
using Double2 = double __attribute__((vector_size(16)));
}  // namespace

void kWeightSumSquaresPair(const KWeighting& k, KWeightingState& stateA, KWeightingState& stateB,
                           const float* inputA, const float* inputB, std::size_t count, double& sumSquaresA,
                           double& sumSquaresB, double* sumMidSquares) noexcept {
    const Double2 b0 = {k.shelf.b0, k.shelf.b0}, b1 = {k.shelf.b1, k.shelf.b1}, b2 = {k.shelf.b2, k.shelf.b2};
    const Double2 a1 = {k.shelf.a1, k.shelf.a1}, a2 = {k.shelf.a2, k.shelf.a2};
    const Double2 h1 = {k.highPass.a1, k.highPass.a1}, h2 = {k.highPass.a2, k.highPass.a2};
    Double2 x1 = {stateA.x1, stateB.x1}, x2 = {stateA.x2, stateB.x2};
    Double2 s1 = {stateA.s1, stateB.s1}, s2 = {stateA.s2, stateB.s2};
    Double2 y1 = {stateA.y1, stateB.y1}, y2 = {stateA.y2, stateB.y2};
    Double2 sum = {sumSquaresA, sumSquaresB};
    double sumMid = sumMidSquares != nullptr ? *sumMidSquares : 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        const Double2 x = {double(inputA[i]), double(inputB[i])};
        const Double2 s = (((b0 * x + b1 * x1) + b2 * x2) - a2 * s2) - a1 * s1;
        const Double2 y = (((s - (s1 + s1)) + s2) - h2 * y2) - h1 * y1;
        x2 = x1;
        x1 = x;
        s2 = s1;
        s1 = s;
        y2 = y1;
        y1 = y;
        sum += y * y;
        if (sumMidSquares != nullptr) {
            const double mid = y[0] + y[1];
            sumMid += mid * mid;
        }
    }
    stateA = {x1[0], x2[0], s1[0], s2[0], y1[0], y2[0]};
    stateB = {x1[1], x2[1], s1[1], s2[1], y1[1], y2[1]};
    sumSquaresA = sum[0];
    sumSquaresB = sum[1];
    if (sumMidSquares != nullptr) *sumMidSquares = sumMid;
}
#else
void kWeightSumSquaresPair(const KWeighting& k, KWeightingState& stateA, KWeightingState& stateB,
                           const float* inputA, const float* inputB, std::size_t count, double& sumSquaresA,
                           double& sumSquaresB, double* sumMidSquares) noexcept {
    double sumMid = sumMidSquares != nullptr ? *sumMidSquares : 0.0;
    for (std::size_t i = 0; i < count; ++i) {
        const double ya = kWeightStep(k, stateA, double(inputA[i]));
        const double yb = kWeightStep(k, stateB, double(inputB[i]));
        sumSquaresA += ya * ya;
        sumSquaresB += yb * yb;
        const double mid = ya + yb;
        sumMid += mid * mid;
    }
    if (sumMidSquares != nullptr) *sumMidSquares = sumMid;
}
#endif

void kWeightInto(const KWeighting& k, KWeightingState& state, const float* input, double* output,
                 std::size_t count) noexcept {
    KWeightingState st = state;
    for (std::size_t i = 0; i < count; ++i) output[i] = kWeightStep(k, st, double(input[i]));
    state = st;
}

}  // namespace lathe::analysis
