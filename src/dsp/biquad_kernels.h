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

template <int N, class In, class Out>
void cascadePair(const BiquadCoefficients* coefficients, double* historyA, double* historyB, const In* inputA,
                 const In* inputB, Out* outputA, Out* outputB, std::size_t frames) noexcept {
    BiquadCoefficients c[N];
    double a[2 * N + 2];
    double b[2 * N + 2];
    for (int k = 0; k < N; ++k) c[k] = coefficients[k];
    for (int k = 0; k < 2 * N + 2; ++k) {
        a[k] = historyA[k];
        b[k] = historyB[k];
    }
    for (std::size_t i = 0; i < frames; ++i) {
        double va = static_cast<double>(inputA[i]);
        double vb = static_cast<double>(inputB[i]);
        for (int k = 0; k < N; ++k) {
            const double ya = section(c[k], va, a[2 * k], a[2 * k + 1], a[2 * k + 2], a[2 * k + 3]);
            const double yb = section(c[k], vb, b[2 * k], b[2 * k + 1], b[2 * k + 2], b[2 * k + 3]);
            a[2 * k + 1] = a[2 * k];
            a[2 * k] = va;
            b[2 * k + 1] = b[2 * k];
            b[2 * k] = vb;
            va = ya;
            vb = yb;
        }
        a[2 * N + 1] = a[2 * N];
        a[2 * N] = va;
        b[2 * N + 1] = b[2 * N];
        b[2 * N] = vb;
        outputA[i] = static_cast<Out>(va);
        outputB[i] = static_cast<Out>(vb);
    }
    for (int k = 0; k < 2 * N + 2; ++k) {
        historyA[k] = a[k];
        historyB[k] = b[k];
    }
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
