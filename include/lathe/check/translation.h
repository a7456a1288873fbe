#pragma once
// Translation: how a master comes across on each playback system (lathe/check/playback_systems.h),
// judged from its long-term 1/3-octave mid and side spectra.
//
// Per system, with P_b the band power the system plays (mid + side, or mid alone for mono systems)
// times the band average of |H|^2 (16 points evenly spaced in Hz across the band):
//  - loudnessChangeLu: 10 log10 of the K-weighted power played over the K-weighted power of the
//    master on a flat stereo system (a spectral, ungated estimate of the change in integrated
//    loudness; within a few tenths of an LU of a time-domain measurement for steady material).
//  - loudnessVsTypicalLu: the change minus the change of a typical master (the target balance,
//    side 8 dB under mid): negative = this master sounds quieter than others on that system.
//  - Audibility: the listener sets the volume so a typical master plays at the system's listening
//    SPL; this master then plays loudnessVsTypicalLu louder or quieter, at most at the system's
//    maximum. A band is audible when its SPL is 6 dB over both the threshold of hearing and the
//    background noise band, and no more than 20 dB under the loudest band played between 200 Hz
//    and 5 kHz (under that the programme's midrange covers it: a phone's 125 Hz, 36 dB down, is gone).
//  - The low end (bass fundamentals, bands 31.5-125 Hz) translates when a band of it is audible, or
//    when the upper bass that carries its harmonics is there and audible: upperBassSupportDb, the
//    power of 160-400 Hz relative to 40-100 Hz, minus the same ratio of the typical master, is at
//    least -6 dB, and a band of 160-400 Hz is audible on the system. (Which instrument the upper
//    bass belongs to cannot be told from a mix without source separation; lathe judges the energy
//    that is there to carry the low end, which is what a small speaker can play.) Masters with less
//    than 5 % of their power in 20-125 Hz have no low end to lose.
//  - The vocal range (315 Hz - 3.15 kHz) stays audible when at least half of its bands are audible
//    and mono summing (mono systems) costs it no more than 6 dB.
//  - tonal deviation: the largest |deviation from the target balance| (or reference) over the
//    bands audible on that system: the colour a listener on that system hears relative to others.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lathe/check/playback_systems.h"

namespace lathe::check {

inline constexpr std::size_t kTranslationBands = 31;

struct TranslationInput {
    std::vector<std::optional<double>> midDb;   ///< analyzer 1/3-octave mid levels (31 bands)
    std::vector<std::optional<double>> sideDb;  ///< empty for mono files
    std::array<std::optional<double>, kTranslationBands> balanceDeviationDb{};  ///< vs target or reference
};

struct SystemTranslation {
    std::string systemId;
    std::string systemName;
    double loudnessChangeLu = 0;
    double loudnessVsTypicalLu = 0;
    double playbackSplDb = 0;           ///< programme SPL on the system
    bool mixHasLowEnd = false;
    double lowEndShareBelow100HzPct = 0; ///< of the master's 20-250 Hz power
    double upperBassSupportDb = 0;       ///< (160-400 Hz / 40-100 Hz) of the master minus the typical master's
    double lowCornerHz = 0;              ///< the system's -10 dB point
    bool lowEndAudible = false;          ///< a fundamental band is audible
    bool lowEndTranslates = true;
    bool vocalRangeAudible = true;
    double vocalRangeMonoLossDb = 0;     ///< 0 for stereo systems
    std::optional<double> tonalDeviationDb;  ///< signed, the largest |deviation| over audible bands
    double tonalDeviationHz = 0;
    std::array<std::optional<double>, kTranslationBands> playedBandSplDb{};  ///< null: no energy
    std::array<bool, kTranslationBands> bandAudible{};
    std::vector<std::string> problems;   ///< one line each; empty = translates
};

[[nodiscard]] std::vector<SystemTranslation> evaluateTranslation(const TranslationInput& input,
                                                                 std::span<const PlaybackSystem> systems = playbackSystems());

/// Band average of |H|^2 (power gain, linear) of a system over 1/3-octave band `band` (0..30).
[[nodiscard]] double bandPowerGain(const PlaybackSystem& system, std::size_t band) noexcept;
/// Exact edges of 1/3-octave band `band` (IEC 61260-1 base 10): fm * 10^(-+1/20).
[[nodiscard]] std::pair<double, double> thirdOctaveEdgesHz(std::size_t band) noexcept;

}  // namespace lathe::check
