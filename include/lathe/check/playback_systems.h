#pragma once
// Playback system models for the translation check: how a phone, a laptop, earbuds, a car, a hi-fi
// and a mono club system reproduce a master. Each model is an analogue response built from the
// filter prototypes of lathe/dsp/biquad_design.h (high-pass corner, resonances, roll-offs), plus
// mono summing, the level it is listened at and its maximum output, and the background noise of
// where it is used. These are documented, deliberately simple models of typical devices, not
// measurements of one product:
//   phone    one micro-speaker (phones held upright play mono): 4th-order high-pass at 350 Hz (-10 dB
//            near 270 Hz: micro-speakers in sealed phone enclosures resonate around 700-1000 Hz and
//            the phone's protection DSP cuts below), +4 dB presence peak at 2.5 kHz, 2nd-order
//            low-pass at 12 kHz; listened at 68 dB SPL, at most 80 dB SPL.
//   laptop   two small drivers close together: 4th-order high-pass at 180 Hz, +3 dB at 1.2 kHz,
//            2nd-order low-pass at 15 kHz; stereo; 70 dB SPL, at most 82 dB SPL.
//   earbuds  unsealed earbuds (the leaky fit costs the low end): 2nd-order high-pass at 100 Hz, +5 dB
//            ear-canal peak at 3 kHz, 2nd-order low-pass at 16 kHz; stereo; 75 dB SPL.
//   car      door woofers and tweeters in a cabin: 2nd-order high-pass at 35 Hz, cabin gain +8 dB low
//            shelf at 60 Hz, -4 dB cabin dip at 250 Hz, 2nd-order low-pass at 14 kHz; stereo; 78 dB
//            SPL; road noise 62 dB SPL per third octave at 100 Hz falling 6 dB per octave.
//   hifi     bookshelf speakers in a room: 4th-order high-pass at 45 Hz (ported box), 1st-order
//            low-pass at 22 kHz; stereo; 80 dB SPL. The flat reference.
//   club     mono PA: 4th-order high-pass at 35 Hz, +6 dB low shelf at 90 Hz (club tuning), -3 dB
//            high shelf at 8 kHz (air absorption over distance); mono sum; 100 dB SPL; crowd noise
//            72 dB SPL per third octave.

#include <span>
#include <string>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"

namespace lathe::check {

struct PlaybackSystem {
    std::string id;          ///< "phone", "laptop", "earbuds", "car", "hifi", "club"
    std::string name;        ///< "phone speaker", ...
    dsp::AnalogCascade response;  ///< acoustic response (the analogue prototype)
    bool monoSum = false;    ///< plays (L + R) / 2
    double listeningSplDb = 75.0;  ///< SPL (K-weighted programme) the listener sets
    double maxSplDb = 110.0;       ///< the system's maximum output
    double noiseSplAt100HzDb = -100.0;    ///< background noise per third-octave band at 100 Hz (dB SPL)
    double noiseSlopeDbPerOctave = 0.0;   ///< its slope
    std::string description;       ///< one line for reports

    /// |H| in dB at a frequency (exact analogue response).
    [[nodiscard]] double responseDb(double frequencyHz) const noexcept { return response.magnitudeDb(frequencyHz); }
    /// The digital filter of the response, for simulating playback in the time domain.
    [[nodiscard]] dsp::BiquadCascade digitalResponse(double sampleRate) const noexcept;
    /// Background noise per third-octave band (dB SPL) at a frequency.
    [[nodiscard]] double noiseSplDb(double frequencyHz) const noexcept;
    /// The lowest frequency at which the response is within 10 dB of its 1 kHz value.
    [[nodiscard]] double lowCornerHz() const noexcept;
};

/// phone, laptop, earbuds, car, hifi, club (in that order).
[[nodiscard]] std::span<const PlaybackSystem> playbackSystems();

/// ITU-R BS.1770-4 K-weighting in dB: the analogue prototype of the loudness meter (analysis/k_weighting.h).
[[nodiscard]] double kWeightingDb(double frequencyHz) noexcept;

/// Threshold of hearing in quiet, dB SPL (Terhardt 1979, the approximation of ISO 226 used in the
/// MPEG psychoacoustic models): 3.64 f^-0.8 - 6.5 exp(-0.6 (f - 3.3)^2) + 1e-3 f^4, f in kHz.
[[nodiscard]] double hearingThresholdDbSpl(double frequencyHz) noexcept;

}  // namespace lathe::check
