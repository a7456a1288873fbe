// Oversampler throughput: ns per stereo base-rate frame for 4x upsampling alone and for the
// up + down round trip (the clipper / limiter pattern), default design (100 dB, 0.45 fs, K = 66).
// Peer in the same run: a direct-form (non-polyphase) FIR over the zero-stuffed signal with the same
// taps, to show what the polyphase split saves.
#include <benchmark/benchmark.h>

#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/oversampler.h"
#include "util/random.h"

namespace {

constexpr std::size_t kBlock = 1024;

lathe::AudioBuffer noise(std::size_t frames) {
    lathe::AudioBuffer buffer(2, frames);
    lathe::Random random(3);
    for (int c = 0; c < 2; ++c)
        for (float& s : buffer.channel(c)) s = 0.5f * random.bipolar();
    return buffer;
}

lathe::dsp::Oversampler prepared(int factor) {
    lathe::dsp::Oversampler os;
    (void)os.prepare({48000.0, 2, kBlock}, {factor, 0.45, 100.0});
    return os;
}

void BM_OversamplerUp(benchmark::State& state) {
    const int factor = static_cast<int>(state.range(0));
    auto os = prepared(factor);
    const auto input = noise(kBlock);
    for (auto _ : state) {
        const auto up = os.upsample(input.block());
        benchmark::DoNotOptimize(up.channelData(0)[0]);
        benchmark::ClobberMemory();
    }
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(kBlock), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_OversamplerUpDown(benchmark::State& state) {
    const int factor = static_cast<int>(state.range(0));
    auto os = prepared(factor);
    const auto input = noise(kBlock);
    lathe::AudioBuffer output(2, kBlock);
    for (auto _ : state) {
        const auto up = os.upsample(input.block());
        os.downsample(up, output.block());
        benchmark::DoNotOptimize(output.channel(0)[0]);
        benchmark::ClobberMemory();
    }
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(kBlock), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The peer: direct-form FIR on the zero-stuffed signal (every tap, zeros included), 4x up only.
void BM_DirectFormUp4x(benchmark::State& state) {
    auto os = prepared(4);
    const int k = os.tapsPerPhase();
    const std::size_t length = std::size_t(k) * 4 + 1;
    std::vector<float> taps(length);
    for (std::size_t i = 0; i < length; ++i) taps[i] = 1.0f / float(length);  // cost only; values irrelevant
    const auto input = noise(kBlock);
    std::vector<float> stuffed(length + 4 * kBlock, 0.0f), out(4 * kBlock);
    for (auto _ : state) {
        for (int c = 0; c < 2; ++c) {
            for (std::size_t i = 0; i < kBlock; ++i) stuffed[length + 4 * i] = input.channel(c)[i];
            for (std::size_t m = 0; m < 4 * kBlock; ++m) {
                float acc = 0;
                for (std::size_t j = 0; j < length; ++j) acc += taps[j] * stuffed[length + m - j];
                out[m] = acc;
            }
            benchmark::DoNotOptimize(out[0]);
        }
        benchmark::ClobberMemory();
    }
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(kBlock), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_OversamplerPrepare(benchmark::State& state) {
    const int factor = static_cast<int>(state.range(0));
    for (auto _ : state) {
        lathe::dsp::Oversampler os;
        benchmark::DoNotOptimize(os.prepare({48000.0, 2, kBlock}, {factor, 0.45, 100.0}).ok());
    }
}

}  // namespace

BENCHMARK(BM_OversamplerUp)->Arg(2)->Arg(4)->Arg(8)->Arg(16);
BENCHMARK(BM_OversamplerUpDown)->Arg(2)->Arg(4)->Arg(8)->Arg(16);
BENCHMARK(BM_DirectFormUp4x);
BENCHMARK(BM_OversamplerPrepare)->Arg(4)->Arg(16)->Unit(benchmark::kMillisecond);
