#pragma once
// LATHE_VECTOR_CLONES: marks a function whose loops vectorise well to be compiled twice, for the
// x86-64 baseline (SSE2) and for AVX2, the better chosen once at load time (GCC/Clang target_clones,
// an ELF ifunc). AVX2 doubles the lanes of the vectorised loops. FMA is not enabled (and the build
// does not contract a * b + c), so both versions perform the same IEEE operations in the same order
// on every element: the output bits do not depend on the machine. Elsewhere it expands to nothing.

//
// Where a clone would not do (GCC may split generic 256-bit vectors into 128-bit halves before it
// makes the clones), a function is written twice by hand: one copy under LATHE_TARGET_AVX2, chosen
// when lathe::dsp::cpuHasAvx2(); the same code, so again the same bits.

// Defining LATHE_NO_VECTOR_CLONES builds the baseline versions only (to test them on an AVX2 machine:
// cmake -DCMAKE_CXX_FLAGS=-DLATHE_NO_VECTOR_CLONES, then the dsp tests).
#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__)) && \
    !defined(LATHE_NO_VECTOR_CLONES)
#define LATHE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#define LATHE_TARGET_AVX2 __attribute__((target("avx2")))
#define LATHE_HAVE_AVX2_DISPATCH 1
namespace lathe::dsp {
inline bool cpuHasAvx2() noexcept {
    static const bool has = __builtin_cpu_supports("avx2");
    return has;
}
}  // namespace lathe::dsp
#else
#define LATHE_VECTOR_CLONES
#define LATHE_HAVE_AVX2_DISPATCH 0
#endif
