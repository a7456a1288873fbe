#pragma once
// Overlap-save FFT convolution of one channel with a fixed FIR kernel (internal), in double.
// prepare(kernel) picks an FFT size M = nextpow2(2 K) for a kernel of K taps and a block of
// B = M - K + 1 new samples; processBlock() turns B inputs into the B outputs
// y[n] = sum_k h[k] x[n - k] (continuing the previous blocks). FFTW plans are made with
// FFTW_ESTIMATE, so the algorithm (and every output bit) is the same on every run.
// prepare() allocates and plans (serialised by a process-wide mutex, since the FFTW planner is
// not thread-safe); reset() and processBlock() never allocate.

#include <cstddef>
#include <memory>
#include <span>

namespace lathe::dsp {

class OverlapSaveConvolver {
public:
    OverlapSaveConvolver();
    ~OverlapSaveConvolver();
    OverlapSaveConvolver(OverlapSaveConvolver&&) noexcept;
    OverlapSaveConvolver& operator=(OverlapSaveConvolver&&) noexcept;

    void prepare(std::span<const double> kernel);
    void reset() noexcept;
    [[nodiscard]] std::size_t blockFrames() const noexcept;
    // The block size prepare() will choose for a kernel of kernelLength taps.
    [[nodiscard]] static std::size_t blockFramesFor(std::size_t kernelLength) noexcept;
    // in and out: blockFrames() samples each (may alias).
    void processBlock(const double* in, double* out) noexcept;

private:
    struct Fft;
    std::unique_ptr<Fft> fft_;
};

}  // namespace lathe::dsp
