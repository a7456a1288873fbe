#pragma once
// Streamed reductions in kLanes interleaved partial results: sample n of the stream (counted from
// the start of the stream, not of the block) always goes to lane n mod kLanes. Independent
// accumulators break the floating-point add latency chain (and let the compiler use SIMD) without
// reassociating any sum, and because a sample's lane never depends on how the stream was cut into
// blocks, the totals are bit-identical for any split.

#include <array>
#include <cstddef>
#include <cstdint>

namespace lathe::analysis {

inline constexpr std::size_t kLanes = 4;

template <class T>
using Lanes = std::array<T, kLanes>;

// Calls step(lanes[(streamPosition + i) mod kLanes], i) for i in [0, count). Works on a rotated
// local copy so that every lane index is a compile-time constant (the accumulators stay in registers).
template <class Accumulator, class Step>
inline void accumulateInLanes(Lanes<Accumulator>& lanes, std::int64_t streamPosition, std::size_t count, Step&& step) {
    const auto rotation = static_cast<std::size_t>(streamPosition % std::int64_t(kLanes));
    Lanes<Accumulator> local;
    for (std::size_t k = 0; k < kLanes; ++k) local[k] = lanes[(rotation + k) % kLanes];
    std::size_t i = 0;
    for (; i + kLanes <= count; i += kLanes)
        for (std::size_t k = 0; k < kLanes; ++k) step(local[k], i + k);
    for (std::size_t k = 0; k < kLanes; ++k)
        if (i + k < count) step(local[k], i + k);
    for (std::size_t k = 0; k < kLanes; ++k) lanes[(rotation + k) % kLanes] = local[k];
}

}  // namespace lathe::analysis
