#pragma once
// Inner loops for cascades of biquad sections (direct form I, double state). Private to the library.
//
// Glossary (per channel):
//   history[0], history[1]        x[n-1], x[n-2] of the cascade input
//   history[2k+2], history[2k+3]  y[n-1], y[n-2] of section k (= input history of section k+1)
//   v                             the sample travelling down the cascade (input of the current section)
// The section count is a template parameter so that the history lives in registers and the loops
// unroll; `dispatch` picks the instantiation at run time. The pair kernel runs two channels in one
// loop: their recursions are independent, so they overlap (and may share SIMD registers).
// Every kernel evaluates each section with the same expression, so the mono, pair and ramp paths
// give bit-identical results for the same coefficients.

#include <cstddef>
#include <type_traits>

#include "lathe/dsp/biquad.h"

namespace lathe::dsp::kernels {

// One section, DF-I. The feedback term of the previous output comes last so the recursive
// dependency is a single multiply and subtract.
[[gnu::always_inline]] inline double section(const BiquadCoefficients& c, double v, double x1, double x2, double y1,
                                             double y2) noexcept {
    return (c.b0 * v + c.b1 * x1 + c.b2 * x2 - c.a2 * y2) - c.a1 * y1;
}

template <int N, class In, class Out>
void cascadeMono(const BiquadCoefficients* coefficients, double* history, const In* input, Out* output,
                 std::size_t frames) noexcept {
    BiquadCoefficients c[N];
    double h[2 * N + 2];
    for (int k = 0; k < N; ++k) c[k] = coefficients[k];
    for (int k = 0; k < 2 * N + 2; ++k) h[k] = history[k];
    for (std::size_t i = 0; i < frames; ++i) {
        double v = static_cast<double>(input[i]);
        for (int k = 0; k < N; ++k) {
            const double y = section(c[k], v, h[2 * k], h[2 * k + 1], h[2 * k + 2], h[2 * k + 3]);
            h[2 * k + 1] = h[2 * k];
            h[2 * k] = v;
            v = y;
        }
        h[2 * N + 1] = h[2 * N];
        h[2 * N] = v;
        output[i] = static_cast<Out>(v);
    }
    for (int k = 0; k < 2 * N + 2; ++k) history[k] = h[k];
}

// Two doubles side by side (one per channel of a pair): GCC/Clang generic vectors, so the pair
// kernel runs both recursions in one SSE2 register without hand-written intrinsics. Each lane
// evaluates exactly the scalar `section` expression (same operations in the same order, IEEE
// double, no contraction), so a channel's bits do not depend on the kernel that ran it;
// tests/dsp/biquad_test.cpp (AllKernelPathsAgreeBitExact) checks the pair kernel against the
// scalar mono kernel for every section count.
typedef double Double2 __attribute__((vector_size(16)));

// The pair kernel runs the cascade as a wavefront: in step t, section k processes frame t - k, taking
// as input the output section k-1 produced in step t - 1. The sections of one step are independent,
// so their recursions overlap in the pipeline instead of each frame travelling through the whole
// cascade before the next can start (a cascade of N sections costs about N/4 of a frame's latency
// chain instead of all of it). Each section still computes exactly the `section` expression on the
// same inputs in the same order of frames, so the output bits are those of the mono kernel. Every
// call drains the wavefront (the last N - 1 steps run only the later sections), so all sections end
// on the same frame and the history is stored in the shared layout of the glossary.
template <int N, class In, class Out>
[[gnu::always_inline]] inline void cascadePair(const BiquadCoefficients* coefficients, double* historyA, double* historyB, const In* inputA,
                 const In* inputB, Out* outputA, Out* outputB, std::size_t frames) noexcept {
    if (frames == 0) return;
    Double2 b0[N], b1[N], b2[N], a1[N], a2[N];
    // Per section k: x2 its input two frames back, y1, y2 its output history (lane 0: A, lane 1: B).
    // Its input one frame back is y2[k - 1] (when section k runs, section k-1 is one frame ahead), so
    // only section 0 keeps it (x1); fewer live registers, fewer spills.
    Double2 x1, x2[N], y1[N], y2[N];
    x1 = Double2{historyA[0], historyB[0]};
    for (int k = 0; k < N; ++k) {
        const BiquadCoefficients& c = coefficients[k];
        b0[k] = Double2{c.b0, c.b0};
        b1[k] = Double2{c.b1, c.b1};
        b2[k] = Double2{c.b2, c.b2};
        a1[k] = Double2{c.a1, c.a1};
        a2[k] = Double2{c.a2, c.a2};
        x2[k] = Double2{historyA[2 * k + 1], historyB[2 * k + 1]};
        y1[k] = Double2{historyA[2 * k + 2], historyB[2 * k + 2]};
        y2[k] = Double2{historyA[2 * k + 3], historyB[2 * k + 3]};
    }
    // One step; `edge` steps (filling and draining the wavefront) check which sections are active.
    auto step = [&](std::size_t t, bool edge) [[gnu::always_inline]] {
        // Descending k: section k reads section k-1's output of the previous step before it moves on.
        for (int k = N - 1; k >= 0; --k) {
            const auto lag = static_cast<std::size_t>(k);
            if (edge && !(lag <= t && t - lag < frames)) continue;
            const int previous = k > 0 ? k - 1 : 0;
            const Double2 v = k == 0 ? Double2{static_cast<double>(inputA[t]), static_cast<double>(inputB[t])}
                                     : y1[previous];
            const Double2 v1 = k == 0 ? x1 : y2[previous];
            // The scalar `section` expression, lane-wise.
            const Double2 y = (b0[k] * v + b1[k] * v1 + b2[k] * x2[k] - a2[k] * y2[k]) - a1[k] * y1[k];
            x2[k] = v1;
            if (k == 0) x1 = v;
            y2[k] = y1[k];
            y1[k] = y;
        }
        constexpr auto last = static_cast<std::size_t>(N - 1);
        if (!edge || (t >= last && t - last < frames)) {
            outputA[t - last] = static_cast<Out>(y1[N - 1][0]);
            outputB[t - last] = static_cast<Out>(y1[N - 1][1]);
        }
    };
    constexpr auto fill = static_cast<std::size_t>(N - 1);
    const std::size_t steps = frames + fill;
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < steps; ++t) step(t, true);
    for (int k = 0; k < N; ++k) {
        historyA[2 * k + 2] = y1[k][0];
        historyB[2 * k + 2] = y1[k][1];
        historyA[2 * k + 3] = y2[k][0];
        historyB[2 * k + 3] = y2[k][1];
    }
    historyA[0] = x1[0];
    historyB[0] = x1[1];
    historyA[1] = x2[0][0];
    historyB[1] = x2[0][1];
}

// Calls f(std::integral_constant<int, N>) for N = numSections in 1..kMaxSections.
template <class F>
void dispatch(int numSections, F&& f) noexcept {
    switch (numSections) {
        case 1: f(std::integral_constant<int, 1>{}); break;
        case 2: f(std::integral_constant<int, 2>{}); break;
        case 3: f(std::integral_constant<int, 3>{}); break;
        case 4: f(std::integral_constant<int, 4>{}); break;
        case 5: f(std::integral_constant<int, 5>{}); break;
        case 6: f(std::integral_constant<int, 6>{}); break;
        case 7: f(std::integral_constant<int, 7>{}); break;
        case 8: f(std::integral_constant<int, 8>{}); break;
        default: break;
    }
}

// Mono cascade whose coefficients move linearly per sample:
//   coefficient(i) = start + step * (firstStep + i)   for i in [0, frames).
// Used while a parametric EQ band ramps between two designs (see parametric_eq.cpp).
template <class In, class Out>
void cascadeMonoRamp(const BiquadCoefficients* start, const BiquadCoefficients* step, int numSections,
                     double firstStep, double* history, const In* input, Out* output, std::size_t frames) noexcept {
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = firstStep + static_cast<double>(i);
        double v = static_cast<double>(input[i]);
        for (int k = 0; k < numSections; ++k) {
            const BiquadCoefficients c{start[k].b0 + step[k].b0 * t, start[k].b1 + step[k].b1 * t,
                                       start[k].b2 + step[k].b2 * t, start[k].a1 + step[k].a1 * t,
                                       start[k].a2 + step[k].a2 * t};
            const double y = section(c, v, history[2 * k], history[2 * k + 1], history[2 * k + 2], history[2 * k + 3]);
            history[2 * k + 1] = history[2 * k];
            history[2 * k] = v;
            v = y;
        }
        history[2 * numSections + 1] = history[2 * numSections];
        history[2 * numSections] = v;
        output[i] = static_cast<Out>(v);
    }
}

}  // namespace lathe::dsp::kernels
