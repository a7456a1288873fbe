#pragma once
// Overlap-save FFT convolution of one channel with one or more FIR kernels (internal), in double.
// prepare(kernels) takes K kernels of equal length L; it picks an FFT size M = nextpow2(2 L) and a
// block of B = M - L + 1 new samples. processBlock() turns B inputs into B outputs per kernel,
//     y_k[n] = sum_j h_k[j] x[n - j]   (continuing the previous blocks),
// with one forward transform shared by all kernels. FFTW plans are made with FFTW_ESTIMATE, so the
// algorithm (and every output bit) is the same on every run. prepare() allocates and plans
// (serialised by a process-wide mutex: the FFTW planner is not thread-safe); reset() and
// processBlock() never allocate.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

namespace lathe::dsp {

class OverlapSaveConvolver {
public:
    OverlapSaveConvolver();
    ~OverlapSaveConvolver();
    OverlapSaveConvolver(OverlapSaveConvolver&&) noexcept;
    OverlapSaveConvolver& operator=(OverlapSaveConvolver&&) noexcept;

    void prepare(std::span<const double> kernel);
    void prepare(std::span<const std::vector<double>> kernels);  // all of one length
    void reset() noexcept;
    [[nodiscard]] std::size_t blockFrames() const noexcept;
    [[nodiscard]] std::size_t numKernels() const noexcept;
    // The block size prepare() will choose for kernels of kernelLength taps.
    [[nodiscard]] static std::size_t blockFramesFor(std::size_t kernelLength) noexcept;
    // in: blockFrames() samples; out: blockFrames() samples (may alias `in`).
    void processBlock(const double* in, double* out) noexcept;
    // outs[k]: blockFrames() samples for kernel k (none may alias `in`).
    void processBlock(const double* in, std::span<double* const> outs) noexcept;

private:
    struct Fft;
    std::unique_ptr<Fft> fft_;
};

}  // namespace lathe::dsp
