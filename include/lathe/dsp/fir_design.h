#pragma once
// Linear-phase FIR design from an arbitrary magnitude curve (a pure function of the parameters and
// the sample rate; used by LinearPhaseEq).
//
// Method: frequency sampling with windowing. The target magnitude (linear gain, zero phase) is
// sampled on a dense grid of M >= 8(N+1) bins, inverse-FFT'd to its (even) impulse response, which
// is cut to N taps around its centre and multiplied by a Kaiser or Blackman-Harris window, then
// delayed by (N-1)/2 so it is causal. The taps are exactly symmetric, so the phase is exactly
// linear: group delay (N-1)/2 frames at every frequency. The windowing smooths the designed
// response with the window's spectrum (main lobe ~ 2*sqrt(1+(beta/pi)^2) * fs/N wide for Kaiser),
// which sets how narrow (and how low) a feature can be reproduced by a given N.
// (Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., sec. 7.5-7.6; Kaiser 1974;
// Harris, "On the use of windows...", Proc. IEEE 66(1), 1978 for the 4-term Blackman-Harris window.)
//
// The target curve: (frequencyHz, gainDb) points, interpolated linearly in dB over log-frequency,
// held flat below the first and above the last point (so DC and Nyquist take the end values).
// Optional fractional-octave smoothing: a centred moving average of the dB curve over
// smoothingOctaves (e.g. 1/3) on a log-frequency grid.
//
// Automatic length (lengthFrames == 0): the shortest N = 2^k - 1 between a minimum and a maximum
// (4095 and 16383 at 48 kHz, scaled with the sample rate and rounded up to 2^k - 1: 4095/16383 at
// 44.1/48 kHz, 8191/32767 at 88.2/96 kHz) whose design stays within toleranceDb of the target over
// [checkLowHz, min(checkHighHz, 0.45 fs)]. The curve's lowest (and narrowest) feature decides it,
// since a feature of bandwidth B needs about 1/B seconds of impulse response. Measured with the
// default Kaiser beta 6 at 48 kHz: shelves at >= 100 Hz, tilts and bells at 1 kHz take 4095; a
// 1/2-octave bell at 100 Hz takes 16383 (0.034 dB), at 60 Hz 16383 (0.09 dB); the same at 96 kHz
// takes twice the taps. A curve with features too narrow or too low for the maximum is designed at
// the maximum and maxDeviationDb() reports how close it came.

#include <complex>
#include <span>
#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

struct CurvePoint {
    double frequencyHz = 1000.0;
    double gainDb = 0.0;
};

enum class FirWindow { Kaiser, BlackmanHarris };

struct FirDesignParams {
    std::vector<CurvePoint> curve{{1000.0, 0.0}};  // at least one point; any order, no duplicate frequencies
    double smoothingOctaves = 0.0;                 // 0 = none; e.g. 1.0 / 3.0 for third-octave smoothing
    int lengthFrames = 0;                          // odd N >= 3, or 0 for automatic (see above)
    FirWindow window = FirWindow::Kaiser;
    double kaiserBeta = 6.0;    // Kaiser shape: larger = lower side lobes, wider smoothing
    double toleranceDb = 0.1;   // automatic length: worst allowed |designed - target| in the check band
    double checkLowHz = 30.0;   // check band for the automatic length and maxDeviationDb()
    double checkHighHz = 20000.0;
};

// The (optionally smoothed) target magnitude curve, evaluable at any frequency.
class TargetCurve {
public:
    static Result<TargetCurve> create(const FirDesignParams& params, double sampleRate);
    [[nodiscard]] double gainDb(double frequencyHz) const noexcept;

private:
    TargetCurve() = default;
    [[nodiscard]] double rawGainDb(double frequencyHz) const noexcept;
    std::vector<CurvePoint> points_;     // sorted by frequency
    std::vector<double> smoothedDb_;     // on the log grid; empty when not smoothing
    double gridLowHz_ = 1.0;
    double gridStepsPerOctave_ = 192.0;
};

// A designed linear-phase FIR: symmetric taps, their analytic response and the target.
class FirDesign {
public:
    [[nodiscard]] std::span<const float> taps() const noexcept { return taps_; }
    [[nodiscard]] int length() const noexcept { return static_cast<int>(taps_.size()); }
    [[nodiscard]] int latencyFrames() const noexcept { return (length() - 1) / 2; }
    [[nodiscard]] double sampleRate() const noexcept { return sampleRate_; }
    // DTFT of the (float) taps at frequencyHz: amplitude(f) * exp(-j 2 pi f/fs * latency).
    [[nodiscard]] std::complex<double> response(double frequencyHz) const noexcept;
    // The real, signed zero-phase amplitude of the taps (the response without its linear phase).
    [[nodiscard]] double amplitude(double frequencyHz) const noexcept;
    [[nodiscard]] double magnitudeDb(double frequencyHz) const noexcept;
    // The target the taps were designed to (after smoothing).
    [[nodiscard]] double targetDb(double frequencyHz) const noexcept { return target_.gainDb(frequencyHz); }
    [[nodiscard]] const TargetCurve& target() const noexcept { return target_; }
    // Worst |magnitudeDb - targetDb| over the check band, measured on the design grid.
    [[nodiscard]] double maxDeviationDb() const noexcept { return maxDeviationDb_; }

private:
    friend Result<FirDesign> designLinearPhaseFir(const FirDesignParams& params, double sampleRate);
    FirDesign(std::vector<float> taps, double sampleRate, TargetCurve target, double maxDeviationDb)
        : taps_(std::move(taps)), sampleRate_(sampleRate), target_(std::move(target)), maxDeviationDb_(maxDeviationDb) {}
    std::vector<float> taps_;
    double sampleRate_;
    TargetCurve target_;
    double maxDeviationDb_;
};

// Designs the filter. Errors: empty curve, non-finite or non-positive frequencies, duplicate
// frequencies, gains outside [-100, +40] dB, even or too short lengthFrames, bad window settings.
Result<FirDesign> designLinearPhaseFir(const FirDesignParams& params, double sampleRate);

// The automatic length bounds at a sample rate (see above).
[[nodiscard]] int minimumAutomaticFirLength(double sampleRate) noexcept;
[[nodiscard]] int maximumAutomaticFirLength(double sampleRate) noexcept;

}  // namespace lathe::dsp
