// Dynamics benchmarks: ns per stereo frame at 44.1 kHz (counter "per_frame"), 4096-frame blocks,
// 10 s of pink-ish noise at about -12 dBFS. Peers measured in the same run:
//   BM_PeerTextbookCompressor  a minimal feed-forward compressor (hard knee, log-domain branching
//                              detector, one gain for both channels, no lookahead, no mix) -
//                              the floor any compressor pays for a log and an exp per frame
//   (BM_Multiband3 is naturally compared with 3 x BM_Compressor: the crossover's share is the rest)
//   BM_PeerMidSideWidth        a plain mid/side width multiply (what an imager without bands,
//                              bass mono or guard costs)
// Run: ./build/bin/lathe_benchmarks --benchmark_filter='Compressor|Multiband|Imager|Peer'

#include <benchmark/benchmark.h>

#include <cmath>
#include <memory>

#include "lathe/dsp/compressor.h"
#include "lathe/dsp/multiband_compressor.h"
#include "lathe/dsp/stereo_imager.h"
#include "util/random.h"

namespace {

constexpr double kRate = 44100.0;
constexpr std::size_t kBlock = 4096;

lathe::AudioBuffer testSignal() {
    const auto frames = static_cast<std::size_t>(10 * kRate);
    lathe::AudioBuffer buffer(2, frames);
    lathe::Random random(99);
    double low[2] = {0, 0};
    for (std::size_t i = 0; i < frames; ++i)
        for (int c = 0; c < 2; ++c) {
            low[c] = 0.97 * low[c] + 0.03 * random.bipolar();  // some weight in the lows
            buffer.channel(c)[i] = static_cast<float>(0.25 * (low[c] * 4 + 0.5 * random.bipolar()));
        }
    return buffer;
}

void runStage(benchmark::State& state, lathe::dsp::Stage& stage) {
    static const lathe::AudioBuffer source = testSignal();
    lathe::AudioBuffer work = source;
    if (!stage.prepare({kRate, 2, kBlock}).ok()) {
        state.SkipWithError("prepare failed");
        return;
    }
    for (auto _ : state) {
        auto block = work.block();
        for (std::size_t offset = 0; offset < work.numFrames(); offset += kBlock)
            stage.process(block.slice(offset, std::min(kBlock, work.numFrames() - offset)));
        benchmark::ClobberMemory();
    }
    state.counters["per_frame"] = benchmark::Counter(double(work.numFrames()),
                                                     benchmark::Counter::kIsIterationInvariantRate |
                                                         benchmark::Counter::kInvert);
}

lathe::dsp::Compressor::Params glueCompressor() {
    lathe::dsp::Compressor::Params p;
    p.thresholdDb = -24;
    p.ratio = 2;
    p.kneeDb = 6;
    p.attackMs = 10;
    p.releaseMs = 120;
    p.autoRelease = true;
    p.lookaheadMs = 2;
    p.sidechainHighPassHz = 90;
    return p;
}

void BM_Compressor(benchmark::State& state) {
    lathe::dsp::Compressor compressor(glueCompressor());
    runStage(state, compressor);
}
BENCHMARK(BM_Compressor)->Unit(benchmark::kMillisecond);

void BM_CompressorMidSideRms(benchmark::State& state) {
    auto p = glueCompressor();
    p.stereoMode = lathe::dsp::Compressor::StereoMode::MidSide;
    p.detector = lathe::dsp::Compressor::Detector::Rms;
    lathe::dsp::Compressor compressor(p);
    runStage(state, compressor);
}
BENCHMARK(BM_CompressorMidSideRms)->Unit(benchmark::kMillisecond);

lathe::dsp::MultibandCompressor::Params threeBandParams(lathe::dsp::Crossover::Type type) {
    lathe::dsp::MultibandCompressor::Params p;
    p.numBands = 3;
    p.crossoverHz = {150, 3000, 0, 0};
    p.crossoverType = type;
    for (auto& band : p.bands) {
        band = glueCompressor();
        band.sidechainHighPassHz = 0;
    }
    p.lookaheadMs = 2;
    return p;
}

void BM_Multiband3(benchmark::State& state) {
    lathe::dsp::MultibandCompressor multiband(threeBandParams(lathe::dsp::Crossover::Type::LinkwitzRiley4));
    runStage(state, multiband);
}
BENCHMARK(BM_Multiband3)->Unit(benchmark::kMillisecond);

void BM_Multiband3LinearPhase(benchmark::State& state) {
    lathe::dsp::MultibandCompressor multiband(threeBandParams(lathe::dsp::Crossover::Type::LinearPhase));
    runStage(state, multiband);
}
BENCHMARK(BM_Multiband3LinearPhase)->Unit(benchmark::kMillisecond);

void BM_Imager(benchmark::State& state) {
    lathe::dsp::StereoImager::Params p;
    p.numBands = 3;
    p.crossoverHz = {250, 4000, 0, 0};
    p.widthPercent = {100, 110, 130, 100, 100};
    p.bassMonoHz = 120;
    p.correlationFloor = 0.0f;
    lathe::dsp::StereoImager imager(p);
    runStage(state, imager);
}
BENCHMARK(BM_Imager)->Unit(benchmark::kMillisecond);

void BM_ImagerPlainWidth(benchmark::State& state) {
    lathe::dsp::StereoImager::Params p;
    p.widthPercent = {120, 120, 120, 120, 120};
    p.correlationGuard = false;
    lathe::dsp::StereoImager imager(p);
    runStage(state, imager);
}
BENCHMARK(BM_ImagerPlainWidth)->Unit(benchmark::kMillisecond);

// --- peers -------------------------------------------------------------------------------------

class TextbookCompressor final : public lathe::dsp::Stage {
public:
    lathe::Status prepare(const lathe::dsp::ProcessSpec& spec) override {
        attack_ = std::exp(-1.0 / (0.010 * spec.sampleRate));
        release_ = std::exp(-1.0 / (0.120 * spec.sampleRate));
        return lathe::success();
    }
    void reset() noexcept override { state_ = 0; }
    void process(lathe::AudioBlock block) noexcept override {
        float* l = block.channelData(0);
        float* r = block.channelData(1);
        for (std::size_t i = 0; i < block.numFrames(); ++i) {
            const double level = std::max(std::abs(l[i]), std::abs(r[i]));
            const double db = 20 * std::log10(level + 1e-12);
            const double target = db > -24 ? (db + 24) * 0.5 : 0.0;
            state_ = target > state_ ? attack_ * state_ + (1 - attack_) * target
                                     : release_ * state_ + (1 - release_) * target;
            const auto g = static_cast<float>(std::pow(10.0, -state_ / 20));
            l[i] *= g;
            r[i] *= g;
        }
    }
    [[nodiscard]] std::string_view name() const noexcept override { return "textbook"; }

private:
    double attack_ = 0, release_ = 0, state_ = 0;
};

void BM_PeerTextbookCompressor(benchmark::State& state) {
    TextbookCompressor compressor;
    runStage(state, compressor);
}
BENCHMARK(BM_PeerTextbookCompressor)->Unit(benchmark::kMillisecond);

class MidSideWidth final : public lathe::dsp::Stage {
public:
    lathe::Status prepare(const lathe::dsp::ProcessSpec&) override { return lathe::success(); }
    void reset() noexcept override {}
    void process(lathe::AudioBlock block) noexcept override {
        float* l = block.channelData(0);
        float* r = block.channelData(1);
        for (std::size_t i = 0; i < block.numFrames(); ++i) {
            const float mid = 0.5f * (l[i] + r[i]), side = 0.6f * (l[i] - r[i]);
            l[i] = mid + side;
            r[i] = mid - side;
        }
    }
    [[nodiscard]] std::string_view name() const noexcept override { return "ms_width"; }
};

void BM_PeerMidSideWidth(benchmark::State& state) {
    MidSideWidth width;
    runStage(state, width);
}
BENCHMARK(BM_PeerMidSideWidth)->Unit(benchmark::kMillisecond);

}  // namespace
