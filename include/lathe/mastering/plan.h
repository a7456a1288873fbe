#pragma once
// The mastering plan: a pure function from (analysis of the mix, delivery target, written intent,
// amount) to the chain's settings. Every decision carries the reason that goes into the report.
// The render (master.h) turns a plan into stages; the plan itself knows no stage types.

#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/mastering/intent.h"
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
    double lookaheadMs = 5.0;
    double releaseMs = 80.0;
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

struct PlanRequest {
    DeliveryTarget target;
    std::optional<double> ceilingDbtp;  // overrides the target's
    Intent intent;
    double amount = 1.0;                // 0..1: blend of every automatic correction
    bool dynamicsLoud = false;          // allow passing the PLR floor
};

struct MasteringPlan {
    bool removeDc = false;  // 5 Hz DC blocker
    std::vector<EqMove> eq;
    GlueCompressorPlan glue;
    StereoPlan stereo;
    ClipperPlan clipper;
    LimiterPlan limiter;
    LoudnessPlan loudness;
    std::vector<Decision> decisions;
    std::vector<std::string> warnings;
};

// Guardrail against excessive EQ: no band moves more than this (dB).
inline constexpr double kMaxEqMoveDb = 4.0;

MasteringPlan planMaster(const analysis::Analysis& mix, const PlanRequest& request);

}  // namespace lathe::mastering
