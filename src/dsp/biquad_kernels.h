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

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "dsp/vector_types.h"
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

// The pair kernels hold two doubles side by side (one per channel of a pair) in a Double2
// (dsp/vector_types.h), so both recursions run in one SSE2 register without intrinsics. Each lane
// evaluates exactly the scalar `section` expression (same operations in the same order, IEEE
// double, no contraction), so a channel's bits do not depend on the kernel that ran it;
// tests/dsp/biquad_test.cpp (AllKernelPathsAgreeBitExact) checks the pair kernel against the
// scalar mono kernel for every section count.

// The pair kernels run a cascade as a wavefront: in step t, section k processes frame t - k, taking
// as input the output section k-1 produced in step t - 1. The sections of one step are independent,
// so their recursions overlap in the pipeline instead of each frame travelling through the whole
// cascade before the next can start (a cascade of N sections costs about N/4 of a frame's latency
// chain instead of all of it). Each section still computes exactly the `section` expression on the
// same inputs in the same order of frames, so the output bits are those of the mono kernel. Every
// call drains the wavefront (the last N - 1 steps run only the later sections), so all sections end
// on the same frame and the history is stored in the shared layout of the glossary.
template <int N>
struct PairWavefront {
    static constexpr auto kLag = static_cast<std::size_t>(N - 1);  // frames the output trails the input

    Double2 b0[N], b1[N], b2[N], a1[N], a2[N];
    // Per section k: x2 its input two frames back, y1, y2 its output history (lane 0: A, lane 1: B).
    // Its input one frame back is y2[k - 1] (when section k runs, section k-1 is one frame ahead), so
    // only section 0 keeps it (x1); fewer live registers, fewer spills.
    Double2 x1, x2[N], y1[N], y2[N];

    [[gnu::always_inline]] void load(const BiquadCoefficients* coefficients, const double* historyA,
                                     const double* historyB) noexcept {
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
    }

    [[gnu::always_inline]] void store(double* historyA, double* historyB) const noexcept {
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

    // Step t of a call over `frames` frames; `input` is frame t (used only while t < frames). In
    // `edge` steps (filling and draining) only the sections with a frame to process run.
    [[gnu::always_inline]] void step(std::size_t t, std::size_t frames, bool edge, Double2 input) noexcept {
        // Descending k: section k reads section k-1's output of the previous step before it moves on.
        for (int k = N - 1; k >= 0; --k) {
            const auto lag = static_cast<std::size_t>(k);
            if (edge && !(lag <= t && t - lag < frames)) continue;
            const int previous = k > 0 ? k - 1 : 0;
            const Double2 v = k == 0 ? input : y1[previous];
            const Double2 v1 = k == 0 ? x1 : y2[previous];
            // The scalar `section` expression, lane-wise.
            const Double2 y = (b0[k] * v + b1[k] * v1 + b2[k] * x2[k] - a2[k] * y2[k]) - a1[k] * y1[k];
            x2[k] = v1;
            if (k == 0) x1 = v;
            y2[k] = y1[k];
            y1[k] = y;
        }
    }

    // After step t: whether the cascade has an output frame (t - kLag) and its value.
    [[gnu::always_inline]] static bool hasOutput(std::size_t t, std::size_t frames) noexcept {
        return t >= kLag && t - kLag < frames;
    }
    [[gnu::always_inline]] Double2 output() const noexcept { return y1[N - 1]; }
};

template <class In>
[[gnu::always_inline]] inline Double2 loadPair(const In* a, const In* b, std::size_t i) noexcept {
    return Double2{static_cast<double>(a[i]), static_cast<double>(b[i])};
}

template <int N, class In, class Out>
[[gnu::always_inline]] inline void cascadePair(const BiquadCoefficients* coefficients, double* historyA,
                                               double* historyB, const In* inputA, const In* inputB,
                                               Out* outputA, Out* outputB, std::size_t frames) noexcept {
    if (frames == 0) return;
    PairWavefront<N> cascade;
    cascade.load(coefficients, historyA, historyB);
    auto step = [&](std::size_t t, bool edge) __attribute__((always_inline)) {
        cascade.step(t, frames, edge, t < frames ? loadPair(inputA, inputB, t) : Double2{});
        if (!edge || cascade.hasOutput(t, frames)) {
            const Double2 y = cascade.output();
            outputA[t - cascade.kLag] = static_cast<Out>(y[0]);
            outputB[t - cascade.kLag] = static_cast<Out>(y[1]);
        }
    };
    constexpr std::size_t fill = PairWavefront<N>::kLag;
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < frames + fill; ++t) step(t, true);
    cascade.store(historyA, historyB);
}

// Two cascades F (NF sections) and S (NS sections) on the same input, each writing its own output,
// in one wavefront loop: their recursions are independent, so they overlap (a Linkwitz-Riley split
// runs its low-pass and high-pass this way). Outputs may be the input (each output frame is written
// after the input frame it depends on was read) but not each other. Bits: as running each alone.
template <int NF, int NS, class In, class Out>
[[gnu::always_inline]] inline void twoCascadesPair(const BiquadCoefficients* first, const BiquadCoefficients* second,
                                                   double* firstHistoryA, double* firstHistoryB,
                                                   double* secondHistoryA, double* secondHistoryB,
                                                   const In* inputA, const In* inputB, Out* firstA, Out* firstB,
                                                   Out* secondA, Out* secondB, std::size_t frames) noexcept {
    if (frames == 0) return;
    PairWavefront<NF> f;
    PairWavefront<NS> s;
    f.load(first, firstHistoryA, firstHistoryB);
    s.load(second, secondHistoryA, secondHistoryB);
    auto step = [&](std::size_t t, bool edge) __attribute__((always_inline)) {
        const Double2 x = !edge || t < frames ? loadPair(inputA, inputB, t) : Double2{};
        f.step(t, frames, edge, x);
        s.step(t, frames, edge, x);
        if (!edge || f.hasOutput(t, frames)) {
            const Double2 y = f.output();
            firstA[t - f.kLag] = static_cast<Out>(y[0]);
            firstB[t - f.kLag] = static_cast<Out>(y[1]);
        }
        if (!edge || s.hasOutput(t, frames)) {
            const Double2 y = s.output();
            secondA[t - s.kLag] = static_cast<Out>(y[0]);
            secondB[t - s.kLag] = static_cast<Out>(y[1]);
        }
    };
    constexpr std::size_t fill = std::max(PairWavefront<NF>::kLag, PairWavefront<NS>::kLag);
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < frames + fill; ++t) step(t, true);
    f.store(firstHistoryA, firstHistoryB);
    s.store(secondHistoryA, secondHistoryB);
}

// Calls f(std::integral_constant<int, N>) for N = numSections in 1..kMaxSections.
template <class F>
[[gnu::always_inline]] inline void dispatch(int numSections, F&& f) noexcept {
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
