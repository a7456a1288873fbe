#pragma once
// Small GCC/Clang generic vectors for the hand-vectorised recursions of the stages (internal).
// Operations are lane-wise IEEE double arithmetic, exactly the scalar operations on each lane (no
// contraction in this build), so a kernel written with them gives the bits of its scalar twin; each
// use has a test against that twin. Comparisons give lane masks and `mask ? a : b` selects without a
// branch, which is why even one-lane recursions use them: compilers turn a scalar double ?: in a loop
// that does not vectorise into a jump, mispredicted whenever the signal goes up and down at random.

#include <cstring>

namespace lathe::dsp {

typedef float Float4 __attribute__((vector_size(16)));
typedef int Int4 __attribute__((vector_size(16)));  // what Float4 comparisons give

// Four floats from / to memory of any alignment.
[[gnu::always_inline]] inline Float4 load4(const float* p) noexcept {
    Float4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
[[gnu::always_inline]] inline void store4(float* p, Float4 v) noexcept { std::memcpy(p, &v, sizeof v); }
// b > a ? b : a per lane: the larger of the two, a NaN `b` ignored, a NaN `a` kept (the same as
// the scalar expression on each lane).
[[gnu::always_inline]] inline Float4 larger4(Float4 a, Float4 b) noexcept { return b > a ? b : a; }

typedef double Double2 __attribute__((vector_size(16)));
typedef long long Mask2 __attribute__((vector_size(16)));  // what Double2 comparisons give

// mask ? a : b per lane, as bit operations (GCC lowers some `mask ? a : b` to a jump per lane).
[[gnu::always_inline]] inline Double2 select(Mask2 mask, Double2 a, Double2 b) noexcept {
    return reinterpret_cast<Double2>((mask & reinterpret_cast<Mask2>(a)) | (~mask & reinterpret_cast<Mask2>(b)));
}

}  // namespace lathe::dsp
