// Trial render that refines the reference match (see reference_refine.h).
#include "reference_refine.h"

#include <algorithm>
#include <cmath>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/true_peak_meter.h"
#include "lathe/dsp/stereo_imager.h"
#include "lathe/mastering/master.h"  // loudestSection
#include "lathe/mastering/tonal_balance.h"
#include "mastering/level_math.h"
#include "reference_plan.h"
#include "mastering/level_measure.h"
#include "stage_factory.h"
#include "util/text.h"

namespace lathe::mastering {
namespace {

constexpr double kMeterToleranceDb = 0.2;  // as the render: peaks 0.2 dB under the ceiling
constexpr double kSmallestSpreadMoveLu = 0.5;
// The side's response to a width change is not proportional after the clipper and limiter (their
// distortion adds side energy of its own; measured on the demo mix under ~10 dB of limiting, the
// 3-8 kHz side moved 1-2 dB per dB of width, depending on the limiter's detection): a full step
// overshoots or falls short. Each trial therefore steps along the measured slope (a secant through
// this trial and the previous one, the mix itself at 100 % counting as the first); half a step
// where no slope can be measured (a width that did not move).
constexpr double kWidthStep = 0.5;
constexpr double kMinWidthSlope = 0.25;
constexpr double kMaxWidthSlope = 4.0;

std::size_t bandOf(double frequencyHz) {
    for (std::size_t b = 0; b < kBands; ++b)
        if (std::abs(analysis::kThirdOctaveCentresHz[b] - frequencyHz) < 1e-9) return b;
    return kBands;
}


// The trials run on the loudest kTrialSeconds of a longer mix: the corrections are long-term
// properties of the music, and the excerpt keeps a trial cheap.
constexpr double kTrialSeconds = 60.0;

Result<ReferenceProfile> trialProfile(const MasteringPlan& plan, ConstAudioBlock mix, double sampleRate) {
    auto chain = buildPreLimiterChain(plan, mix.numChannels());
    auto preLimiter = renderOffline(*chain, mix, sampleRate);
    if (!preLimiter) return preLimiter.error();
    const Measured level = measure(preLimiter->block(), sampleRate);
    MasteringPlan limiterPlan = plan;
    limiterPlan.limiter.ceilingDbtp = std::min(plan.limiter.ceilingDbtp - kMeterToleranceDb,
                                               plan.limiter.peakTargetDbtp.value_or(plan.limiter.ceilingDbtp));
    auto limiter = buildLimiter(limiterPlan, plan.loudness.plannedLufs - level.integratedLufs, level.truePeakDbtp);
    auto limited = renderOffline(limiter->stage(), preLimiter->block(), sampleRate);
    if (!limited) return limited.error();
    return profileOf(limited->block(), sampleRate, analysis::Analysis{}, "trial");
}

// Moves the curve by the difference between the intended spectrum (mix + intended curve) and the
// trial's, centred on its median (the level is the loudness stage's business). Returns the RMS
// residual (dB) before the correction.
std::optional<double> refineCurve(MasteringPlan& plan, const ReferenceProfile& mix, const ReferenceProfile& trial) {
    const auto& intendedCurve = plan.reference->intendedCurve;
    if (intendedCurve.size() != plan.matchEq.curve.size()) return std::nullopt;
    std::vector<double> residuals;
    std::vector<std::pair<std::size_t, double>> points;  // curve index, residual
    for (std::size_t i = 0; i < plan.matchEq.curve.size(); ++i) {
        const std::size_t b = bandOf(plan.matchEq.curve[i].frequencyHz);
        if (b >= kBands) continue;
        const auto mixBand = band(mix.midBandsDb, b), actual = band(trial.midBandsDb, b);
        if (!mixBand || !actual) continue;
        const double residual = *mixBand + intendedCurve[i].gainDb - *actual;
        residuals.push_back(residual);
        points.push_back({i, residual});
    }
    if (residuals.size() < 3) return std::nullopt;
    std::vector<double> sorted = residuals;
    std::sort(sorted.begin(), sorted.end());
    const double centre = sorted[sorted.size() / 2];
    double sum = 0.0;
    const double cap = plan.reference->maxEqDb;
    for (const auto& [i, residual] : points) {
        auto& gain = plan.matchEq.curve[i].gainDb;
        gain = std::clamp(gain + (residual - centre), -cap, cap);
        sum += (residual - centre) * (residual - centre);
    }
    return std::sqrt(sum / double(points.size()));
}

// Per imager band, the side gain the trial achieved relative to the mix's own side-to-mid
// (10 log10 of trial side power over the trial mid power at the mix's ratios); each width moves by
// the shortfall against the intended width. Returns the largest shortfall (dB) before the correction.
std::optional<double> refineWidths(MasteringPlan& plan, const ReferenceProfile& mix, const ReferenceProfile& trial) {
    auto& stereo = plan.stereo;
    const auto& intendedWidths = plan.reference->intendedWidthPercent;
    if (stereo.bandWidthPercent.empty() || trial.sideBandsDb.empty() || intendedWidths.size() != stereo.bandWidthPercent.size())
        return std::nullopt;
    double largest = 0.0;
    bool any = false;
    for (std::size_t k = 0; k < stereo.bandWidthPercent.size(); ++k) {
        const double lo = k == 0 ? 0.0 : stereo.crossoverHz[k - 1];
        const double hi = k == stereo.crossoverHz.size() ? 1e9 : stereo.crossoverHz[k];
        double trialSide = 0.0, expectedSide = 0.0;
        for (std::size_t b = 0; b < kBands; ++b) {
            const double f = analysis::kThirdOctaveCentresHz[b];
            if (f < lo || f >= hi) continue;
            const auto mm = band(mix.midBandsDb, b), ms = band(mix.sideBandsDb, b);
            const auto tm = band(trial.midBandsDb, b), ts = band(trial.sideBandsDb, b);
            if (!mm || !ms || !tm || !ts) continue;
            trialSide += powerOf(*ts);
            expectedSide += powerOf(*tm + (*ms - *mm));
        }
        auto& width = stereo.bandWidthPercent[k];
        if (trialSide <= 0.0 || expectedSide <= 0.0 || width <= 0.0 || intendedWidths[k] <= 0.0) continue;
        const double achievedDb = 10.0 * std::log10(trialSide / expectedSide);
        const double intendedDb = 20.0 * std::log10(intendedWidths[k] / 100.0);
        const double correctionDb = intendedDb - achievedDb;
        const double widthDb = 20.0 * std::log10(width / 100.0);
        auto& last = plan.reference->lastWidthTrial;
        // Before any trial, the mix itself stands for one: width 100 % gives its own side (0 dB).
        last.resize(stereo.bandWidthPercent.size(), ReferenceMatchPlan::WidthTrial{0.0, 0.0});
        double stepDb = kWidthStep * correctionDb;
        if (last[k] && std::abs(widthDb - last[k]->widthDb) > 0.05) {
            const double slope = (achievedDb - last[k]->achievedDb) / (widthDb - last[k]->widthDb);
            stepDb = correctionDb / std::clamp(slope, kMinWidthSlope, kMaxWidthSlope);
        }
        last[k] = ReferenceMatchPlan::WidthTrial{widthDb, achievedDb};
        width = std::min(double(dsp::StereoImager::kMaxWidthPercent), width * std::pow(10.0, stepDb / 20.0));
        largest = std::max(largest, std::abs(correctionDb));
        any = true;
    }
    if (!any) return std::nullopt;
    stereo.enabled = std::any_of(stereo.bandWidthPercent.begin(), stereo.bandWidthPercent.end(), [](double w) { return w != 100.0; });
    return largest;
}

// The momentary-loudness spread toward the reference's: the trial shows what the limiter (and any
// glue already planned) leaves; a wider spread than wanted brings in (or tightens) the glue compressor.
void steerSpread(MasteringPlan& plan, const PlanRequest& request, const ReferenceProfile& mix, const ReferenceProfile& trial) {
    auto& match = *plan.reference;
    const double amount = match.amounts.dynamics;
    const auto& mixSpread = mix.shortTermSpreadLu;
    const auto& referenceSpread = match.reference.shortTermSpreadLu;
    if (amount <= 0.0 || !mixSpread || !referenceSpread || !trial.shortTermSpreadLu) return;
    const double wanted = *mixSpread + amount * (*referenceSpread - *mixSpread);
    const double expected = *trial.shortTermSpreadLu;
    const std::string measured = formatText("momentary-loudness spread: mix %.1f LU, reference %.1f LU, %.0f %% of the way "
                                            "is %.1f LU; the chain as planned leaves %.1f LU",
                                            *mixSpread, *referenceSpread, amount * 100.0, wanted, expected);
    if (expected < wanted - kSmallestSpreadMoveLu) {
        match.limits.push_back("dynamics: " + measured + " (the limiting the loudness needs; lathe does not expand)");
        return;
    }
    if (expected <= wanted + kSmallestSpreadMoveLu) return;
    if (request.intent.adjustments.keepDynamic || plan.loudness.turnDownOnly) {
        match.limits.push_back("dynamics: " + measured + formatText("; no glue compression (%s)", plan.loudness.turnDownOnly
                                                                                               ? "the mix is only turned down"
                                                                                               : "intent: keep it dynamic"));
        return;
    }
    // A compressor above the programme's average level narrows the upper half of the spread (about
    // half of it) by 1 - 1/ratio; in series with glue already planned, the ratios multiply.
    const double reduction = expected - wanted;
    const double ratio = std::clamp(1.0 / (1.0 - std::min(0.75, 2.0 * reduction / expected)), 1.1, 4.0);
    auto& glue = plan.glue;
    if (glue.enabled) {
        glue.ratio = std::min(4.0, glue.ratio * ratio);
    } else {
        glue.enabled = true;
        glue.ratio = ratio;
        glue.thresholdDb = match.mix.integratedLufs;
        glue.attackMs = 30.0 + 20.0 * request.intent.adjustments.punch;
        glue.releaseMs = 150.0 - 40.0 * request.intent.adjustments.punch;
    }
    glue.reason = measured;
    plan.decisions.push_back({"compressor", formatText("%.1f:1 above %.1f dBFS RMS, attack %.0f ms, auto release", glue.ratio,
                                                       glue.thresholdDb, glue.attackMs),
                              measured});
}

}  // namespace

Result<ReferenceRefinement> refineReferenceMatch(MasteringPlan& plan, const PlanRequest& request, ConstAudioBlock mix,
                                                 double sampleRate, int trials) {
    ReferenceRefinement refinement;
    if (!plan.reference) return refinement;
    const bool refineEq = plan.matchEq.enabled;
    const bool refineWidth = plan.reference->amounts.width > 0.0 && !plan.stereo.bandWidthPercent.empty() && mix.numChannels() == 2;
    const bool steerDynamics = plan.reference->amounts.dynamics > 0.0;
    if (!refineEq && !refineWidth && !steerDynamics) return refinement;
    const auto [first, count] = loudestSection(mix, sampleRate, kTrialSeconds);
    const ConstAudioBlock excerpt = mix.slice(first, count);
    const ReferenceProfile mixProfile = profileOf(excerpt, sampleRate, analysis::Analysis{}, "mix excerpt");
    std::optional<ReferenceProfile> last;
    for (int t = 0; t < std::max(1, trials); ++t) {
        auto trial = trialProfile(plan, excerpt, sampleRate);
        if (!trial) return trial.error();
        std::string setting, reason = formatText("trial render %d: the compressor, clipper and limiter colour the tone and the image;", t + 1);
        if (refineEq) {
            if (const auto rms = refineCurve(plan, mixProfile, *trial)) {
                if (t == 0) refinement.eqResidualDbRms = rms;
                setting += formatText("match eq curve corrected by %.1f dB RMS", *rms);
                reason += formatText(" the tone was %.1f dB RMS off the plan", *rms);
            }
        }
        if (refineWidth) {
            if (const auto largest = refineWidths(plan, mixProfile, *trial)) {
                if (t == 0) refinement.largestWidthErrorDb = largest;
                setting += formatText("%swidths corrected (up to %.1f dB off)", setting.empty() ? "" : ", ", *largest);
                reason += formatText("%s a band's side up to %.1f dB off", refineEq ? " and" : "", *largest);
            }
        }
        if (!setting.empty()) plan.decisions.push_back({"reference", setting, reason});
        last = std::move(*trial);
    }
    steerSpread(plan, request, mixProfile, *last);
    return refinement;
}

}  // namespace lathe::mastering
