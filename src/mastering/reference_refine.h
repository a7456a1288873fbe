#pragma once
// Closing the loop of reference matching: the compressor, clipper and limiter after the match EQ and
// the imager colour the spectrum and the stereo image (heavy limiting ducks the kick-heavy mid more
// than the side, which raises side-to-mid by dBs). A trial render measures where the plan actually
// lands and corrects the match EQ curve and the per-band widths by the difference. The glue
// compressor the spread asks for comes after the trial and is not in it (its tonal effect is small).

#include <optional>

#include "lathe/audio_buffer.h"
#include "lathe/mastering/plan.h"
#include "lathe/result.h"

namespace lathe::mastering {

// `trials` trials on the loudest 60 s of the mix (each: the pre-limiter chain, then the limiter tail
// once at the planned loudness's estimated gain, no loudness iteration), each followed by a
// correction: the trial's profile against the intended one (the excerpt's own profile plus
// plan.reference->intendedCurve; its side-to-mid per band plus the intended widths) moves plan.matchEq.curve by the residual and
// plan.stereo.bandWidthPercent by half the shortfall (see kWidthStep), still capped at the plan's max
// EQ and the imager's 200 %. Then the last trial's momentary-loudness spread decides the glue
// compressor for the dynamics match (the limiter alone often tightens the spread enough). Adds
// decisions; call once per plan. No-op without a reference. Errors: the trial render's.
struct ReferenceRefinement {
    // Of the first trial, before its correction:
    std::optional<double> eqResidualDbRms;      // intended minus trial mid spectrum (median-centred), RMS
    std::optional<double> largestWidthErrorDb;  // largest |intended - achieved| side gain of an imager band
};
Result<ReferenceRefinement> refineReferenceMatch(MasteringPlan& plan, const PlanRequest& request, ConstAudioBlock mix,
                                                 double sampleRate, int trials = 2);

}  // namespace lathe::mastering
