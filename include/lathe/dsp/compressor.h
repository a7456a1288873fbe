#pragma once
// Feed-forward compressor, split as in chowdsp's MonoCompressor into parts that are tested alone:
//   level sensing         side-chain level: peak (|x| held by a MovingMaximum) or RMS (mean square)
//   GainComputer          static curve: threshold, ratio, soft knee  -> gain reduction in dB
//   SmoothPeakDetector    attack / release (and program-dependent release) on the gain reduction
//   applyGainWithMix      gain application with a latency-aligned dry/wet mix
// Signal flow per frame: side-chain (optional high-pass) -> level (dB) -> GainComputer ->
// SmoothPeakDetector -> gain = 10^((makeup - reduction)/20) -> applied to the lookahead-delayed audio.
// The design follows Giannoulis, Massberg & Reiss, "Digital Dynamic Range Compressor Design —
// A Tutorial and Analysis", JAES 60(6), 2012: the knee equation (eq. 4) and the smooth branching peak
// detector (eq. 17) placed in the log domain after the gain computer (their recommended topology).
// Speed: process() runs each step as a pass over the block (the ones without a recursion vectorise;
// AVX2 where the machine has it, same bits); the dB conversions use fastLog / fastExp
// (src/dsp/fast_log_exp.h, within ~1e-12 of exact); tests/dsp/compressor_test.cpp checks the block
// passes bit for bit against a per-sample model of the signal flow above.
//
// Real-time contract (see stage.h): prepare() may allocate; reset() and process() never allocate,
// lock, log or throw. Parameters are applied by prepare(); change them with setParams() then prepare().

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

// Static compression curve in the dB domain (Giannoulis et al. 2012, eq. 4):
//   yG = xG                                     for 2(xG - T) < -W
//   yG = xG + (1/R - 1)(xG - T + W/2)^2 / (2W)  for 2|xG - T| <= W
//   yG = T + (xG - T)/R                         for 2(xG - T) > W
// T = thresholdDb, R = ratio (>= 1; infinity is a hard limiter curve), W = kneeDb (0 = hard knee).
class GainComputer {
public:
    GainComputer() = default;
    GainComputer(double thresholdDb, double ratio, double kneeDb) noexcept
        : thresholdDb_(thresholdDb), slope_(1.0 / ratio - 1.0), kneeDb_(kneeDb),
          halfInverseKnee_(kneeDb > 0.0 ? 0.5 / kneeDb : 0.0) {}

    // Gain reduction xG - yG in dB (>= 0), computed directly so that ratio 1 gives exactly 0.
    // The boundary 2(xG - T) = -W belongs to the unity branch (both branches give 0 there), which
    // also keeps the hard knee (W = 0) free of 0/0 at the threshold. Written with selects rather
    // than branches (every branch is evaluated; 1/(2W) is precomputed, 0 for a hard knee whose knee
    // branch is never selected) so that a loop over a block of levels vectorises.
    [[nodiscard]] double gainReductionDb(double inputDb) const noexcept {
        const double over = inputDb - thresholdDb_;
        const double inKnee = over + 0.5 * kneeDb_;
        const double kneeReduction = -slope_ * inKnee * inKnee * halfInverseKnee_;
        const double aboveReduction = -slope_ * over;
        const double reduction = 2.0 * over > kneeDb_ ? aboveReduction : kneeReduction;
        return 2.0 * over <= -kneeDb_ ? 0.0 : reduction;
    }
    // Output level yG for input level xG, both in dB.
    [[nodiscard]] double outputLevelDb(double inputDb) const noexcept { return inputDb - gainReductionDb(inputDb); }
    // Input level in dB at which the curve leaves unity (start of the knee).
    [[nodiscard]] double kneeStartDb() const noexcept { return thresholdDb_ - 0.5 * kneeDb_; }

private:
    double thresholdDb_ = 0.0;
    double slope_ = 0.0;  // 1/R - 1
    double kneeDb_ = 0.0;
    double halfInverseKnee_ = 0.0;  // 1 / (2W)
};

// The smooth branching peak detector of Giannoulis et al. 2012 (eq. 17), run on the gain reduction
// in dB:  y[n] = aA y[n-1] + (1 - aA) x[n]  if x[n] > y[n-1],  else aR y[n-1] + (1 - aR) x[n],
// with a = exp(-1 / (tau fs)). Time constant definition: after a step, the output covers 1 - 1/e of
// the step in exactly tau (attack for rising, release for falling input).
// Program-dependent release (optional): a second, slow branch with attack and release time
// constant slowMs runs alongside; the output is the larger of the two. After a short burst the slow
// branch has barely charged, so release follows releaseMs; after sustained reduction it has charged
// and release slows towards slowMs (a dual-release scheme in the manner of classic auto-release
// circuits; our own design, documented here rather than taken from the paper).
class SmoothPeakDetector {
public:
    void setTimes(double attackMs, double releaseMs, double sampleRate, double autoReleaseSlowMs = 0.0) noexcept;
    void reset() noexcept { fast_ = slow_ = 0.0; }

    double process(double input) noexcept {
        fast_ = input > fast_ ? attack_ * fast_ + (1.0 - attack_) * input : release_ * fast_ + (1.0 - release_) * input;
        if (!autoRelease_) return fast_;
        slow_ = slowCoefficient_ * slow_ + (1.0 - slowCoefficient_) * input;
        return fast_ > slow_ ? fast_ : slow_;
    }
    [[nodiscard]] double value() const noexcept { return autoRelease_ && slow_ > fast_ ? slow_ : fast_; }
    // process() on every element of `values`, in place, without data-dependent branches (the
    // direction test selects, it does not jump: a compressor's detector input goes up and down at
    // random). The same bits as process() one at a time. Returns the largest output (0 if empty).
    double process(std::span<double> values) noexcept;
    // Several detectors, each on its own `frames` values in place, in one loop, so that their
    // recursions overlap (a multiband compressor's bands). The same bits as process(span) on each;
    // largest[k] receives detector k's largest output. scratch[k]: room for 2 x frames doubles.
    static void processTogether(std::span<SmoothPeakDetector* const> detectors, std::span<double* const> values,
                                std::span<double* const> scratch, std::size_t frames, double* largest) noexcept;

    // exp(-1 / (tau fs)); 0 for tau <= 0 (instantaneous).
    [[nodiscard]] static double coefficient(double timeMs, double sampleRate) noexcept;

private:
    struct Lanes;  // the vector form of process() used by the block forms

    double attack_ = 0.0, release_ = 0.0, slowCoefficient_ = 0.0;
    bool autoRelease_ = false;
    double fast_ = 0.0, slow_ = 0.0;
};

// Side-chain level sensing (done inside Compressor, per detector path):
//   Peak: |x| through a moving maximum over the last hold + 1 frames, so a peak's level is held for
//         peakHoldMs after it (0 = instantaneous), then released by the detector. The hold keeps a
//         periodic signal's level at its peak between cycles (a hold of half the longest period
//         makes the steady-state reduction on a sine match the static curve at the sine's peak).
//   Rms:  one-pole mean square with time constant rmsWindowMs, reported as 10 log10(ms); a sine's
//         level is its RMS (peak - 3.01 dB).
// Linked channels: the per-frame maximum of the channels' |x| (peak), or one mean square per
// channel and their maximum (RMS).
//
// MovingMaximum: the maximum of the last windowFrames inputs (of those seen since reset), by the
// van Herk / Gil-Werman scheme: the stream is cut into segments of windowFrames frames; the window
// ending at position p of the current segment is [0, p] of it (a running prefix maximum) plus
// [p + 1, end) of the previous segment (suffix maxima, computed once when that segment completed).
// About three comparisons per sample whatever the signal, no data-dependent branches; no allocation
// after prepare. NaN inputs do not break it (they leave the window after at most two segments).
class MovingMaximum {
public:
    void prepare(std::size_t windowFrames);  // allocates
    void reset() noexcept;
    // Maximum of the last windowFrames inputs (including this one).
    float process(float input) noexcept;
    // The same for a block: output[i] = process(input[i]); input and output may be the same span.
    void process(std::span<const float> input, std::span<float> output) noexcept;

private:
    void completeSegment() noexcept;

    std::vector<float> segment_;  // inputs of the current segment so far
    std::vector<float> suffix_;   // suffix_[j] = max of the previous segment's [j, end); suffix_[window] = -inf
    std::size_t window_ = 1, position_ = 0;
    float prefix_ = 0.0f;  // max of the current segment's [0, position_)
};

// Applies a per-frame gain to `audio` (already latency-aligned) with a dry/wet mix:
//   out = x * ((1 - mix) + mix * gain).  mix = 0 returns x bit-exactly (for finite gains).
void applyGainWithMix(std::span<float> audio, std::span<const double> gainLinear, double mix) noexcept;

// Feed-forward compressor stage. Units: dB, ms, Hz, percent. Latency: lookaheadMs rounded to frames
// (reported by latencyFrames(); the dry path of the mix is delayed by the same amount).
// Stereo modes: Linked (default) applies one gain to all channels, from the loudest channel;
// MidSide (2 channels only) compresses M = (L+R)/2 and S = (L-R)/2 with independent gains.
// Gain-reduction readout: gainReductionDb() (at the end of the last block) and
// maxGainReductionDb() (since prepare/reset) are plain members, read on the processing thread.
class Compressor final : public Stage {
public:
    enum class Detector { Peak, Rms };
    enum class StereoMode { Linked, MidSide };

    struct Params {
        float thresholdDb = -18.0f;
        float ratio = 2.0f;  // >= 1
        float kneeDb = 6.0f;  // >= 0
        float attackMs = 10.0f;
        float releaseMs = 100.0f;
        bool autoRelease = false;         // program-dependent release, see SmoothPeakDetector
        float autoReleaseSlowMs = 1000.0f;
        Detector detector = Detector::Peak;
        float peakHoldMs = 10.0f;   // peak detector only
        float rmsWindowMs = 10.0f;  // RMS detector only
        float lookaheadMs = 0.0f;
        float sidechainHighPassHz = 0.0f;  // 0 = off; 2nd-order Butterworth on the detector input
        StereoMode stereoMode = StereoMode::Linked;
        float mixPercent = 100.0f;  // 0 = dry (latency-aligned input), 100 = fully compressed
        float makeupGainDb = 0.0f;
    };

    Compressor() = default;
    explicit Compressor(const Params& params) : params_(params) {}

    void setParams(const Params& params) noexcept { params_ = params; }
    [[nodiscard]] const Params& params() const noexcept { return params_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override { return static_cast<int>(lookaheadFrames_); }
    [[nodiscard]] std::string_view name() const noexcept override { return "compressor"; }

    [[nodiscard]] float gainReductionDb() const noexcept { return currentReductionDb_; }
    [[nodiscard]] float maxGainReductionDb() const noexcept { return maxReductionDb_; }
    void resetMaxGainReduction() noexcept { maxReductionDb_ = 0.0f; }

    // The static curve this compressor applies, for tests, plots and reports.
    [[nodiscard]] GainComputer gainComputer() const noexcept;

private:
    static constexpr int kMaxDetectors = 2;

    // One side-chain path: level sensing, gain computer, detector, per-frame gain.
    struct DetectorPath {
        MovingMaximum peakHold;
        std::vector<double> meanSquare;  // RMS: one per input channel of this path
        SmoothPeakDetector smoother;
        std::vector<float> peak;     // per frame of the current block: held side-chain peak
        std::vector<float> distinctPeak;         // the held peak's runs of equal values: one value per run
        std::vector<std::uint32_t> runOfFrame;   // per frame: its run's index in distinctPeak
        std::vector<double> level;   // per frame: RMS: the mean square; peak: the curve per run of distinctPeak
        std::vector<double> gain;    // per frame of the current block, linear
        std::vector<double> detectorScratch;  // 2 per frame: SmoothPeakDetector::processTogether
    };

    // process() in three phases, so that MultibandCompressor can run its bands' detectors together:
    // analyse (side-chain, level, static curve -> each path's `gain` holds the target reduction),
    // the detectors (SmoothPeakDetector: `gain` holds the reduction), finish (dB -> linear gain,
    // delay, application).
    friend class MultibandCompressor;
    void analyse(AudioBlock block) noexcept;
    void finish(AudioBlock block) noexcept;
    void computeTargets(int path, std::size_t numFrames) noexcept;
    void computeLinearGains(int path, std::size_t numFrames) noexcept;
    void noteReduction(double largest) noexcept;  // the detectors' largest output -> max readout
    void delayInPlace(AudioBlock block) noexcept;

    Params params_;
    ProcessSpec spec_{};
    GainComputer computer_;
    int numPaths_ = 1;
    std::array<DetectorPath, kMaxDetectors> paths_;
    std::vector<std::vector<float>> sidechain_;  // per input channel of the side-chain, per frame
    std::array<const float*, kMaxChannels> sidechainData_{};  // this block's side-chain (sidechain_ or the block)
    MultichannelBiquadFilter sidechainFilter_;   // 2nd-order Butterworth high-pass (when enabled)
    bool sidechainFiltered_ = false;
    std::vector<std::vector<float>> delayLines_;     // lookahead, one per channel
    std::size_t lookaheadFrames_ = 0, delayPosition_ = 0;
    double rmsCoefficient_ = 0.0, mix_ = 1.0, makeupDb_ = 0.0;
    float currentReductionDb_ = 0.0f, maxReductionDb_ = 0.0f;
};

}  // namespace lathe::dsp
