// The default mastering chain of issue 3, timed as one job: 6-band parametric EQ -> 3-band LR4
// multiband compressor -> stereo imager -> 4x true-peak limiter, on 44.1 kHz stereo in 512-frame
// blocks, as lathe::mastering::Chain runs it (one virtual call per stage and block). The goal:
// at least 300x faster than real time on one core, i.e. at most 75.6 ns per stereo frame.
//
// Signal: 10 s of the synthesised demo mix (lathe/synth/demo_mix.h: drums, bass, pad, lead; peaks
// at -6 dBFS, about -22 LUFS), read block by block from a source buffer into the working block
// (the copy is part of the timed loop, as a render reads its input; it costs ~0.1 ns per frame).
// Settings are realistic and make every stage work: EQ gains of 1.5 to 3 dB, multiband thresholds
// the demo mix crosses (reported as counters: the largest gain reduction of each band), an imager
// at 115 % width with bass mono below 120 Hz and its correlation guard, and the limiter driven
// 14 dB into a -1 dBTP ceiling (its largest reduction is reported too).
//
// Counters: per_frame = time per stereo frame; realtime_x = seconds of audio per second of CPU.
//   BM_DefaultChain          the whole chain (the figure)
//   BM_DefaultChainNoLimiter the chain without the limiter (EQ + multiband + imager)
//   BM_ChainStage/<i>        each stage alone on the same signal and blocks, i = 0 EQ,
//                            1 multiband, 2 imager, 3 limiter: each owner's share
// Run: ./build/bin/lathe_benchmarks --benchmark_filter='Chain'

#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/dsp/denormals.h"
#include "lathe/dsp/multiband_compressor.h"
#include "lathe/dsp/parametric_eq.h"
#include "lathe/dsp/stereo_imager.h"
#include "lathe/dsp/true_peak_limiter.h"
#include "lathe/mastering/chain.h"
#include "lathe/synth/demo_mix.h"

namespace {

using namespace lathe;
using namespace lathe::dsp;

constexpr double kRate = 44100.0;
constexpr std::size_t kBlock = 512;
constexpr double kSeconds = 10.0;

const AudioBuffer& demoMix() {
    static const AudioBuffer mix = synth::makeDemoMix({kRate, kSeconds, -6.0, false, 0.0});
    return mix;
}

std::unique_ptr<ParametricEq> makeEq() {
    auto eq = std::make_unique<ParametricEq>();
    const std::vector<EqBand> bands = {
        {EqBandType::lowShelf, 90.0, 2.0, kButterworthQ, 2},
        {EqBandType::bell, 250.0, -2.5, 1.0, 2},
        {EqBandType::bell, 800.0, -1.5, 1.4, 2},
        {EqBandType::bell, 3000.0, 1.5, 0.9, 2},
        {EqBandType::bell, 6500.0, -2.0, 2.0, 2},
        {EqBandType::highShelf, 10000.0, 3.0, kButterworthQ, 2},
    };
    (void)eq->setBands(bands);
    return eq;
}

std::unique_ptr<MultibandCompressor> makeMultiband() {
    MultibandCompressor::Params p;
    p.numBands = 3;
    p.crossoverHz = {120.0f, 2500.0f, 0.0f, 0.0f};
    p.crossoverType = Crossover::Type::LinkwitzRiley4;
    const float thresholds[3] = {-26.0f, -28.0f, -32.0f};
    const float ratios[3] = {3.0f, 2.0f, 2.5f};
    const float attacks[3] = {30.0f, 10.0f, 5.0f};
    const float releases[3] = {200.0f, 120.0f, 80.0f};
    for (std::size_t j = 0; j < 3; ++j) {
        Compressor::Params& band = p.bands[j];
        band.thresholdDb = thresholds[j];
        band.ratio = ratios[j];
        band.kneeDb = 6.0f;
        band.attackMs = attacks[j];
        band.releaseMs = releases[j];
        band.autoRelease = true;
        band.peakHoldMs = j == 0 ? 10.0f : 2.0f;
    }
    p.lookaheadMs = 2.0f;
    return std::make_unique<MultibandCompressor>(p);
}

std::unique_ptr<StereoImager> makeImager() {
    StereoImager::Params p;
    p.numBands = 1;
    p.widthPercent.fill(115.0f);
    p.bassMonoHz = 120.0f;
    p.correlationGuard = true;
    return std::make_unique<StereoImager>(p);
}

std::unique_ptr<TruePeakLimiter> makeLimiter() {
    TruePeakLimiterParams p;
    p.ceilingDbtp = -1.0;
    p.inputGainDb = 14.0;
    p.oversamplingFactor = 4;
    return std::make_unique<TruePeakLimiter>(p);
}

// Runs `stage` over the demo mix in 512-frame blocks, every iteration the whole signal.
void run(benchmark::State& state, Stage& stage) {
    const AudioBuffer& source = demoMix();
    if (!stage.prepare({kRate, 2, kBlock}).ok()) {
        state.SkipWithError("prepare failed");
        return;
    }
    const ScopedFlushDenormals noDenormals;  // as the offline render does
    AudioBuffer work(2, kBlock);
    const std::size_t frames = source.numFrames();
    for (auto _ : state) {
        for (std::size_t offset = 0; offset < frames; offset += kBlock) {
            const std::size_t n = std::min(kBlock, frames - offset);
            for (int c = 0; c < 2; ++c) std::copy_n(source.channel(c).data() + offset, n, work.channel(c).data());
            stage.process(work.block().slice(0, n));
        }
        benchmark::DoNotOptimize(work.channel(0).data());
        benchmark::ClobberMemory();
    }
    const double perIteration = double(frames);
    state.counters["per_frame"] =
        benchmark::Counter(perIteration, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
    state.counters["realtime_x"] =
        benchmark::Counter(perIteration / kRate, benchmark::Counter::kIsIterationInvariantRate);
}

void reportMultiband(benchmark::State& state, const MultibandCompressor& multiband) {
    for (int j = 0; j < 3; ++j)
        state.counters["gr" + std::to_string(j) + "_db"] = double(multiband.maxGainReductionDb(j));
}

void BM_DefaultChain(benchmark::State& state) {
    mastering::Chain chain;
    chain.add(makeEq());
    auto multiband = makeMultiband();
    const MultibandCompressor& bands = *multiband;
    chain.add(std::move(multiband));
    chain.add(makeImager());
    auto limiter = makeLimiter();
    const TruePeakLimiter& limit = *limiter;
    chain.add(std::move(limiter));
    run(state, chain);
    reportMultiband(state, bands);
    state.counters["limiter_gr_db"] = limit.maxGainReductionDb();
}
BENCHMARK(BM_DefaultChain)->Unit(benchmark::kMillisecond);

void BM_DefaultChainNoLimiter(benchmark::State& state) {
    mastering::Chain chain;
    chain.add(makeEq());
    auto multiband = makeMultiband();
    const MultibandCompressor& bands = *multiband;
    chain.add(std::move(multiband));
    chain.add(makeImager());
    run(state, chain);
    reportMultiband(state, bands);
}
BENCHMARK(BM_DefaultChainNoLimiter)->Unit(benchmark::kMillisecond);

void BM_ChainStage(benchmark::State& state) {
    std::unique_ptr<Stage> stage;
    switch (state.range(0)) {
        case 0: stage = makeEq(); break;
        case 1: stage = makeMultiband(); break;
        case 2: stage = makeImager(); break;
        default: stage = makeLimiter(); break;
    }
    state.SetLabel(std::string(stage->name()));
    run(state, *stage);
}
BENCHMARK(BM_ChainStage)->DenseRange(0, 3)->Unit(benchmark::kMillisecond);

}  // namespace
