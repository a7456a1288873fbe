// masterFile(): analyze -> plan -> render -> loudness iteration -> dither -> write -> verify.
#include "lathe/mastering/master.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/true_peak_meter.h"
#include "lathe/dsp/denormals.h"
#include "lathe/mastering/chain.h"
#include "lathe/resampler.h"
#include "mastering/limiter_loudness_model.h"
#include "reference_refine.h"
#include "mastering/level_measure.h"
#include "stage_factory.h"
#include "util/text.h"

namespace lathe::mastering {
namespace {

// Limiter gain reduction beyond the planner's expectation that the report points out (dB), and the
// reduction from which it warns.
constexpr double kReductionSurpriseDb = 2.0;
constexpr double kHeavyLimitingDb = 6.0;

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

Error fileError(const std::filesystem::path& path, const std::string& problem) { return fail(path.string() + ": " + problem); }

analysis::Analysis analyzeBuffer(ConstAudioBlock audio, double sampleRate, const std::string& name, bool series) {
    analysis::Analyzer analyzer;
    analysis::AnalysisOptions options;
    options.recordSeries = series;
    (void)analyzer.prepare(sampleRate, audio.numChannels(), options, std::int64_t(audio.numFrames()));
    constexpr std::size_t kBlock = 65536;
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += kBlock)
        analyzer.process(audio.slice(offset, std::min(kBlock, audio.numFrames() - offset)));
    auto result = analyzer.finish();
    result.file = name;
    return result;
}


// Renders the limiter tail over `input` into `output` (same length, the latency trimmed), then the
// word-length stage when there is one, and analyses the result on the way: the samples as they will
// be written. One block at a time (no whole-signal copies); the same samples as renderOffline() of
// each stage in turn, the stages being block-size invariant.
Result<analysis::Analysis> renderDelivered(dsp::Stage& limiter, dsp::Stage* wordLength, ConstAudioBlock input, double sampleRate,
                                           AudioBuffer& output) {
    constexpr std::size_t kBlock = 4096;
    const int channels = input.numChannels();
    const std::size_t frames = input.numFrames();
    if (auto status = limiter.prepare({sampleRate, channels, kBlock}); !status) return status.error();
    if (wordLength != nullptr)
        if (auto status = wordLength->prepare({sampleRate, channels, kBlock}); !status) return status.error();
    analysis::Analyzer analyzer;
    if (auto status = analyzer.prepare(sampleRate, channels, {}, std::int64_t(frames)); !status) return status.error();
    const dsp::ScopedFlushDenormals noDenormals;
    const auto latency = static_cast<std::size_t>(std::max(0, limiter.latencyFrames()));
    AudioBuffer work(channels, kBlock);
    for (std::size_t position = 0; position < frames + latency; position += kBlock) {
        const std::size_t n = std::min(kBlock, frames + latency - position);
        const std::size_t available = position < frames ? std::min(n, frames - position) : 0;
        for (int c = 0; c < channels; ++c) {
            const auto source = input.channel(c).subspan(position, available);
            auto destination = work.channel(c);
            std::copy(source.begin(), source.end(), destination.begin());
            std::fill(destination.begin() + std::ptrdiff_t(available), destination.begin() + std::ptrdiff_t(n), 0.0f);
        }
        limiter.process(work.block().slice(0, n));
        // Limiter output frame position + i is delivered frame position + i - latency.
        const std::size_t skip = position < latency ? std::min(n, latency - position) : 0;
        if (skip == n) continue;
        const AudioBlock out = work.block().slice(skip, n - skip);
        if (wordLength != nullptr) wordLength->process(out);
        analyzer.process(out);
        for (int c = 0; c < channels; ++c)
            std::copy(out.channel(c).begin(), out.channel(c).end(), output.channel(c).begin() + std::ptrdiff_t(position + skip - latency));
    }
    return analyzer.finish();
}

bool sameSamples(ConstAudioBlock a, ConstAudioBlock b) {
    if (a.numChannels() != b.numChannels() || a.numFrames() != b.numFrames()) return false;
    for (int c = 0; c < a.numChannels(); ++c)
        if (!std::equal(a.channel(c).begin(), a.channel(c).end(), b.channel(c).begin(),
                        [](float x, float y) { return std::bit_cast<std::uint32_t>(x) == std::bit_cast<std::uint32_t>(y); }))
            return false;
    return true;
}

AudioBuffer sliceCopy(ConstAudioBlock audio, std::size_t start, std::size_t count) {
    AudioBuffer out(audio.numChannels(), count);
    for (int c = 0; c < audio.numChannels(); ++c) {
        const auto source = audio.channel(c).subspan(start, count);
        std::copy(source.begin(), source.end(), out.channel(c).begin());
    }
    return out;
}

const char* encodingName(SampleEncoding encoding) {
    switch (encoding) {
        case SampleEncoding::Pcm16: return "PCM 16-bit";
        case SampleEncoding::Pcm24: return "PCM 24-bit";
        case SampleEncoding::Float32: return "float 32-bit";
    }
    return "?";
}

}  // namespace

std::pair<std::size_t, std::size_t> loudestSection(ConstAudioBlock audio, double sampleRate, double seconds) {
    const auto length = static_cast<std::size_t>(seconds * sampleRate);
    if (audio.numFrames() <= length) return {0, audio.numFrames()};
    // Mean-square energy per 100 ms step, summed over a sliding window of `seconds`.
    const auto step = static_cast<std::size_t>(sampleRate / 10.0);
    std::vector<double> energy;
    for (std::size_t offset = 0; offset + step <= audio.numFrames(); offset += step) {
        double sum = 0.0;
        for (int c = 0; c < audio.numChannels(); ++c)
            for (float s : audio.channel(c).subspan(offset, step)) sum += double(s) * s;
        energy.push_back(sum);
    }
    const std::size_t windowSteps = length / step;
    double window = 0.0, best = -1.0;
    std::size_t bestStart = 0;
    for (std::size_t i = 0; i < energy.size(); ++i) {
        window += energy[i];
        if (i >= windowSteps) window -= energy[i - windowSteps];
        if (i + 1 >= windowSteps && window > best) {
            best = window;
            bestStart = (i + 1 - windowSteps) * step;
        }
    }
    return {bestStart, std::min(length, audio.numFrames() - bestStart)};
}

AudioBuffer downmixToStereo(ConstAudioBlock audio) {
    // Channel order L R C LFE Ls Rs (Lb Rb): C and surrounds at -3 dB into each side, LFE dropped.
    constexpr float kMinus3Db = 0.70710678f;
    AudioBuffer out(2, audio.numFrames());
    const int n = audio.numChannels();
    auto gainFor = [n](int channel, int side) -> float {
        if (channel < 2) return channel == side ? 1.0f : 0.0f;
        if (channel == 2) return kMinus3Db;  // C
        if (channel == 3 && n >= 6) return 0.0f;  // LFE
        const int surroundIndex = channel - (n >= 6 ? 4 : 3);
        return (surroundIndex % 2) == side ? kMinus3Db : 0.0f;
    };
    for (int side = 0; side < 2; ++side) {
        auto dst = out.channel(side);
        for (int c = 0; c < n; ++c) {
            const float g = gainFor(c, side);
            if (g == 0.0f) continue;
            const auto src = audio.channel(c);
            for (std::size_t i = 0; i < dst.size(); ++i) dst[i] += g * src[i];
        }
    }
    return out;
}

Result<MasterReport> masterFile(const MasterRequest& request) {
    const auto start = Clock::now();
    MasterReport report;
    report.input = request.input.string();
    report.output = request.output.string();
    report.target = request.plan.target;

    // Refuse to overwrite the input before doing any work.
    {
        std::error_code ec;
        if (std::filesystem::exists(request.output, ec) && std::filesystem::equivalent(request.input, request.output, ec))
            return fileError(request.output, "is the input file; choose another output path");
        if (std::filesystem::weakly_canonical(request.input, ec) == std::filesystem::weakly_canonical(request.output, ec))
            return fileError(request.output, "is the input file; choose another output path");
    }
    auto fileFormat = request.format ? Result<FileFormat>(*request.format) : formatFromExtension(request.output);
    if (!fileFormat) return fileFormat.error();
    const SampleEncoding encoding = request.encoding.value_or(request.plan.target.encoding.value_or(SampleEncoding::Pcm24));
    if (*fileFormat == FileFormat::Flac && encoding == SampleEncoding::Float32)
        return fileError(request.output, "FLAC cannot hold 32-bit float; use --bit-depth 16 or 24");

    auto decoded = readAudioFile(request.input);
    if (!decoded) return decoded.error();
    const double inputRate = decoded->info.sampleRate;
    AudioBuffer audio = std::move(decoded->audio);
    if (audio.numChannels() > 2) {
        if (!request.downmix)
            return fileError(request.input, formatText("has %d channels; lathe masters mono or stereo (use --downmix to fold "
                                                   "to stereo)", audio.numChannels()));
        audio = downmixToStereo(audio.block());
        report.warnings.push_back(formatText("downmixed %d channels to stereo (ITU-R BS.775, LFE dropped)", decoded->info.numChannels));
    }
    if (double(audio.numFrames()) < inputRate) return fileError(request.input, "shorter than 1 s: too short to master");

    // Analyze.
    auto phase = Clock::now();
    if (request.preview) {
        const auto [first, count] = loudestSection(audio.block(), inputRate, 30.0);
        report.previewStartSeconds = double(first) / inputRate;
        report.previewSeconds = double(count) / inputRate;
        audio = sliceCopy(audio.block(), first, count);
    }
    report.before = analyzeBuffer(audio.block(), inputRate, report.input, request.recordSeries);
    if (!report.before.integratedLufs)
        return fileError(request.input, "is silent (no block above the -70 LUFS gate): nothing to master");
    report.timing.analyzeSeconds = secondsSince(phase);

    // Plan. Reference matching compares the mix's profile, measured like the reference's.
    PlanRequest planRequest = request.plan;
    if (planRequest.reference && !planRequest.mixProfile)
        planRequest.mixProfile = profileOf(audio.block(), inputRate, report.before, report.input);
    report.plan = planMaster(report.before, planRequest);
    if (auto refined = refineReferenceMatch(report.plan, planRequest, audio.block(), inputRate); !refined)
        return fail("render: " + refined.error().message);
    for (const auto& w : report.plan.warnings) report.warnings.push_back(w);

    // Render the pre-limiter chain (at the delivered rate: resampled before the limiter, so true
    // peaks are controlled at that rate). The dynamics are planned again below, on what the limiter
    // really gets; when that adds glue compression, the chain is rendered once more.
    phase = Clock::now();
    const double outputRate = request.sampleRateHz.value_or(request.plan.target.sampleRateHz.value_or(inputRate));
    auto renderPreLimiter = [&]() -> Result<AudioBuffer> {
        auto chain = buildPreLimiterChain(report.plan, audio.numChannels());
        auto rendered = renderOffline(*chain, audio.block(), inputRate);
        if (!rendered) return fail("render: " + rendered.error().message);
        if (outputRate == inputRate) return rendered;
        return resample(rendered->block(), inputRate, outputRate);
    };
    auto rendered = renderPreLimiter();
    if (!rendered) return rendered.error();
    AudioBuffer preLimiter = std::move(*rendered);
    if (outputRate != inputRate)
        report.plan.decisions.push_back({"resample", formatText("%.0f Hz -> %.0f Hz (libsoxr, very high quality)", inputRate, outputRate),
                                         request.sampleRateHz ? "--sample-rate" : "the target's delivery format"});
    report.outputSampleRate = outputRate;
    report.timing.renderSeconds = secondsSince(phase);

    // Gain into the limiter, found on the delivered samples (limiter, then dither): each render is
    // analysed as it will be written. Without a clipper the LimiterLoudnessModel predicts the gain
    // (one render lands within the tolerance: the model agrees with rendering to thousandths of a
    // LU); a miss corrects the model by its measured error there and predicts again.
    phase = Clock::now();
    const double targetLufs = report.plan.loudness.plannedLufs;
    // EBU Tech 3341 lets a compliant true-peak meter read up to 0.2 dB high; hard-limited material is
    // where 4x meters over-read most (libebur128 by up to 0.12 dB on our tests). Delivering 0.2 dB
    // under the ceiling on lathe's meter keeps the file at or below the ceiling on any compliant meter.
    constexpr double kMeterToleranceDb = 0.2;
    const double safeCeiling = std::min(report.plan.limiter.ceilingDbtp - kMeterToleranceDb,
                                        report.plan.limiter.peakTargetDbtp.value_or(report.plan.limiter.ceilingDbtp));
    MasteringPlan limiterPlan = report.plan;  // its limiter ceiling may be lowered below
    limiterPlan.limiter.ceilingDbtp = safeCeiling;
    report.plan.decisions.push_back({"limiter", formatText("true peak held at %.2f dBTP", safeCeiling),
                                     safeCeiling < report.plan.limiter.ceilingDbtp - kMeterToleranceDb
                                         ? "the dynamics match's peak target (see above)"
                                         : "0.2 dB under the ceiling: EBU Tech 3341 allows meters to read 0.2 dB high, so the file "
                                           "passes any compliant meter"});
    const auto dither = buildDither(encoding);
    report.dithered = dither != nullptr;
    // The model covers the limiter alone: a clipper before it (nonlinear, its ceiling set from the
    // gained signal's true peak) takes a share of the peaks that varies with the gain; then a secant
    // on the measured loudness finds the gain instead.
    bool modelled = false;
    LimiterLoudnessModel model;
    Measured preMeasured{};
    std::optional<double> predictedGainDb;  // the model's gain into the limiter for the target
    auto measurePreLimiter = [&]() -> Status {
        modelled = !report.plan.clipper.enabled;
        predictedGainDb.reset();
        if (!modelled) {
            preMeasured = measure(preLimiter.block(), outputRate);
            return success();
        }
        if (auto status = model.prepare(preLimiter.block(), outputRate, limiterParams(limiterPlan.limiter)); !status)
            return fail("limiter: " + status.error().message);
        preMeasured = {model.inputLufs(), model.peakReadingDbtp()};
        predictedGainDb = model.solveGainDb(targetLufs, targetLufs - preMeasured.integratedLufs);
        return success();
    };
    if (auto status = measurePreLimiter(); !status) return status.error();
    // The dynamics again, on the pre-limiter signal's own loudness and true peak (from the pass just
    // made): a glue compressor added means another render; a clipper, the measured (unmodelled) path.
    const bool hadClipper = report.plan.clipper.enabled;
    if (replanDynamics(report.plan, planRequest, preMeasured.integratedLufs, preMeasured.truePeakDbtp, predictedGainDb)) {
        auto again = renderPreLimiter();
        if (!again) return again.error();
        preLimiter = std::move(*again);
        if (auto status = measurePreLimiter(); !status) return status.error();
    } else if (report.plan.clipper.enabled != hadClipper) {
        if (auto status = measurePreLimiter(); !status) return status.error();
    }
    limiterPlan.clipper = report.plan.clipper;
    audio = AudioBuffer();  // release the input
    AudioBuffer limited(preLimiter.numChannels(), preLimiter.numFrames());
    analysis::Analysis delivered;  // of the latest render
    double limiterReductionDb = 0.0;
    auto limitWithGain = [&](double gainDb) -> Result<Measured> {
        auto limiter = buildLimiter(limiterPlan, gainDb, preMeasured.truePeakDbtp);
        auto analysis = renderDelivered(limiter->stage(), dither.get(), preLimiter.block(), outputRate, limited);
        if (!analysis) return analysis.error();
        delivered = std::move(*analysis);
        limiterReductionDb = limiter->maxReductionDb();
        const Measured m{delivered.integratedLufs.value_or(-70.0), delivered.truePeakDbtp.value_or(-std::numeric_limits<double>::infinity())};
        report.iterations.push_back({gainDb, m.integratedLufs, m.truePeakDbtp});
        return m;
    };
    constexpr double kLoudnessToleranceLu = 0.03;
    constexpr int kMaxIterations = 8;
    double gain = predictedGainDb.value_or(targetLufs - preMeasured.integratedLufs);
    double bestGain = gain, bestError = 1e9;
    double previousGain = 0.0, previousLufs = 0.0;
    for (int iteration = 0; iteration < kMaxIterations; ++iteration) {
        auto m = limitWithGain(gain);
        if (!m) return m.error();
        const double error = m->integratedLufs - targetLufs;
        if (std::abs(error) < std::abs(bestError)) bestGain = gain, bestError = error;
        // The model's error at this gain (it varies slowly with the gain).
        const double bias = modelled ? m->integratedLufs - model.predictLufs(gain) : 0.0;
        if (std::abs(error) < kLoudnessToleranceLu) {
            // Inter-sample peaks the limiter's detector missed: lower its ceiling by the excess and redo.
            if (m->truePeakDbtp > safeCeiling && limiterPlan.limiter.ceilingDbtp > safeCeiling - 0.5) {
                limiterPlan.limiter.ceilingDbtp -= (m->truePeakDbtp - safeCeiling) + 0.005;
                bestError = 1e9;
                if (modelled) {
                    if (auto status = model.setCeilingDbtp(limiterPlan.limiter.ceilingDbtp); !status) return status.error();
                    gain = model.solveGainDb(targetLufs - bias, gain);
                }
                previousGain = gain, previousLufs = m->integratedLufs;
                continue;
            }
            break;
        }
        double next = gain - error;  // unit slope
        if (modelled) {
            next = model.solveGainDb(targetLufs - bias, gain);
        } else if (iteration > 0 && std::abs(gain - previousGain) > 1e-6) {
            const double slope = (m->integratedLufs - previousLufs) / (gain - previousGain);
            if (slope > 0.05) next = gain - error / slope;
        }
        previousGain = gain, previousLufs = m->integratedLufs;
        gain = std::clamp(next, gain - 12.0, gain + 12.0);
    }
    if (std::abs(bestError) >= kLoudnessToleranceLu && bestGain != report.iterations.back().gainDb) {
        auto m = limitWithGain(bestGain);
        if (!m) return m.error();
    }
    report.limiterGainDb = report.iterations.back().gainDb;
    report.maxLimiterReductionDb = limiterReductionDb;
    // The expectation the dynamics were planned on (replanDynamics: from the rendered pre-limiter
    // signal) against the limiter's real work: say so when it worked much harder (the estimate
    // counts the highest peak, the limiter also takes dense passages down).
    const double expected = report.plan.limiter.expectedPeakReductionDb;
    const bool dynamicsHeld = !dynamicsProcessingAllowed(report.plan, planRequest);
    if (limiterReductionDb > expected + kReductionSurpriseDb)
        report.plan.decisions.push_back(
            {"limiter", formatText("measured gain reduction %.1f dB", limiterReductionDb),
             formatText("%.1f dB more than the %.1f dB expected from the rendered pre-limiter signal; %s",
                        limiterReductionDb - expected, expected,
                        dynamicsHeld ? "glue compression and the clipper are not used (amount 0 or \"keep it dynamic\")"
                                     : "glue compression and the clipper were decided on the expectation")});
    if (limiterReductionDb > kHeavyLimitingDb)
        report.warnings.push_back(formatText("the limiter takes up to %.1f dB of gain reduction (%.1f dB expected from the "
                                             "rendered pre-limiter signal): listen to the loudest passages; %s",
                                             limiterReductionDb, expected,
                                             dynamicsHeld ? "a lower target, or allowing glue compression and the clipper "
                                                            "(amount above 0, no \"keep it dynamic\"), eases it"
                                                          : "a lower target eases it"));
    report.timing.loudnessSeconds = secondsSince(phase);
    preLimiter = AudioBuffer();
    model = LimiterLoudnessModel();

    // An atomic write of the delivered samples (word length already reduced above).
    phase = Clock::now();
    report.outputEncoding = encodingName(encoding);
    WriteOptions options;
    options.format = *fileFormat;
    options.encoding = encoding;
    options.protectedPaths = {request.input};
    if (auto status = writeAudioFile(request.output, limited.block(), outputRate, options); !status) return status.error();
    report.timing.writeSeconds = secondsSince(phase);

    // Verify on the file as written: read back, it holds exactly the samples analysed above (else
    // its own samples are analysed).
    phase = Clock::now();
    auto written = readAudioFile(request.output);
    if (!written) return fail("verify: " + written.error().message);
    if (written->info.sampleRate == outputRate && sameSamples(written->audio.block(), limited.block())) {
        report.after = std::move(delivered);
        report.after.file = report.output;
    } else {
        report.after = analyzeBuffer(written->audio.block(), written->info.sampleRate, report.output, false);
    }
    limited = AudioBuffer();
    if (report.plan.reference)
        report.referenceAfter = profileDistance(profileOf(written->audio.block(), written->info.sampleRate, report.after, report.output),
                                                report.plan.reference->reference);
    report.timing.verifySeconds = secondsSince(phase);
    if (report.after.integratedLufs && std::abs(*report.after.integratedLufs - targetLufs) > 0.1)
        report.warnings.push_back(formatText("delivered loudness %.2f LUFS is %.2f LU from the %.1f LUFS plan",
                                         *report.after.integratedLufs, *report.after.integratedLufs - targetLufs, targetLufs));
    if (report.after.truePeakDbtp && *report.after.truePeakDbtp > report.plan.limiter.ceilingDbtp)
        report.warnings.push_back(formatText("delivered true peak %.2f dBTP is above the %.1f dBTP ceiling",
                                         *report.after.truePeakDbtp, report.plan.limiter.ceilingDbtp));
    report.timing.totalSeconds = secondsSince(start);
    return report;
}

}  // namespace lathe::mastering
