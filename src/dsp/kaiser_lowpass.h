#pragma once
// Kaiser-windowed sinc low-pass filters (internal; the imager and the linear-phase crossover), following
// Kaiser's empirical formulas for beta and length (Oppenheim & Schafer, "Discrete-Time Signal
// Processing", 3rd ed., sec. 7.6.1). Coefficients are computed at prepare time, never pasted.

#include <cstddef>
#include <vector>

namespace lathe::dsp {

// Odd length of a Kaiser low-pass with the given transition width (Hz, full width) and stopband
// attenuation (dB, also the passband ripple bound 20 log10(1 + 10^(-A/20))).
[[nodiscard]] std::size_t kaiserLowpassLength(double transitionHz, double stopbandDb, double sampleRate);

// Linear-phase low-pass of odd `length`, -6 dB at cutoffHz, symmetric about (length - 1) / 2,
// normalised to exactly unity gain at DC (sum of taps = 1).
[[nodiscard]] std::vector<double> kaiserLowpass(double cutoffHz, std::size_t length, double stopbandDb, double sampleRate);

}  // namespace lathe::dsp
