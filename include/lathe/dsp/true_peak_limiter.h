#pragma once
// Stereo-linked lookahead true-peak limiter. Units: ceiling in dBTP, times in ms, gains in dB.
//
// Detector, gain computer and gain application (chowdsp MonoCompressor's split), twice:
//   1. main stage: input gain; TruePeakDetectors on all channels (one linked gain), the larger
//      reading counts: a wide one (0.48 fs, 60 dB, accurate against a 32x reference up to Nyquist;
//      4x as a half-band cascade), the very filter the TruePeakMeter reads with, and a conventional
//      4x meter's (0.45 fs, 50 dB), whose images near Nyquist read higher on full-band material as
//      other meters do (libebur128, ffmpeg); required gain = ceiling / peak;
//      LimiterGainEnvelope (min-hold over the lookahead, program-dependent release, B-spline
//      smoothing as long as the lookahead, so the gain reaches its target exactly as the peak arrives and never undershoots
//      it); the gain multiplies the delayed audio at the base rate (no reconstruction filter in the
//      audio path: below the ceiling the output is the input, delayed, bit for bit);
//   2. safety stage: the output is measured again with the meter's filter and any true peak still above the ceiling
//      (the product of a moving gain and the audio can peak a hair above gain x peak) is corrected
//      by a short second envelope (0.5 ms ramp). Where the main gain was exactly 1 over the
//      detectors' whole span, their input is the main stage's input, delayed: the delayed main
//      reading stands in, bit for bit, and the filters are not run (most of the time in a master);
//   3. guard: a sample still above the ceiling is clamped and counted (safetyClipCount(); expected
//      to stay 0 — it exists so that no input can ever produce an over).
// Latency: latencyFrames() = both stages' detector + envelope delays: lookaheadMs plus about
// 2.9 ms (347 frames at 44.1 kHz, 368 at 48 kHz with the defaults).
// Speed: the detectors refine (parabola) only readings that could pass their stage's target, the
// envelopes skip runs of unity in O(1); none of it changes an output bit (bench/limiter_bench.cpp).
// Real-time contract as in stage.h; prepare() allocates, process() and reset() never do.
// Shape after x42 dpl's peaklim (F. Adriaensen); see limiter_gain_envelope.h for the envelope.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/limiter_gain_envelope.h"
#include "lathe/dsp/stage.h"
#include "lathe/dsp/true_peak_detector.h"
#include "lathe/result.h"

namespace lathe::dsp {

struct TruePeakLimiterParams {
    double ceilingDbtp = -1.0;
    double lookaheadMs = 5.0;           // attack = lookahead: the gain ramp's length
    double releaseMs = 80.0;            // release time constant of sustained overload (the only one when not adaptive)
    bool adaptiveRelease = true;        // program-dependent release (see LimiterGainEnvelope)
    double transientReleaseMs = 20.0;   // release time constant after short overloads (adaptive)
    double sustainMs = 150.0;           // overload lasting about this long counts as sustained
    double inputGainDb = 0.0;
    int oversamplingFactor = 4;         // of the peak detectors: 4, 8 or 16
};

class TruePeakLimiter final : public Stage {
public:
    explicit TruePeakLimiter(const TruePeakLimiterParams& params = {}) : params_(params) {}

    // Takes effect at the next prepare(). Use setInputGainDb() for a change while running.
    void setParams(const TruePeakLimiterParams& params) { params_ = params; }
    [[nodiscard]] const TruePeakLimiterParams& params() const noexcept { return params_; }
    // Changes the input gain while running, ramped over 20 ms (multiplicatively). Never allocates.
    void setInputGainDb(double gainDb) noexcept;

    // The main stage as prepare() builds it for these settings (validated as prepare() does): its
    // detectors' filters, reporting in step after
    // detectorLatencyFrames, the gain envelope,
    // and the true-peak level it limits to (a hair under the ceiling: required gain =
    // targetLinear / reading where the reading exceeds it). For tools that model the limiter's
    // gain without running it (the loudness iteration of `lathe master`).
    struct MainStageDesign {
        OversamplerParams detection;       // the wide-passband detector
        TruePeakDetector::Interpolation detectionInterpolation = TruePeakDetector::Interpolation::halfbandCascade;
        OversamplerParams conventionalDetection;  // a conventional 4x meter's filter (half-band cascade)
        bool meterTwin = false;  // the safety stage also reads with meterDetection() (8x, 16x)
        int detectorLatencyFrames = 0;
        LimiterGainEnvelopeParams envelope;
        float targetLinear = 1.0f;
    };
    [[nodiscard]] static Result<MainStageDesign> mainStageDesign(const TruePeakLimiterParams& params, const ProcessSpec& spec);
    // The main stage's reading per frame: the larger of its wide and conventional detectors' (both
    // report detectorLatencyFrames late). The limiter runs it, and so does LimiterLoudnessModel.
    class MainStageDetection {
    public:
        Status prepare(const ProcessSpec& spec, const MainStageDesign& design);  // allocates
        void reset() noexcept;
        // peaks[i] = frame i's reading (exact where it could pass `floor`, see TruePeakDetector);
        // block.numFrames() <= spec.maxBlockFrames.
        void process(ConstAudioBlock block, std::span<float> peaks, float floor = 0.0f) noexcept;

    private:
        TruePeakDetector wide_, conventional_;
        std::vector<float> conventionalPeaks_;
    };
    // The TruePeakMeter's filter (4x, half-band cascade): the detection filter at the default 4x.
    [[nodiscard]] static OversamplerParams meterDetection() noexcept;

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    // As process(), and writes the gain applied to each output frame (both stages, input gain
    // excluded) to gain[0 .. block.numFrames()): for tests and meters.
    void process(AudioBlock block, std::span<float> gain) noexcept;

    [[nodiscard]] int latencyFrames() const noexcept override { return latency_; }
    [[nodiscard]] std::string_view name() const noexcept override { return "true-peak limiter"; }

    // Gain reduction (dB, >= 0) of the latest output frame, and the largest since prepare()/reset().
    [[nodiscard]] double gainReductionDb() const noexcept { return currentReductionDb_; }
    [[nodiscard]] double maxGainReductionDb() const noexcept { return maxReductionDb_; }
    // Output frames the safety stage lowered, and samples the final guard clamped, since reset().
    [[nodiscard]] std::uint64_t safetyCorrectionCount() const noexcept { return safetyCorrections_; }
    [[nodiscard]] std::uint64_t safetyClipCount() const noexcept { return safetyClips_; }

private:
    // A delay line (ring, power-of-two size, room for the delay plus a block), run a block at a time.
    struct Delay {
        std::vector<float> ring;
        std::size_t mask = 0;
        std::size_t delay = 0;
        std::size_t write = 0;
        void prepare(std::size_t frames, std::size_t maxBlockFrames, float initialValue);
        void clear(float initialValue) noexcept;
        // out[i] = the value pushed `delay` frames before in[i]; in and out may alias.
        void process(const float* in, float* out, std::size_t n) noexcept;
    };

    void processBlock(AudioBlock block, float* gainOut) noexcept;

    TruePeakLimiterParams params_;
    int numChannels_ = 0;
    std::size_t chunkFrames_ = 0;  // frames per internal pass
    int latency_ = 0;
    float ceiling_ = 1.0f;  // linear
    float mainTarget_ = 1.0f;
    float safetyTarget_ = 1.0f;
    // Input gain and its ramp.
    float inputGain_ = 1.0f;
    float inputGainTarget_ = 1.0f;
    float inputGainStep_ = 1.0f;
    std::size_t inputGainRampLeft_ = 0;
    std::size_t inputGainRampFrames_ = 0;
    double sampleRate_ = 48000.0;

    // Main stage: the wide detector and the conventional one; safety stage: the wide detector and
    // (meterTwin_ only) the meter's filter. All report in step.
    MainStageDetection mainDetection_;
    TruePeakDetector safetyDetector_, safetyMeterDetector_;
    bool meterTwin_ = false;
    LimiterGainEnvelope mainEnvelope_, safetyEnvelope_;
    std::vector<Delay> mainDelay_, safetyDelay_;
    Delay mainGainDelay_;  // the main stage's gain, delayed to the output for the gain readout
    Delay mainPeakDelay_;  // the main stage's reading, delayed by the main stage's delay
    // Where the main gain has been exactly 1 over a safety detector's whole span, its input is the
    // main stage's input delayed, so its reading is the delayed main reading: not computed again.
    std::size_t safetySpanFrames_ = 0;
    std::size_t framesSinceMainGain_ = 0;  // frames since the main gain was last below 1 (saturates)
    AudioBuffer scratch_;  // the chunk after input gain, then after the main stage
    // Readings per frame: the main stage's, then the safety detector's; the meter twin's (safety
    // stage, meterTwin_ only); the main stage's delayed to the safety stage.
    std::vector<float> peaks_, meterPeaks_, delayedPeaks_;
    std::vector<float> gains_, delayedGains_, safetyGains_;
    std::vector<std::uint8_t> safetyNeeded_;

    double currentReductionDb_ = 0.0;
    double maxReductionDb_ = 0.0;
    std::uint64_t safetyCorrections_ = 0;
    std::uint64_t safetyClips_ = 0;
};

}  // namespace lathe::dsp
