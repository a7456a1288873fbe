// Loudness meter speed against libebur128 on the same 10 s stereo 44.1 kHz signal, in one run.
//   lathe: integrated + LRA + max momentary + max short-term (10 ms hop) in one pass.
//   libebur128: EBUR128_MODE_I | EBUR128_MODE_LRA (integrated + LRA only), fed interleaved
//   float (its native layout, prepared outside the timed loop).
// Both report items_per_second = audio frames per second; the ratio of the two is the speed-up.
#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/audio_buffer.h"
#include "util/random.h"

#if LATHE_BENCH_HAVE_EBUR128
#include <ebur128.h>
#endif

namespace {

constexpr double kRate = 44100.0;
constexpr std::size_t kFrames = 10 * 44100;
constexpr std::size_t kBlockFrames = 4096;

// Music-like: a pulsing bass tone, a chord and noise bursts under a slow level swell.
const lathe::AudioBuffer& testSignal() {
    static const lathe::AudioBuffer signal = [] {
        lathe::AudioBuffer out(2, kFrames);
        lathe::Random random(7);
        for (std::size_t i = 0; i < kFrames; ++i) {
            const double t = double(i) / kRate;
            const double swell = 0.5 + 0.4 * std::sin(2 * std::numbers::pi * 0.15 * t);
            const double beat = std::exp(-8.0 * std::fmod(t, 0.5));
            const double bass = 0.4 * beat * std::sin(2 * std::numbers::pi * 55.0 * t);
            const double chord = 0.1 * (std::sin(2 * std::numbers::pi * 440.0 * t) + std::sin(2 * std::numbers::pi * 554.4 * t));
            const double noise = 0.15 * beat;
            out.channel(0)[i] = float(swell * (bass + chord + noise * random.bipolar()));
            out.channel(1)[i] = float(swell * (bass + 0.8 * chord + noise * random.bipolar()));
        }
        return out;
    }();
    return signal;
}

void BM_LatheLoudnessMeter(benchmark::State& state) {
    const lathe::AudioBuffer& signal = testSignal();
    const lathe::ConstAudioBlock block = signal.block();
    lathe::analysis::LoudnessMeter meter;
    lathe::analysis::LoudnessMeterOptions options;
    options.expectedFrames = static_cast<std::int64_t>(kFrames);
    for (auto _ : state) {
        if (!meter.prepare(kRate, 2, options)) state.SkipWithError("prepare failed");
        for (std::size_t offset = 0; offset < kFrames; offset += kBlockFrames)
            meter.process(block.slice(offset, std::min(kBlockFrames, kFrames - offset)));
        const auto r = meter.result();
        benchmark::DoNotOptimize(r.integratedLufs);
        benchmark::DoNotOptimize(r.loudnessRangeLu);
        benchmark::DoNotOptimize(r.maxMomentaryLufs);
        benchmark::DoNotOptimize(r.maxShortTermLufs);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}
BENCHMARK(BM_LatheLoudnessMeter)->Unit(benchmark::kMillisecond);

#if LATHE_BENCH_HAVE_EBUR128
void BM_Libebur128IntegratedLra(benchmark::State& state) {
    const lathe::AudioBuffer& signal = testSignal();
    std::vector<float> interleaved(2 * kFrames);
    for (std::size_t i = 0; i < kFrames; ++i) {
        interleaved[2 * i] = signal.channel(0)[i];
        interleaved[2 * i + 1] = signal.channel(1)[i];
    }
    for (auto _ : state) {
        ebur128_state* st = ebur128_init(2, static_cast<unsigned long>(kRate), EBUR128_MODE_I | EBUR128_MODE_LRA);
        for (std::size_t offset = 0; offset < kFrames; offset += kBlockFrames)
            ebur128_add_frames_float(st, interleaved.data() + 2 * offset, std::min(kBlockFrames, kFrames - offset));
        double integrated = 0, range = 0;
        ebur128_loudness_global(st, &integrated);
        ebur128_loudness_range(st, &range);
        benchmark::DoNotOptimize(integrated);
        benchmark::DoNotOptimize(range);
        ebur128_destroy(&st);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kFrames));
}
BENCHMARK(BM_Libebur128IntegratedLra)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
