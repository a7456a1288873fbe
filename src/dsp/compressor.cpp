#include "lathe/dsp/compressor.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "dsp/fast_log_exp.h"
#include "dsp/vector_clones.h"
#include "dsp/vector_types.h"
#include "lathe/dsp/biquad_design.h"

namespace lathe::dsp {

// ---------------------------------------------------------------------------------------------
// SmoothPeakDetector

double SmoothPeakDetector::coefficient(double timeMs, double sampleRate) noexcept {
    if (!(timeMs > 0.0)) return 0.0;
    return std::exp(-1000.0 / (timeMs * sampleRate));
}

void SmoothPeakDetector::setTimes(double attackMs, double releaseMs, double sampleRate,
                                  double autoReleaseSlowMs) noexcept {
    attack_ = coefficient(attackMs, sampleRate);
    release_ = coefficient(releaseMs, sampleRate);
    autoRelease_ = autoReleaseSlowMs > 0.0;
    slowCoefficient_ = coefficient(autoReleaseSlowMs, sampleRate);
}

// process() in vector lanes: lane 0 is the fast branch, lane 1 the slow one. Both candidates of the
// fast branch are computed and the direction test selects lane 0 (lane 1 is the same in both
// candidates). Each lane does exactly process()'s arithmetic, so the bits are process()'s.
struct SmoothPeakDetector::Lanes {
    Double2 risingCoefficient, fallingCoefficient, risingInput, fallingInput;
    Double2 state, largest;
    Mask2 fastOnly;  // all ones without program-dependent release: the output is the fast branch

    Lanes() = default;
    explicit Lanes(const SmoothPeakDetector& d) noexcept {
        const double slow = d.autoRelease_ ? d.slowCoefficient_ : 0.0;
        risingCoefficient = Double2{d.attack_, slow};
        fallingCoefficient = Double2{d.release_, slow};
        risingInput = Double2{1.0 - d.attack_, 1.0 - slow};
        fallingInput = Double2{1.0 - d.release_, 1.0 - slow};
        state = Double2{d.fast_, d.slow_};
        largest = Double2{0.0, 0.0};
        fastOnly = d.autoRelease_ ? Mask2{0, 0} : Mask2{-1, -1};
    }
    void storeInto(SmoothPeakDetector& d) const noexcept {
        d.fast_ = state[0];
        if (d.autoRelease_) d.slow_ = state[1];
    }
    [[gnu::always_inline]] double step(double value) noexcept {
        const Double2 input{value, value};
        const Double2 rising = risingCoefficient * state + risingInput * input;
        const Double2 falling = fallingCoefficient * state + fallingInput * input;
        state = select(input > state, rising, falling);
        const Double2 swapped = __builtin_shufflevector(state, state, 1, 0);
        const Double2 out = select((state > swapped) | fastOnly, state, swapped);  // fast > slow ? fast : slow
        largest = select(largest < out, out, largest);                            // std::max(largest, out)
        return out[0];
    }
};

double SmoothPeakDetector::process(std::span<double> values) noexcept {
    Lanes lanes(*this);
    for (double& value : values) value = lanes.step(value);
    lanes.storeInto(*this);
    return lanes.largest[0];
}

LATHE_VECTOR_CLONES void SmoothPeakDetector::processTogether(std::span<SmoothPeakDetector* const> detectors,
                                                             std::span<double* const> values,
                                                             std::span<double* const> scratch, std::size_t frames,
                                                             double* largest) noexcept {
    assert(detectors.size() == values.size() && detectors.size() == scratch.size());
    // In groups of up to four: one loop over the frames steps every detector of the group and keeps
    // only the recursion in it: the state (fast, slow) goes to scratch, and the output select
    // (fast > slow ? fast : slow) runs afterwards as a vectorised pass. The largest output is the
    // larger of the lanes' largest values (max over frames of max(fast, slow)).
    auto group = [&]<std::size_t K>(std::size_t first, std::integral_constant<std::size_t, K>) {
        Lanes lanes[K] = {};
        double* data[K];
        double* states[K];
        for (std::size_t k = 0; k < K; ++k) {
            lanes[k] = Lanes(*detectors[first + k]);
            data[k] = values[first + k];
            states[k] = scratch[first + k];
        }
        for (std::size_t i = 0; i < frames; ++i) {
            for (std::size_t k = 0; k < K; ++k) {
                Lanes& l = lanes[k];
                const Double2 input{data[k][i], data[k][i]};
                const Double2 rising = l.risingCoefficient * l.state + l.risingInput * input;
                const Double2 falling = l.fallingCoefficient * l.state + l.fallingInput * input;
                l.state = select(input > l.state, rising, falling);
                l.largest = select(l.largest < l.state, l.state, l.largest);
                states[k][2 * i] = l.state[0];
                states[k][2 * i + 1] = l.state[1];
            }
        }
        for (std::size_t k = 0; k < K; ++k) {
            SmoothPeakDetector& detector = *detectors[first + k];
            lanes[k].storeInto(detector);
            const double* state = states[k];
            double* out = data[k];
            if (detector.autoRelease_) {
                for (std::size_t i = 0; i < frames; ++i) {
                    const double fast = state[2 * i], slow = state[2 * i + 1];
                    out[i] = fast > slow ? fast : slow;
                }
                const double fastLargest = lanes[k].largest[0], slowLargest = lanes[k].largest[1];
                largest[first + k] = fastLargest < slowLargest ? slowLargest : fastLargest;
            } else {
                for (std::size_t i = 0; i < frames; ++i) out[i] = state[2 * i];
                largest[first + k] = lanes[k].largest[0];
            }
        }
    };
    std::size_t first = 0;
    for (; first + 4 <= detectors.size(); first += 4) group(first, std::integral_constant<std::size_t, 4>{});
    switch (detectors.size() - first) {
        case 3: group(first, std::integral_constant<std::size_t, 3>{}); break;
        case 2: group(first, std::integral_constant<std::size_t, 2>{}); break;
        case 1: group(first, std::integral_constant<std::size_t, 1>{}); break;
        default: break;
    }
}

// ---------------------------------------------------------------------------------------------
// MovingMaximum (van Herk / Gil-Werman; see the header)

namespace {
// The larger of a and b; a NaN `b` is ignored, a NaN `a` is kept (either way it leaves with its segment).
float larger(float a, float b) noexcept { return b > a ? b : a; }
constexpr float kNothing = -std::numeric_limits<float>::infinity();

// The running maxima (prefix and suffix scans) four values at a time: within a vector by the
// log-step scan (Hillis & Steele, "Data parallel algorithms", CACM 29(12), 1986), then with the
// carry from the previous vector, so the serial dependency is one max per four values instead of
// one per value. The shuffles repeat lanes instead of shifting in -inf: a maximum taken twice is the
// same maximum. The maximum of finite values (and infinities) does not depend on the order it is
// taken in, so the results are those of the one-at-a-time scan; with NaN inputs which value survives
// may differ, and either way the NaN leaves the window with its segment. (Float4, load4, store4,
// larger4: dsp/vector_types.h.)
// Inclusive prefix maxima of the lanes (lane k: max of lanes 0..k).
[[gnu::always_inline]] inline Float4 prefixMax4(Float4 v) noexcept {
    v = larger4(v, __builtin_shufflevector(v, v, 0, 0, 1, 2));
    return larger4(v, __builtin_shufflevector(v, v, 0, 1, 0, 1));
}
// Inclusive suffix maxima of the lanes (lane k: max of lanes k..3).
[[gnu::always_inline]] inline Float4 suffixMax4(Float4 v) noexcept {
    v = larger4(v, __builtin_shufflevector(v, v, 1, 2, 3, 3));
    return larger4(v, __builtin_shufflevector(v, v, 2, 3, 2, 3));
}
}  // namespace

void MovingMaximum::prepare(std::size_t windowFrames) {
    window_ = std::max<std::size_t>(1, windowFrames);
    segment_.assign(window_, 0.0f);
    suffix_.assign(window_ + 1, kNothing);
    reset();
}

void MovingMaximum::reset() noexcept {
    std::fill(suffix_.begin(), suffix_.end(), kNothing);  // no previous segment: nothing from it counts
    position_ = 0;
    prefix_ = kNothing;
}

void MovingMaximum::completeSegment() noexcept {
    const float* segment = segment_.data();
    float* suffix = suffix_.data();
    float running = kNothing;
    std::size_t j = window_;
    for (; j % 4 != 0; --j) {  // the top values one at a time, then whole vectors downwards
        running = larger(running, segment[j - 1]);
        suffix[j - 1] = running;
    }
    Float4 carry = {running, running, running, running};
    for (; j >= 4; j -= 4) {
        const Float4 v = larger4(carry, suffixMax4(load4(segment + j - 4)));
        store4(suffix + j - 4, v);
        carry = __builtin_shufflevector(v, v, 0, 0, 0, 0);
    }
    position_ = 0;
    prefix_ = kNothing;
}

float MovingMaximum::process(float input) noexcept {
    segment_[position_] = input;
    prefix_ = larger(prefix_, input);
    const float out = larger(prefix_, suffix_[position_ + 1]);
    if (++position_ == window_) completeSegment();
    return out;
}

void MovingMaximum::process(std::span<const float> input, std::span<float> output) noexcept {
    assert(input.size() == output.size());
    const std::size_t frames = input.size();
    for (std::size_t done = 0; done < frames;) {
        const std::size_t chunk = std::min(frames - done, window_ - position_);
        const float* in = input.data() + done;
        float* out = output.data() + done;
        float* segment = segment_.data() + position_;
        const float* suffix = suffix_.data() + position_ + 1;
        std::size_t i = 0;
        Float4 carry = {prefix_, prefix_, prefix_, prefix_};
        for (; i + 4 <= chunk; i += 4) {
            const Float4 x = load4(in + i);
            store4(segment + i, x);
            const Float4 running = larger4(carry, prefixMax4(x));
            carry = __builtin_shufflevector(running, running, 3, 3, 3, 3);
            store4(out + i, larger4(running, load4(suffix + i)));
        }
        float prefix = carry[0];
        for (; i < chunk; ++i) {
            const float x = in[i];
            segment[i] = x;
            prefix = larger(prefix, x);
            out[i] = larger(prefix, suffix[i]);
        }
        prefix_ = prefix;
        position_ += chunk;
        done += chunk;
        if (position_ == window_) completeSegment();
    }
}

// ---------------------------------------------------------------------------------------------
// Gain application

LATHE_VECTOR_CLONES void applyGainWithMix(std::span<float> audio, std::span<const double> gainLinear,
                                          double mix) noexcept {
    assert(gainLinear.size() >= audio.size());
    const double dry = 1.0 - mix;
    for (std::size_t i = 0; i < audio.size(); ++i)
        audio[i] = static_cast<float>(static_cast<double>(audio[i]) * (dry + mix * gainLinear[i]));
}

// ---------------------------------------------------------------------------------------------
// Compressor

namespace {
// dB <-> natural log: 20 log10(x) = (20 / ln 10) ln(x); 10^(g / 20) = exp(g ln(10) / 20).
const double kAmplitudeToDb = 20.0 / std::log(10.0);
const double kPowerToDb = 10.0 / std::log(10.0);
const double kDbToLogAmplitude = std::log(10.0) / 20.0;

std::size_t msToFrames(double ms, double sampleRate) {
    return static_cast<std::size_t>(std::llround(ms * sampleRate / 1000.0));
}
}  // namespace

GainComputer Compressor::gainComputer() const noexcept {
    return {params_.thresholdDb, params_.ratio, params_.kneeDb};
}

Status Compressor::prepare(const ProcessSpec& spec) {
    const Params& p = params_;
    if (!(spec.sampleRate > 0.0)) return fail("compressor: sample rate must be positive");
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("compressor: channel count must be 1.." + std::to_string(kMaxChannels));
    if (!(p.ratio >= 1.0f)) return fail("compressor: ratio must be >= 1 (got " + std::to_string(p.ratio) + ")");
    if (!(p.kneeDb >= 0.0f) || !std::isfinite(p.kneeDb)) return fail("compressor: knee must be >= 0 dB");
    if (!std::isfinite(p.thresholdDb) || !std::isfinite(p.makeupGainDb))
        return fail("compressor: threshold and make-up gain must be finite");
    if (!(p.attackMs >= 0.0f) || !(p.releaseMs >= 0.0f) || !(p.autoReleaseSlowMs >= 0.0f) ||
        !(p.peakHoldMs >= 0.0f) || !(p.rmsWindowMs >= 0.0f))
        return fail("compressor: attack, release, hold and RMS window times must be >= 0 ms");
    if (!(p.lookaheadMs >= 0.0f && p.lookaheadMs <= 1000.0f))
        return fail("compressor: lookahead must be in 0..1000 ms");
    if (!(p.mixPercent >= 0.0f && p.mixPercent <= 100.0f)) return fail("compressor: mix must be in 0..100 %");
    if (!(p.sidechainHighPassHz >= 0.0f && p.sidechainHighPassHz < 0.45 * spec.sampleRate))
        return fail("compressor: side-chain high-pass must be 0 (off) or below 0.45 x the sample rate");
    if (p.stereoMode == StereoMode::MidSide && spec.numChannels != 2)
        return fail("compressor: mid/side mode needs exactly 2 channels");

    spec_ = spec;
    computer_ = gainComputer();
    mix_ = static_cast<double>(p.mixPercent) / 100.0;
    makeupDb_ = p.makeupGainDb;
    rmsCoefficient_ = SmoothPeakDetector::coefficient(p.rmsWindowMs, spec.sampleRate);
    lookaheadFrames_ = msToFrames(p.lookaheadMs, spec.sampleRate);

    const auto channels = static_cast<std::size_t>(spec.numChannels);
    numPaths_ = p.stereoMode == StereoMode::MidSide ? 2 : 1;
    sidechain_.assign(channels, std::vector<float>(spec.maxBlockFrames, 0.0f));
    for (int path = 0; path < numPaths_; ++path) {
        DetectorPath& d = paths_[static_cast<std::size_t>(path)];
        d.peakHold.prepare(msToFrames(p.peakHoldMs, spec.sampleRate) + 1);  // holds peakHoldMs after a peak
        d.meanSquare.assign(numPaths_ == 1 ? channels : 1, 0.0);
        d.smoother.setTimes(p.attackMs, p.releaseMs, spec.sampleRate, p.autoRelease ? p.autoReleaseSlowMs : 0.0);
        d.peak.assign(spec.maxBlockFrames, 0.0f);
        d.distinctPeak.assign(spec.maxBlockFrames, 0.0f);
        d.runOfFrame.assign(spec.maxBlockFrames, 0);
        d.level.assign(spec.maxBlockFrames, 0.0);
        d.gain.assign(spec.maxBlockFrames, 1.0);
        d.detectorScratch.assign(2 * spec.maxBlockFrames, 0.0);
    }
    delayLines_.assign(channels, std::vector<float>(lookaheadFrames_, 0.0f));
    sidechainFiltered_ = p.sidechainHighPassHz > 0.0f;
    sidechainFilter_.setCoefficients(butterworthHighPass(2, p.sidechainHighPassHz > 0.0f ? p.sidechainHighPassHz : 20.0f,
                                                         spec.sampleRate));
    sidechainFilter_.setNumChannels(spec.numChannels);
    reset();
    return success();
}

void Compressor::reset() noexcept {
    for (auto& d : paths_) {
        d.peakHold.reset();
        std::fill(d.meanSquare.begin(), d.meanSquare.end(), 0.0);
        d.smoother.reset();
    }
    for (auto& line : delayLines_) std::fill(line.begin(), line.end(), 0.0f);
    sidechainFilter_.reset();
    delayPosition_ = 0;
    currentReductionDb_ = maxReductionDb_ = 0.0f;
}

// Side-chain of one path -> per-frame gain, in passes over the block so that the ones without a
// recursion (peak of the channels, static curve, dB -> linear) vectorise:
//   computeTargets       level -> static curve: gain[] = target reduction (dB)
//   (the detector)       SmoothPeakDetector::process / processTogether: gain[] = reduction (dB)
//   computeLinearGains   gain[] = linear gain
// Glossary:
//   level        linear level: held |x| (peak) or mean square (RMS), maximum over the path's channels
//   target       static-curve gain reduction in dB for that level (GainComputer)
//   reduction    target after the attack/release detector (dB, >= 0)
// The logarithm and exponential are fastmath::fastLog / fastExp (src/dsp/fast_log_exp.h: within
// about 1e-12 of the exact values, far below anything audible or visible in a float output).
LATHE_VECTOR_CLONES void Compressor::computeTargets(int path, std::size_t numFrames) noexcept {
    if (numFrames == 0) return;
    DetectorPath& d = paths_[static_cast<std::size_t>(path)];
    const bool rms = params_.detector == Detector::Rms;
    const std::size_t first = numPaths_ == 1 ? 0 : static_cast<std::size_t>(path);
    const std::size_t count = numPaths_ == 1 ? sidechain_.size() : 1;
    double* const level = d.level.data();
    double* const target = d.gain.data();

    // 1. Level.
    if (rms) {
        const double a = rmsCoefficient_;
        for (std::size_t i = 0; i < numFrames; ++i) {
            double frameLevel = 0.0;
            for (std::size_t c = 0; c < count; ++c) {
                const double x = sidechainData_[first + c][i];
                double& ms = d.meanSquare[c];
                ms = a * ms + (1.0 - a) * x * x;
                frameLevel = std::max(frameLevel, ms);
            }
            level[i] = frameLevel;
        }
    } else {
        float* const peak = d.peak.data();
        const float* x = sidechainData_[first];
        for (std::size_t i = 0; i < numFrames; ++i) peak[i] = std::abs(x[i]);
        for (std::size_t c = 1; c < count; ++c) {
            x = sidechainData_[first + c];
            for (std::size_t i = 0; i < numFrames; ++i) peak[i] = std::max(peak[i], std::abs(x[i]));
        }
        d.peakHold.process(std::span<const float>(peak, numFrames), std::span<float>(peak, numFrames));
    }

    // 2. Static curve. Below the knee the reduction is exactly 0 dB.
    const double kneeStartDb = computer_.kneeStartDb();
    const double kneeStartLevel = rms ? std::pow(10.0, kneeStartDb / 10.0) : std::pow(10.0, kneeStartDb / 20.0);
    const double toDb = rms ? kPowerToDb : kAmplitudeToDb;
    const GainComputer computer = computer_;
    auto curve = [&](const auto* levels, double* out, std::size_t count) __attribute__((always_inline)) {
        for (std::size_t i = 0; i < count; ++i) {
            const double x = levels[i];
            const bool below = x <= kneeStartLevel;
            // The logarithm's domain is positive normal doubles; the lanes it does not cover are not used.
            const double safe = below ? 1.0 : (x < DBL_MIN ? DBL_MIN : x);
            const double reduction = computer.gainReductionDb(toDb * fastmath::fastLog(safe));
            out[i] = below ? 0.0 : reduction;
        }
    };
    if (rms) {
        curve(level, target, numFrames);
        return;
    }
    // A held peak comes in runs of equal values (the moving maximum changes only when a larger value
    // enters or the largest leaves: 3-17 % of the frames change in the chain benchmark's bands), so
    // the curve is evaluated once per run: the runs' values are gathered, the curve runs on them
    // (vectorised), and each frame takes its run's result. Equal inputs give equal outputs, so the
    // bits are those of the curve on every frame.
    const float* const peak = d.peak.data();
    float* const distinct = d.distinctPeak.data();
    std::uint32_t* const run = d.runOfFrame.data();
    std::uint32_t k = 0;
    float previous = peak[0];
    distinct[0] = previous;
    run[0] = 0;
    for (std::size_t i = 1; i < numFrames; ++i) {
        const float x = peak[i];
        k += x != previous ? 1u : 0u;  // (a NaN starts a run of its own)
        distinct[k] = x;
        run[i] = k;
        previous = x;
    }
    curve(distinct, level, std::size_t(k) + 1);
    for (std::size_t i = 0; i < numFrames; ++i) target[i] = level[run[i]];
}

// Reduction in dB -> linear gain (exactly the make-up gain where there is no reduction).
LATHE_VECTOR_CLONES void Compressor::computeLinearGains(int path, std::size_t numFrames) noexcept {
    double* const gain = paths_[static_cast<std::size_t>(path)].gain.data();
    const double unityGain = std::pow(10.0, makeupDb_ / 20.0);
    const double makeupDb = makeupDb_;
    for (std::size_t i = 0; i < numFrames; ++i) {
        const double reduction = gain[i];
        const double linear = fastmath::fastExp((makeupDb - reduction) * kDbToLogAmplitude);
        gain[i] = reduction == 0.0 ? unityGain : linear;
    }
}

// The lookahead delay: each frame is exchanged with the ring's oldest (the ring keeps the newest
// `length` frames), in runs up to the ring's end so the exchange is a plain loop.
void Compressor::delayInPlace(AudioBlock block) noexcept {
    const std::size_t length = lookaheadFrames_;
    if (length == 0) return;
    const std::size_t frames = block.numFrames();
    std::size_t position = delayPosition_;
    for (int c = 0; c < block.numChannels(); ++c) {
        float* const line = delayLines_[static_cast<std::size_t>(c)].data();
        float* x = block.channelData(c);
        position = delayPosition_;
        for (std::size_t done = 0; done < frames;) {
            const std::size_t run = std::min(frames - done, length - position);
            std::swap_ranges(x + done, x + done + run, line + position);
            done += run;
            position += run;
            if (position == length) position = 0;
        }
    }
    delayPosition_ = position;
}

void Compressor::process(AudioBlock block) noexcept {
    assert(block.numChannels() == spec_.numChannels);
    assert(block.numFrames() <= spec_.maxBlockFrames);
    const std::size_t n = block.numFrames();
    if (n == 0) return;
    analyse(block);
    SmoothPeakDetector* detectors[kMaxDetectors];
    double* reductions[kMaxDetectors];
    double* scratch[kMaxDetectors];
    const auto paths = static_cast<std::size_t>(numPaths_);
    for (std::size_t path = 0; path < paths; ++path) {
        detectors[path] = &paths_[path].smoother;
        reductions[path] = paths_[path].gain.data();
        scratch[path] = paths_[path].detectorScratch.data();
    }
    double largest[kMaxDetectors];
    SmoothPeakDetector::processTogether({detectors, paths}, {reductions, paths}, {scratch, paths}, n, largest);
    for (std::size_t path = 0; path < paths; ++path) noteReduction(largest[path]);
    finish(block);
}

void Compressor::noteReduction(double largest) noexcept {
    maxReductionDb_ = static_cast<float>(std::max(double(maxReductionDb_), largest));
}

void Compressor::analyse(AudioBlock block) noexcept {
    const std::size_t n = block.numFrames();
    // 1. Side-chain signals: the channels themselves (linked; read in place unless filtered) or mid
    // and side, then the high-pass.
    if (numPaths_ == 1 && !sidechainFiltered_) {
        for (int c = 0; c < block.numChannels(); ++c)
            sidechainData_[static_cast<std::size_t>(c)] = block.channelData(c);
    } else {
        for (std::size_t c = 0; c < sidechain_.size(); ++c) sidechainData_[c] = sidechain_[c].data();
        if (numPaths_ == 1) {
            for (int c = 0; c < block.numChannels(); ++c)
                std::copy_n(block.channelData(c), n, sidechain_[static_cast<std::size_t>(c)].data());
        } else {
            const float* left = block.channelData(0);
            const float* right = block.channelData(1);
            for (std::size_t i = 0; i < n; ++i) {
                sidechain_[0][i] = 0.5f * (left[i] + right[i]);
                sidechain_[1][i] = 0.5f * (left[i] - right[i]);
            }
        }
        if (sidechainFiltered_) {
            std::array<float*, kMaxChannels> channels{};
            for (std::size_t c = 0; c < sidechain_.size(); ++c) channels[c] = sidechain_[c].data();
            sidechainFilter_.process(AudioBlock(channels.data(), static_cast<int>(sidechain_.size()), n));
        }
    }
    // 2. Level -> gain computer, per path (the detectors run next).
    for (int path = 0; path < numPaths_; ++path) computeTargets(path, n);
}

void Compressor::finish(AudioBlock block) noexcept {
    const std::size_t n = block.numFrames();
    double current = 0.0;
    for (int path = 0; path < numPaths_; ++path) {
        current = std::max(current, paths_[static_cast<std::size_t>(path)].smoother.value());
        computeLinearGains(path, n);
    }
    currentReductionDb_ = static_cast<float>(current);

    // 3. Gain application on the lookahead-delayed audio; the dry path is that same delayed audio.
    delayInPlace(block);
    if (numPaths_ == 1) {
        const std::span<const double> gain(paths_[0].gain.data(), n);
        for (int c = 0; c < block.numChannels(); ++c) applyGainWithMix(block.channel(c), gain, mix_);
        return;
    }
    // Mid/side in double: M + S and M - S reproduce L and R exactly when both gains are 1.
    float* left = block.channelData(0);
    float* right = block.channelData(1);
    const double dry = 1.0 - mix_;
    const double* midGain = paths_[0].gain.data();
    const double* sideGain = paths_[1].gain.data();
    for (std::size_t i = 0; i < n; ++i) {
        const double l = left[i], r = right[i];
        const double mid = 0.5 * (l + r) * midGain[i];
        const double side = 0.5 * (l - r) * sideGain[i];
        left[i] = static_cast<float>(dry * l + mix_ * (mid + side));
        right[i] = static_cast<float>(dry * r + mix_ * (mid - side));
    }
}

}  // namespace lathe::dsp
