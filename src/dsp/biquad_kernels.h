#pragma once
// Inner loops for cascades of biquad sections (direct form I, double state). Private to the library.
//
// Glossary (per channel):
//   history[0], history[1]        x[n-1], x[n-2] of the cascade input
//   history[2k+2], history[2k+3]  y[n-1], y[n-2] of section k (= input history of section k+1)
//   v                             the sample travelling down the cascade (input of the current section)
// The section count is a template parameter so that the history lives in registers and the loops
// unroll; `dispatch` picks the instantiation at run time. The pair kernels run two channels (and
// the sections of a cascade, as a wavefront, see below) side by side in vector lanes.
// Every kernel evaluates each section with the same expression, so the mono, pair and ramp paths
// give bit-identical results for the same coefficients (tests/dsp/biquad_test.cpp,
// AllKernelPathsAgreeBitExact, checks the vector kernels against the scalar mono kernel for every
// section count; the crossover and EQ tests check the two-cascade and fused forms).

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "dsp/vector_types.h"
#include "lathe/dsp/biquad.h"

namespace lathe::dsp::kernels {

// One section, DF-I. The two newest values, the input v and the previous output y1, meet in their
// own difference, which is added last to the sum of the older terms: each reaches the output through
// one multiply, one subtract and one add. (Summed left to right from b0 v, v went through four
// additions; in the wavefront kernels below v is the previous section's output of the last step,
// so that chain set the time per frame: 15 cycles of latency against 9 now.)
[[gnu::always_inline]] inline double section(const BiquadCoefficients& c, double v, double x1, double x2, double y1,
                                             double y2) noexcept {
    return (c.b1 * x1 + c.b2 * x2 - c.a2 * y2) + (c.b0 * v - c.a1 * y1);
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

// The pair kernels hold doubles side by side in GCC/Clang generic vectors (Double2 = one SSE2
// register; Double4 = one AVX register, used only by callers compiled for AVX2) without intrinsics. Each lane evaluates
// exactly the scalar `section` expression (same operations in the same order, IEEE double, no
// contraction), so a channel's bits do not depend on the kernel that ran it.
//
// They run a cascade as a wavefront: in step t, section k processes frame t - k, taking as input
// the output section k-1 produced in step t - 1. The sections of one step are independent, so they
// can share vectors and their recursions overlap in the pipeline instead of each frame travelling
// through the whole cascade before the next can start. Each section still computes exactly the
// `section` expression on the same inputs in the same order of frames, so the output bits are those
// of the mono kernel. Every call fills and drains the wavefront (in the first and last N - 1 steps
// only the sections with a frame to process update), so all sections end on the same frame and the
// history is stored in the shared layout of the glossary.
typedef double Double4 __attribute__((vector_size(32)));
typedef long long Mask4 __attribute__((vector_size(32)));  // what Double4 comparisons give

// A wavefront over N sections whose lanes are independent recursions: Vec = Double2 holds two
// channels of one cascade; Vec = Double4 two channels of two cascades of the same length (lanes
// {F: A, B, S: A, B}). coefficients[l] and histories[l] give lane l's cascade and history.
template <int N, class Vec>
struct Wavefront {
    static constexpr int kLanes = sizeof(Vec) / sizeof(double);
    static constexpr auto kLag = static_cast<std::size_t>(N - 1);  // frames the output trails the input

    Vec b0[N], b1[N], b2[N], a1[N], a2[N];
    // Per section k: x2 its input two frames back, y1, y2 its output history.
    // Its input one frame back is y2[k - 1] (when section k runs, section k-1 is one frame ahead), so
    // only section 0 keeps it (x1); fewer live registers, fewer spills.
    Vec x1, x2[N], y1[N], y2[N];

    // out = the vector whose lane l is value(l).
    template <class F>
    [[gnu::always_inline]] static void setLanes(Vec& out, F value) noexcept {
        if constexpr (kLanes == 2) out = Vec{value(0), value(1)};
        else out = Vec{value(0), value(1), value(2), value(3)};
    }

    [[gnu::always_inline]] void load(const BiquadCoefficients* const* coefficients, double* const* histories) noexcept {
        setLanes(x1, [&](int l) { return histories[l][0]; });
        for (int k = 0; k < N; ++k) {
            setLanes(b0[k], [&](int l) { return coefficients[l][k].b0; });
            setLanes(b1[k], [&](int l) { return coefficients[l][k].b1; });
            setLanes(b2[k], [&](int l) { return coefficients[l][k].b2; });
            setLanes(a1[k], [&](int l) { return coefficients[l][k].a1; });
            setLanes(a2[k], [&](int l) { return coefficients[l][k].a2; });
            setLanes(x2[k], [&](int l) { return histories[l][2 * k + 1]; });
            setLanes(y1[k], [&](int l) { return histories[l][2 * k + 2]; });
            setLanes(y2[k], [&](int l) { return histories[l][2 * k + 3]; });
        }
    }

    [[gnu::always_inline]] void store(double* const* histories) const noexcept {
        for (int l = 0; l < kLanes; ++l) {
            double* h = histories[l];
            for (int k = 0; k < N; ++k) {
                h[2 * k + 2] = y1[k][l];
                h[2 * k + 3] = y2[k][l];
            }
            h[0] = x1[l];
            h[1] = x2[0][l];
        }
    }

    // Step t of a call over `frames` frames; `input` is frame t (used only while t < frames). In
    // `edge` steps (filling and draining) only the sections with a frame to process run.
    [[gnu::always_inline]] void step(std::size_t t, std::size_t frames, bool edge, const Vec& input) noexcept {
        // Descending k: section k reads section k-1's output of the previous step before it moves on.
        for (int k = N - 1; k >= 0; --k) {
            const auto lag = static_cast<std::size_t>(k);
            if (edge && !(lag <= t && t - lag < frames)) continue;
            const int previous = k > 0 ? k - 1 : 0;
            const Vec v = k == 0 ? input : y1[previous];
            const Vec v1 = k == 0 ? x1 : y2[previous];
            // The scalar `section` expression, lane-wise.
            const Vec y = (b1[k] * v1 + b2[k] * x2[k] - a2[k] * y2[k]) + (b0[k] * v - a1[k] * y1[k]);
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
    [[gnu::always_inline]] const Vec& output() const noexcept { return y1[N - 1]; }
};

template <int N>
using PairWavefront = Wavefront<N, Double2>;

template <class In>
[[gnu::always_inline]] inline Double2 loadPair(const In* a, const In* b, std::size_t i) noexcept {
    return Double2{static_cast<double>(a[i]), static_cast<double>(b[i])};
}

// a[i] = y[0], b[i] = y[1], converted to Out. For float both lanes are rounded by one vector
// conversion (the same rounding as static_cast, lane by lane): GCC otherwise moved the upper lane
// through the stack and a general register, which cost more than the section arithmetic.
template <class Out>
[[gnu::always_inline]] inline void storePair(Out* a, Out* b, std::size_t i, const Double2& y) noexcept {
    if constexpr (std::is_same_v<Out, float>) {
        typedef float Float2 __attribute__((vector_size(8)));
        const Float2 f = __builtin_convertvector(y, Float2);
        a[i] = f[0];
        b[i] = f[1];
    } else {
        a[i] = static_cast<Out>(y[0]);
        b[i] = static_cast<Out>(y[1]);
    }
}

// One cascade of N >= 2 sections on a channel pair, folded into four lanes: vector j holds sections
// j (lanes 0, 1: channels A, B) and j + M (lanes 2, 3), M = ceil(N / 2); an odd N gets a padding
// section (the identity) at the end. In the wavefront (see above) section k's input is section
// k-1's output of the previous step, which for both halves of vector j >= 1 is vector j-1; only
// vector 0 takes its upper half from the lower half of vector M-1. So a step is the `section`
// expression on M four-lane vectors plus one half-swap: half the vector operations of the pair
// form. Every lane computes the scalar `section` expression: the bits of the mono kernel.
template <int N>
struct FoldedWavefront {
    static constexpr int M = (N + 1) / 2;
    static constexpr auto kLag = static_cast<std::size_t>(N - 1);

    Double4 b0[M], b1[M], b2[M], a1[M], a2[M];
    Double4 x2[M], y1[M], y2[M];  // per section: input two frames back, output history
    Double2 x1;                   // section 0's input one frame back (the cascade input's history)
    Double4 lags[M];  // per vector: the lag of its sections' lanes, as doubles (for edge steps)

    static constexpr int sectionOf(int j, int half) { return j + half * M; }

    [[gnu::always_inline]] void load(const BiquadCoefficients* c, double* historyA, double* historyB) noexcept {
        x1 = Double2{historyA[0], historyB[0]};
        for (int j = 0; j < M; ++j) {
            double lanes[8][4];
            for (int half = 0; half < 2; ++half) {
                const int k = sectionOf(j, half);
                for (int q = 0; q < 2; ++q) {
                    const int l = 2 * half + q;
                    const double* h = q == 0 ? historyA : historyB;
                    const bool real = k < N;  // else the padding section: identity, zero history
                    const BiquadCoefficients& s = c[real ? k : 0];
                    lanes[0][l] = real ? s.b0 : 1.0;
                    lanes[1][l] = real ? s.b1 : 0.0;
                    lanes[2][l] = real ? s.b2 : 0.0;
                    lanes[3][l] = real ? s.a1 : 0.0;
                    lanes[4][l] = real ? s.a2 : 0.0;
                    lanes[5][l] = real ? h[2 * k + 1] : 0.0;
                    lanes[6][l] = real ? h[2 * k + 2] : 0.0;
                    lanes[7][l] = real ? h[2 * k + 3] : 0.0;
                }
            }
            Double4* const targets[8] = {&b0[j], &b1[j], &b2[j], &a1[j], &a2[j], &x2[j], &y1[j], &y2[j]};
            for (int r = 0; r < 8; ++r) *targets[r] = Double4{lanes[r][0], lanes[r][1], lanes[r][2], lanes[r][3]};
            const double low = double(j), high = double(j + M);
            lags[j] = Double4{low, low, high, high};
        }
    }

    [[gnu::always_inline]] void store(double* historyA, double* historyB) const noexcept {
        for (int j = 0; j < M; ++j)
            for (int half = 0; half < 2; ++half) {
                const int k = sectionOf(j, half);
                if (k >= N) continue;
                for (int q = 0; q < 2; ++q) {
                    double* h = q == 0 ? historyA : historyB;
                    h[2 * k + 2] = y1[j][2 * half + q];
                    h[2 * k + 3] = y2[j][2 * half + q];
                }
            }
        historyA[0] = x1[0];
        historyB[0] = x1[1];
        historyA[1] = x2[0][0];
        historyB[1] = x2[0][1];
    }

    // Step t of a call over `frames` frames; `input` is frame t (used only while t < frames). In
    // edge steps a lane updates only if its section has a frame to process (lag <= t < frames + lag).
    template <bool Edge>
    [[gnu::always_inline]] void step(double t, double frames, const Double2& input) noexcept {
        // Inputs of every section from the previous step's outputs (computed before any update).
        Double4 v[M], v1[M];
        v[0] = __builtin_shufflevector(input, Double2{y1[M - 1][0], y1[M - 1][1]}, 0, 1, 2, 3);
        v1[0] = __builtin_shufflevector(x1, Double2{y2[M - 1][0], y2[M - 1][1]}, 0, 1, 2, 3);
        for (int j = 1; j < M; ++j) {
            v[j] = y1[j - 1];
            v1[j] = y2[j - 1];
        }
        for (int j = 0; j < M; ++j) {
            // The scalar `section` expression, lane-wise.
            const Double4 y = (b1[j] * v1[j] + b2[j] * x2[j] - a2[j] * y2[j]) + (b0[j] * v[j] - a1[j] * y1[j]);
            if constexpr (Edge) {
                const Double4 time{t, t, t, t};
                const Mask4 active = (lags[j] <= time) & ((time - lags[j]) < Double4{frames, frames, frames, frames});
                assignWhere(x2[j], active, v1[j]);
                assignWhere(y2[j], active, y1[j]);
                assignWhere(y1[j], active, y);
                if (j == 0 && active[0]) x1 = input;
            } else {
                x2[j] = v1[j];
                y2[j] = y1[j];
                y1[j] = y;
            }
        }
        if constexpr (!Edge) x1 = input;
    }

    // target = mask ? value : target, lane-wise, as bit operations.
    [[gnu::always_inline]] static void assignWhere(Double4& target, const Mask4& mask, const Double4& value) noexcept {
        target = reinterpret_cast<Double4>((mask & reinterpret_cast<Mask4>(value)) |
                                           (~mask & reinterpret_cast<Mask4>(target)));
    }

    // The last section's output (frame t - kLag after step t), lanes A, B.
    [[gnu::always_inline]] Double2 output() const noexcept {
        constexpr int last = N - 1, j = last % M, half = last / M;
        return Double2{y1[j][2 * half], y1[j][2 * half + 1]};
    }
};

template <int N, class In, class Out>
[[gnu::always_inline]] inline void cascadePairFolded(const BiquadCoefficients* coefficients, double* historyA,
                                                     double* historyB, const In* inputA, const In* inputB,
                                                     Out* outputA, Out* outputB, std::size_t frames) noexcept {
    if (frames == 0) return;
    FoldedWavefront<N> cascade{};  // (zeroed first: GCC cannot follow the lane-wise loads of split vectors)
    cascade.load(coefficients, historyA, historyB);
    const double count = static_cast<double>(frames);
    auto write = [&](std::size_t t) __attribute__((always_inline)) {
        const Double2 y = cascade.output();
        storePair(outputA, outputB, t - cascade.kLag, y);
    };
    constexpr std::size_t fill = FoldedWavefront<N>::kLag;
    std::size_t t = 0;
    for (; t < fill; ++t) {
        cascade.template step<true>(double(t), count, t < frames ? loadPair(inputA, inputB, t) : Double2{});
        if (t >= fill && t - fill < frames) write(t);
    }
    for (; t < frames; ++t) {
        cascade.template step<false>(double(t), count, loadPair(inputA, inputB, t));
        write(t);
    }
    for (; t < frames + fill; ++t) {
        cascade.template step<true>(double(t), count, Double2{});
        if (t >= fill && t - fill < frames) write(t);
    }
    cascade.store(historyA, historyB);
}

// A cascade on a channel pair: the folded four-lane form when Wide (callers compiled for AVX2,
// where a Double4 is one register), else the two-lane form (GCC's split of Double4 into SSE2 halves
// would cost more than it saves). The same bits either way.
template <int N, bool Wide, class In, class Out>
[[gnu::always_inline]] inline void cascadePair(const BiquadCoefficients* coefficients, double* historyA,
                                               double* historyB, const In* inputA, const In* inputB,
                                               Out* outputA, Out* outputB, std::size_t frames) noexcept {
    if constexpr (Wide && N >= 2) {
        cascadePairFolded<N>(coefficients, historyA, historyB, inputA, inputB, outputA, outputB, frames);
        return;
    }
    if (frames == 0) return;
    PairWavefront<N> cascade;
    const BiquadCoefficients* const coefficientsPerLane[2] = {coefficients, coefficients};
    double* const histories[2] = {historyA, historyB};
    cascade.load(coefficientsPerLane, histories);
    auto step = [&](std::size_t t, bool edge) __attribute__((always_inline)) {
        cascade.step(t, frames, edge, t < frames ? loadPair(inputA, inputB, t) : Double2{});
        if (!edge || cascade.hasOutput(t, frames)) {
            const Double2 y = cascade.output();
            storePair(outputA, outputB, t - cascade.kLag, y);
        }
    };
    constexpr std::size_t fill = PairWavefront<N>::kLag;
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < frames + fill; ++t) step(t, true);
    cascade.store(histories);
}

// Two cascades F (NF sections) and S (NS <= NF sections) on the same input, each writing its own
// output, in one wavefront loop: their recursions are independent, so they overlap (a
// Linkwitz-Riley split runs its low-pass and high-pass this way). F's first NS sections and S run
// side by side in four lanes (Double4, one AVX register: for callers compiled for AVX2);
// F's remaining sections follow as a two-lane wavefront fed by F's lanes. Outputs may
// be the input (each output frame is written after the input frame it depends on was read) but not
// each other. Bits: as running each alone (every lane computes the scalar `section` expression).
template <int NF, int NS, class In, class Out>
[[gnu::always_inline]] inline void twoCascadesWide(const BiquadCoefficients* first, const BiquadCoefficients* second,
                                                   double* firstHistoryA, double* firstHistoryB,
                                                   double* secondHistoryA, double* secondHistoryB,
                                                   const In* inputA, const In* inputB, Out* firstA, Out* firstB,
                                                   Out* secondA, Out* secondB, std::size_t frames) noexcept {
    static_assert(NS >= 1 && NS <= NF);
    constexpr int kTail = NF - NS;  // F's sections after the shared length
    if (frames == 0) return;
    Wavefront<NS, Double4> both{};  // (zeroed first: GCC cannot follow the lane-wise loads of split vectors)
    {
        const BiquadCoefficients* const coefficients[4] = {first, first, second, second};
        double* const histories[4] = {firstHistoryA, firstHistoryB, secondHistoryA, secondHistoryB};
        both.load(coefficients, histories);
    }
    // F's tail: sections NS.. of F; its history starts at F's section NS - 1 output history.
    constexpr int kTailSections = kTail > 0 ? kTail : 1;
    PairWavefront<kTailSections> tail;
    const BiquadCoefficients* const tailCoefficients[2] = {first + NS, first + NS};
    double* const tailHistories[2] = {firstHistoryA + 2 * NS, firstHistoryB + 2 * NS};
    if constexpr (kTail > 0) tail.load(tailCoefficients, tailHistories);

    constexpr auto shared = static_cast<std::size_t>(NS);
    auto step = [&](std::size_t t, bool edge) __attribute__((always_inline)) {
        if constexpr (kTail > 0) {
            // The tail runs NS frames behind, on F's output of the previous step (frame t - NS).
            if (!edge || t >= shared) {
                const Double4& y = both.output();
                tail.step(t - shared, frames, edge, Double2{y[0], y[1]});
            }
        }
        Double2 x{};
        if (!edge || t < frames) x = loadPair(inputA, inputB, t);
        const Double4 input{x[0], x[1], x[0], x[1]};
        both.step(t, frames, edge, input);
        if (!edge || both.hasOutput(t, frames)) {
            const Double4& y = both.output();
            if constexpr (kTail == 0) {
                storePair(firstA, firstB, t - both.kLag, Double2{y[0], y[1]});
            }
            storePair(secondA, secondB, t - both.kLag, Double2{y[2], y[3]});
        }
        if constexpr (kTail > 0) {
            if (!edge || (t >= shared && tail.hasOutput(t - shared, frames))) {
                const Double2 y = tail.output();
                storePair(firstA, firstB, t - shared - tail.kLag, y);
            }
        }
    };
    constexpr auto fill = static_cast<std::size_t>(NF - 1);
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < frames + fill; ++t) step(t, true);
    {
        double* const histories[4] = {firstHistoryA, firstHistoryB, secondHistoryA, secondHistoryB};
        both.store(histories);
    }
    if constexpr (kTail > 0) tail.store(tailHistories);
}

// The same with two-lane wavefronts only (for callers not compiled for AVX2; see cascadePair).
template <int NF, int NS, class In, class Out>
[[gnu::always_inline]] inline void twoCascadesNarrow(const BiquadCoefficients* first, const BiquadCoefficients* second,
                                                     double* firstHistoryA, double* firstHistoryB,
                                                     double* secondHistoryA, double* secondHistoryB,
                                                     const In* inputA, const In* inputB, Out* firstA, Out* firstB,
                                                     Out* secondA, Out* secondB, std::size_t frames) noexcept {
    if (frames == 0) return;
    PairWavefront<NF> f;
    PairWavefront<NS> s;
    const BiquadCoefficients* const firstLanes[2] = {first, first};
    const BiquadCoefficients* const secondLanes[2] = {second, second};
    double* const firstHistories[2] = {firstHistoryA, firstHistoryB};
    double* const secondHistories[2] = {secondHistoryA, secondHistoryB};
    f.load(firstLanes, firstHistories);
    s.load(secondLanes, secondHistories);
    auto step = [&](std::size_t t, bool edge) __attribute__((always_inline)) {
        const Double2 x = !edge || t < frames ? loadPair(inputA, inputB, t) : Double2{};
        f.step(t, frames, edge, x);
        s.step(t, frames, edge, x);
        if (!edge || f.hasOutput(t, frames)) {
            const Double2 y = f.output();
            storePair(firstA, firstB, t - f.kLag, y);
        }
        if (!edge || s.hasOutput(t, frames)) {
            const Double2 y = s.output();
            storePair(secondA, secondB, t - s.kLag, y);
        }
    };
    constexpr std::size_t fill = std::max(PairWavefront<NF>::kLag, PairWavefront<NS>::kLag);
    std::size_t t = 0;
    for (; t < fill; ++t) step(t, true);
    for (; t < frames; ++t) step(t, false);
    for (; t < frames + fill; ++t) step(t, true);
    f.store(firstHistories);
    s.store(secondHistories);
}

template <int NF, int NS, bool Wide, class In, class Out>
[[gnu::always_inline]] inline void twoCascadesPair(const BiquadCoefficients* first, const BiquadCoefficients* second,
                                                   double* firstHistoryA, double* firstHistoryB,
                                                   double* secondHistoryA, double* secondHistoryB,
                                                   const In* inputA, const In* inputB, Out* firstA, Out* firstB,
                                                   Out* secondA, Out* secondB, std::size_t frames) noexcept {
    if constexpr (Wide)
        twoCascadesWide<NF, NS>(first, second, firstHistoryA, firstHistoryB, secondHistoryA, secondHistoryB, inputA,
                                inputB, firstA, firstB, secondA, secondB, frames);
    else
        twoCascadesNarrow<NF, NS>(first, second, firstHistoryA, firstHistoryB, secondHistoryA, secondHistoryB, inputA,
                                  inputB, firstA, firstB, secondA, secondB, frames);
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
