// True-peak limiter and soft clipper throughput: ns per stereo frame at 44.1 kHz, 1024-frame blocks.
//   BM_TruePeakLimiter/0  pink noise well below the ceiling (no gain reduction)
//   BM_TruePeakLimiter/1  pink noise 12 dB into the ceiling (limiting all the time)
//   BM_TruePeakLimiterMaster  the demo mix (synthesised pre-master: drums, bass, pad, lead) at
//                         44.1 kHz, +8 dB into a -1.2 dBTP ceiling: a -14 LUFS master (up to 3.5 dB
//                         of gain reduction, the gain below 1 on 7 % of the frames), as in the
//                         render of `lathe master`
//   BM_SoftClipper        pink noise driven 6 dB into the curve, 4x
// Peer in the same run: BM_LimiterDetectionUnit, one 4x upsampling of a stereo block with the
// limiter's wide detection filter (0.48 fs, 60 dB). The limiter runs one of these and one of the
// meter's shorter filter on every frame (main stage), the same again where the main gain moved
// (safety stage), the parabola where a reading could pass the ceiling, and the envelopes.
// bench/speedup.sh compares against an earlier commit's limiter, built from its sources.
#include <benchmark/benchmark.h>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/oversampler.h"
#include "lathe/dsp/soft_clipper.h"
#include "lathe/dsp/true_peak_limiter.h"
#include "lathe/synth/demo_mix.h"
#include "util/random.h"

namespace {

constexpr double kRate = 44100.0;
constexpr std::size_t kBlock = 1024;
constexpr std::size_t kFrames = 64 * kBlock;  // cycle through 1.5 s of material

lathe::AudioBuffer pink(float amplitude) {
    lathe::AudioBuffer buffer(2, kFrames);
    lathe::Random random(11);
    for (int c = 0; c < 2; ++c) {
        double b0 = 0, b1 = 0, b2 = 0;
        for (float& s : buffer.channel(c)) {
            const double white = random.bipolar();
            b0 = 0.99765 * b0 + white * 0.0990460;
            b1 = 0.96300 * b1 + white * 0.2965164;
            b2 = 0.57000 * b2 + white * 1.0526913;
            s = float(amplitude * 0.25 * (b0 + b1 + b2 + white * 0.1848));
        }
    }
    return buffer;
}

template <class Stage>
void runStage(benchmark::State& state, Stage& stage, const lathe::AudioBuffer& source) {
    lathe::AudioBuffer work(2, kBlock);
    std::size_t offset = 0;
    const std::size_t frames = source.numFrames() / kBlock * kBlock;
    for (auto _ : state) {
        for (int c = 0; c < 2; ++c)
            std::copy_n(source.channel(c).begin() + std::ptrdiff_t(offset), kBlock, work.channel(c).begin());
        stage.process(work.block());
        benchmark::DoNotOptimize(work.channel(0)[0]);
        benchmark::ClobberMemory();
        offset = (offset + kBlock) % frames;
    }
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(kBlock), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_TruePeakLimiter(benchmark::State& state) {
    lathe::dsp::TruePeakLimiter limiter;
    (void)limiter.prepare({kRate, 2, kBlock});
    const auto source = pink(state.range(0) ? 4.0f : 0.1f);
    runStage(state, limiter, source);
    state.counters["max_gr_db"] = limiter.maxGainReductionDb();
}

void BM_TruePeakLimiterMaster(benchmark::State& state) {
    lathe::dsp::TruePeakLimiterParams params;
    params.ceilingDbtp = -1.2;
    params.inputGainDb = 8.0;
    lathe::dsp::TruePeakLimiter limiter(params);
    (void)limiter.prepare({kRate, 2, kBlock});
    lathe::synth::DemoMixParams mix;
    mix.sampleRate = kRate;
    mix.seconds = 8.0;
    const auto source = lathe::synth::makeDemoMix(mix);
    runStage(state, limiter, source);
    state.counters["max_gr_db"] = limiter.maxGainReductionDb();
}

void BM_SoftClipper(benchmark::State& state) {
    lathe::dsp::SoftClipperParams params;
    params.driveDb = 6.0;
    lathe::dsp::SoftClipper clipper(params);
    (void)clipper.prepare({kRate, 2, kBlock});
    runStage(state, clipper, pink(1.0f));
}

void BM_LimiterDetectionUnit(benchmark::State& state) {
    lathe::dsp::Oversampler os;
    (void)os.prepare({kRate, 2, kBlock}, {4, 0.48, 60.0});
    const auto source = pink(1.0f);
    for (auto _ : state) {
        const auto up = os.upsample(lathe::ConstAudioBlock(source.block()).slice(0, kBlock));
        benchmark::DoNotOptimize(up.channelData(0)[0]);
        benchmark::ClobberMemory();
    }
    state.counters["ns_per_stereo_frame"] = benchmark::Counter(
        double(state.iterations()) * double(kBlock), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(BM_TruePeakLimiter)->Arg(0)->Arg(1);
BENCHMARK(BM_TruePeakLimiterMaster);
BENCHMARK(BM_SoftClipper);
BENCHMARK(BM_LimiterDetectionUnit);
