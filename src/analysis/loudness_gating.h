#pragma once
// Gated (integrated) loudness, ITU-R BS.1770-4 Annex 1 eq. (4) to (7): 400 ms blocks (overlapping
// by 75 %), an absolute gate at -70 LUFS, then a relative gate 10 LU below the loudness of the
// blocks that passed the absolute gate. Gates are strict (a block at exactly the threshold is
// dropped), as in the standard's formulae.

#include <optional>
#include <span>

namespace lathe::analysis {

inline constexpr double kAbsoluteGateLufs = -70.0;
inline constexpr double kIntegratedRelativeGateLu = -10.0;

// True when a block of this energy passes the absolute gate. Non-finite energies (the filter fed
// NaN or Inf) never pass, so they cannot poison the mean.
[[nodiscard]] bool passesAbsoluteGate(double energy) noexcept;

// Gated loudness in LUFS of the given block energies (channel-weighted mean squares), or nullopt
// when no block passes the gates (silence, or shorter than one block).
[[nodiscard]] std::optional<double> gatedLoudnessLufs(std::span<const double> blockEnergies) noexcept;

}  // namespace lathe::analysis
