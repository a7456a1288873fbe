#pragma once
// The reference-matching steps of planMaster() (planner.cpp calls them when a reference is given).
// Each aspect moves from "untouched" toward the reference by its match amount:
//   eq        the mid spectra's difference (reference minus mix, loudness-normalised 1/3-octave bands,
//             optionally smoothed further, centred on its median) times the amount, capped per band,
//             becomes the linear-phase match EQ curve (25 Hz - 16 kHz, 0 dB at 10 Hz).
//   width     per imager band, the side-to-mid ratio's difference times the amount sets the band's
//             side gain (width percent, 0..200).
//   loudness  the target moves from the delivery target toward the reference's integrated loudness
//             (the PLR floor moves with it as plrFloorForTarget() does); the guardrails still apply.
//   dynamics  the master's expected PLR moves toward the reference's by holding the limiter's peaks
//             lower (never below the PLR floor); the momentary-loudness spread is steered with the glue
//             compressor after a trial render (reference_refine.h). Expansion is never attempted: the
//             report says so.

#include <array>

#include "lathe/analysis/analyzer.h"
#include "lathe/mastering/plan.h"

namespace lathe::mastering {

// Sets up plan.reference (profiles, amounts after --amount, distances before).
void beginReferenceMatch(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan);

// plan.matchEq from the mid spectra.
void planMatchEq(MasteringPlan& plan);

// plan.stereo's per-band widths (stereo mix and reference only), with the intent's width on top;
// the bands' edges stay below 0.4 x the mix's sample rate (the imager runs at the input rate).
void planMatchWidth(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan);

// The loudness target moved toward the reference: adjusts plan.loudness.requestedLufs and plrFloorDb
// (call before the guardrail); records the decision.
void planMatchLoudness(const PlanRequest& request, MasteringPlan& plan);

// After the loudness plan: the limiter's peak target from the reference's PLR.
void planMatchDynamics(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan);

// The imager bands used for width matching (Hz).
inline constexpr std::array<double, 4> kMatchWidthCrossoversHz = {200.0, 800.0, 3000.0, 8000.0};

}  // namespace lathe::mastering
