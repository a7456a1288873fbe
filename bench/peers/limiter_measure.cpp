// Measurements for bench/limiter_transparency.sh, independent of lathe's own code (libsndfile,
// libebur128, FFTW):
//   limiter_measure loudness FILE
//       integrated loudness (LUFS, libebur128) and true peak (dBTP, libebur128's 4x reading and a
//       32x windowed-sinc reading of our own), one line of key=value.
//   limiter_measure compare REFERENCE OUTPUT
//       aligns OUTPUT to REFERENCE (the limiter's input, after its input gain) by cross-correlation,
//       matches its gain by least squares (alpha = <x,y>/<x,x>), and reports the signal-to-distortion
//       ratio SDR = 10 log10(|alpha x|^2 / |y - alpha x|^2) in dB, with the lag and the output's
//       loudness and true peaks.
#include <ebur128.h>
#include <fftw3.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

namespace {

struct Audio {
    int rate = 0;
    int channels = 0;
    std::vector<std::vector<double>> data;  // planar
    [[nodiscard]] std::size_t frames() const { return data.empty() ? 0 : data[0].size(); }
};

bool load(const char* path, Audio& out) {
    SF_INFO info{};
    SNDFILE* file = sf_open(path, SFM_READ, &info);
    if (file == nullptr) {
        std::fprintf(stderr, "limiter_measure: cannot open %s: %s\n", path, sf_strerror(nullptr));
        return false;
    }
    std::vector<double> interleaved(static_cast<std::size_t>(info.frames) * static_cast<std::size_t>(info.channels));
    const sf_count_t got = sf_readf_double(file, interleaved.data(), info.frames);
    sf_close(file);
    out.rate = info.samplerate;
    out.channels = info.channels;
    out.data.assign(static_cast<std::size_t>(info.channels), std::vector<double>(static_cast<std::size_t>(got)));
    for (sf_count_t i = 0; i < got; ++i)
        for (int c = 0; c < info.channels; ++c)
            out.data[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)] =
                interleaved[static_cast<std::size_t>(i) * static_cast<std::size_t>(info.channels) + static_cast<std::size_t>(c)];
    return true;
}

// libebur128: integrated loudness and its (4x) true peak.
void ebur128Measure(const Audio& a, double& lufs, double& truePeakDb) {
    ebur128_state* st = ebur128_init(static_cast<unsigned>(a.channels), static_cast<unsigned long>(a.rate),
                                     EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    std::vector<double> frame(static_cast<std::size_t>(a.channels) * 4096);
    for (std::size_t start = 0; start < a.frames(); start += 4096) {
        const std::size_t n = std::min<std::size_t>(4096, a.frames() - start);
        for (std::size_t i = 0; i < n; ++i)
            for (int c = 0; c < a.channels; ++c)
                frame[i * static_cast<std::size_t>(a.channels) + static_cast<std::size_t>(c)] = a.data[static_cast<std::size_t>(c)][start + i];
        ebur128_add_frames_double(st, frame.data(), n);
    }
    ebur128_loudness_global(st, &lufs);
    double peak = 0;
    for (int c = 0; c < a.channels; ++c) {
        double p = 0;
        ebur128_true_peak(st, static_cast<unsigned>(c), &p);
        peak = std::max(peak, p);
    }
    truePeakDb = 20.0 * std::log10(std::max(peak, 1e-12));
    ebur128_destroy(&st);
}

// 32x band-limited interpolation: Kaiser-windowed sinc (beta 12, +-64 base samples), the same
// reference as tests/dsp/true_peak_limiter_test.cpp.
double truePeak32(const Audio& a) {
    constexpr int factor = 32, half = 64;
    constexpr double beta = 12.0;
    auto bessel0 = [](double x) {
        double sum = 1, term = 1;
        for (int k = 1; k < 50; ++k) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
        }
        return sum;
    };
    std::vector<std::vector<double>> phases(factor, std::vector<double>(2 * half));
    for (int p = 0; p < factor; ++p)
        for (int k = 0; k < 2 * half; ++k) {
            const double t = double(k - half + 1) - double(p) / factor;  // tap k weights x[n + k - half + 1]
            const double sinc = t == 0 ? 1.0 : std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
            const double r = t / half;
            const double w = std::abs(r) < 1 ? bessel0(beta * std::sqrt(1 - r * r)) / bessel0(beta) : 0.0;
            phases[static_cast<std::size_t>(p)][static_cast<std::size_t>(k)] = sinc * w;
        }
    double peak = 0;
    for (const auto& x : a.data) {
        const auto n = static_cast<std::ptrdiff_t>(x.size());
        for (std::ptrdiff_t i = 0; i < n; ++i) {
            peak = std::max(peak, std::abs(x[static_cast<std::size_t>(i)]));
            // Only between samples that could hide a peak near the current maximum.
            const double local = std::max(std::abs(x[static_cast<std::size_t>(i)]), i + 1 < n ? std::abs(x[static_cast<std::size_t>(i + 1)]) : 0.0);
            if (local < 0.5 * peak) continue;
            for (int p = 1; p < factor; ++p) {
                double s = 0;
                const auto& h = phases[static_cast<std::size_t>(p)];
                for (int k = 0; k < 2 * half; ++k) {
                    const std::ptrdiff_t j = i + k - half + 1;
                    if (j >= 0 && j < n) s += h[static_cast<std::size_t>(k)] * x[static_cast<std::size_t>(j)];
                }
                peak = std::max(peak, std::abs(s));
            }
        }
    }
    return 20.0 * std::log10(std::max(peak, 1e-12));
}

// Lag (in frames, output later than reference) maximising the cross-correlation of the channel sums.
long bestLag(const Audio& ref, const Audio& out, long maxLag) {
    const std::size_t n = std::min<std::size_t>(std::min(ref.frames(), out.frames()), std::size_t(1) << 21);
    std::size_t size = 1;
    while (size < 2 * n) size *= 2;
    std::vector<double> a(size, 0.0), b(size, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (int c = 0; c < ref.channels; ++c) {
            a[i] += ref.data[static_cast<std::size_t>(c)][i];
            b[i] += out.data[static_cast<std::size_t>(c)][i];
        }
    std::vector<std::complex<double>> fa(size / 2 + 1), fb(size / 2 + 1);
    fftw_plan pa = fftw_plan_dft_r2c_1d(int(size), a.data(), reinterpret_cast<fftw_complex*>(fa.data()), FFTW_ESTIMATE);
    fftw_plan pb = fftw_plan_dft_r2c_1d(int(size), b.data(), reinterpret_cast<fftw_complex*>(fb.data()), FFTW_ESTIMATE);
    fftw_execute(pa);
    fftw_execute(pb);
    for (std::size_t k = 0; k < fa.size(); ++k) fa[k] = std::conj(fa[k]) * fb[k];
    std::vector<double> xc(size);
    fftw_plan pc = fftw_plan_dft_c2r_1d(int(size), reinterpret_cast<fftw_complex*>(fa.data()), xc.data(), FFTW_ESTIMATE);
    fftw_execute(pc);
    fftw_destroy_plan(pa);
    fftw_destroy_plan(pb);
    fftw_destroy_plan(pc);
    long best = 0;
    double bestValue = -1e300;
    for (long lag = -maxLag; lag <= maxLag; ++lag) {
        const double v = xc[static_cast<std::size_t>((lag + long(size)) % long(size))];
        if (v > bestValue) {
            bestValue = v;
            best = lag;
        }
    }
    return best;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 3 && std::strcmp(argv[1], "loudness") == 0) {
        Audio a;
        if (!load(argv[2], a)) return 1;
        double lufs = 0, tp = 0;
        ebur128Measure(a, lufs, tp);
        std::printf("lufs=%.3f tp_ebur128=%.3f tp_32x=%.3f\n", lufs, tp, truePeak32(a));
        return 0;
    }
    if (argc == 4 && std::strcmp(argv[1], "compare") == 0) {
        Audio ref, out;
        if (!load(argv[2], ref) || !load(argv[3], out)) return 1;
        if (ref.channels != out.channels || ref.rate != out.rate) {
            std::fprintf(stderr, "limiter_measure: %s and %s differ in channels or rate\n", argv[2], argv[3]);
            return 1;
        }
        const long lag = bestLag(ref, out, 16384);
        // Overlap: reference frames [i0, i1) against output frames shifted by lag; skip 1 s at both ends.
        const long skip = ref.rate;
        const long i0 = std::max(skip, -lag + skip);
        const long i1 = std::min(long(ref.frames()), long(out.frames()) - lag) - skip;
        double xy = 0, xx = 0, yy = 0;
        for (int c = 0; c < ref.channels; ++c)
            for (long i = i0; i < i1; ++i) {
                const double x = ref.data[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)];
                const double y = out.data[static_cast<std::size_t>(c)][static_cast<std::size_t>(i + lag)];
                xy += x * y;
                xx += x * x;
                yy += y * y;
            }
        const double alpha = xy / xx;
        const double residual = std::max(yy - 2 * alpha * xy + alpha * alpha * xx, 1e-30);
        const double sdr = 10.0 * std::log10(alpha * alpha * xx / residual);
        double lufs = 0, tp = 0;
        ebur128Measure(out, lufs, tp);
        std::printf("sdr_db=%.3f lag=%ld gain_db=%.3f lufs=%.3f tp_ebur128=%.3f tp_32x=%.3f\n", sdr, lag,
                    20.0 * std::log10(alpha), lufs, tp, truePeak32(out));
        return 0;
    }
    std::fprintf(stderr, "usage: limiter_measure loudness FILE | limiter_measure compare REFERENCE OUTPUT\n");
    return 2;
}
