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

// Least-squares slope (dB per octave) of band levels over [loHz, hiHz]; nullopt if < 3 bands.
std::optional<double> bandSlopeDbPerOctave(const std::vector<std::optional<double>>& bandsDb, double loHz, double hiHz);

}  // namespace lathe::mastering
