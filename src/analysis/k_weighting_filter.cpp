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

void kWeightSumSquaresPair(const KWeighting& k, KWeightingState& stateA, KWeightingState& stateB,
                           const float* inputA, const float* inputB, std::size_t count, double& sumSquaresA,
                           double& sumSquaresB, double* sumMidSquares) noexcept {
    KWeightingState a = stateA;
    KWeightingState b = stateB;
    double sumA = sumSquaresA;
    double sumB = sumSquaresB;
    if (sumMidSquares != nullptr) {
        double sumMid = *sumMidSquares;
        for (std::size_t i = 0; i < count; ++i) {
            const double ya = kWeightStep(k, a, double(inputA[i]));
            const double yb = kWeightStep(k, b, double(inputB[i]));
            sumA += ya * ya;
            sumB += yb * yb;
            const double mid = ya + yb;
            sumMid += mid * mid;
        }
        *sumMidSquares = sumMid;
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            const double ya = kWeightStep(k, a, double(inputA[i]));
            const double yb = kWeightStep(k, b, double(inputB[i]));
            sumA += ya * ya;
            sumB += yb * yb;
        }
    }
    stateA = a;
    stateB = b;
    sumSquaresA = sumA;
    sumSquaresB = sumB;
}

void kWeightInto(const KWeighting& k, KWeightingState& state, const float* input, double* output,
                 std::size_t count) noexcept {
    KWeightingState st = state;
    for (std::size_t i = 0; i < count; ++i) output[i] = kWeightStep(k, st, double(input[i]));
    state = st;
}

}  // namespace lathe::analysis
