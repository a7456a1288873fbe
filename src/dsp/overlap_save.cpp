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

// Glossary: kernelLength K, fftSize M, block B = M - K + 1; `time` holds [K - 1 previous inputs,
// B new inputs]; `spectrum` its transform; `kernelSpectrum` the kernel's transform divided by M
// (FFTW's inverse is unnormalised).
struct OverlapSaveConvolver::Fft {
    std::size_t kernelLength = 0, fftSize = 0, block = 0;
    std::unique_ptr<double, FftwFree> time, history;
    std::unique_ptr<fftw_complex, FftwFree> spectrum, kernelSpectrum;
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
    auto fft = std::make_unique<Fft>();
    fft->kernelLength = std::max<std::size_t>(1, kernel.size());
    fft->fftSize = fftSizeFor(fft->kernelLength);
    fft->block = fft->fftSize - fft->kernelLength + 1;
    const std::size_t bins = fft->fftSize / 2 + 1;
    fft->time.reset(fftw_alloc_real(fft->fftSize));
    fft->history.reset(fftw_alloc_real(fft->kernelLength));
    fft->spectrum.reset(fftw_alloc_complex(bins));
    fft->kernelSpectrum.reset(fftw_alloc_complex(bins));
    {
        std::lock_guard lock(plannerMutex());
        fft->forward = fftw_plan_dft_r2c_1d(int(fft->fftSize), fft->time.get(), fft->spectrum.get(), FFTW_ESTIMATE);
        fft->inverse = fftw_plan_dft_c2r_1d(int(fft->fftSize), fft->spectrum.get(), fft->time.get(), FFTW_ESTIMATE);
    }
    double* time = fft->time.get();
    std::fill(time, time + fft->fftSize, 0.0);
    std::copy(kernel.begin(), kernel.end(), time);
    fftw_execute(fft->forward);
    const double scale = 1.0 / double(fft->fftSize);
    for (std::size_t k = 0; k < bins; ++k) {
        fft->kernelSpectrum.get()[k][0] = fft->spectrum.get()[k][0] * scale;
        fft->kernelSpectrum.get()[k][1] = fft->spectrum.get()[k][1] * scale;
    }
    fft_ = std::move(fft);
    reset();
}

void OverlapSaveConvolver::reset() noexcept {
    if (!fft_) return;
    std::fill(fft_->history.get(), fft_->history.get() + fft_->kernelLength, 0.0);
}

std::size_t OverlapSaveConvolver::blockFrames() const noexcept { return fft_ ? fft_->block : 0; }

std::size_t OverlapSaveConvolver::blockFramesFor(std::size_t kernelLength) noexcept {
    kernelLength = std::max<std::size_t>(1, kernelLength);
    return fftSizeFor(kernelLength) - kernelLength + 1;
}

void OverlapSaveConvolver::processBlock(const double* in, double* out) noexcept {
    assert(fft_);
    Fft& f = *fft_;
    const std::size_t keep = f.kernelLength - 1;
    double* time = f.time.get();
    std::copy(f.history.get(), f.history.get() + keep, time);
    std::copy(in, in + f.block, time + keep);
    // The next block's history: the last K - 1 inputs.
    std::copy(time + f.fftSize - keep, time + f.fftSize, f.history.get());
    fftw_execute(f.forward);
    const std::size_t bins = f.fftSize / 2 + 1;
    fftw_complex* spectrum = f.spectrum.get();
    const fftw_complex* kernel = f.kernelSpectrum.get();
    for (std::size_t k = 0; k < bins; ++k) {
        const double re = spectrum[k][0] * kernel[k][0] - spectrum[k][1] * kernel[k][1];
        const double im = spectrum[k][0] * kernel[k][1] + spectrum[k][1] * kernel[k][0];
        spectrum[k][0] = re;
        spectrum[k][1] = im;
    }
    fftw_execute(f.inverse);
    std::copy(time + keep, time + f.fftSize, out);
}

}  // namespace lathe::dsp
