#pragma once
// Closing the loop of reference matching: the compressor, clipper and limiter after the match EQ and
// the imager colour the spectrum and the stereo image (heavy limiting ducks the kick-heavy mid more
// than the side, which raises side-to-mid by dBs). A trial render measures where the plan actually
// lands and corrects the match EQ curve and the per-band widths by the difference. The glue
// compressor the spread asks for comes after the trial and is not in it (its tonal effect is small).

#include "lathe/audio_buffer.h"
#include "lathe/mastering/plan.h"
#include "lathe/result.h"

namespace lathe::mastering {

// One trial: the pre-limiter chain, then the limiter tail once at the planned loudness's estimated
// gain (no loudness iteration); the trial's profile against the intended one (the mix's profile plus
// the curve, the mix's side-to-mid per band plus the widths). Changes plan.matchEq.curve and
// plan.stereo.bandWidthPercent (still capped at the plan's max EQ and the imager's 200 %). The
// trial's momentary-loudness spread decides the glue compressor for the dynamics match (the
// limiter alone often tightens the spread enough). Adds decisions. No-op without a reference.
// Errors: the trial render's.
Status refineReferenceMatch(MasteringPlan& plan, const PlanRequest& request, ConstAudioBlock mix, double sampleRate);

}  // namespace lathe::mastering
