#pragma once
// Album loudness: the delivery loudness of every track of an album, decided together.
//   AlbumLoudness::Album (default): the loudest mix (by integrated loudness) is delivered at the
//     target and every other track as far below it as its mix is below the loudest mix, so the
//     differences the artist intended (a ballad softer than the single) survive mastering.
//   AlbumLoudness::Equal: every track at the target.
// Then the album-wide guardrail: the planner (planMaster) stops a track short of its loudness when
// reaching it would squash the track below the PLR floor; if it stops any track, EVERY track comes
// down by the largest shortfall, so the differences (album) or the equality (equal) still hold.

#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/mastering/plan.h"

namespace lathe::mastering {

enum class AlbumLoudness { Album, Equal };

struct AlbumLoudnessPlan {
    std::vector<double> targetLufs;  // per track: the integrated loudness to deliver (before the intent's offset)
    std::size_t loudestTrack = 0;    // index of the loudest mix
    double guardrailShiftLu = 0.0;   // how far every track came down for the PLR floor (>= 0)
    std::vector<Decision> decisions; // the album-level reasons, for the report
};

// `mixes` are the analyses of the unmastered tracks (each with a defined integrated loudness);
// `request` holds the album's target, ceiling, intent and dynamics, shared by every track.
AlbumLoudnessPlan planAlbumLoudness(const std::vector<analysis::Analysis>& mixes, const PlanRequest& request,
                                    AlbumLoudness mode);

// The PlanRequest of one track: the album's, with the target's loudness set to `targetLufs`
// (the PLR floor stays the album target's, so every track is held to the same floor).
PlanRequest trackPlanRequest(const PlanRequest& album, double targetLufs);

const char* albumLoudnessName(AlbumLoudness mode) noexcept;

}  // namespace lathe::mastering
