#pragma once
// The inner loop shared by the oversampler and the true-peak meter: one polyphase branch, i.e. a
// plain FIR at the base rate, accumulated into a tile of consecutive outputs.
//   acc[t] += sum_{j = 0}^{numTaps - 1} taps[j] * x[t - j]
// The tile keeps kFirTile outputs in registers as 4-float vectors (GCC/Clang vector extensions, no
// intrinsics) and walks the taps once; each lane is one output, so no sum is reassociated and no
// -ffast-math is needed. (Written as plain loops, GCC 12 "vectorises" the tap loop as an in-order
// reduction instead, which is several times slower.) accumulateFirOne() is the scalar twin: every
// output is summed in the same order (j ascending) by both, so results are bit-identical wherever
// block or tile boundaries fall; the oversampler and meter tests check this with odd block sizes.

#include <cstddef>
#include <cstring>

namespace lathe::dsp::detail {

using Float4 = float __attribute__((vector_size(16)));

inline constexpr std::size_t kFirTile = 32;  // 8 vector accumulators: hides the add latency

inline Float4 loadFloat4(const float* p) noexcept {
    Float4 v;
    std::memcpy(&v, p, sizeof v);  // unaligned load
    return v;
}
inline void storeFloat4(float* p, Float4 v) noexcept { std::memcpy(p, &v, sizeof v); }

// The tile body: sums (held in eight named vector variables, never an array, so GCC keeps them in
// registers; an array was spilled to the stack or split into integer registers in some callers) start
// from `init` (nullptr: zero), run over the taps and are stored to `out`. x[-(numTaps - 1)] must be
// readable; out may equal init.
inline void firTile(float* out, const float* init, const float* __restrict taps, int numTaps,
                    const float* __restrict x) noexcept {
    static_assert(kFirTile == 32);
    Float4 s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{};
    if (init) {
        s0 = loadFloat4(init), s1 = loadFloat4(init + 4), s2 = loadFloat4(init + 8), s3 = loadFloat4(init + 12);
        s4 = loadFloat4(init + 16), s5 = loadFloat4(init + 20), s6 = loadFloat4(init + 24), s7 = loadFloat4(init + 28);
    }
    for (int j = 0; j < numTaps; ++j) {
        const float c = taps[j];
        const Float4 k = {c, c, c, c};
        const float* xs = x - j;
        s0 += k * loadFloat4(xs);
        s1 += k * loadFloat4(xs + 4);
        s2 += k * loadFloat4(xs + 8);
        s3 += k * loadFloat4(xs + 12);
        s4 += k * loadFloat4(xs + 16);
        s5 += k * loadFloat4(xs + 20);
        s6 += k * loadFloat4(xs + 24);
        s7 += k * loadFloat4(xs + 28);
    }
    storeFloat4(out, s0), storeFloat4(out + 4, s1), storeFloat4(out + 8, s2), storeFloat4(out + 12, s3);
    storeFloat4(out + 16, s4), storeFloat4(out + 20, s5), storeFloat4(out + 24, s6), storeFloat4(out + 28, s7);
}

// acc[0 .. kFirTile) += FIR outputs at x[0 .. kFirTile).
inline void accumulateFirTile(float* acc, const float* taps, int numTaps, const float* x) noexcept {
    firTile(acc, acc, taps, numTaps, x);
}

// The scalar twin: acc + FIR output at x[0], in the same summation order as the tile.
inline float accumulateFirOne(float acc, const float* taps, int numTaps, const float* x) noexcept {
    for (int j = 0; j < numTaps; ++j) acc += taps[j] * x[-j];
    return acc;
}

// out[t] = sum_j taps[j] * x[t - j] for t in [0, count): tiles, then the scalar twin for the rest.
inline void firBlock(const float* taps, int numTaps, const float* x, float* out, std::size_t count) noexcept {
    std::size_t t0 = 0;
    for (; t0 + kFirTile <= count; t0 += kFirTile) firTile(out + t0, nullptr, taps, numTaps, x + t0);
    for (; t0 < count; ++t0) out[t0] = accumulateFirOne(0.0f, taps, numTaps, x + t0);
}

}  // namespace lathe::dsp::detail
