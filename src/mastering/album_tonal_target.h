#pragma once
// The album's shared tonal target, through reference matching (lathe/mastering/reference.h): the
// profile of each track, their average (or a reference's profile), and the plan request that steers
// every track's plan toward it. Match amounts: EQ `eqMatch` (default 100 %), width 50 % (toward the
// target's side-to-mid per band, halfway: a track's own width partly survives), loudness 0 and
// dynamics 0 (the album's loudness mode decides both, album_loudness.h).

#include <filesystem>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/mastering/plan.h"
#include "lathe/mastering/reference.h"
#include "lathe/result.h"

namespace lathe::mastering {

inline constexpr double kAlbumWidthMatch = 0.5;

// False while reference matching is not part of the build: the album then masters each track toward
// lathe's default balance, and the functions below are not called.
bool albumTonalMatchingAvailable() noexcept;

// `analysed` is the analysis of this very audio (mono or stereo).
ReferenceProfile trackTonalProfile(ConstAudioBlock audio, double sampleRate, const analysis::Analysis& analysed,
                                   const std::string& source);
Result<ReferenceProfile> loadTonalReference(const std::filesystem::path& path);
ReferenceProfile averageTonalProfile(const std::vector<ReferenceProfile>& tracks);
// Steers every track planned with `request` toward `target`: EQ by `eqMatch` (0..1), width by kAlbumWidthMatch.
void applyTonalTarget(PlanRequest& request, const ReferenceProfile& target, double eqMatch);

}  // namespace lathe::mastering
