#include "lathe/dsp/true_peak_limiter.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace lathe::dsp {

namespace {
// The main stage aims a hair below the ceiling and the safety stage between the two, so float
// rounding of gain x sample (half an ulp each) cannot carry a peak that sits exactly on its target
// past the ceiling, and the safety stage has something to catch before the guard would.
constexpr double kMainMarginDb = 0.002;
constexpr double kSafetyMarginDb = 0.001;
constexpr double kSafetyRampMs = 0.5;
constexpr double kSafetyReleaseMs = 2.0;
constexpr std::size_t kGuardFrames = 4;  // flat gain on each side of a peak (covers the detector's spread)
constexpr double kInputGainRampMs = 20.0;
// Detection filter: passband to 0.48 fs (transition 0.48..0.52 fs around the base Nyquist
// frequency) at 60 dB (0.1 % ripple, 0.009 dB). Full-band input (white noise, naive square waves)
// carries energy up to Nyquist that the oversampler's default 0.45 fs passband under-reads by up
// to 0.5 dB against a 32x reference; at 0.48 fs the worst case measured is 0.02 dB.
constexpr double kDetectorPassband = 0.48;
constexpr double kDetectorAttenuationDb = 60.0;
// The TruePeakMeter's interpolator (analysis/true_peak_meter.cpp): 4x (2x from 176.4 kHz),
// passband 0.45 fs, 50 dB, with the same parabolic refinement. Its images near Nyquist make it
// read full-band noise up to 0.3 dB above the wide detector; detecting with its twin as well keeps
// the meter's reading at or below the ceiling.
constexpr double kMeterPassband = 0.45;
constexpr double kMeterAttenuationDb = 50.0;
constexpr double kMeterTwoTimesFromHz = 176400.0;

double dbToGain(double db) { return std::pow(10.0, db / 20.0); }

// The gain that brings `peak` down to `target`; 1 when it is already below.
float requiredGain(float peak, float target) noexcept {
    if (!(peak <= 3.0e38f)) peak = 3.0e38f;  // Inf and NaN: as loud as a float gets
    return peak > target ? target / peak : 1.0f;
}

std::size_t framesFor(double ms, double sampleRate) {
    return static_cast<std::size_t>(std::max(1.0, std::round(ms * sampleRate / 1000.0)));
}
}  // namespace

void TruePeakLimiter::Delay::prepare(std::size_t frames) {
    delay = frames;
    std::size_t size = 1;
    while (size < frames + 1) size *= 2;
    ring.assign(size, 0.0f);
    mask = size - 1;
    write = 0;
}

void TruePeakLimiter::Delay::clear() noexcept {
    std::fill(ring.begin(), ring.end(), 0.0f);
    write = 0;
}

Status TruePeakLimiter::prepare(const ProcessSpec& spec) {
    const auto& p = params_;
    if (!(spec.sampleRate >= 8000.0 && spec.sampleRate <= 768000.0))
        return fail("true-peak limiter: sample rate " + std::to_string(spec.sampleRate) + " Hz is out of range (8 kHz to 768 kHz)");
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("true-peak limiter: " + std::to_string(spec.numChannels) + " channels is out of range (1 to 8)");
    if (spec.maxBlockFrames < 1) return fail("true-peak limiter: the maximum block size must be at least one frame");
    if (!(p.ceilingDbtp >= -60.0 && p.ceilingDbtp <= 0.0))
        return fail("true-peak limiter: the ceiling must be between -60 and 0 dBTP");
    if (!(p.lookaheadMs >= 0.1 && p.lookaheadMs <= 50.0))
        return fail("true-peak limiter: the lookahead must be between 0.1 and 50 ms");
    if (!(p.releaseMs >= 1.0 && p.releaseMs <= 5000.0))
        return fail("true-peak limiter: the release must be between 1 and 5000 ms");
    if (p.adaptiveRelease && !(p.transientReleaseMs >= 1.0 && p.transientReleaseMs <= p.releaseMs && p.sustainMs >= 1.0 && p.sustainMs <= 10000.0))
        return fail("true-peak limiter: the transient release must lie between 1 ms and the release, and the sustain time between 1 ms and 10 s");
    if (!(p.inputGainDb >= -60.0 && p.inputGainDb <= 60.0))
        return fail("true-peak limiter: the input gain must be between -60 and +60 dB");
    if (p.oversamplingFactor != 4 && p.oversamplingFactor != 8 && p.oversamplingFactor != 16)
        return fail("true-peak limiter: the oversampling factor must be 4, 8 or 16");

    sampleRate_ = spec.sampleRate;
    numChannels_ = spec.numChannels;
    maxBlockFrames_ = spec.maxBlockFrames;
    ceiling_ = static_cast<float>(dbToGain(p.ceilingDbtp));

    OversamplerParams detection;
    detection.factor = p.oversamplingFactor;
    detection.passbandFraction = kDetectorPassband;
    detection.stopbandAttenuationDb = kDetectorAttenuationDb;
    OversamplerParams meter;
    meter.factor = spec.sampleRate < kMeterTwoTimesFromHz ? 4 : 2;
    meter.passbandFraction = kMeterPassband;
    meter.stopbandAttenuationDb = kMeterAttenuationDb;
    const auto wideLatency = TruePeakDetector::naturalLatencyFrames(spec, detection);
    const auto meterLatency = TruePeakDetector::naturalLatencyFrames(spec, meter);
    if (!wideLatency.ok()) return wideLatency.error();
    if (!meterLatency.ok()) return meterLatency.error();
    const int detectorLatency = std::max(wideLatency.value(), meterLatency.value());
    for (auto* d : {&mainDetector_, &safetyDetector_})
        if (auto s = d->prepare(spec, detection, detectorLatency); !s.ok()) return s;
    for (auto* d : {&mainMeterDetector_, &safetyMeterDetector_})
        if (auto s = d->prepare(spec, meter, detectorLatency); !s.ok()) return s;

    LimiterGainEnvelopeParams main;
    main.sampleRate = spec.sampleRate;
    main.rampFrames = framesFor(p.lookaheadMs, spec.sampleRate);
    main.guardFrames = kGuardFrames;
    main.releaseMs = p.releaseMs;
    main.adaptiveRelease = p.adaptiveRelease;
    main.transientReleaseMs = p.transientReleaseMs;
    main.sustainMs = p.sustainMs;
    if (auto s = mainEnvelope_.prepare(main); !s.ok()) return s;

    LimiterGainEnvelopeParams safety;
    safety.sampleRate = spec.sampleRate;
    safety.rampFrames = std::max<std::size_t>(4, framesFor(kSafetyRampMs, spec.sampleRate));
    safety.guardFrames = kGuardFrames;
    safety.releaseMs = kSafetyReleaseMs;
    safety.adaptiveRelease = false;
    safety.transientReleaseMs = kSafetyReleaseMs;
    if (auto s = safetyEnvelope_.prepare(safety); !s.ok()) return s;

    const auto mainDelay = static_cast<std::size_t>(mainDetector_.latencyFrames() + mainEnvelope_.latencyFrames());
    const auto safetyDelay = static_cast<std::size_t>(safetyDetector_.latencyFrames() + safetyEnvelope_.latencyFrames());
    latency_ = static_cast<int>(mainDelay + safetyDelay);
    mainDelay_.assign(static_cast<std::size_t>(numChannels_), {});
    safetyDelay_.assign(static_cast<std::size_t>(numChannels_), {});
    for (auto& d : mainDelay_) d.prepare(mainDelay);
    for (auto& d : safetyDelay_) d.prepare(safetyDelay);
    mainGainDelay_.prepare(safetyDelay);

    scratch_.resize(numChannels_, maxBlockFrames_);
    peaks_.assign(maxBlockFrames_, 0.0f);
    meterPeaks_.assign(maxBlockFrames_, 0.0f);
    gains_.assign(maxBlockFrames_, 1.0f);
    inputGainRampFrames_ = framesFor(kInputGainRampMs, spec.sampleRate);
    inputGainTarget_ = static_cast<float>(dbToGain(p.inputGainDb));
    reset();
    return success();
}

void TruePeakLimiter::reset() noexcept {
    for (auto* d : {&mainDetector_, &mainMeterDetector_, &safetyDetector_, &safetyMeterDetector_}) d->reset();
    mainEnvelope_.reset();
    safetyEnvelope_.reset();
    for (auto& d : mainDelay_) d.clear();
    for (auto& d : safetyDelay_) d.clear();
    mainGainDelay_.clear();
    for (auto& d : mainGainDelay_.ring) d = 1.0f;
    inputGain_ = inputGainTarget_;
    inputGainRampLeft_ = 0;
    currentReductionDb_ = 0.0;
    maxReductionDb_ = 0.0;
    safetyCorrections_ = 0;
    safetyClips_ = 0;
}

void TruePeakLimiter::setInputGainDb(double gainDb) noexcept {
    params_.inputGainDb = gainDb;
    inputGainTarget_ = static_cast<float>(dbToGain(gainDb));
    if (inputGainRampFrames_ == 0 || inputGain_ == inputGainTarget_) {
        inputGain_ = inputGainTarget_;
        inputGainRampLeft_ = 0;
        return;
    }
    inputGainStep_ = static_cast<float>(std::pow(double(inputGainTarget_) / double(inputGain_), 1.0 / double(inputGainRampFrames_)));
    inputGainRampLeft_ = inputGainRampFrames_;
}

void TruePeakLimiter::process(AudioBlock block) noexcept { process(block, {}); }

void TruePeakLimiter::process(AudioBlock block, std::span<float> gain) noexcept {
    for (std::size_t offset = 0; offset < block.numFrames(); offset += maxBlockFrames_) {
        const std::size_t n = std::min(maxBlockFrames_, block.numFrames() - offset);
        processBlock(block.slice(offset, n), gain.empty() ? nullptr : gain.data() + offset);
    }
}

void TruePeakLimiter::processBlock(AudioBlock block, float* gainOut) noexcept {
    const std::size_t n = block.numFrames();
    const AudioBlock work = scratch_.block().slice(0, n);
    const std::span<float> peaks(peaks_.data(), n);
    const std::span<float> meterPeaks(meterPeaks_.data(), n);
    const float mainTarget = static_cast<float>(ceiling_ * dbToGain(-kMainMarginDb));
    const float safetyTarget = static_cast<float>(ceiling_ * dbToGain(-kSafetyMarginDb));

    // Input gain (per frame, shared by all channels).
    for (std::size_t i = 0; i < n; ++i) {
        if (inputGainRampLeft_ > 0) {
            inputGain_ *= inputGainStep_;
            if (--inputGainRampLeft_ == 0) inputGain_ = inputGainTarget_;
        }
        gains_[i] = inputGain_;
    }
    for (int c = 0; c < numChannels_; ++c) {
        const float* in = block.channelData(c);
        float* out = work.channelData(c);
        for (std::size_t i = 0; i < n; ++i) out[i] = in[i] * gains_[i];
    }

    // Main stage: detect, compute the gain, apply it to the delayed audio.
    mainDetector_.process(work, peaks);
    mainMeterDetector_.process(work, meterPeaks);
    for (std::size_t i = 0; i < n; ++i)
        gains_[i] = mainEnvelope_.push(requiredGain(std::max(peaks[i], meterPeaks[i]), mainTarget));
    for (int c = 0; c < numChannels_; ++c) {
        float* x = work.channelData(c);
        Delay& delay = mainDelay_[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < n; ++i) x[i] = delay.push(x[i]) * gains_[i];
    }

    // Safety stage: re-detect on the output, correct what is still over.
    safetyDetector_.process(work, peaks);
    safetyMeterDetector_.process(work, meterPeaks);
    float minTotal = 1.0f, total = 1.0f;
    for (std::size_t i = 0; i < n; ++i) {
        const float mainGain = mainGainDelay_.push(gains_[i]);
        const float safetyGain = safetyEnvelope_.push(requiredGain(std::max(peaks[i], meterPeaks[i]), safetyTarget));
        if (safetyGain < 1.0f) ++safetyCorrections_;
        gains_[i] = safetyGain;
        total = mainGain * safetyGain;
        minTotal = std::min(minTotal, total);
        if (gainOut != nullptr) gainOut[i] = total;
    }
    for (int c = 0; c < numChannels_; ++c) {
        const float* x = work.channelData(c);
        float* out = block.channelData(c);
        Delay& delay = safetyDelay_[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < n; ++i) {
            float y = delay.push(x[i]) * gains_[i];
            // The guard: never reached by the stages above on any signal we know; counted if it is.
            if (std::abs(y) > ceiling_) {
                y = std::copysign(ceiling_, y);
                ++safetyClips_;
            }
            out[i] = y;
        }
    }

    if (n > 0) {
        currentReductionDb_ = total < 1.0f ? -20.0 * std::log10(static_cast<double>(total)) : 0.0;
        if (minTotal < 1.0f) maxReductionDb_ = std::max(maxReductionDb_, -20.0 * std::log10(static_cast<double>(minTotal)));
    }
}

}  // namespace lathe::dsp
