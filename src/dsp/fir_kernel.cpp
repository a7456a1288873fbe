#include "dsp/fir_kernel.h"

#include <cstring>

#include "dsp/vector_types.h"

namespace lathe::dsp::detail {

namespace {

// GCC/Clang vector extensions: portable element-wise arithmetic, no intrinsics. The accumulators are
// eight named variables, never an array: GCC keeps them in registers then (an array was spilled to
// the stack, or split into integer registers, in some callers, halving the speed).

constexpr std::size_t kSseTile = 32;

// 32 outputs: out[0 .. 32) = init (or 0) + FIR at x[0 .. 32).
void tileSse(const float* __restrict taps, int numTaps, const float* __restrict x, float* out,
             const float* init) noexcept {
    Float4 s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{};
    if (init) {
        s0 = load4(init), s1 = load4(init + 4), s2 = load4(init + 8), s3 = load4(init + 12);
        s4 = load4(init + 16), s5 = load4(init + 20), s6 = load4(init + 24), s7 = load4(init + 28);
    }
    for (int j = 0; j < numTaps; ++j) {
        const float c = taps[j];
        const Float4 k = {c, c, c, c};
        const float* xs = x - j;
        s0 += k * load4(xs);
        s1 += k * load4(xs + 4);
        s2 += k * load4(xs + 8);
        s3 += k * load4(xs + 12);
        s4 += k * load4(xs + 16);
        s5 += k * load4(xs + 20);
        s6 += k * load4(xs + 24);
        s7 += k * load4(xs + 28);
    }
    store4(out, s0), store4(out + 4, s1), store4(out + 8, s2), store4(out + 12, s3);
    store4(out + 16, s4), store4(out + 20, s5), store4(out + 24, s6), store4(out + 28, s7);
}

#if defined(__x86_64__) || defined(__i386__)
#define LATHE_FIR_HAVE_AVX 1
constexpr std::size_t kAvxTile = 64;
using Float8 = float __attribute__((vector_size(32)));

__attribute__((target("avx"))) inline Float8 load8(const float* p) noexcept {
    Float8 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
__attribute__((target("avx"))) inline void store8(float* p, Float8 v) noexcept { std::memcpy(p, &v, sizeof v); }

// Whole 64-output tiles with 8-float vectors; returns how many outputs it produced. "avx" only, not
// "fma": a fused multiply-add would round differently from the SSE and scalar paths.
__attribute__((target("avx"))) std::size_t blockAvx(const float* __restrict taps, int numTaps,
                                                    const float* __restrict x, float* out, std::size_t count,
                                                    const float* init) noexcept {
    std::size_t t0 = 0;
    for (; t0 + kAvxTile <= count; t0 += kAvxTile) {
        Float8 s0{}, s1{}, s2{}, s3{}, s4{}, s5{}, s6{}, s7{};
        if (init) {
            const float* a = init + t0;
            s0 = load8(a), s1 = load8(a + 8), s2 = load8(a + 16), s3 = load8(a + 24);
            s4 = load8(a + 32), s5 = load8(a + 40), s6 = load8(a + 48), s7 = load8(a + 56);
        }
        for (int j = 0; j < numTaps; ++j) {
            const float c = taps[j];
            const Float8 k = {c, c, c, c, c, c, c, c};
            const float* xs = x + t0 - j;
            s0 += k * load8(xs);
            s1 += k * load8(xs + 8);
            s2 += k * load8(xs + 16);
            s3 += k * load8(xs + 24);
            s4 += k * load8(xs + 32);
            s5 += k * load8(xs + 40);
            s6 += k * load8(xs + 48);
            s7 += k * load8(xs + 56);
        }
        float* o = out + t0;
        store8(o, s0), store8(o + 8, s1), store8(o + 16, s2), store8(o + 24, s3);
        store8(o + 32, s4), store8(o + 40, s5), store8(o + 48, s6), store8(o + 56, s7);
    }
    return t0;
}
#endif

}  // namespace

FirPath fastestFirPath() noexcept {
#if defined(LATHE_FIR_HAVE_AVX)
    // Reads the CPU model libgcc filled in at start-up: no locking, cheap enough per block.
    if (__builtin_cpu_supports("avx")) return FirPath::avx;
#endif
    return FirPath::sse;  // vector extensions lower to the baseline ISA (SSE2 on x86-64, NEON on ARM64)
}

void firBlockWith(FirPath path, const float* taps, int numTaps, const float* x, float* out, std::size_t count,
                  const float* init) noexcept {
    std::size_t t0 = 0;
#if defined(LATHE_FIR_HAVE_AVX)
    if (path == FirPath::avx && fastestFirPath() == FirPath::avx) t0 = blockAvx(taps, numTaps, x, out, count, init);
#endif
    if (path != FirPath::scalar)
        for (; t0 + kSseTile <= count; t0 += kSseTile) tileSse(taps, numTaps, x + t0, out + t0, init ? init + t0 : nullptr);
    for (; t0 < count; ++t0) out[t0] = accumulateFirOne(init ? init[t0] : 0.0f, taps, numTaps, x + t0);
}

void firBlock(const float* taps, int numTaps, const float* x, float* out, std::size_t count, const float* init) noexcept {
    firBlockWith(fastestFirPath(), taps, numTaps, x, out, count, init);
}

}  // namespace lathe::dsp::detail
