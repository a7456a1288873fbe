#pragma once
// Does the bass carry harmonics that small speakers can play? The ear hears the pitch of a bass
// from its harmonics when the fundamental is missing (the residue pitch, Schouten 1940), which
// follows the periodicity of the harmonics' ENVELOPE: harmonics k f0 and (k+1) f0 beat at f0.
//
// Measure: the mid signal is low-passed (Butterworth, 8th order, 1.2 kHz) and decimated to about
// 4 kHz; from there
//   s = the fundamental band: Butterworth low-pass, 4th order, at fundamentalMaxHz (150 Hz);
//   h = the harmonic band: Butterworth band-pass 200 Hz - 1 kHz (4th-order high- and low-pass);
//   e = the envelope of h: |h|, low-passed (4th order) at 180 Hz.
// Both are decimated by 4 (about 1 kHz) and cut into 1 s frames (Hann window, ~1 Hz bins). In each
// frame the bass NOTES are the tonal peaks of s between 30 Hz and fundamentalMaxHz (local maxima
// 10 dB over the band's median power and within 30 dB of the frame's strongest peak; a kick drum's
// broadband thump makes no peak). A note is supported by harmonics when the envelope spectrum of e
// has a peak at the same frequency (+-1 bin) 10 dB over its own median (noise reaches that in one
// bin of 1000; a harmonic envelope line is far stronger). The coherence is the
// fraction of the notes' power that is supported, over the whole signal: 1 = every bass note has
// harmonics above 200 Hz, 0 = none (a sine bass). Undefined when there are no bass notes.
// Harmonics count as present from 0.2: a kick drum's sub tail is a note without harmonics too, so a
// mix whose bass line has harmonics reads 0.3 (kick-heavy) to 1; a sine bass reads under 0.1.

#include <optional>

#include "lathe/audio_buffer.h"

namespace lathe::check {

struct BassHarmonicsParams {
    double fundamentalMaxHz = 150.0;
    double harmonicLowHz = 200.0;
    double harmonicHighHz = 1000.0;
    double frameSeconds = 1.0;
    double presentThreshold = 0.2;  ///< coherence at or above which harmonics count as present
};

struct BassHarmonics {
    std::optional<double> coherence;   ///< nullopt: no bass notes (or the fundamental band under -70 dBFS)
    double fundamentalBandDbfs = -200; ///< RMS level of the fundamental band (dBFS, full-scale sine = -3)
    bool harmonicsPresent = false;
};

/// audio: 1 or more channels (mid = mean of the first two). Cost: one 4-section filter pass at the
/// input rate, the rest at ~4 kHz and ~1 kHz.
[[nodiscard]] BassHarmonics measureBassHarmonics(ConstAudioBlock audio, double sampleRate,
                                                 const BassHarmonicsParams& params = {});

}  // namespace lathe::check
