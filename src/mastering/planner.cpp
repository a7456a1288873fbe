// planMaster(): analysis + target + intent + amount -> chain settings, each with its reason.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "lathe/dsp/biquad_design.h"
#include "lathe/mastering/plan.h"
#include "lathe/mastering/tonal_balance.h"
#include "reference_plan.h"
#include "util/text.h"

namespace lathe::mastering {
namespace {

// Fraction of a measured tonal deviation that the automatic EQ corrects: broad, partial moves. Beyond
// kFullCorrectionBeyondDb the excess is corrected fully, so a badly unbalanced region lands within
// about that distance of the target (`lathe check` warns at 4 dB) where the guardrail allows.
constexpr double kTonalCorrectionFraction = 0.6;
constexpr double kFullCorrectionBeyondDb = 3.0;

double wantedCorrectionDb(double deviationDb) {
    const double excess = std::max(0.0, std::abs(deviationDb) - kFullCorrectionBeyondDb);
    return -(kTonalCorrectionFraction * deviationDb + (1.0 - kTonalCorrectionFraction) * std::copysign(excess, deviationDb));
}
constexpr double kSmallestEqMoveDb = 0.3;

// The automatic EQ: five broad filters, each reported against the region it mostly acts on. The
// bass bell lets the fit cut (or fill) a bump at 50-125 Hz without thinning the sub-bass the way a
// shelf would; the shelf is also what "more low end" adjusts.
inline constexpr TonalRegion kBassRegion{"bass", 50.0, 125.0, "boomy", "thin"};
struct BroadFilter {
    const TonalRegion& region;
    EqShape shape;
    double frequencyHz, q;
    double IntentAdjustments::*intentDb;
};
constexpr BroadFilter kBroadFilters[] = {
    {kLowEndRegion, EqShape::LowShelf, 100.0, 0.7, &IntentAdjustments::lowShelfDb},
    {kBassRegion, EqShape::Bell, 80.0, 0.9, nullptr},
    {kLowMidRegion, EqShape::Bell, 250.0, 0.9, &IntentAdjustments::lowMidDb},
    {kPresenceRegion, EqShape::Bell, 3150.0, 0.9, &IntentAdjustments::presenceDb},
    {kHighRegion, EqShape::HighShelf, 8000.0, 0.7, &IntentAdjustments::airDb},
};
constexpr std::size_t kFilters = std::size(kBroadFilters);

// Magnitude (dB) of a broad filter at `gainDb`, from its analogue prototype (the matched digital
// design follows it to within 0.05 dB across the audio band, see biquad_design.h).
double filterResponseDb(const BroadFilter& filter, double gainDb, double frequencyHz) {
    dsp::AnalogCascade prototype;
    prototype.append(filter.shape == EqShape::LowShelf    ? dsp::analogLowShelf(filter.frequencyHz, gainDb, filter.q)
                     : filter.shape == EqShape::HighShelf ? dsp::analogHighShelf(filter.frequencyHz, gainDb, filter.q)
                                                          : dsp::analogBell(filter.frequencyHz, gainDb, filter.q));
    return prototype.magnitudeDb(frequencyHz);
}

// Gains of the broad filters whose summed response best matches `wantedDb` per band: least squares
// over kFitLowHz - kFitHighHz, ridge-regularised (small, broad moves are preferred; overlapping filters
// do not fight) and bounded to +-kMaxEqMoveDb by an active set (a filter that would pass the bound
// is held there and the others are fitted again). The deviation is relative (aligned on the
// 100 Hz - 4 kHz mean) and loudness is normalised afterwards, so the fit has a free overall
// offset. A filter's dB response is nearly proportional to its gain; two Gauss-Newton refinements
// remove the rest.
// The fit spans 50 Hz - 16 kHz: below 50 Hz the sub-bass is left alone (boosting it to fill a
// steep roll-off wastes headroom; rumble gets the high-pass below).
constexpr double kFitLowHz = 50.0, kFitHighHz = 16000.0;

struct BroadFit {
    std::array<double, kFilters> gainsDb{};
    std::array<bool, kFilters> capped{};  // held at the EQ guardrail
};

BroadFit fitBroadFilters(const std::array<std::optional<double>, kBands>& wantedDb) {
    constexpr double kRidge = 0.5;
    constexpr std::size_t kUnknowns = kFilters + 1;  // the filters' gains and the offset
    std::array<double, kUnknowns> x{};
    std::array<bool, kFilters> held{};
    for (int pass = 0; pass < 3 + int(kFilters); ++pass) {
        double normal[kUnknowns][kUnknowns] = {};
        double rhs[kUnknowns] = {};
        int bands = 0;
        for (std::size_t b = 0; b < kBands; ++b) {
            const double f = analysis::kThirdOctaveCentresHz[b];
            if (!wantedDb[b] || f < kFitLowHz || f > kFitHighHz) continue;
            ++bands;
            double slope[kUnknowns], current = x[kFilters];
            for (std::size_t i = 0; i < kFilters; ++i) {
                const double g = std::abs(x[i]) > 0.1 ? x[i] : 1.0;
                slope[i] = held[i] ? 0.0 : filterResponseDb(kBroadFilters[i], g, f) / g;  // dB per dB of gain
                current += x[i] == 0.0 ? 0.0 : filterResponseDb(kBroadFilters[i], x[i], f);
            }
            slope[kFilters] = 1.0;
            const double residual = *wantedDb[b] - current;
            for (std::size_t i = 0; i < kUnknowns; ++i) {
                rhs[i] += slope[i] * residual;
                for (std::size_t j = 0; j < kUnknowns; ++j) normal[i][j] += slope[i] * slope[j];
            }
        }
        if (bands < 3) return {};
        for (std::size_t i = 0; i < kFilters; ++i) {
            normal[i][i] += held[i] ? 1.0 : kRidge;  // a held filter's row solves to step 0
            rhs[i] -= held[i] ? 0.0 : kRidge * x[i];
        }
        // Gaussian elimination with partial pivoting on the small normal equations.
        for (std::size_t c = 0; c < kUnknowns; ++c) {
            std::size_t pivot = c;
            for (std::size_t r = c + 1; r < kUnknowns; ++r)
                if (std::abs(normal[r][c]) > std::abs(normal[pivot][c])) pivot = r;
            std::swap(normal[c], normal[pivot]);
            std::swap(rhs[c], rhs[pivot]);
            for (std::size_t r = c + 1; r < kUnknowns; ++r) {
                const double factor = normal[r][c] / normal[c][c];
                for (std::size_t k = c; k < kUnknowns; ++k) normal[r][k] -= factor * normal[c][k];
                rhs[r] -= factor * rhs[c];
            }
        }
        double step[kUnknowns];
        for (std::size_t c = kUnknowns; c-- > 0;) {
            double sum = rhs[c];
            for (std::size_t k = c + 1; k < kUnknowns; ++k) sum -= normal[c][k] * step[k];
            step[c] = sum / normal[c][c];
        }
        for (std::size_t i = 0; i < kUnknowns; ++i) x[i] += step[i];
        // Hold the filter furthest past the bound at the bound.
        std::size_t worst = kFilters;
        for (std::size_t i = 0; i < kFilters; ++i)
            if (!held[i] && std::abs(x[i]) > kMaxEqMoveDb && (worst == kFilters || std::abs(x[i]) > std::abs(x[worst])))
                worst = i;
        if (worst < kFilters) {
            x[worst] = std::copysign(kMaxEqMoveDb, x[worst]);
            held[worst] = true;
        }
    }
    BroadFit fit;
    for (std::size_t i = 0; i < kFilters; ++i) {
        fit.gainsDb[i] = std::clamp(x[i], -kMaxEqMoveDb, kMaxEqMoveDb);
        fit.capped[i] = held[i] || fit.gainsDb[i] != x[i];
    }
    return fit;
}

void planTonalBalance(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    // With a reference, the reference is the tonal target (the match EQ): only the intent's moves stay here.
    const bool matching = plan.reference.has_value();
    const auto deviation = matching ? std::array<std::optional<double>, kBands>{} : balanceDeviationDb(mix.thirdOctaveMidDb);
    if (matching)
        plan.decisions.push_back({"eq", "generic tonal-balance target off", "a reference is given: the tone is matched to it"});
    std::array<std::optional<double>, kBands> wanted{};
    for (std::size_t b = 0; b < kBands; ++b)
        if (deviation[b]) wanted[b] = wantedCorrectionDb(*deviation[b]);
    const auto fitted = fitBroadFilters(wanted);
    for (std::size_t i = 0; i < kFilters; ++i) {
        const BroadFilter& filter = kBroadFilters[i];
        const TonalRegion& region = filter.region;
        const auto measured = regionMeanDb(deviation, region);
        const double intentDb = filter.intentDb ? request.intent.adjustments.*filter.intentDb : 0.0;
        const double automaticDb = measured ? fitted.gainsDb[i] : 0.0;
        const double wantedDb = (automaticDb + intentDb) * request.amount;
        const double gainDb = std::clamp(wantedDb, -kMaxEqMoveDb, kMaxEqMoveDb);
        const std::string where = formatText("%s (%.0f-%.0f Hz)", region.name, region.loHz, region.hiHz);
        if (std::abs(gainDb) < kSmallestEqMoveDb) {
            if (measured)
                plan.decisions.push_back({"eq", formatText("%s: no move", region.name),
                                          formatText("%s %+.1f dB from the target balance: the fitted correction is "
                                                     "under %.1f dB after scaling",
                                                     where.c_str(), *measured, kSmallestEqMoveDb)});
            continue;
        }
        EqMove move;
        move.shape = filter.shape;
        move.frequencyHz = filter.frequencyHz;
        move.q = filter.q;
        move.gainDb = gainDb;
        std::string why;
        if (measured) {
            const bool over = *measured > 0.0;
            const char* symptom = over ? region.tooMuch : region.tooLittle;
            why = formatText("%s %.1f dB %s the target balance%s%s; broad filters fitted to %.0f %% of the "
                             "deviation across 50 Hz-16 kHz (all of it beyond %.0f dB)",
                             where.c_str(), std::abs(*measured), over ? "above" : "below", symptom ? ": " : "",
                             symptom ? symptom : "", kTonalCorrectionFraction * 100.0, kFullCorrectionBeyondDb);
        } else {
            why = matching ? std::string("written intent") : formatText("%s not measurable", where.c_str());
        }
        if (intentDb != 0.0) why += formatText("; intent %+.1f dB", intentDb);
        if (request.amount < 1.0) why += formatText("; amount %.0f %%", request.amount * 100.0);
        if (gainDb != wantedDb || fitted.capped[i])
            why += formatText("; capped at %+.0f dB (EQ guardrail)", gainDb > 0 ? kMaxEqMoveDb : -kMaxEqMoveDb);
        move.reason = why;
        const char* shapeName = move.shape == EqShape::LowShelf ? "low shelf" : move.shape == EqShape::HighShelf ? "high shelf" : "bell";
        plan.decisions.push_back({"eq", formatText("%s %+.1f dB at %.0f Hz", shapeName, move.gainDb, move.frequencyHz), why});
        plan.eq.push_back(std::move(move));
    }
    // The filters overlap: say what they do together.
    if (plan.eq.size() > 1) {
        double cutDb = 0.0, cutHz = 0.0, boostDb = 0.0, boostHz = 0.0;
        for (double f : analysis::kThirdOctaveCentresHz) {
            double total = 0.0;
            for (const auto& move : plan.eq)
                for (const auto& filter : kBroadFilters)
                    if (filter.shape == move.shape && filter.frequencyHz == move.frequencyHz)
                        total += filterResponseDb(filter, move.gainDb, f);
            if (total < cutDb) cutDb = total, cutHz = f;
            if (total > boostDb) boostDb = total, boostHz = f;
        }
        std::string together;
        if (cutDb < 0.0) together = formatText("%+.1f dB at %.0f Hz", cutDb, cutHz);
        if (boostDb > 0.0) together += formatText("%s%+.1f dB at %.0f Hz", together.empty() ? "" : ", ", boostDb, boostHz);
        plan.decisions.push_back({"eq", "together: " + together,
                                  "combined response of the EQ moves at the 1/3-octave centres (largest cut and boost)"});
    }
    // Rumble: energy far above the target below 30 Hz gets a gentle high-pass.
    if (const auto rumble = regionMeanDb(deviation, 20.0, 25.0); rumble && *rumble > 6.0 && request.amount > 0.0) {
        EqMove highPass{EqShape::HighPass, 25.0, 0.0, 0.707,
                        formatText("sub-sonic energy %.1f dB above the target balance below 30 Hz", *rumble)};
        plan.decisions.push_back({"eq", "high-pass 25 Hz (12 dB/oct)", highPass.reason});
        plan.eq.push_back(std::move(highPass));
    }
}

void planStereo(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    auto& stereo = plan.stereo;
    if (mix.channels != 2 || !mix.sideToMidDb) return;
    if (plan.reference) {  // the reference's width per band replaces the heuristics below
        planMatchWidth(mix, request, plan);
        return;
    }
    double width = 100.0;
    std::string why;
    if (*mix.sideToMidDb > -3.0) {
        width = 85.0;
        why = formatText("side only %.1f dB below mid: unusually wide, narrowed", -*mix.sideToMidDb);
    } else if (*mix.sideToMidDb < -20.0 && *mix.sideToMidDb > -60.0) {
        width = 115.0;
        why = formatText("side %.1f dB below mid: unusually narrow, widened", -*mix.sideToMidDb);
    }
    width = 100.0 + (width - 100.0 + request.intent.adjustments.widthPercent) * request.amount;
    if (request.intent.adjustments.widthPercent != 0.0)
        why += formatText("%sintent %+.0f %%", why.empty() ? "" : "; ", request.intent.adjustments.widthPercent);
    stereo.widthPercent = std::clamp(width, 50.0, 150.0);

    // Low-frequency width: side energy close to mid below 100 Hz smears the low end and wastes headroom.
    double lowSide = 0.0, lowMid = 0.0;
    for (std::size_t b = 0; b < kBands && b < mix.thirdOctaveSideDb.size(); ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f < 31.5 || f > 100.0 || !mix.thirdOctaveSideDb[b] || !mix.thirdOctaveMidDb[b]) continue;
        lowSide += std::pow(10.0, *mix.thirdOctaveSideDb[b] / 10.0);
        lowMid += std::pow(10.0, *mix.thirdOctaveMidDb[b] / 10.0);
    }
    if (lowMid > 0.0 && lowSide > 0.0 && request.amount > 0.0) {
        const double lowSideToMidDb = 10.0 * std::log10(lowSide / lowMid);
        if (lowSideToMidDb > -12.0) {
            stereo.bassMonoBelowHz = 120.0;
            plan.decisions.push_back({"stereo", "bass mono below 120 Hz",
                                      formatText("low end wide: side only %.1f dB below mid under 100 Hz", -lowSideToMidDb)});
        }
    }
    stereo.correlationFloor = 0.0;
    stereo.enabled = stereo.widthPercent != 100.0 || stereo.bassMonoBelowHz.has_value();
    if (stereo.widthPercent != 100.0) {
        stereo.reason = why;
        plan.decisions.push_back({"stereo", formatText("width %.0f %%", stereo.widthPercent), why});
    }
}

// Glue compression above 4 dB of expected peak reduction, the clipper above 6 dB; `levelLufs` is
// the loudness of the signal the glue compressor will see.
void planGlueAndClipper(const PlanRequest& request, double levelLufs, double peakReductionDb, MasteringPlan& plan,
                        const char* basis) {
    const auto& intent = request.intent.adjustments;
    auto& glue = plan.glue;
    const bool dynamicsAllowed = dynamicsProcessingAllowed(plan, request);
    if (glue.enabled) {
        // Already planned (reference matching's spread, or before the render).
    } else if (dynamicsAllowed && peakReductionDb > 4.0) {
        glue.enabled = true;
        glue.ratio = 1.0 + 0.8 * request.amount;
        glue.thresholdDb = levelLufs + 3.0;  // RMS detector: acts on the loud passages only
        glue.attackMs = 30.0 + 20.0 * intent.punch;
        glue.releaseMs = 150.0 - 40.0 * intent.punch;
        glue.reason = formatText("%s %.1f dB of peak reduction: gentle %.1f:1 glue compression shares the load", basis,
                                 peakReductionDb, glue.ratio);
        plan.decisions.push_back({"compressor", formatText("%.1f:1 above %.1f dBFS RMS, attack %.0f ms, auto release",
                                                       glue.ratio, glue.thresholdDb, glue.attackMs),
                                  glue.reason});
    } else if (intent.keepDynamic) {
        plan.decisions.push_back({"compressor", "off", "intent: keep it dynamic"});
    }
    if (dynamicsAllowed && peakReductionDb > 6.0 && !plan.clipper.enabled) {
        plan.clipper.enabled = true;
        plan.clipper.shaveDb = 1.5;
        plan.clipper.reason = formatText("%s %.1f dB of peak reduction: a soft clipper shaves the fastest transients so "
                                         "the limiter works less",
                                         basis, peakReductionDb);
        plan.decisions.push_back({"clipper", formatText("soft clip the top %.1f dB of peaks (4x oversampled)", plan.clipper.shaveDb),
                                  plan.clipper.reason});
    }
}

void planDynamicsAndLoudness(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    auto& loudness = plan.loudness;
    const auto& intent = request.intent.adjustments;
    const double ceiling = request.ceilingDbtp.value_or(request.target.ceilingDbtp);
    plan.limiter.ceilingDbtp = ceiling;
    loudness.requestedLufs = request.target.integratedLufs + intent.loudnessOffsetLu;
    loudness.plrFloorDb = request.target.plrFloorDb + (intent.keepDynamic ? 2.0 : 0.0);
    if (plan.reference) planMatchLoudness(request, plan);
    loudness.plannedLufs = loudness.requestedLufs;
    if (intent.loudnessOffsetLu != 0.0)
        plan.decisions.push_back({"loudness", formatText("target %.1f LUFS", loudness.requestedLufs),
                                  formatText("%s %.1f LUFS with the intent's %+.1f LU", request.target.name.c_str(),
                                         request.target.integratedLufs, intent.loudnessOffsetLu)});
    if (intent.keepDynamic)
        plan.decisions.push_back({"loudness", formatText("PLR floor %.1f dB", loudness.plrFloorDb), "intent: keep it dynamic (+2 dB)"});

    const double integrated = mix.integratedLufs.value_or(-70.0);
    const double truePeak = mix.truePeakDbtp.value_or(-70.0);
    const double inputPlr = truePeak - integrated;

    // Limiting sets the output PLR to (ceiling - loudness); the guardrail keeps it above the floor.
    const double limitedPlr = ceiling - loudness.requestedLufs;
    if (inputPlr > limitedPlr && limitedPlr < loudness.plrFloorDb) {
        if (request.dynamicsLoud) {
            plan.decisions.push_back({"loudness", "PLR floor overridden",
                                      formatText("--dynamics loud: the master's PLR will be %.1f dB, below the %.1f dB floor",
                                             limitedPlr, loudness.plrFloorDb)});
        } else {
            loudness.plannedLufs = ceiling - loudness.plrFloorDb;
            loudness.guardrailLimited = true;
            plan.warnings.push_back(formatText("target %.1f LUFS would squash the master to a PLR of %.1f dB; stopping at "
                                           "%.1f LUFS (PLR floor %.1f dB); use --dynamics loud to go further",
                                           loudness.requestedLufs, limitedPlr, loudness.plannedLufs, loudness.plrFloorDb));
            plan.decisions.push_back({"loudness", formatText("deliver at %.1f LUFS", loudness.plannedLufs),
                                      "over-compression guardrail: " + plan.warnings.back()});
            if (plan.reference)
                plan.reference->limits.push_back(formatText("loudness: the over-compression guardrail (PLR floor %.1f dB) stops "
                                                            "the master at %.1f LUFS; the reference is at %.1f LUFS",
                                                            loudness.plrFloorDb, loudness.plannedLufs,
                                                            plan.reference->reference.integratedLufs));
        }
    }
    loudness.estimatedGainDb = loudness.plannedLufs - integrated;
    if (integrated > loudness.plannedLufs) {
        loudness.turnDownOnly = true;
        plan.decisions.push_back({"loudness", formatText("gain %.1f dB", loudness.estimatedGainDb),
                                  formatText("input already at %.1f LUFS, above the target: turned down, not limited again", integrated)});
    }
    if (inputPlr < loudness.plrFloorDb && mix.integratedLufs)
        plan.warnings.push_back(formatText("input PLR is %.1f dB, below the %.1f dB floor: the mix is already heavily limited",
                                       inputPlr, loudness.plrFloorDb));

    if (plan.reference) planMatchDynamics(mix, request, plan);

    // Peak reduction the limiter alone would have to do.
    const double peakCeiling = std::min(ceiling, plan.limiter.peakTargetDbtp.value_or(ceiling));
    const double peakReductionDb = std::max(0.0, truePeak + loudness.estimatedGainDb - peakCeiling);
    plan.limiter.expectedPeakReductionDb = peakReductionDb;
    plan.decisions.push_back({"limiter", formatText("ceiling %.1f dBTP, %.0f ms lookahead", ceiling, plan.limiter.lookaheadMs),
                              formatText("expected peak reduction %.1f dB (input PLR %.1f dB -> %.1f dB)", peakReductionDb,
                                     inputPlr, std::min(inputPlr, peakCeiling - loudness.plannedLufs))});

    planGlueAndClipper(request, integrated, peakReductionDb, plan, "the limiter would need");
}

void planWarnings(const analysis::Analysis& mix, MasteringPlan& plan) {
    if (mix.clippedRuns > 0)
        plan.warnings.push_back(formatText("input has %lld clipped runs (3+ samples at full scale): clipping in the mix cannot be undone",
                                       static_cast<long long>(mix.clippedRuns)));
    if (mix.dcOffsetDbfs && *mix.dcOffsetDbfs > -60.0)
        plan.warnings.push_back(formatText("DC offset %.1f dBFS in the input%s", *mix.dcOffsetDbfs,
                                           plan.removeDc ? ": removed by the DC blocker" : ""));
    if (mix.durationSeconds < 10.0) plan.warnings.push_back("input shorter than 10 s: loudness figures are less reliable");
    if (mix.headSilenceSeconds > 2.0 || mix.tailSilenceSeconds > 5.0)
        plan.warnings.push_back(formatText("long silence: %.1f s at the head, %.1f s at the tail", mix.headSilenceSeconds,
                                       mix.tailSilenceSeconds));
}

}  // namespace

bool dynamicsProcessingAllowed(const MasteringPlan& plan, const PlanRequest& request) {
    return request.amount > 0.0 && !request.intent.adjustments.keepDynamic && !plan.loudness.turnDownOnly;
}

bool canReplanDynamics(const MasteringPlan& plan, const PlanRequest& request) {
    return dynamicsProcessingAllowed(plan, request) && !plan.reference && !(plan.glue.enabled && plan.clipper.enabled);
}

bool replanDynamics(MasteringPlan& plan, const PlanRequest& request, double renderedLufs, double renderedTruePeakDbtp,
                    std::optional<double> limiterGainDb) {
    const double ceiling = plan.limiter.ceilingDbtp;
    const double peakCeiling = std::min(ceiling, plan.limiter.peakTargetDbtp.value_or(ceiling));
    const double gainDb = limiterGainDb.value_or(plan.loudness.plannedLufs - renderedLufs);
    const double peakReductionDb = std::max(0.0, renderedTruePeakDbtp + gainDb - peakCeiling);
    const double fromInput = plan.limiter.expectedPeakReductionDb;
    plan.limiter.expectedPeakReductionDb = peakReductionDb;
    if (std::abs(peakReductionDb - fromInput) >= 0.5)
        plan.decisions.push_back({"limiter", formatText("expected peak reduction %.1f dB", peakReductionDb),
                                  formatText("measured on the rendered pre-limiter signal (%.1f LUFS, %.1f dBTP, limiter gain "
                                             "%+.1f dB%s); the input's figures gave %.1f dB",
                                             renderedLufs, renderedTruePeakDbtp, gainDb,
                                             limiterGainDb ? " by the loudness model" : "", fromInput)});
    if (!canReplanDynamics(plan, request)) return false;
    PlanRequest bounded = request;
    bounded.amount = std::clamp(request.amount, 0.0, 1.0);
    const bool hadGlue = plan.glue.enabled;
    planGlueAndClipper(bounded, renderedLufs, peakReductionDb, plan, "the rendered pre-limiter signal needs");
    return plan.glue.enabled && !hadGlue;
}

MasteringPlan planMaster(const analysis::Analysis& mix, const PlanRequest& request) {
    MasteringPlan plan;
    PlanRequest bounded = request;
    bounded.amount = std::clamp(request.amount, 0.0, 1.0);
    for (const auto& word : request.intent.unknownWords)
        plan.warnings.push_back("intent: '" + word + "' not understood (ignored)");
    for (const auto& line : request.intent.understood) plan.decisions.push_back({"intent", line, "written intent"});
    if (bounded.amount == 0.0 && !request.intent.understood.empty())
        plan.warnings.push_back("--amount 0: the written intent is not applied (tone, dynamics and width untouched)");
    if (bounded.amount > 0.0 && mix.dcOffsetDbfs && *mix.dcOffsetDbfs > -60.0) {
        plan.removeDc = true;
        plan.decisions.push_back({"dc blocker", "high-pass 5 Hz (first order)",
                                  formatText("DC offset %.1f dBFS (above -60 dBFS) wastes headroom and skews the limiter",
                                             *mix.dcOffsetDbfs)});
    }
    if (bounded.reference) beginReferenceMatch(mix, bounded, plan);
    planTonalBalance(mix, bounded, plan);
    if (plan.reference) planMatchEq(plan);
    planStereo(mix, bounded, plan);
    planDynamicsAndLoudness(mix, bounded, plan);
    planWarnings(mix, plan);
    return plan;
}

}  // namespace lathe::mastering
