// Plan -> stages. Parameter mapping only: every decision was made (and explained) by the planner.
#include "stage_factory.h"

#include <cmath>

#include "lathe/dsp/biquad_design.h"
#include "lathe/dsp/compressor.h"
#include "lathe/dsp/dc_blocker.h"
#include "lathe/dsp/dither.h"
#include "lathe/dsp/gain.h"
#include "lathe/dsp/linear_phase_eq.h"
#include "lathe/dsp/parametric_eq.h"
#include "lathe/dsp/soft_clipper.h"
#include "lathe/dsp/stereo_imager.h"
#include "lathe/dsp/true_peak_limiter.h"

namespace lathe::mastering {
namespace {

dsp::EqBand toBand(const EqMove& move) {
    dsp::EqBand band;
    band.frequencyHz = move.frequencyHz;
    band.gainDb = move.gainDb;
    band.q = move.q;
    switch (move.shape) {
        case EqShape::LowShelf: band.type = dsp::FilterType::lowShelf; break;
        case EqShape::HighShelf: band.type = dsp::FilterType::highShelf; break;
        case EqShape::Bell: band.type = dsp::FilterType::bell; break;
        case EqShape::HighPass:
            band.type = dsp::FilterType::highPass;
            band.order = 2;
            band.gainDb = 0.0;
            break;
    }
    return band;
}

class LimiterTail final : public LimiterStage {
public:
    LimiterTail(const LimiterPlan& limiter, const ClipperPlan& clipper, double inputGainDb, double inputTruePeakDbtp) {
        dsp::GainParams gain;
        gain.gainDb = inputGainDb;
        gain.rampMs = 0.0;
        chain_.add(std::make_unique<dsp::Gain>(gain));
        if (clipper.enabled) {
            dsp::SoftClipperParams clip;
            clip.ceilingDb = std::min(0.0, inputTruePeakDbtp + inputGainDb - clipper.shaveDb);
            chain_.add(std::make_unique<dsp::SoftClipper>(clip));
        }
        auto stage = std::make_unique<dsp::TruePeakLimiter>(limiterParams(limiter));
        limiter_ = stage.get();
        chain_.add(std::move(stage));
    }
    dsp::Stage& stage() override { return chain_; }
    [[nodiscard]] double maxReductionDb() const override { return limiter_->maxGainReductionDb(); }

private:
    Chain chain_;
    dsp::TruePeakLimiter* limiter_ = nullptr;
};

}  // namespace

std::unique_ptr<Chain> buildPreLimiterChain(const MasteringPlan& plan, int numChannels) {
    auto chain = std::make_unique<Chain>();
    if (plan.removeDc) chain->add(std::make_unique<dsp::DcBlocker>(dsp::DcBlockerParams{5.0}));
    if (!plan.eq.empty()) {
        auto eq = std::make_unique<dsp::ParametricEq>();
        std::vector<dsp::EqBand> bands;
        for (const auto& move : plan.eq) bands.push_back(toBand(move));
        if (eq->setBands(bands)) chain->add(std::move(eq));
    }
    if (plan.matchEq.enabled) {
        dsp::LinearPhaseEqParams params;
        params.design.curve.clear();
        for (const auto& point : plan.matchEq.curve) params.design.curve.push_back({point.frequencyHz, point.gainDb});
        chain->add(std::make_unique<dsp::LinearPhaseEq>(params));
    }
    if (plan.glue.enabled) {
        dsp::Compressor::Params params;
        params.thresholdDb = float(plan.glue.thresholdDb);
        params.ratio = float(plan.glue.ratio);
        params.kneeDb = float(plan.glue.kneeDb);
        params.attackMs = float(plan.glue.attackMs);
        params.releaseMs = float(plan.glue.releaseMs);
        params.autoRelease = plan.glue.autoRelease;
        params.detector = dsp::Compressor::Detector::Rms;
        params.sidechainHighPassHz = float(plan.glue.sidechainHighPassHz);
        chain->add(std::make_unique<dsp::Compressor>(params));
    }
    if (plan.stereo.enabled && numChannels == 2) {
        dsp::StereoImager::Params params;
        params.numBands = 1;
        params.widthPercent.fill(float(plan.stereo.widthPercent));
        const auto& widths = plan.stereo.bandWidthPercent;
        if (!widths.empty() && widths.size() == plan.stereo.crossoverHz.size() + 1 &&
            widths.size() <= std::size_t(dsp::StereoImager::kMaxBands)) {
            params.numBands = int(widths.size());
            for (std::size_t k = 0; k < widths.size(); ++k) params.widthPercent[k] = float(widths[k]);
            for (std::size_t k = 0; k < plan.stereo.crossoverHz.size(); ++k) params.crossoverHz[k] = float(plan.stereo.crossoverHz[k]);
        }
        params.bassMonoHz = float(plan.stereo.bassMonoBelowHz.value_or(0.0));
        params.correlationFloor = float(plan.stereo.correlationFloor);
        chain->add(std::make_unique<dsp::StereoImager>(params));
    }
    return chain;
}

dsp::TruePeakLimiterParams limiterParams(const LimiterPlan& limiter) {
    dsp::TruePeakLimiterParams params;
    params.ceilingDbtp = limiter.ceilingDbtp;
    params.lookaheadMs = limiter.lookaheadMs;
    params.releaseMs = limiter.releaseMs;
    return params;
}

std::unique_ptr<LimiterStage> buildLimiter(const MasteringPlan& plan, double inputGainDb, double inputTruePeakDbtp) {
    return std::make_unique<LimiterTail>(plan.limiter, plan.clipper, inputGainDb, inputTruePeakDbtp);
}

std::unique_ptr<dsp::Stage> buildDither(SampleEncoding encoding) {
    switch (encoding) {
        case SampleEncoding::Pcm16:
            return std::make_unique<dsp::Dither>(dsp::DitherParams{16, dsp::DitherMode::NoiseShaped, 1, {}});
        case SampleEncoding::Pcm24:
            return std::make_unique<dsp::Dither>(dsp::DitherParams{24, dsp::DitherMode::Tpdf, 1, {}});
        case SampleEncoding::Float32: return nullptr;
    }
    return nullptr;
}

}  // namespace lathe::mastering
