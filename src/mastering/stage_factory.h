#pragma once
// Turns a plan into stages (the only place that knows both the plan and the stage types).

#include <memory>

#include "lathe/audio_file.h"
#include "lathe/dsp/stage.h"
#include "lathe/dsp/true_peak_limiter.h"
#include "lathe/mastering/chain.h"
#include "lathe/mastering/plan.h"

namespace lathe::mastering {

// DC blocker, EQ, glue compressor, stereo imager, soft clipper: whatever the plan enables.
std::unique_ptr<Chain> buildPreLimiterChain(const MasteringPlan& plan, int numChannels);

// Gain (dB), the soft clipper when planned (its ceiling set from the gained signal's true peak),
// and the true-peak limiter at the plan's ceiling. maxReductionDb() reads the limiter's readout.
class LimiterStage {
public:
    virtual ~LimiterStage() = default;
    virtual dsp::Stage& stage() = 0;
    [[nodiscard]] virtual double maxReductionDb() const = 0;
};
std::unique_ptr<LimiterStage> buildLimiter(const MasteringPlan& plan, double inputGainDb, double inputTruePeakDbtp);
// The true-peak limiter's settings for the plan (input gain 0), as buildLimiter() uses them.
dsp::TruePeakLimiterParams limiterParams(const LimiterPlan& limiter);

// Word-length reduction for the output encoding; nullptr for float output.
std::unique_ptr<dsp::Stage> buildDither(SampleEncoding encoding);

}  // namespace lathe::mastering
