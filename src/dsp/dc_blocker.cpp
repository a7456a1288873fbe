#include "lathe/dsp/dc_blocker.h"

#include <cmath>
#include <string>

#include "lathe/dsp/biquad_design.h"

namespace lathe::dsp {

BiquadCoefficients DcBlocker::coefficients(double cutoffHz, double sampleRate) noexcept {
    return butterworthHighPass(1, cutoffHz, sampleRate, DesignMethod::bilinear).sections[0];
}

Status DcBlocker::check(double cutoffHz, double sampleRate) const {
    if (!std::isfinite(cutoffHz) || cutoffHz <= 0.0 || cutoffHz > 0.1 * sampleRate)
        return fail("DC blocker: cutoffHz must be above 0 and at most a tenth of the sample rate (got " +
                    std::to_string(cutoffHz) + " Hz at " + std::to_string(sampleRate) + " Hz)");
    return success();
}

Status DcBlocker::setCutoffHz(double cutoffHz) {
    if (auto status = check(cutoffHz, sampleRate_); !status.ok()) return status;
    params_.cutoffHz = cutoffHz;
    filter_.setCoefficients(coefficients(cutoffHz, sampleRate_));
    return success();
}

std::complex<double> DcBlocker::response(double frequencyHz) const noexcept {
    return filter_.coefficients().response(frequencyHz, sampleRate_);
}

Status DcBlocker::prepare(const ProcessSpec& spec) {
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("DC blocker: 1 to 8 channels");
    if (auto status = check(params_.cutoffHz, spec.sampleRate); !status.ok()) return status;
    sampleRate_ = spec.sampleRate;
    filter_.setCoefficients(coefficients(params_.cutoffHz, sampleRate_));
    filter_.setNumChannels(spec.numChannels);
    return success();
}

}  // namespace lathe::dsp
