#pragma once
// DC blocker: a first-order high-pass.

#include <complex>
#include <string_view>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

struct DcBlockerParams {
    double cutoffHz = 5.0;  ///< -3 dB frequency, 0 < cutoffHz <= 0.1 * sample rate
};

/// Removes DC and subsonic drift: first-order Butterworth high-pass (bilinear transform,
/// pre-warped at cutoffHz: exactly -3.01 dB there, 0 dB at Nyquist, a zero at DC), run with
/// double-precision state. Units Hz. Latency 0 (minimum phase; the phase shift below ~10 fc is the
/// filter's, not a delay). A new cutoff applies at the next block boundary, keeping the state.
class DcBlocker final : public Stage {
public:
    explicit DcBlocker(DcBlockerParams params = {}) noexcept : params_(params) {}

    /// The section for a cutoff and sample rate (a pure function; what process() runs).
    [[nodiscard]] static BiquadCoefficients coefficients(double cutoffHz, double sampleRate) noexcept;

    Status setCutoffHz(double cutoffHz);
    [[nodiscard]] double cutoffHz() const noexcept { return params_.cutoffHz; }
    /// Analytic response at the prepared sample rate.
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override { filter_.reset(); }
    void process(AudioBlock block) noexcept override { filter_.process(block); }
    [[nodiscard]] std::string_view name() const noexcept override { return "dc_blocker"; }

private:
    [[nodiscard]] Status check(double cutoffHz, double sampleRate) const;

    DcBlockerParams params_;
    double sampleRate_ = 48000.0;
    MultichannelBiquadFilter filter_;
};

}  // namespace lathe::dsp
