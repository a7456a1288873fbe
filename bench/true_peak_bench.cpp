// True-peak meter throughput against libebur128's true-peak mode (EBUR128_MODE_TRUE_PEAK), on the same
// 10 s of stereo white noise at 44.1 kHz (and other rates), in one run. Counters:
//   ns_per_stereo_frame   CPU time per stereo frame
//   speedup_vs_libebur128 (BM_TruePeakVsLibebur128 only) libebur128's time / ours, same input, same run
// libebur128 takes interleaved input; the interleaving is done once, outside the timed region.
#include <benchmark/benchmark.h>

#include <ctime>
#include <vector>

#include "lathe/analysis/true_peak_meter.h"
#include "lathe/audio_buffer.h"
#include "util/random.h"

#if defined(LATHE_BENCH_HAVE_EBUR128)
#include <ebur128.h>
#endif

namespace {

constexpr std::size_t kBlock = 4096;

struct Material {
    lathe::AudioBuffer planar;
    std::vector<float> interleaved;
};

const Material& noise(double rate) {
    static std::vector<std::pair<double, Material>> cache;
    for (auto& [r, m] : cache)
        if (r == rate) return m;
    const auto frames = static_cast<std::size_t>(10.0 * rate);
    Material m{lathe::AudioBuffer(2, frames), std::vector<float>(2 * frames)};
    lathe::Random random(7);
    for (std::size_t i = 0; i < frames; ++i)
        for (int c = 0; c < 2; ++c) {
            const float s = 0.5f * random.bipolar();
            m.planar.channel(c)[i] = s;
            m.interleaved[2 * i + std::size_t(c)] = s;
        }
    cache.emplace_back(rate, std::move(m));
    return cache.back().second;
}

double runOurs(const Material& m, double rate) {
    lathe::analysis::TruePeakMeter meter;
    (void)meter.prepare(rate, 2, kBlock);
    const lathe::ConstAudioBlock block = m.planar.block();
    for (std::size_t offset = 0; offset < block.numFrames(); offset += kBlock)
        meter.process(block.slice(offset, std::min(kBlock, block.numFrames() - offset)));
    return meter.truePeakLinear();
}

#if defined(LATHE_BENCH_HAVE_EBUR128)
double runLibebur128(const Material& m, double rate) {
    ebur128_state* state = ebur128_init(2, static_cast<unsigned long>(rate), EBUR128_MODE_TRUE_PEAK);
    const std::size_t frames = m.planar.numFrames();
    for (std::size_t offset = 0; offset < frames; offset += kBlock)
        ebur128_add_frames_float(state, m.interleaved.data() + 2 * offset, std::min(kBlock, frames - offset));
    double left = 0, right = 0;
    ebur128_true_peak(state, 0, &left);
    ebur128_true_peak(state, 1, &right);
    ebur128_destroy(&state);
    return std::max(left, right);
}
#endif

void setFrameCounter(benchmark::State& state, std::size_t frames) {
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(frames), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_TruePeakMeter(benchmark::State& state) {
    const double rate = double(state.range(0));
    const Material& m = noise(rate);
    for (auto _ : state) benchmark::DoNotOptimize(runOurs(m, rate));
    setFrameCounter(state, m.planar.numFrames());
}
BENCHMARK(BM_TruePeakMeter)->Arg(44100)->Arg(48000)->Arg(96000)->Arg(192000)->Unit(benchmark::kMillisecond);

#if defined(LATHE_BENCH_HAVE_EBUR128)
void BM_Libebur128TruePeak(benchmark::State& state) {
    const double rate = double(state.range(0));
    const Material& m = noise(rate);
    for (auto _ : state) benchmark::DoNotOptimize(runLibebur128(m, rate));
    setFrameCounter(state, m.planar.numFrames());
}
BENCHMARK(BM_Libebur128TruePeak)->Arg(44100)->Arg(48000)->Arg(96000)->Arg(192000)->Unit(benchmark::kMillisecond);

// Both on the same input, alternating within each iteration, timed in thread CPU time, so the ratio is
// immune to drift in machine load between separate benchmarks (and to time spent descheduled).
double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

void BM_TruePeakVsLibebur128(benchmark::State& state) {
    const double rate = double(state.range(0));
    const Material& m = noise(rate);
    double ours = 0, theirs = 0;
    for (auto _ : state) {
        const double t0 = threadSeconds();
        benchmark::DoNotOptimize(runOurs(m, rate));
        const double t1 = threadSeconds();
        benchmark::DoNotOptimize(runLibebur128(m, rate));
        const double t2 = threadSeconds();
        ours += t1 - t0;
        theirs += t2 - t1;
    }
    const double frames = double(state.iterations()) * double(m.planar.numFrames());
    state.counters["ours_ns_per_stereo_frame"] = 1e9 * ours / frames;
    state.counters["libebur128_ns_per_stereo_frame"] = 1e9 * theirs / frames;
    state.counters["speedup_vs_libebur128"] = theirs / ours;
}
BENCHMARK(BM_TruePeakVsLibebur128)->Arg(44100)->Arg(48000)->Arg(96000)->Arg(192000)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
