#pragma once
// Parametric equaliser stage: up to kMaxBands bands in series, each a bell, shelf, tilt, Butterworth
// or Linkwitz-Riley pass filter (lathe/dsp/biquad_design.h), designed by default with the matched
// method (Vicanek 2016: no cramping near Nyquist) and run as double-state DF-I biquads.

#include <array>
#include <complex>
#include <span>
#include <string_view>
#include <vector>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

/// One band: {type, frequencyHz, gainDb, q, order}; see FilterSpec for which fields each type uses.
using EqBand = FilterSpec;
using EqBandType = FilterType;

struct ParametricEqSettings {
    /// Length of every parameter transition (ramp or crossfade). 0 switches instantly (clicks).
    double smoothingMs = 20.0;
    DesignMethod method = DesignMethod::matched;
};

/// Parametric EQ. Units: Hz, dB. Latency 0. Channels: any count up to kMaxChannels.
///
/// Parameter changes (setBands) are smoothed so they never step the output:
///  - same type and order (or a gain type switched on/off, which ramps from/to 0 dB): the band's
///    parameters glide over smoothingMs, frequency and Q on a log scale, gain in dB; the band is
///    re-designed every 16 samples and its coefficients interpolated linearly per sample in between
///    (DF-I state is coefficient-independent, so per-sample coefficient changes are transient-free).
///    A new change during a glide starts from wherever the glide is.
///  - anything else (type or order change, a pass filter switched on/off): the old and new band
///    filters run side by side for smoothingMs and their outputs crossfade linearly. A change that
///    arrives during a crossfade is applied when it ends.
/// A band at exactly 0 dB (or absent) is skipped: a flat EQ is bit-exact bypass.
/// Real-time contract: prepare() allocates; setBands(), reset() and process() do not (setBands is
/// not thread-safe: call it between process() calls).
class ParametricEq final : public Stage {
public:
    static constexpr int kMaxBands = 16;

    explicit ParametricEq(ParametricEqSettings settings = {});

    /// Replaces the band list (at most kMaxBands). Invalid bands are rejected as a whole, naming
    /// the band and parameter; the previous settings stay. Takes effect smoothly once prepared.
    Status setBands(std::span<const EqBand> bands);
    [[nodiscard]] std::span<const EqBand> bands() const noexcept { return {requested_.data(), numRequested_}; }

    /// The response the bands are heading for (their targets), at the prepared sample rate.
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override { return 0; }
    [[nodiscard]] std::string_view name() const noexcept override { return "parametric_eq"; }

private:
    // Glossary: a band "slot" holds what is currently sounding (`filter`, static or gliding) and,
    // during a crossfade, the `incoming` filter. `target` is the most recent request.
    enum class Mode { idle, glide, crossfade };
    struct Glide {
        double startLogFrequency = 0, startGainDb = 0, startLogQ = 0;
        double endLogFrequency = 0, endGainDb = 0, endLogQ = 0;
        int segment = 0, totalSegments = 0, position = 0;  // position within the current segment
        BiquadCascade segmentStart, segmentStep;            // coefficient = start + step * position
    };
    struct Slot {
        EqBand target{};
        bool targetActive = false;
        EqBand sounding{};  // what `filter` realises (the glide's end while gliding)
        bool soundingActive = false;
        BiquadCascade filter{}, incoming{};
        Mode mode = Mode::idle;
        Glide glide;
        int fadePosition = 0;
        bool pending = false;  // a new target arrived during a crossfade
    };

    void beginTransition(int slot) noexcept;
    void settle(int slot) noexcept;  // jump to the target, no transition
    [[nodiscard]] BiquadCascade designFor(const EqBand& band, bool active) const noexcept;
    void designSegment(Slot& slot) const noexcept;
    void processSlot(int slot, std::size_t frames) noexcept;
    void processSlots(AudioBlock block, std::size_t offset, std::size_t frames) noexcept;
    void processFused(AudioBlock block, std::size_t offset, std::size_t frames) noexcept;
    template <bool Wide>  // four-lane kernels (in the AVX2 copy, processFusedAvx2) or two-lane ones
    void processFusedKernels(AudioBlock block, std::size_t offset, std::size_t frames) noexcept;
    void processFusedAvx2(AudioBlock block, std::size_t offset, std::size_t frames) noexcept;
    [[nodiscard]] double* history(std::size_t pool, int slot, int channel) noexcept;

    ParametricEqSettings settings_;
    std::array<EqBand, kMaxBands> requested_{};
    std::size_t numRequested_ = 0;
    std::array<Slot, kMaxBands> slots_{};

    double sampleRate_ = 48000.0;
    int numChannels_ = 0;
    bool prepared_ = false;
    int transitionSamples_ = 0;
    // Per slot and channel DF-I history, two pools (sounding, incoming); and double scratch.
    std::vector<double> histories_;
    std::vector<double> scratch_;
    std::vector<double> fusedHistories_;  // processFused(): one cascade's history per channel
    // Frames processed (saturating at kFramesToConsistency) since the last change of any band. The
    // fused path shares history between adjacent bands (band k's output history is band k+1's
    // input history); each band's own histories agree with that once every band has sounded a
    // static filter for two frames (DF-I keeps two frames of history), so only then is it used.
    static constexpr std::size_t kFramesToConsistency = 2;
    std::size_t consistentFrames_ = 0;
};

}  // namespace lathe::dsp
