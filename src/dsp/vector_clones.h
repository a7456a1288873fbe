#pragma once
// LATHE_VECTOR_CLONES: marks a function whose loops vectorise well to be compiled twice, for the
// x86-64 baseline (SSE2) and for AVX2, the better chosen once at load time (GCC/Clang target_clones,
// an ELF ifunc). AVX2 doubles the lanes of the vectorised loops. FMA is not enabled (and the build
// does not contract a * b + c), so both versions perform the same IEEE operations in the same order
// on every element: the output bits do not depend on the machine. Elsewhere it expands to nothing.

#if defined(__x86_64__) && defined(__ELF__) && (defined(__GNUC__) || defined(__clang__))
#define LATHE_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define LATHE_VECTOR_CLONES
#endif
