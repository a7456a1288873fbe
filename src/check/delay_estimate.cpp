#include "check/delay_estimate.h"

#include <algorithm>
#include <complex>
#include <mutex>

#include "dsp/fftw_memory.h"

namespace lathe::check {

std::size_t estimateDelayFrames(std::span<const float> reference, std::span<const float> delayed, std::size_t maxLag,
                                std::size_t from) {
    if (from >= reference.size() || from >= delayed.size()) return 0;
    maxLag = std::min(maxLag, delayed.size() - from - 1);
    const std::size_t window = std::min<std::size_t>({32768, reference.size() - from, delayed.size() - from - maxLag});
    if (window == 0) return 0;
    std::size_t size = 1;
    while (size < window + maxLag + 1) size *= 2;
    const std::size_t bins = size / 2 + 1;
    auto x = dsp::allocateFftw<double>(size), y = dsp::allocateFftw<double>(size), c = dsp::allocateFftw<double>(size);
    auto xf = dsp::allocateFftw<fftw_complex>(bins), yf = dsp::allocateFftw<fftw_complex>(bins);
    if (!x || !y || !c || !xf || !yf) return 0;
    dsp::FftwPlan forwardX, forwardY, inverse;
    {
        const std::lock_guard lock(dsp::fftwPlannerMutex());
        forwardX.reset(fftw_plan_dft_r2c_1d(int(size), x.get(), xf.get(), FFTW_ESTIMATE));
        forwardY.reset(fftw_plan_dft_r2c_1d(int(size), y.get(), yf.get(), FFTW_ESTIMATE));
        inverse.reset(fftw_plan_dft_c2r_1d(int(size), xf.get(), c.get(), FFTW_ESTIMATE));
    }
    for (std::size_t n = 0; n < window; ++n) x[n] = reference[from + n];
    const std::size_t yCount = std::min(size, delayed.size() - from);
    for (std::size_t n = 0; n < std::min(yCount, window + maxLag); ++n) y[n] = delayed[from + n];
    fftw_execute(forwardX.get());
    fftw_execute(forwardY.get());
    for (std::size_t k = 0; k < bins; ++k) {
        const std::complex<double> a(xf[k][0], xf[k][1]), b(yf[k][0], yf[k][1]);
        const auto product = std::conj(a) * b;
        xf[k][0] = product.real();
        xf[k][1] = product.imag();
    }
    fftw_execute(inverse.get());
    std::size_t best = 0;
    for (std::size_t lag = 1; lag <= maxLag; ++lag)
        if (c[lag] > c[best]) best = lag;
    return best;
}

}  // namespace lathe::check
