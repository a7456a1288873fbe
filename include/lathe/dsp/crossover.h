#pragma once
// Crossover: splits audio into 2..5 bands whose unprocessed sum is flat.
//
// LinkwitzRiley4 (default, no latency): a tree of 4th-order Linkwitz-Riley splits (each low/high
// pair = a 2nd-order Butterworth biquad applied twice; Linkwitz 1976, "Active crossover networks
// for noncoincident drivers", JAES 24(1)). An LR4 low/high pair sums to a 2nd-order allpass
// AP(f_c) = (s^2 - s/Q + 1)/(s^2 + s/Q + 1), Q = 1/sqrt2 (the identity LP^2 + HP^2 = AP survives the
// bilinear transform because both use the same prewarped frequency). Splitting the upper branch
// again would leave the lower bands without the later splits' phase, so band j is passed through
// the allpasses AP(f_m) of every later edge m > j ("allpass phase compensation"): every band then
// carries the same total phase and the band sum is the allpass product AP(f_0)...AP(f_{N-2}),
// whose magnitude is exactly 1 (measured flat to ~1e-6 dB in float).
//   band j = [prod_{i<j} HP_i^2] . LP_j^2 . [prod_{m>j} AP_m]      (LP/HP: Butterworth biquads)
//
// LinearPhase: complementary linear-phase FIR bands (see src/dsp/linear_phase_crossover.h) that sum
// to the input delayed; costs latency (the FIR centre, about 5.7 / f_0 seconds for the lowest edge
// f_0: 71 ms for 80 Hz, at any rate) and more CPU.
//
// As a Stage, process() writes the band sum (or one band with soloBand): for null tests, solo
// listening and the contract tests. split() is what the multiband compressor uses.
// Units: Hz. Real-time contract as in stage.h.

#include <array>
#include <complex>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "lathe/dsp/stage.h"

namespace lathe::dsp {

class LinkwitzRileyBandSplitter;
class LinearPhaseBandSplitter;

class Crossover final : public Stage {
public:
    static constexpr int kMaxBands = 5;
    enum class Type { LinkwitzRiley4, LinearPhase };

    struct Params {
        int numBands = 3;  // 2..5 (1 = pass-through)
        std::array<float, kMaxBands - 1> crossoverHz{120.0f, 2000.0f, 6000.0f, 12000.0f};  // first numBands-1, ascending
        Type type = Type::LinkwitzRiley4;
        int soloBand = -1;  // process(): -1 = sum of all bands, else that band alone
    };

    Crossover();
    explicit Crossover(const Params& params);
    ~Crossover() override;
    Crossover(Crossover&&) noexcept;
    Crossover& operator=(Crossover&&) noexcept;

    void setParams(const Params& params) noexcept { params_ = params; }
    [[nodiscard]] const Params& params() const noexcept { return params_; }
    // Checks params against a sample rate (20 Hz <= edges <= 0.45 fs, ascending, 1..5 bands).
    [[nodiscard]] static Status validate(const Params& params, double sampleRate);

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "crossover"; }

    [[nodiscard]] int numBands() const noexcept { return params_.numBands; }
    // Writes band j of `input` into bands[j] (numBands() blocks shaped like `input`; none may alias it).
    void split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept;
    // output = the sum of `bands`, or band `soloBand` alone when soloBand >= 0 (output may alias none of them).
    static void sumBands(std::span<const AudioBlock> bands, AudioBlock output, int soloBand) noexcept;
    // Analytic complex response of band j at frequencyHz, including the latency; valid after prepare().
    [[nodiscard]] std::complex<double> bandResponse(int band, double frequencyHz) const noexcept;

private:
    Params params_;
    ProcessSpec spec_{};
    std::unique_ptr<LinkwitzRileyBandSplitter> linkwitzRiley_;
    std::unique_ptr<LinearPhaseBandSplitter> linearPhase_;
    std::vector<AudioBuffer> scratch_;  // process(): one buffer per band
};

}  // namespace lathe::dsp
