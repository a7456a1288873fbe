// Cost per stereo frame at 44.1 kHz of the linear-phase FIR EQ (N = 8191) and of each dither mode.
// Peers measured in the same run: a direct-form (time-domain) convolution with the same 8191 taps for
// the EQ, and plain rounding (DitherMode::Round) for the dither modes.
//   ./build/bin/lathe_benchmarks --benchmark_filter='Fir|Dither|Direct|Convolver'
// The counter per_frame (CPU time per frame) is the figure to read (a stereo frame = one sample on each channel).

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "dsp/fft_convolver.h"
#include "lathe/dsp/dither.h"
#include "lathe/dsp/linear_phase_eq.h"
#include "util/random.h"

namespace {

constexpr double kSampleRate = 44100.0;
constexpr std::size_t kBlock = 512;
constexpr int kTaps = 8191;

lathe::AudioBuffer noise(std::size_t frames, float amplitude) {
    lathe::AudioBuffer buffer(2, frames);
    lathe::Random random(7);
    for (int c = 0; c < 2; ++c)
        for (auto& s : buffer.channel(c)) s = amplitude * random.bipolar();
    return buffer;
}

lathe::dsp::FirDesignParams correctiveCurve() {
    lathe::dsp::FirDesignParams design;
    for (double f = 20.0; f < 22000.0; f *= 1.05)
        design.curve.push_back({f, 3.0 / (1.0 + (f / 120.0) * (f / 120.0)) - 2.0 * std::exp(-std::pow(std::log2(f / 2500.0), 2))});
    design.lengthFrames = kTaps;
    return design;
}

void setFrameCounter(benchmark::State& state, std::size_t framesPerIteration) {
    // CPU seconds per frame (printed with an SI prefix: "121n" = 121 ns).
    state.counters["per_frame"] = benchmark::Counter(double(framesPerIteration),
                                                        benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void BM_LinearPhaseEq8191(benchmark::State& state) {
    lathe::dsp::LinearPhaseEqParams params;
    params.design = correctiveCurve();
    lathe::dsp::LinearPhaseEq eq(params);
    if (!eq.prepare({kSampleRate, 2, kBlock}).ok()) state.SkipWithError("prepare failed");
    auto audio = noise(kBlock, 0.25f);
    for (auto _ : state) {
        eq.process(audio.block());
        benchmark::DoNotOptimize(audio.channel(0).data());
    }
    setFrameCounter(state, kBlock);
}
BENCHMARK(BM_LinearPhaseEq8191);

// The convolver alone at several partition sizes (the EQ picks 128 for 8191 taps).
void BM_Convolver8191Partition(benchmark::State& state) {
    lathe::dsp::FftConvolver convolver;
    std::vector<float> taps(kTaps);
    lathe::Random random(3);
    for (auto& t : taps) t = random.bipolar() * 0.01f;
    if (!convolver.prepare(2, kTaps, 1, std::size_t(state.range(0))).ok()) state.SkipWithError("prepare failed");
    if (!convolver.setKernel(0, taps).ok()) state.SkipWithError("setKernel failed");
    auto audio = noise(kBlock, 0.25f);
    for (auto _ : state) {
        convolver.process(audio.block(), audio.block(), 0);
        benchmark::DoNotOptimize(audio.channel(0).data());
    }
    setFrameCounter(state, kBlock);
}
BENCHMARK(BM_Convolver8191Partition)->Arg(64)->Arg(128)->Arg(256)->Arg(512);

// Peer: direct-form convolution with the same number of taps (history kept in a linear buffer).
void BM_DirectConvolution8191(benchmark::State& state) {
    std::vector<float> reversed(kTaps);
    lathe::Random random(3);
    for (auto& t : reversed) t = random.bipolar() * 0.01f;
    auto audio = noise(kBlock, 0.25f);
    std::vector<std::vector<float>> history(2, std::vector<float>(kTaps - 1 + kBlock, 0.0f));
    for (auto _ : state) {
        for (int c = 0; c < 2; ++c) {
            auto& h = history[std::size_t(c)];
            std::copy(h.end() - (kTaps - 1), h.end(), h.begin());
            std::copy(audio.channel(c).begin(), audio.channel(c).end(), h.begin() + (kTaps - 1));
            float* out = audio.channel(c).data();
            for (std::size_t i = 0; i < kBlock; ++i) {
                float sum = 0.0f;
                const float* x = h.data() + i;
                for (int k = 0; k < kTaps; ++k) sum += reversed[std::size_t(k)] * x[k];
                out[i] = sum;
            }
        }
        benchmark::DoNotOptimize(audio.channel(0).data());
    }
    setFrameCounter(state, kBlock);
}
BENCHMARK(BM_DirectConvolution8191);

void BM_Dither(benchmark::State& state) {
    lathe::dsp::DitherParams params;
    params.mode = static_cast<lathe::dsp::DitherMode>(state.range(0));
    params.bits = 16;
    lathe::dsp::Dither dither(params);
    if (!dither.prepare({kSampleRate, 2, kBlock}).ok()) state.SkipWithError("prepare failed");
    // The same block is requantised over and over: the work per sample does not depend on the values.
    auto audio = noise(kBlock, 0.5f);
    for (auto _ : state) {
        dither.process(audio.block());
        benchmark::DoNotOptimize(audio.channel(0).data());
    }
    setFrameCounter(state, kBlock);
    state.SetLabel(params.mode == lathe::dsp::DitherMode::Round  ? "round (peer)"
                   : params.mode == lathe::dsp::DitherMode::Tpdf ? "TPDF"
                                                                  : "noise-shaped (9th order)");
}
BENCHMARK(BM_Dither)->Arg(int(lathe::dsp::DitherMode::Round))->Arg(int(lathe::dsp::DitherMode::Tpdf))->Arg(int(lathe::dsp::DitherMode::NoiseShaped));

}  // namespace
