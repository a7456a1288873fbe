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

// acc[0 .. kFirTile) += FIR outputs at x[0 .. kFirTile); x[-(numTaps - 1)] must be readable.
inline void accumulateFirTile(float* __restrict acc, const float* __restrict taps, int numTaps,
                              const float* __restrict x) noexcept {
    constexpr std::size_t kVectors = kFirTile / 4;
    Float4 sums[kVectors];
    for (std::size_t v = 0; v < kVectors; ++v) sums[v] = loadFloat4(acc + 4 * v);
    for (int j = 0; j < numTaps; ++j) {
        const float c = taps[j];
        const Float4 coefficient = {c, c, c, c};
        const float* xs = x - j;
        for (std::size_t v = 0; v < kVectors; ++v) sums[v] += coefficient * loadFloat4(xs + 4 * v);
    }
    for (std::size_t v = 0; v < kVectors; ++v) storeFloat4(acc + 4 * v, sums[v]);
}

// The scalar twin: acc + FIR output at x[0], in the same summation order as the tile.
inline float accumulateFirOne(float acc, const float* taps, int numTaps, const float* x) noexcept {
    for (int j = 0; j < numTaps; ++j) acc += taps[j] * x[-j];
    return acc;
}

}  // namespace lathe::dsp::detail
