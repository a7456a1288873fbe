#include "dsp/overlap_save.h"

#include <fftw3.h>

#include <algorithm>
#include <cassert>
#include <mutex>

namespace lathe::dsp {

namespace {
std::mutex& plannerMutex() {
    static std::mutex mutex;
    return mutex;
}

std::size_t fftSizeFor(std::size_t kernelLength) {
    std::size_t size = 2;
    while (size < 2 * kernelLength) size *= 2;
    return size;
}

struct FftwFree {
    void operator()(void* p) const noexcept { fftw_free(p); }
};
}  // namespace

// Glossary: kernelLength L, fftSize M, block B = M - L + 1; `input` holds [L - 1 previous inputs,
// B new inputs]; `inputSpectrum` its transform; `kernelSpectra[k]` kernel k's transform divided by
// M (FFTW's inverse is unnormalised); `product` / `output` the per-kernel scratch for the inverse.
struct OverlapSaveConvolver::Fft {
    std::size_t kernelLength = 0, fftSize = 0, block = 0, bins = 0;
    std::unique_ptr<double, FftwFree> input, history, output;
    std::unique_ptr<fftw_complex, FftwFree> inputSpectrum, product;
    std::vector<std::unique_ptr<fftw_complex, FftwFree>> kernelSpectra;
    fftw_plan forward = nullptr, inverse = nullptr;

    ~Fft() {
        std::lock_guard lock(plannerMutex());
        if (forward) fftw_destroy_plan(forward);
        if (inverse) fftw_destroy_plan(inverse);
    }
};

OverlapSaveConvolver::OverlapSaveConvolver() = default;
OverlapSaveConvolver::~OverlapSaveConvolver() = default;
OverlapSaveConvolver::OverlapSaveConvolver(OverlapSaveConvolver&&) noexcept = default;
OverlapSaveConvolver& OverlapSaveConvolver::operator=(OverlapSaveConvolver&&) noexcept = default;

void OverlapSaveConvolver::prepare(std::span<const double> kernel) {
    const std::vector<double> one(kernel.begin(), kernel.end());
    prepare(std::span<const std::vector<double>>(&one, 1));
}

void OverlapSaveConvolver::prepare(std::span<const std::vector<double>> kernels) {
    assert(!kernels.empty());
    auto fft = std::make_unique<Fft>();
    fft->kernelLength = std::max<std::size_t>(1, kernels.front().size());
    fft->fftSize = fftSizeFor(fft->kernelLength);
    fft->block = fft->fftSize - fft->kernelLength + 1;
    fft->bins = fft->fftSize / 2 + 1;
    fft->input.reset(fftw_alloc_real(fft->fftSize));
    fft->output.reset(fftw_alloc_real(fft->fftSize));
    fft->history.reset(fftw_alloc_real(fft->kernelLength));
    fft->inputSpectrum.reset(fftw_alloc_complex(fft->bins));
    fft->product.reset(fftw_alloc_complex(fft->bins));
    {
        std::lock_guard lock(plannerMutex());
        fft->forward = fftw_plan_dft_r2c_1d(int(fft->fftSize), fft->input.get(), fft->inputSpectrum.get(), FFTW_ESTIMATE);
        fft->inverse = fftw_plan_dft_c2r_1d(int(fft->fftSize), fft->product.get(), fft->output.get(), FFTW_ESTIMATE);
    }
    const double scale = 1.0 / double(fft->fftSize);
    for (const auto& kernel : kernels) {
        assert(kernel.size() == fft->kernelLength);
        double* time = fft->input.get();
        std::fill(time, time + fft->fftSize, 0.0);
        std::copy(kernel.begin(), kernel.end(), time);
        fftw_execute(fft->forward);
        auto& spectrum = fft->kernelSpectra.emplace_back(fftw_alloc_complex(fft->bins));
        for (std::size_t k = 0; k < fft->bins; ++k) {
            spectrum.get()[k][0] = fft->inputSpectrum.get()[k][0] * scale;
            spectrum.get()[k][1] = fft->inputSpectrum.get()[k][1] * scale;
        }
    }
    fft_ = std::move(fft);
    reset();
}

void OverlapSaveConvolver::reset() noexcept {
    if (!fft_) return;
    std::fill(fft_->history.get(), fft_->history.get() + fft_->kernelLength, 0.0);
}

std::size_t OverlapSaveConvolver::blockFrames() const noexcept { return fft_ ? fft_->block : 0; }
std::size_t OverlapSaveConvolver::numKernels() const noexcept { return fft_ ? fft_->kernelSpectra.size() : 0; }

std::size_t OverlapSaveConvolver::blockFramesFor(std::size_t kernelLength) noexcept {
    kernelLength = std::max<std::size_t>(1, kernelLength);
    return fftSizeFor(kernelLength) - kernelLength + 1;
}

void OverlapSaveConvolver::processBlock(const double* in, double* out) noexcept {
    assert(numKernels() == 1);
    // `in` is consumed before `out` is written, so they may alias.
    processBlock(in, std::span<double* const>(&out, 1));
}

void OverlapSaveConvolver::processBlock(const double* in, std::span<double* const> outs) noexcept {
    assert(fft_ && outs.size() == fft_->kernelSpectra.size());
    Fft& f = *fft_;
    const std::size_t keep = f.kernelLength - 1;
    double* input = f.input.get();
    std::copy(f.history.get(), f.history.get() + keep, input);
    std::copy(in, in + f.block, input + keep);
    // The next block's history: the last L - 1 inputs.
    std::copy(input + f.fftSize - keep, input + f.fftSize, f.history.get());
    fftw_execute(f.forward);
    const fftw_complex* x = f.inputSpectrum.get();
    fftw_complex* product = f.product.get();
    for (std::size_t k = 0; k < outs.size(); ++k) {
        const fftw_complex* h = f.kernelSpectra[k].get();
        for (std::size_t b = 0; b < f.bins; ++b) {
            product[b][0] = x[b][0] * h[b][0] - x[b][1] * h[b][1];
            product[b][1] = x[b][0] * h[b][1] + x[b][1] * h[b][0];
        }
        fftw_execute(f.inverse);
        std::copy(f.output.get() + keep, f.output.get() + f.fftSize, outs[k]);
    }
}

}  // namespace lathe::dsp
