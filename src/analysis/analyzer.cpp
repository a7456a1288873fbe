// The whole-file analysis (see include/lathe/analysis/analyzer.h): feeds every part, then
// assembles their figures into one Analysis.
#include "lathe/analysis/analyzer.h"

#include <algorithm>
#include <cmath>
#include <semaphore>
#include <string>
#include <system_error>
#include <thread>

#include "lathe/analysis/dynamic_range_tt.h"
#include "lathe/analysis/level_stats.h"
#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/silence_detector.h"
#include "lathe/analysis/stereo_stats.h"
#include "lathe/analysis/true_peak_meter.h"

#include "analysis/block_pipeline.h"

namespace lathe::analysis {

namespace {
constexpr std::size_t kMaxChunkFrames = 8192;  // parts see blocks of at most this many frames
}

// The parts fall into two groups of similar cost: the true-peak meter (4x oversampling) and all
// the others. With `parallel`, a worker thread runs the true-peak meter on each block while the
// caller runs the others; process() returns when both are done, so every part sees the same
// blocks in the same order as in the sequential case.
struct Analyzer::State {
    double sampleRate = 0;
    int numChannels = 0;
    std::int64_t frames = 0;
    LoudnessMeter loudness;
    TruePeakMeter truePeak;
    LevelStats levels;
    StereoStats stereo;
    ThirdOctaveSpectrum spectrum;
    DynamicRangeTt dynamicRange;
    SilenceDetector silence;

    std::thread worker;
    std::binary_semaphore workStart{0};
    std::binary_semaphore workDone{0};
    ConstAudioBlock pending;  // the block the worker is to measure
    bool quit = false;

    State() = default;
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        if (worker.joinable()) {
            quit = true;
            workStart.release();
            worker.join();
        }
    }

    template <class Function>
    static void forEachChunk(ConstAudioBlock block, Function&& function) noexcept {
        for (std::size_t offset = 0; offset < block.numFrames(); offset += kMaxChunkFrames)
            function(block.slice(offset, std::min(kMaxChunkFrames, block.numFrames() - offset)));
    }
    void measureTruePeak(ConstAudioBlock block) noexcept {
        forEachChunk(block, [this](ConstAudioBlock chunk) { truePeak.process(chunk); });
    }
    void measureOthers(ConstAudioBlock block) noexcept {
        forEachChunk(block, [this](ConstAudioBlock chunk) {
            loudness.process(chunk);
            levels.process(chunk);
            if (numChannels >= 2) stereo.process(chunk);
            spectrum.process(chunk);
            dynamicRange.process(chunk);
            silence.process(chunk);
        });
        frames += static_cast<std::int64_t>(block.numFrames());
    }
    void workerLoop() noexcept {
        while (true) {
            workStart.acquire();
            if (quit) return;
            measureTruePeak(pending);
            workDone.release();
        }
    }
};

Analyzer::Analyzer() = default;
Analyzer::Analyzer(Analyzer&&) noexcept = default;
Analyzer& Analyzer::operator=(Analyzer&&) noexcept = default;
Analyzer::~Analyzer() = default;

Status Analyzer::prepare(double sampleRate, int numChannels, const AnalysisOptions& options, std::int64_t expectedFrames) {
    if (!(sampleRate >= kMinSampleRate && sampleRate <= kMaxSampleRate))
        return fail("analysis: unsupported sample rate " + std::to_string(sampleRate) + " Hz");
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("analysis: unsupported channel count " + std::to_string(numChannels));
    auto state = std::make_unique<State>();
    state->sampleRate = sampleRate;
    state->numChannels = numChannels;
    LoudnessMeterOptions loudnessOptions;
    loudnessOptions.recordSeries = options.recordSeries;
    loudnessOptions.measureMonoFold = numChannels == 2;
    loudnessOptions.expectedFrames = expectedFrames;
    for (Status status : {state->loudness.prepare(sampleRate, numChannels, loudnessOptions),
                          state->truePeak.prepare(sampleRate, numChannels, kMaxChunkFrames),
                          state->levels.prepare(numChannels),
                          numChannels >= 2 ? state->stereo.prepare(numChannels) : success(),
                          state->spectrum.prepare(sampleRate, numChannels),
                          state->dynamicRange.prepare(sampleRate, numChannels, expectedFrames),
                          state->silence.prepare(sampleRate)}) {
        if (!status) return status;
    }
    if (options.parallel) {
        try {
            state->worker = std::thread([raw = state.get()] { raw->workerLoop(); });
        } catch (const std::system_error&) {
            // No thread to be had: analyse sequentially (same figures).
        }
    }
    state_ = std::move(state);
    return success();
}

void Analyzer::process(ConstAudioBlock block) noexcept {
    // Handing a block to the worker costs two thread wake-ups: worth it only for blocks that take
    // longer than that to measure (the true-peak meter runs at about 10 ns per frame).
    constexpr std::size_t kMinParallelFrames = 2048;
    auto& s = *state_;
    if (s.worker.joinable() && block.numFrames() >= kMinParallelFrames) {
        s.pending = block;
        s.workStart.release();
        s.measureOthers(block);
        s.workDone.acquire();
    } else {
        s.measureTruePeak(block);
        s.measureOthers(block);
    }
}

Analysis Analyzer::finish() {
    auto& s = *state_;
    Analysis out;
    out.sampleRate = s.sampleRate;
    out.channels = s.numChannels;
    out.frames = s.frames;
    out.durationSeconds = double(s.frames) / s.sampleRate;

    const LoudnessResult loudness = s.loudness.result();
    out.integratedLufs = loudness.integratedLufs;
    out.loudnessRangeLu = loudness.loudnessRangeLu;
    out.maxMomentaryLufs = loudness.maxMomentaryLufs;
    out.maxShortTermLufs = loudness.maxShortTermLufs;
    out.seriesHopSeconds = loudness.seriesHopSeconds;
    out.momentaryLufs = loudness.momentaryLufs;
    out.shortTermLufs = loudness.shortTermLufs;

    const double truePeak = s.truePeak.truePeakLinear();
    if (truePeak > 0) out.truePeakDbtp = s.truePeak.truePeakDbtp();
    if (out.truePeakDbtp && out.integratedLufs) out.plrDb = *out.truePeakDbtp - *out.integratedLufs;

    const LevelStatsResult levels = s.levels.result();
    out.samplePeakDbfs = levels.samplePeakDbfs;
    out.rmsDbfs = levels.rmsDbfs;
    out.crestFactorDb = levels.crestFactorDb;
    out.dcOffsetDbfs = levels.dcOffsetDbfs;
    out.clippedRuns = levels.clippedRuns;

    if (s.numChannels >= 2) {
        const StereoStatsResult stereo = s.stereo.result();
        out.stereoCorrelation = stereo.correlation;
        out.sideToMidDb = stereo.sideToMidDb;
    }
    if (s.numChannels == 2 && loudness.monoFoldIntegratedLufs && loudness.integratedLufs)
        out.monoFoldDownLu = *loudness.monoFoldIntegratedLufs - *loudness.integratedLufs;

    ThirdOctaveSpectrumResult spectrum = s.spectrum.finish();
    out.thirdOctaveMidDb = std::move(spectrum.midDb);
    out.thirdOctaveSideDb = s.numChannels >= 2 ? std::move(spectrum.sideDb)
                                               : std::vector<std::optional<double>>(kThirdOctaveBandCount);
    out.spectralTiltDbPerOctave = spectrum.tiltDbPerOctave;

    const DynamicRangeTtResult dynamicRange = s.dynamicRange.result();
    if (dynamicRange.dr) out.drTt = double(*dynamicRange.dr);
    out.drTtDb = dynamicRange.drDb;

    const SilenceResult silence = s.silence.result();
    out.headSilenceSeconds = silence.headSeconds;
    out.tailSilenceSeconds = silence.tailSeconds;

    if (!levels.samplePeakDbfs) {
        out.warnings.emplace_back("silent: digital silence, every sample is zero; loudness and levels undefined");
    } else if (!out.integratedLufs) {
        out.warnings.emplace_back(out.durationSeconds < 0.4
                                      ? "silent: shorter than one 400 ms gating block; integrated loudness undefined"
                                      : "silent: no 400 ms block above the -70 LUFS gate; integrated loudness undefined");
    }
    if (s.numChannels == 2 && out.integratedLufs && !loudness.monoFoldIntegratedLufs)
        out.warnings.emplace_back("mono fold-down cancels: L + R is silent (channels are inverted copies)");
    if (out.clippedRuns > 0)
        out.warnings.push_back(std::to_string(out.clippedRuns) + " clipped run(s): 3 or more consecutive samples at full scale");
    return out;
}

Result<Analysis> analyzeFile(const std::filesystem::path& path, const AnalysisOptions& options) {
    auto reader = AudioFileReader::open(path);
    if (!reader) return reader.error();
    const AudioFileInfo& info = reader->info();
    // The pipeline below drives the two groups itself: no fork-join worker inside the Analyzer.
    AnalysisOptions analyzerOptions = options;
    analyzerOptions.parallel = false;
    Analyzer analyzer;
    if (auto status = analyzer.prepare(info.sampleRate, info.numChannels, analyzerOptions, info.numFrames); !status)
        return fail(path.string() + ": " + status.error().message);
    auto& s = *analyzer.state_;
    constexpr std::size_t kReadFrames = 65536;
    constexpr std::size_t kReadAheadBlocks = 8;  // 8 x 64k frames: 2 MiB per channel at most
    const BlockPipeline::Reader read = [&reader](AudioBlock block) { return reader->read(block); };
    std::vector<BlockPipeline::Consumer> consumers{[&s](ConstAudioBlock block) { s.measureTruePeak(block); },
                                                   [&s](ConstAudioBlock block) { s.measureOthers(block); }};
    if (!options.parallel)
        consumers = {[&s](ConstAudioBlock block) {
            s.measureTruePeak(block);
            s.measureOthers(block);
        }};
    if (auto status = BlockPipeline::run(info.numChannels, kReadFrames, options.parallel ? kReadAheadBlocks : 1, read, consumers);
        !status)
        return status.error();
    const std::int64_t framesRead = s.frames;
    if (framesRead != info.numFrames)
        return fail(path.string() + ": truncated: the header declares " + std::to_string(info.numFrames) +
                    " frames but the audio ends after " + std::to_string(framesRead));
    Analysis analysis = analyzer.finish();
    analysis.file = path.string();
    return analysis;
}

}  // namespace lathe::analysis
