#pragma once
// Word-length reduction to 16 or 24 bits (any of 8..24): the last stage before an integer file.
//
// Output samples lie exactly on the target grid k / 2^(bits-1), k in [-2^(bits-1), 2^(bits-1) - 1]
// (clipped to that code range), so the file writer's round(x * 2^(bits-1)) stores them unchanged.
// Modes:
//   Round        round to nearest, no dither: the error is a deterministic function of the signal
//                (harmonic distortion on quiet signals). For tests and comparisons.
//   Tpdf         triangular-PDF dither of 2 LSB peak to peak added before rounding: the first and
//                second moments of the total error are independent of the signal, and the error is
//                white with power LSB^2/4 (= 3 x the LSB^2/12 of plain rounding) (Vanderkooy &
//                Lipshitz, "Dither in digital audio", JAES 35(12), 1987; Wannamaker, Lipshitz &
//                Vanderkooy, "A theory of nonsubtractive dither", IEEE Trans. SP 48(2), 2000).
//   NoiseShaped  TPDF dither inside an error-feedback loop whose noise transfer function is the
//                psychoacoustically optimal FIR designed in prepare() for the sample rate
//                (noise_shaping.h): output error spectrum |NTF(f)|^2 * LSB^2/4, lowest where the ear
//                is most sensitive (2-5 kHz), highest near Nyquist. The fed-back error is taken
//                before clipping, so it stays within 1.5 LSB and the loop cannot run away on overs.
// NaN input gives 0 and infinities full scale, without disturbing the loop state.
// Deterministic: each channel has its own xoshiro generator (util/random.h) seeded from `seed` and
// the channel index in prepare() and reset(). Latency 0. Real-time contract as in stage.h.

#include <cstdint>
#include <optional>
#include <vector>

#include "lathe/dsp/noise_shaping.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

enum class DitherMode { Round, Tpdf, NoiseShaped };

struct DitherParams {
    int bits = 16;  // target word length, 8..24
    DitherMode mode = DitherMode::Tpdf;
    std::uint64_t seed = 1;
    NoiseShaperParams shaper;  // NoiseShaped only
};

class Dither final : public Stage {
public:
    explicit Dither(DitherParams params = {});
    ~Dither() override;
    Dither(const Dither&) = delete;
    Dither& operator=(const Dither&) = delete;

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "dither"; }

    // The designed shaper (NoiseShaped mode, after prepare()); null otherwise.
    [[nodiscard]] const NoiseShaper* shaper() const noexcept { return shaper_ ? &*shaper_ : nullptr; }
    // One step of the target grid, 2^-(bits-1).
    [[nodiscard]] double lsb() const noexcept { return 1.0 / scale_; }

private:
    struct Channel;  // generator and error history
    template <DitherMode Mode>
    void processChannel(Channel& channel, float* samples, std::size_t frames) noexcept;

    DitherParams params_;
    double scale_ = 32768.0;  // 2^(bits-1)
    std::optional<NoiseShaper> shaper_;
    std::vector<double> coefficients_;  // a_1..a_p (NoiseShaped), copied from the shaper
    std::vector<Channel> channels_;
};

}  // namespace lathe::dsp
