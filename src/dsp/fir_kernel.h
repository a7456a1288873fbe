#pragma once
// The inner loop shared by the oversampler and the true-peak meter: one polyphase branch, i.e. a
// plain FIR at the base rate, evaluated for a run of consecutive outputs:
//   out[t] = init[t] (or 0) + sum_{j = 0}^{numTaps - 1} taps[j] * x[t - j],   t in [0, count)
// x[-(numTaps - 1)] must be readable; out may equal init.
// Vectorised across t (consecutive outputs), each vector lane one output, so no sum is reassociated
// and no -ffast-math is needed: tiles of 64 outputs with AVX when the CPU has it (chosen at run time),
// tiles of 32 with SSE, then the scalar twin accumulateFirOne(). All three perform the same
// operations in the same order on each output (j ascending, no fused multiply-add), so results are
// bit-identical whichever path, CPU or block split computes them; tests/dsp/fir_kernel_test.cpp
// checks this differentially.

#include <cstddef>

namespace lathe::dsp::detail {

enum class FirPath { scalar, sse, avx };

// The widest path this CPU runs.
[[nodiscard]] FirPath fastestFirPath() noexcept;

void firBlock(const float* taps, int numTaps, const float* x, float* out, std::size_t count,
              const float* init = nullptr) noexcept;
// The same with a given path (a path the CPU lacks falls back to the next narrower one); for tests.
void firBlockWith(FirPath path, const float* taps, int numTaps, const float* x, float* out, std::size_t count,
                  const float* init = nullptr) noexcept;

// The scalar twin: acc + FIR output at x[0], in the same summation order as the vector tiles.
inline float accumulateFirOne(float acc, const float* taps, int numTaps, const float* x) noexcept {
    for (int j = 0; j < numTaps; ++j) acc += taps[j] * x[-j];
    return acc;
}

}  // namespace lathe::dsp::detail
