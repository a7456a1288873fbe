// Filter throughput, in time per stereo frame (the "per_frame" counter), at 44.1 kHz in 512-frame
// blocks of white noise. The peer is a textbook float biquad (transposed direct form II, float
// state, one channel after the other) measured in the same run, so results read as ratios:
//   BM_PeerFloatBiquad            the peer: one section, 2 channels
//   BM_BiquadSection              lathe: one section, double-state DF-I, channels paired
//   BM_BiquadSectionUnpaired      the same section run channel by channel (what pairing buys)
//   BM_ParametricEq6              lathe ParametricEq, 6 bands (8 sections), static settings
//   BM_ParametricEq6Gliding       the same EQ while every band glides (re-design every 16 samples)
// Run: ./build/bin/lathe_benchmarks --benchmark_filter='Biquad|ParametricEq'

#include <benchmark/benchmark.h>

#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/dsp/parametric_eq.h"
#include "util/random.h"

namespace {

using namespace lathe;
using namespace lathe::dsp;

constexpr double kSampleRate = 44100.0;
constexpr std::size_t kBlock = 512;

AudioBuffer noise(std::size_t frames) {
    AudioBuffer buffer(2, frames);
    Random random(1);
    for (int c = 0; c < 2; ++c)
        for (auto& s : buffer.channel(c)) s = 0.25f * random.bipolar();
    return buffer;
}

void countFrames(benchmark::State& state, std::size_t framesPerIteration) {
    state.counters["per_frame"] = benchmark::Counter(double(framesPerIteration) * double(state.iterations()),
                                                     benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Textbook float biquad, transposed direct form II, state in float.
struct PeerBiquad {
    float b0, b1, b2, a1, a2, s1 = 0, s2 = 0;
    void process(float* x, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            const float in = x[i], out = b0 * in + s1;
            s1 = b1 * in - a1 * out + s2;
            s2 = b2 * in - a2 * out;
            x[i] = out;
        }
    }
};

void BM_PeerFloatBiquad(benchmark::State& state) {
    const BiquadCoefficients c = bell(1000.0, 3.0, 1.0, kSampleRate);
    PeerBiquad left{float(c.b0), float(c.b1), float(c.b2), float(c.a1), float(c.a2)}, right = left;
    AudioBuffer audio = noise(kBlock);
    for (auto _ : state) {
        left.process(audio.channel(0).data(), kBlock);
        right.process(audio.channel(1).data(), kBlock);
        benchmark::DoNotOptimize(audio.channel(0).data());
        benchmark::ClobberMemory();
    }
    countFrames(state, kBlock);
}
BENCHMARK(BM_PeerFloatBiquad);

void BM_BiquadSection(benchmark::State& state) {
    MultichannelBiquadFilter filter(bell(1000.0, 3.0, 1.0, kSampleRate), 2);
    AudioBuffer audio = noise(kBlock);
    for (auto _ : state) {
        filter.process(audio.block());
        benchmark::DoNotOptimize(audio.channel(0).data());
        benchmark::ClobberMemory();
    }
    countFrames(state, kBlock);
}
BENCHMARK(BM_BiquadSection);

void BM_BiquadSectionUnpaired(benchmark::State& state) {
    BiquadFilter left(bell(1000.0, 3.0, 1.0, kSampleRate)), right = left;
    AudioBuffer audio = noise(kBlock);
    for (auto _ : state) {
        left.process(audio.channel(0));
        right.process(audio.channel(1));
        benchmark::DoNotOptimize(audio.channel(0).data());
        benchmark::ClobberMemory();
    }
    countFrames(state, kBlock);
}
BENCHMARK(BM_BiquadSectionUnpaired);

std::vector<EqBand> sixBands(double shift) {
    return {
        {EqBandType::highPass, 30.0 * shift, 0.0, kButterworthQ, 4},
        {EqBandType::lowShelf, 120.0 * shift, 2.5, kButterworthQ, 2},
        {EqBandType::bell, 350.0 * shift, -3.0, 1.4, 2},
        {EqBandType::bell, 2500.0 * shift, 1.5, 0.8, 2},
        {EqBandType::highShelf, 12000.0 * shift, 3.0, kButterworthQ, 2},
        {EqBandType::lowPass, 19000.0, 0.0, kButterworthQ, 2},
    };
}

void BM_ParametricEq6(benchmark::State& state) {
    ParametricEq eq;
    (void)eq.setBands(sixBands(1.0));
    (void)eq.prepare({kSampleRate, 2, kBlock});
    AudioBuffer audio = noise(kBlock);
    for (auto _ : state) {
        eq.process(audio.block());
        benchmark::DoNotOptimize(audio.channel(0).data());
        benchmark::ClobberMemory();
    }
    countFrames(state, kBlock);
}
BENCHMARK(BM_ParametricEq6);

void BM_ParametricEq6Gliding(benchmark::State& state) {
    ParametricEq eq({1000.0, DesignMethod::matched});  // long glides: always gliding
    (void)eq.setBands(sixBands(1.0));
    (void)eq.prepare({kSampleRate, 2, kBlock});
    AudioBuffer audio = noise(kBlock);
    bool up = true;
    std::size_t frames = 0;
    for (auto _ : state) {
        if (frames % (kBlock * 64) == 0) {  // a new target before the previous glide ends
            (void)eq.setBands(sixBands(up ? 1.1 : 1.0));
            up = !up;
        }
        eq.process(audio.block());
        frames += kBlock;
        benchmark::DoNotOptimize(audio.channel(0).data());
        benchmark::ClobberMemory();
    }
    countFrames(state, kBlock);
}
BENCHMARK(BM_ParametricEq6Gliding);

}  // namespace

namespace {
// Cost of one design (what a gliding band pays every 16 samples).
void BM_DesignMatchedBell(benchmark::State& state) {
    double f = 1000.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(lathe::dsp::bell(f, 3.0, 1.0, kSampleRate));
        f = f < 2000.0 ? f * 1.001 : 1000.0;
    }
}
BENCHMARK(BM_DesignMatchedBell);

void BM_DesignMatchedHighPass4(benchmark::State& state) {
    double f = 30.0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(lathe::dsp::butterworthHighPass(4, f, kSampleRate, lathe::dsp::DesignMethod::matched));
        f = f < 60.0 ? f * 1.001 : 30.0;
    }
}
BENCHMARK(BM_DesignMatchedHighPass4);
}  // namespace
