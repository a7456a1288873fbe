#pragma once
// Stereo imager: mid/side width per band, bass mono, and a correlation guard.
//
// Mid M = (L+R)/2 passes through (delayed only). The side S = (L-R)/2 goes through one linear-phase
// FIR whose gain is the requested width at each frequency: widthPercent[k] / 100 in band k, 0 below
// bassMonoHz. The FIR is the sum of complementary linear-phase bands,
//     g = W_top * delta + sum over band edges e of (W_below(e) - W_above(e)) * lowpass_e,
// where lowpass_e is a Kaiser-windowed sinc (-6 dB at e, transition 0.5 e wide, 90 dB stopband),
// all centred on the same delay. Because the bands are linear-phase and complementary, M and S
// stay phase-aligned: a uniform width w gives exactly S' = w S (delayed), so width 100 % nulls
// against the latency-aligned input bit-exactly (the FIR reduces to a scaled delay and is run as
// one), and width 0 % gives L = R exactly. Bass mono leaves at most 2 x 10^(-90/20) of the side
// below 0.75 x bassMonoHz (< -80 dB). Band edges lie in 20 Hz .. 0.4 x sample rate.
//
// Correlation guard: the output correlation, measured with one-pole mean squares (time constant
// correlationWindowMs, no mean removal, as a phase meter), is
//     r = (Em - Es) / sqrt((Em + Es)^2 - 4 Ems^2)  >=  (Em - Es) / (Em + Es)
// (Em, Es mean squares of mid and side, Ems their cross term). The guard limits the side gain so
// that the widened side power stays below
//     allowed = max(Em (1 - floor) / (1 + floor), Es of the unprocessed input),
// i.e. r >= min(floor, the input's own (Em - Es)/(Em + Es)) for floor in [0, 1): it never narrows
// below the unprocessed image. To hold this also at onsets (a feed-forward guard on the same
// window lags by about one window), the guard looks ahead by 4 windows: the side gain is the
// moving minimum of the target over the lookahead, and targets `allowed x (1 - e^-4)`, which bounds
// the windowed output side power by `allowed` (the e^-4 tail of older samples fits in the 1.8 %
// margin); in steady state the correlation therefore sits slightly above the floor (about +0.01
// at floor 0). Where the input's own image is the bound there is no margin (so width 100 % stays
// a bit-exact null) and the windowed correlation can dip below it by ~1e-4 at onsets. The gain follows a lower target at once and recovers with guardReleaseMs.
// The guard only runs when some band widens (width > 100 %): narrowing cannot take the
// correlation below the input's. When it runs, the latency includes the 4-window lookahead.

// Units: Hz, percent, ms. Latency: the FIR centre delay (about 5.7 / f seconds for the lowest edge f:
// 48 ms for bass mono at 120 Hz) plus 1024 frames (the FIR runs delayed by one FFT partition, so the
// convolution needs no zero-latency head: about 3x cheaper; 23 ms at 44.1 kHz; 1024 rather than 512
// halves the partitions' multiply-adds: the imager in the chain benchmark 14.6 -> 13.8 ns); 0 for a plain
// width; plus the guard lookahead when it runs.
// Two channels only. Real-time contract as in stage.h (the FFT convolution is allocation-free).

#include <array>
#include <memory>
#include <string_view>
#include <vector>

#include "lathe/dsp/compressor.h"  // MovingMaximum
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

class FftConvolver;

class StereoImager final : public Stage {
public:
    static constexpr int kMaxBands = 5;
    static constexpr float kMaxWidthPercent = 200.0f;  // widths are 0 .. this

    struct Params {
        int numBands = 1;                                      // 1..5
        std::array<float, kMaxBands - 1> crossoverHz{250.0f, 2000.0f, 6000.0f, 12000.0f};  // first numBands-1, ascending
        std::array<float, kMaxBands> widthPercent{100.0f, 100.0f, 100.0f, 100.0f, 100.0f};  // 0..200
        float bassMonoHz = 0.0f;  // 0 = off; mono below this frequency
        bool correlationGuard = true;
        float correlationFloor = 0.0f;  // 0 .. 0.99
        float correlationWindowMs = 50.0f;
        float guardReleaseMs = 200.0f;
    };

    StereoImager();
    explicit StereoImager(const Params& params);
    ~StereoImager() override;

    void setParams(const Params& params) noexcept { params_ = params; }
    [[nodiscard]] const Params& params() const noexcept { return params_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override { return static_cast<int>(latency_); }
    [[nodiscard]] std::string_view name() const noexcept override { return "stereo_imager"; }

    // Gain the side FIR applies at frequencyHz (linear, the designed width before the guard),
    // evaluated from the taps that run (float); valid after prepare().
    [[nodiscard]] double sideGain(double frequencyHz) const noexcept;
    // Guard readout: smallest side gain the guard applied since prepare/reset (dB, <= 0).
    [[nodiscard]] float minGuardGainDb() const noexcept { return minGuardGainDb_; }

private:
    void processPasses(AudioBlock block) noexcept;  // process(), compiled for SSE2 and AVX2

    Params params_;
    ProcessSpec spec_{};
    std::vector<double> kernel_;
    std::size_t centre_ = 0;        // FIR delay D
    std::size_t firLatency_ = 0;    // D + one partition (0 for a plain width)
    std::size_t latency_ = 0;       // firLatency_ + guard lookahead
    bool scaledDelay_ = false;      // the kernel is scale * delta(D): no FFT needed
    double scale_ = 1.0;
    std::vector<float> kernelTaps_;                 // kernel_ as run (float)
    std::unique_ptr<FftConvolver> convolver_;      // partitioned convolution of the delayed taps
    std::vector<float> side_;                      // per block: (L - R) / 2, then the FIR output
    std::array<std::vector<float>, 2> dryDelay_;  // L and R delayed by the latency
    std::size_t dryPosition_ = 0;
    // Guard state: powers at the side-chain (look-ahead) point, the target's moving minimum, and
    // mid / widened side delayed by the guard lookahead.
    double windowCoefficient_ = 0.0, releaseCoefficient_ = 0.0, floorFactor_ = 1.0;
    double midPower_ = 0.0, sidePower_ = 0.0, inputSidePower_ = 0.0, guardGain_ = 1.0;
    bool guardActive_ = false;
    std::size_t guardLookahead_ = 0, guardPosition_ = 0;
    MovingMaximum negatedTargetHold_;
    std::vector<double> midDelay_, sideDelay_;
    // Per-block scratch of process() (see the glossary there).
    std::vector<double> mid_, widened_, widenedPower_, allowedPower_;
    std::vector<float> heldTarget_;
    float minGuardGainDb_ = 0.0f;
};

}  // namespace lathe::dsp
