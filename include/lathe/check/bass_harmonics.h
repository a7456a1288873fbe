#pragma once
// Does the bass carry harmonics that small speakers can play? (The ear hears the pitch of a bass
// from its harmonics when the fundamental is missing: Schouten's residue pitch, which follows the
// periodicity of the harmonics' ENVELOPE.)
//
// Measure: the mid signal is low-passed (Butterworth, 8th order, 1.2 kHz) and decimated to about
// 4 kHz; from there
//   s = the fundamental band: Butterworth low-pass, 4th order, at fundamentalMaxHz (120 Hz);
//   h = the harmonic band: Butterworth band-pass 200 Hz - 1 kHz (4th-order high- and low-pass);
//   e = the envelope of h: |h|, low-passed (4th order) at 150 Hz, decimated by 4 (about 1 kHz).
// A bass note with harmonics above 200 Hz makes e periodic at the note's fundamental, in step with s;
// a sine bass leaves e unrelated to s. Per frame (1 s) the normalised cross-correlation of s and
// e (mean removed) is maximised over lags within +-25 ms (one period of a 40 Hz note); the
// coherence is the average of those maxima weighted by the frame's fundamental-band energy, over
// frames within 30 dB of the most energetic one. 0 = no harmonics tied to the bass, 1 = fully.
// Uncorrelated material gives about 0.1-0.15 (the maximum of ~50 lags of noise correlation).

#include <optional>

#include "lathe/audio_buffer.h"

namespace lathe::check {

struct BassHarmonicsParams {
    double fundamentalMaxHz = 120.0;
    double harmonicLowHz = 200.0;
    double harmonicHighHz = 1000.0;
    double frameSeconds = 1.0;
    double presentThreshold = 0.35;  ///< coherence at or above which harmonics count as present
};

struct BassHarmonics {
    std::optional<double> coherence;  ///< nullopt when there is no bass (fundamental band below -70 dBFS)
    double fundamentalBandDbfs = -200; ///< RMS level of the fundamental band (dBFS, full-scale sine = -3)
    bool harmonicsPresent = false;
};

/// audio: 1 or more channels (mid = mean of the first two). Cost: one 4-section filter pass at the
/// input rate, the rest at ~4 kHz.
[[nodiscard]] BassHarmonics measureBassHarmonics(ConstAudioBlock audio, double sampleRate,
                                                 const BassHarmonicsParams& params = {});

}  // namespace lathe::check
