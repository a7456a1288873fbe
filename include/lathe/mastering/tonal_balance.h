#pragma once
// The target tonal balance the planner and `check` compare a mix with, on the analyzer's
// 1/3-octave bands (band power in dB, ISO centres 20 Hz - 20 kHz).
// Default: the average balance of commercial releases (Pestana, Ma, Reiss, Barbosa & Black 2013,
// "Spectral characteristics of popular commercial recordings 1950-2010", AES 135th Convention): a long-term spectrum falling
// about 4.5-5 dB per octave (power spectral density) from 100 Hz to 4 kHz and more steeply above.
// On 1/3-octave band power (density + 10 log10 of a bandwidth that doubles per octave, +3 dB/oct)
// that is -1.75 dB per octave from 100 Hz to 4 kHz, -3.5 dB per octave above 4 kHz, flat from
// 50 to 100 Hz and -4 dB per octave below 50 Hz (the sub-bass roll-off of real releases).

#include <array>
#include <optional>
#include <vector>

#include "lathe/analysis/analyzer.h"

namespace lathe::mastering {

inline constexpr std::size_t kBands = analysis::kThirdOctaveCentresHz.size();

// Target band level relative to 1 kHz (dB) at a band centre frequency.
double targetBalanceDb(double frequencyHz) noexcept;

// The mix's departure from the target per band, after removing the overall level: positive means
// the mix has too MUCH energy there. Bands the mix lacks (null, below -100 dB) are nullopt.
// Levels are aligned by the mean over 100 Hz - 4 kHz; the result is smoothed over +-1/3 octave.
std::array<std::optional<double>, kBands> balanceDeviationDb(const std::vector<std::optional<double>>& bandsDb);
// The same against another target (e.g. a reference track's bands, in the analyzer's dB): bands
// the target lacks (null, below -100 dB) are nullopt too.
std::array<std::optional<double>, kBands> balanceDeviationDb(const std::vector<std::optional<double>>& bandsDb,
                                                             const std::vector<std::optional<double>>& targetBandsDb);

// The named frequency regions of the balance, one definition for the planner's reasons and
// `lathe check`'s tonal items (check judges low end, presence and highs; the planner also reports
// low mids). Positive deviation = too much: `tooMuch` / `tooLittle` name the symptom.
struct TonalRegion {
    const char* name;
    double loHz, hiHz;
    const char* tooMuch;
    const char* tooLittle;  // nullptr: only too much is a fault (harshness)
};
inline constexpr TonalRegion kLowEndRegion{"low end", 63.0, 250.0, "boomy", "thin"};
inline constexpr TonalRegion kLowMidRegion{"low mids", 200.0, 400.0, "muddy", "hollow"};
inline constexpr TonalRegion kPresenceRegion{"presence", 2000.0, 5000.0, "harsh", nullptr};
inline constexpr TonalRegion kHighRegion{"highs", 5000.0, 12500.0, "bright", "dark"};

// Mean deviation over the bands whose centres lie in [loHz, hiHz]; nullopt if none is defined.
std::optional<double> regionMeanDb(const std::array<std::optional<double>, kBands>& deviation, double loHz, double hiHz);
inline std::optional<double> regionMeanDb(const std::array<std::optional<double>, kBands>& deviation,
                                          const TonalRegion& region) {
    return regionMeanDb(deviation, region.loHz, region.hiHz);
}

// Least-squares slope (dB per octave) of band levels over [loHz, hiHz]; nullopt if < 3 bands.
std::optional<double> bandSlopeDbPerOctave(const std::vector<std::optional<double>>& bandsDb, double loHz, double hiHz);

}  // namespace lathe::mastering
