#pragma once
// Long-term one-third-octave spectrum of the mid and side signals, streamed, and the spectral tilt.
// - Signals: mono files: mid = the channel, no side. Two or more channels: M = (L + R) / 2 and
//   S = (L - R) / 2 of the first two channels.
// - Welch average: periodic Hann frames of N = the smallest power of two >= fs / 1.5 (bins of at
//   most 1.5 Hz, e.g. N = 32768 at 44.1 and 48 kHz, fine enough to keep a sine in the 20 Hz band
//   inside it), FFTW (single precision transform, double precision accumulation). Hop N: frames do
//   not overlap. That halves the FFT work of the usual 50 % overlap; the Hann taper weights each
//   frame's edges down, which leaves the long-term average of steady material unbiased (it only
//   raises the variance a little, and a track has hundreds of frames). Optionally (prepare's
//   `overlap` = 4) the hop is N/4: the squared Hann windows then sum to a constant, so every sample
//   weighs the same, which matters for short, rhythmic material whose beats would otherwise fall at
//   a fixed place under the window (reference profiles use it; it costs 4 times the FFTs). A final partial frame is
//   zero-padded and weighted by the window energy it actually holds, so short files work too. The
//   power of bin k, normalised by the total window energy, sums to the signal's mean square.
// - Bands: IEC 61260-1 base-10 one-third octaves, exact midband fm = 1000 * 10^(x/10) Hz, edges
//   fm * 10^(+-1/20), labelled by the ISO 266 nominal centres kThirdOctaveCentresHz (20 Hz..20 kHz).
//   Bin power is split between bands in proportion to the overlap of the bin's width with the band.
//   DC is in no band. A band whose exact centre is at or above Nyquist is nullopt; a band straddling
//   Nyquist integrates up to Nyquist. A band holding no energy at all is nullopt.
// - dB reference: a sine of amplitude A (full scale = 1) inside a band reads 20 log10 A dB in that
//   band (level = 10 log10(2 * band mean square)); a full-scale sine reads 0 dB.
// - Spectral tilt: least-squares slope of the mid spectrum's power DENSITY per Hz (band power divided
//   by its bandwidth, in dB) against log2 of the band centre, bands 100 Hz to 4 kHz, in dB per
//   octave. With this convention white noise reads 0 and pink noise -3.01 dB/oct; the slope of the
//   band levels themselves is the tilt + 3.01 dB/oct.
// Latency: none (a long-term average). process() never allocates; any block split gives
// bit-identical results. finish() analyses the final partial frame: call it once, at the end.

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

// ISO 266 one-third-octave centre frequencies, 20 Hz to 20 kHz (31 bands).
inline constexpr std::array<double, 31> kThirdOctaveCentresHz = {
    20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630,
    800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000};

inline constexpr std::size_t kThirdOctaveBandCount = kThirdOctaveCentresHz.size();

struct ThirdOctaveBand {
    double nominalHz;  // ISO 266 label
    double centreHz;   // exact base-10 midband frequency
    double lowerHz;
    double upperHz;
};
// The 31 bands 20 Hz..20 kHz.
[[nodiscard]] const std::array<ThirdOctaveBand, kThirdOctaveBandCount>& thirdOctaveBands() noexcept;

struct ThirdOctaveSpectrumResult {
    std::vector<std::optional<double>> midDb;   // per band (see the dB reference above)
    std::vector<std::optional<double>> sideDb;  // empty for mono input
    std::optional<double> tiltDbPerOctave;      // of the mid spectrum
};

// Least-squares tilt (dB per octave, power density per Hz) from band levels in the dB reference
// above; nullopt unless every band from 100 Hz to 4 kHz has a level.
[[nodiscard]] std::optional<double> spectralTiltDbPerOctave(std::span<const std::optional<double>> bandDb,
                                                            double sampleRate);

class ThirdOctaveSpectrum {
public:
    static constexpr double kTiltLowHz = 100.0;
    static constexpr double kTiltHighHz = 4000.0;

    ThirdOctaveSpectrum();
    ThirdOctaveSpectrum(ThirdOctaveSpectrum&&) noexcept;
    ThirdOctaveSpectrum& operator=(ThirdOctaveSpectrum&&) noexcept;
    ~ThirdOctaveSpectrum();

    [[nodiscard]] static std::size_t fftSizeFor(double sampleRate) noexcept;

    // overlap: frames per hop, 1 (hop N, the default) or 4 (hop N/4; see above).
    Status prepare(double sampleRate, int numChannels, int overlap = 1);
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] ThirdOctaveSpectrumResult finish();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace lathe::analysis
