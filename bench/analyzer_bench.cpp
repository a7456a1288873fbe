// Throughput of the Analyzer and of each of its parts on 10 s of 44.1 kHz stereo pink noise,
// processed in 8192-frame blocks as analyzeFile does. Items = frames.
#include <benchmark/benchmark.h>

#include <cmath>

#include "lathe/analysis/analyzer.h"
#include "lathe/analysis/dynamic_range_tt.h"
#include "lathe/analysis/level_stats.h"
#include "lathe/analysis/silence_detector.h"
#include "lathe/analysis/stereo_stats.h"
#include "lathe/analysis/third_octave_spectrum.h"
#include "util/random.h"

namespace {

constexpr double kRate = 44100;
constexpr std::size_t kBlock = 8192;

const lathe::AudioBuffer& testAudio() {
    static const lathe::AudioBuffer audio = [] {
        lathe::AudioBuffer out(2, std::size_t(10 * kRate));
        lathe::Random random(9);
        for (int c = 0; c < 2; ++c) {
            double state = 0;
            for (auto& s : out.channel(c)) {
                state = 0.98 * state + 0.1 * random.bipolar();
                s = float(state);
            }
        }
        return out;
    }();
    return audio;
}

template <class Part>
void runBlocks(benchmark::State& state, Part& part) {
    const auto& audio = testAudio();
    for (auto _ : state) {
        for (std::size_t offset = 0; offset < audio.numFrames(); offset += kBlock)
            part.process(lathe::ConstAudioBlock(audio.block()).slice(offset, std::min(kBlock, audio.numFrames() - offset)));
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(std::int64_t(state.iterations()) * std::int64_t(audio.numFrames()));
}

void BM_LevelStats(benchmark::State& state) {
    lathe::analysis::LevelStats part;
    (void)part.prepare(2);
    runBlocks(state, part);
}
void BM_StereoStats(benchmark::State& state) {
    lathe::analysis::StereoStats part;
    (void)part.prepare(2);
    runBlocks(state, part);
}
void BM_ThirdOctaveSpectrum(benchmark::State& state) {
    lathe::analysis::ThirdOctaveSpectrum part;
    (void)part.prepare(kRate, 2);
    runBlocks(state, part);
}
void BM_DynamicRangeTt(benchmark::State& state) {
    lathe::analysis::DynamicRangeTt part;
    (void)part.prepare(kRate, 2);
    runBlocks(state, part);
}
void BM_SilenceDetector(benchmark::State& state) {
    lathe::analysis::SilenceDetector part;
    (void)part.prepare(kRate);
    runBlocks(state, part);
}
void BM_Analyzer(benchmark::State& state) {
    lathe::analysis::Analyzer part;
    (void)part.prepare(kRate, 2);
    runBlocks(state, part);
}

}  // namespace

BENCHMARK(BM_LevelStats)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_StereoStats)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ThirdOctaveSpectrum)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DynamicRangeTt)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SilenceDetector)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Analyzer)->Unit(benchmark::kMillisecond);
