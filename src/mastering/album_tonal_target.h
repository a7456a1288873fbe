#pragma once
// The album's shared tonal target, through reference matching (lathe/mastering/reference.h): the
// profile of each track, their average (or a reference's profile), and the plan request that steers
// a track's EQ toward it. Loudness is the album's decision (album_loudness.h), never the
// reference's, so the loudness match amount is 0.

#include <filesystem>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/mastering/plan.h"
#include "lathe/mastering/reference.h"
#include "lathe/result.h"

namespace lathe::mastering {

// False while reference matching is not part of the build: the album then masters each track toward
// lathe's default balance, and the functions below are not called.
bool albumTonalMatchingAvailable() noexcept;

ReferenceProfile trackTonalProfile(ConstAudioBlock audio, double sampleRate, const std::string& source);
Result<ReferenceProfile> loadTonalReference(const std::filesystem::path& path);
ReferenceProfile averageTonalProfile(const std::vector<ReferenceProfile>& tracks);
// Steers the EQ of every track planned with `request` toward `target` by `eqMatch` (0..1).
void applyTonalTarget(PlanRequest& request, const ReferenceProfile& target, double eqMatch);

}  // namespace lathe::mastering
