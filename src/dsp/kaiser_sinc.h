#pragma once
// Design of the linear-phase lowpass behind the polyphase oversampler and the true-peak meter:
// a Kaiser-windowed sinc that is an L-th band (Nyquist) filter for interpolation by L.
//   cutoff       the base-rate Nyquist frequency, fs / 2 (1 / (2L) cycles per oversampled sample),
//                the middle of the transition band [passbandFraction, 1 - passbandFraction] * fs;
//   length       N = K * L + 1 taps, K ("taps per phase", even) from Kaiser's estimate
//                N - 1 = (A - 7.95) / (2.285 * transition width in radians per sample);
//   window       Kaiser, beta from the requested stopband attenuation A (Kaiser 1974; see
//                Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., section 7.6).
// Because the sinc is zero at every multiple of L from the centre, every L-th tap vanishes except the
// centre tap, which is exactly 1: polyphase branch 0 is a pure delay of K / 2 base-rate frames and
// the interpolated signal passes through the original samples. Passband ripple and stopband leakage
// are both about 10^(-A / 20) (window designs have equal ripples).

#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

struct KaiserSincDesign {
    int factor = 1;                   // L
    int tapsPerPhase = 0;             // K (even); the prototype has K * L + 1 taps
    double kaiserBeta = 0;
    std::vector<double> taps;         // prototype h[0 .. K * L], symmetric, DC gain ~ L, h[K * L / 2] == 1
};

// Designs the prototype for interpolation / decimation by `factor` (>= 2). Returns an error for a
// passband fraction outside (0, 0.5), an attenuation outside [20, 200] dB or a filter longer than
// 4096 taps per phase. tapsPerPhaseMultiple (even, >= 2) rounds K up to a multiple of it (a
// cascade stage whose delay K / 2 must be a whole number of base-rate frames asks for 4).
Result<KaiserSincDesign> designKaiserSinc(int factor, double passbandFraction, double stopbandAttenuationDb,
                                          int tapsPerPhaseMultiple = 2);

// Amplitude response of a prototype `taps` (symmetric, odd length) divided by `factor` (so ~1 in the passband) at `cyclesPerSample`
// (frequency / oversampled rate, 0 .. 0.5), with the linear-phase delay removed (a signed real).
double kaiserSincAmplitude(const std::vector<double>& taps, int factor, double cyclesPerSample) noexcept;

// Modified Bessel function of the first kind, order 0 (power series; accurate to double rounding
// for the arguments a Kaiser window uses).
double besselI0(double x) noexcept;

}  // namespace lathe::dsp
