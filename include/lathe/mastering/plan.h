#pragma once
// The mastering plan: a pure function from (analysis of the mix, delivery target, written intent,
// amount) to the chain's settings. Every decision carries the reason that goes into the report.
// The render (master.h) turns a plan into stages; the plan itself knows no stage types.

#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/mastering/intent.h"
#include "lathe/mastering/reference.h"
#include "lathe/mastering/targets.h"

namespace lathe::mastering {

enum class EqShape { LowShelf, HighShelf, Bell, HighPass };

struct EqMove {
    EqShape shape = EqShape::Bell;
    double frequencyHz = 1000.0;
    double gainDb = 0.0;
    double q = 0.707;
    std::string reason;
};

// A point of the reference-matching EQ curve (dB, interpolated linearly over log-frequency).
struct EqCurvePoint {
    double frequencyHz = 1000.0;
    double gainDb = 0.0;
};

// Reference matching's tonal correction: a linear-phase FIR EQ (dsp::LinearPhaseEq) through the
// curve; the same filter on every channel. Latency (N - 1) / 2 frames, trimmed by the render.
struct MatchEqPlan {
    bool enabled = false;
    std::vector<EqCurvePoint> curve;  // ascending frequency; flat beyond the ends
    std::string reason;
};

struct GlueCompressorPlan {
    bool enabled = false;
    double thresholdDb = -20.0;  // relative to full scale, on the gain-staged signal
    double ratio = 1.5;
    double kneeDb = 6.0;
    double attackMs = 30.0;
    double releaseMs = 150.0;
    bool autoRelease = true;
    double sidechainHighPassHz = 90.0;
    std::string reason;
};

struct StereoPlan {
    bool enabled = false;
    double widthPercent = 100.0;
    std::optional<double> bassMonoBelowHz;  // mono below this frequency
    double correlationFloor = 0.0;
    // Per-band width (reference matching): bandWidthPercent[k] applies between crossoverHz[k - 1] and
    // crossoverHz[k] (bandWidthPercent.size() == crossoverHz.size() + 1, at most 5 bands). Empty: one
    // band at widthPercent.
    std::vector<double> crossoverHz;
    std::vector<double> bandWidthPercent;
    std::string reason;
};

struct ClipperPlan {
    bool enabled = false;
    // The soft clipper sits after the gain, before the limiter, with its ceiling this far below the
    // gained signal's true peak: it shaves the tops of the fastest transients so the limiter works less.
    double shaveDb = 1.5;
    std::string reason;
};

struct LimiterPlan {
    double ceilingDbtp = -1.0;
    // Dynamics matching: hold true peaks here (below the ceiling) so the master's PLR moves toward
    // the reference's. nullopt: peaks go up to the ceiling.
    std::optional<double> peakTargetDbtp;
    double lookaheadMs = 5.0;
    double releaseMs = 80.0;
    // The peak reduction the planner expects of the limiter: true peak + loudness gain - ceiling,
    // from the input's analysis, then (replanDynamics, which masterFile always runs) from the
    // rendered pre-limiter signal; glue compression and the clipper are decided on it.
    double expectedPeakReductionDb = 0.0;
};

struct LoudnessPlan {
    double requestedLufs = -14.0;  // the target, with the intent's offset
    double plannedLufs = -14.0;    // after the guardrail
    double plrFloorDb = 9.0;
    bool guardrailLimited = false;
    bool turnDownOnly = false;     // input already louder than the target: gain down, no extra limiting
    double estimatedGainDb = 0.0;  // first guess for the gain into the limiter
};

struct Decision {
    std::string stage;
    std::string setting;
    std::string reason;
};

inline constexpr double kDefaultMatchMaxEqDb = 6.0;

struct PlanRequest {
    DeliveryTarget target;
    std::optional<double> ceilingDbtp;  // overrides the target's
    Intent intent;
    double amount = 1.0;                // 0..1: blend of every automatic correction
    bool dynamicsLoud = false;          // allow passing the PLR floor
    // Reference matching (`--reference`): steer tone, width, loudness and dynamics toward this
    // profile (it replaces the generic tonal-balance target and the width heuristics).
    std::optional<ReferenceProfile> reference;
    MatchAmounts match;                              // how far each aspect moves toward the reference
    double matchMaxEqDb = kDefaultMatchMaxEqDb;      // cap of the match EQ per band (dB, after scaling)
    // Further smoothing of the tonal difference: a moving average over the bands within +-this/2
    // octaves (0: the 1/3-octave bands as they are; 1: three bands; 2: seven bands).
    double matchSmoothingOctaves = 0.0;
    // The mix's own profile, measured like the reference's (masterFile fills it from the audio);
    // when absent, profileFromAnalysis() of the analysis (whole-track spectra).
    std::optional<ReferenceProfile> mixProfile;
};

// What reference matching planned and measured before rendering (the report's `reference` section).
struct ReferenceMatchPlan {
    ReferenceProfile reference;
    ReferenceProfile mix;          // the mix's profile the plan compared with the reference
    MatchAmounts amounts;          // after --amount
    double maxEqDb = kDefaultMatchMaxEqDb;
    double smoothingOctaves = 0.0;
    ProfileDistance before;        // mix vs reference
    std::vector<std::string> limits;  // where an aspect could not go all the way, and why (guardrails named)
    // What the master should show relative to the mix: the match EQ curve and the per-band widths as
    // first planned. The trial render (masterFile) then compensates the chain's colouring, so
    // plan.matchEq.curve and plan.stereo.bandWidthPercent may differ from these.
    std::vector<EqCurvePoint> intendedCurve;
    std::vector<double> intendedWidthPercent;
    // Per imager band, the last trial render's width setting and the side gain it achieved (both
    // dB): the next refinement steps along the measured slope (a secant) instead of a fixed half step.
    struct WidthTrial {
        double widthDb = 0.0;
        double achievedDb = 0.0;
    };
    std::vector<std::optional<WidthTrial>> lastWidthTrial;
};

struct MasteringPlan {
    bool removeDc = false;  // 5 Hz DC blocker
    std::vector<EqMove> eq;
    MatchEqPlan matchEq;
    GlueCompressorPlan glue;
    StereoPlan stereo;
    ClipperPlan clipper;
    LimiterPlan limiter;
    LoudnessPlan loudness;
    std::optional<ReferenceMatchPlan> reference;
    std::vector<Decision> decisions;
    std::vector<std::string> warnings;
};

// Guardrail against excessive EQ: no band moves more than this (dB).
inline constexpr double kMaxEqMoveDb = 4.0;

MasteringPlan planMaster(const analysis::Analysis& mix, const PlanRequest& request);

// The dynamics decisions again, on what the limiter will really be given: the pre-limiter chain's
// rendered output (integrated loudness and true peak). EQ and stereo moves can change the peak-to-
// loudness ratio by several dB, so the input's figures can under- or overstate the limiter's work.
// Always records the new expectation (with a decision when it moved by 0.5 dB or more); where
// canReplanDynamics() allows, adds glue compression and the clipper that the render needs and the
// plan from the input did not (never removes one), each with its reason. Returns whether the
// pre-limiter chain changed (glue added: render it again).
// limiterGainDb: the gain into the limiter that reaches the target, where the caller can predict it
// (the loudness model: limiting lowers the loudness, so it is more than target - renderedLufs).
bool replanDynamics(MasteringPlan& plan, const PlanRequest& request, double renderedLufs, double renderedTruePeakDbtp,
                    std::optional<double> limiterGainDb = std::nullopt);
// Whether glue compression and the clipper may be used at all: amount > 0, no "keep it dynamic",
// not a turn-down-only master.
bool dynamicsProcessingAllowed(const MasteringPlan& plan, const PlanRequest& request);
// Whether replanDynamics may add processing: dynamics processing allowed, no reference matching
// (its dynamics follow the reference), and glue or clipper still off.
bool canReplanDynamics(const MasteringPlan& plan, const PlanRequest& request);

}  // namespace lathe::mastering
