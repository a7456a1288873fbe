// Reference matching in the planner (see reference_plan.h).
#include "reference_plan.h"

#include <algorithm>
#include <cmath>

#include "lathe/dsp/stereo_imager.h"
#include "lathe/mastering/tonal_balance.h"
#include "mastering/level_math.h"
#include "util/text.h"

namespace lathe::mastering {
namespace {

constexpr double kEqLowestHz = 25.0;
constexpr double kEqAnchorHz = 10.0;       // the curve returns to 0 dB here: no sub-sonic boost
constexpr double kSmallestCurveDb = 0.1;   // a curve whose every point is smaller is no EQ at all
constexpr double kSmallestWidthDb = 0.05;
constexpr double kSmallestPlrMoveDb = 0.1;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

std::string hz(double f) { return f >= 1000.0 ? formatText("%.3g kHz", f / 1000.0) : formatText("%.0f Hz", f); }

}  // namespace

void beginReferenceMatch(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    ReferenceMatchPlan match;
    match.reference = *request.reference;
    match.mix = request.mixProfile ? *request.mixProfile : profileFromAnalysis(mix);
    match.amounts.eq = std::clamp(request.match.eq, 0.0, 1.0) * request.amount;
    match.amounts.loudness = std::clamp(request.match.loudness, 0.0, 1.0);
    match.amounts.width = std::clamp(request.match.width, 0.0, 1.0) * request.amount;
    match.amounts.dynamics = std::clamp(request.match.dynamics, 0.0, 1.0) * request.amount;
    match.maxEqDb = std::max(0.0, request.matchMaxEqDb);
    match.smoothingOctaves = std::clamp(request.matchSmoothingOctaves, 0.0, 3.0);
    match.before = profileDistance(match.mix, match.reference);
    plan.decisions.push_back(
        {"reference", "match " + match.reference.source,
         formatText("eq %.0f %%, loudness %.0f %%, width %.0f %%, dynamics %.0f %%%s", match.amounts.eq * 100.0,
                    match.amounts.loudness * 100.0, match.amounts.width * 100.0, match.amounts.dynamics * 100.0,
                    request.amount < 1.0 ? formatText(" (with --amount %.0f %%)", request.amount * 100.0).c_str() : "")});
    plan.reference = std::move(match);
}

void planMatchEq(MasteringPlan& plan) {
    auto& match = *plan.reference;
    const double amount = match.amounts.eq;
    std::array<std::optional<double>, kBands> raw{};
    for (std::size_t b = 0; b < kBands; ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f < kEqLowestHz || f > kMatchHighHz) continue;
        const auto mixBand = band(match.mix.midBandsDb, b);
        const auto referenceBand = band(match.reference.midBandsDb, b);
        if (mixBand && referenceBand) raw[b] = *referenceBand - *mixBand;
    }
    // Optional further log-frequency smoothing (the 1/3-octave bands are already a smoothing): a
    // centred moving average over the bands within +-smoothing/2 octaves.
    const int halfWidth = int(std::floor(plan.reference->smoothingOctaves * 3.0 / 2.0 + 1e-9));
    std::array<std::optional<double>, kBands> smoothed{};
    std::vector<double> values;
    for (std::size_t b = 0; b < kBands; ++b) {
        if (!raw[b]) continue;
        double sum = 0.0;
        int count = 0;
        for (int offset = -halfWidth; offset <= halfWidth; ++offset) {
            const auto neighbour = std::ptrdiff_t(b) + offset;
            if (neighbour < 0 || neighbour >= std::ptrdiff_t(kBands) || !raw[std::size_t(neighbour)]) continue;
            sum += *raw[std::size_t(neighbour)];
            ++count;
        }
        smoothed[b] = sum / count;
        values.push_back(*smoothed[b]);
    }
    const std::string distance =
        match.before.spectralDbRms ? formatText("mid spectrum %.1f dB RMS from the reference (31.5 Hz - 16 kHz, loudness-matched)",
                                                *match.before.spectralDbRms)
                                   : std::string("mid spectra not comparable");
    if (values.size() < 3) {
        match.limits.push_back("eq: fewer than 3 comparable bands between the mix and the reference; no tonal match");
        plan.decisions.push_back({"match eq", "off", match.limits.back()});
        return;
    }
    if (amount <= 0.0) {
        plan.decisions.push_back({"match eq", "off", distance + "; eq match 0 %"});
        return;
    }
    // The overall level of the curve is free (the loudness stage sets the level): centring it on
    // the median band keeps most bands near 0 dB and spends the cap on the real differences.
    const double centre = median(values);
    std::vector<EqCurvePoint> curve{{kEqAnchorHz, 0.0}};
    int capped = 0;
    double largestBoost = 0.0, largestCut = 0.0, boostHz = 0.0, cutHz = 0.0;
    for (std::size_t b = 0; b < kBands; ++b) {
        if (!smoothed[b]) continue;
        const double f = analysis::kThirdOctaveCentresHz[b];
        const double wanted = amount * (*smoothed[b] - centre);
        const double gain = std::clamp(wanted, -match.maxEqDb, match.maxEqDb);
        if (gain != wanted) ++capped;
        if (gain > largestBoost) largestBoost = gain, boostHz = f;
        if (gain < largestCut) largestCut = gain, cutHz = f;
        curve.push_back({f, gain});
    }
    if (std::max(largestBoost, -largestCut) < kSmallestCurveDb) {
        plan.decisions.push_back({"match eq", "none", distance + formatText(": no band moves %.1f dB or more", kSmallestCurveDb)});
        return;
    }
    if (capped > 0)
        match.limits.push_back(formatText("eq: %d band(s) capped at +-%.1f dB (--match-max-db)", capped, match.maxEqDb));
    auto& eq = plan.matchEq;
    eq.enabled = true;
    eq.curve = std::move(curve);
    match.intendedCurve = eq.curve;
    eq.reason = distance + formatText("; %.0f %% of the difference%s, capped at +-%.1f dB", amount * 100.0,
                                      halfWidth > 0 ? formatText(" (smoothed over %.2g octave)", match.smoothingOctaves).c_str() : "",
                                      match.maxEqDb) +
                (capped > 0 ? formatText(" (%d band(s) capped)", capped) : std::string());
    std::string setting = formatText("linear-phase curve, %zu bands", eq.curve.size() - 1);
    if (largestBoost > 0.0) setting += formatText(", largest boost %+.1f dB at %s", largestBoost, hz(boostHz).c_str());
    if (largestCut < 0.0) setting += formatText(", largest cut %+.1f dB at %s", largestCut, hz(cutHz).c_str());
    plan.decisions.push_back({"match eq", setting, eq.reason});
}

void planMatchWidth(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    auto& match = *plan.reference;
    auto& stereo = plan.stereo;
    const double intentFactor = std::max(0.0, 100.0 + request.intent.adjustments.widthPercent * request.amount) / 100.0;
    const bool sidesKnown = match.mix.sideToMidDb && match.reference.sideToMidDb;
    if (!sidesKnown) {
        match.limits.push_back(match.reference.sideToMidDb ? "width: the mix has no side signal; width not matched"
                                                           : "width: the reference has no side signal (mono); width not matched");
    }
    const double amount = sidesKnown ? match.amounts.width : 0.0;
    std::vector<double> edges;
    for (double edge : kMatchWidthCrossoversHz)
        if (edge <= 0.4 * mix.sampleRate) edges.push_back(edge);  // the imager's edges stay below 0.4 fs
    std::vector<double> widths;
    std::string setting = "width", why = "side-to-mid per band, reference minus mix:";
    for (std::size_t k = 0; k <= edges.size(); ++k) {
        const double lo = k == 0 ? 0.0 : edges[k - 1];
        const double hi = k == edges.size() ? 1e9 : edges[k];
        // Per 1/3-octave band, the side-to-mid difference d_b (reference minus mix). The match EQ
        // brings the mix's mid to the reference's band by band, so a side gain w leaves the band's side
        // at the reference's side level minus d_b plus w; w is chosen so the imager band's side energy
        // matches the reference's: w = -10 log10(sum S_b 10^(-d_b/10) / sum S_b), S_b the reference's
        // side power (a single band: w = d_b).
        double sidePower = 0.0, shortfall = 0.0;
        for (std::size_t b = 0; b < kBands; ++b) {
            const double f = analysis::kThirdOctaveCentresHz[b];
            if (f < lo || f >= hi) continue;
            const auto mm = band(match.mix.midBandsDb, b), ms = band(match.mix.sideBandsDb, b);
            const auto rm = band(match.reference.midBandsDb, b), rs = band(match.reference.sideBandsDb, b);
            if (!mm || !ms || !rm || !rs) continue;
            const double difference = (*rs - *rm) - (*ms - *mm);
            sidePower += powerOf(*rs);
            shortfall += powerOf(*rs) * powerOf(-difference);
        }
        double widthDb = 0.0;
        const std::string range = k == 0 ? "< " + hz(hi) : k == edges.size() ? "> " + hz(lo) : hz(lo) + "-" + hz(hi);
        if (amount > 0.0 && sidePower > 0.0 && shortfall > 0.0) {
            const double difference = -10.0 * std::log10(shortfall / sidePower);
            widthDb = amount * difference;
            why += formatText(" %s %+.1f dB", range.c_str(), difference);
        }
        double width = 100.0 * std::pow(10.0, widthDb / 20.0) * intentFactor;
        if (std::abs(20.0 * std::log10(std::max(width, 1e-9) / 100.0)) < kSmallestWidthDb) width = 100.0;
        if (width > double(dsp::StereoImager::kMaxWidthPercent)) {
            match.limits.push_back(formatText("width: %s would need %.0f %%, more than the imager's %.0f %%", range.c_str(), width,
                                              double(dsp::StereoImager::kMaxWidthPercent)));
            width = double(dsp::StereoImager::kMaxWidthPercent);
        }
        widths.push_back(width);
        setting += formatText("%s %.0f %% %s", k == 0 ? "" : ",", width, range.c_str());
    }
    if (amount > 0.0) why += formatText("; %.0f %% of it", amount * 100.0);
    if (request.intent.adjustments.widthPercent != 0.0) why += formatText("; intent %+.0f %%", request.intent.adjustments.widthPercent);
    stereo.crossoverHz = edges;
    stereo.bandWidthPercent = widths;
    match.intendedWidthPercent = widths;
    stereo.widthPercent = 100.0 * intentFactor;
    stereo.enabled = std::any_of(widths.begin(), widths.end(), [](double w) { return w != 100.0; });
    if (stereo.enabled) {
        stereo.reason = why;
        plan.decisions.push_back({"stereo", setting, why});
    } else if (sidesKnown) {
        plan.decisions.push_back({"stereo", "width unchanged", why + " (each under 0.05 dB after scaling)"});
    }
}

void planMatchLoudness(const PlanRequest& request, MasteringPlan& plan) {
    const auto& match = *plan.reference;
    auto& loudness = plan.loudness;
    const double target = request.target.integratedLufs;
    const double moved = match.amounts.loudness * (match.reference.integratedLufs - target);
    if (moved == 0.0) return;
    loudness.requestedLufs += moved;
    // The PLR floor follows the loudness target the way the presets' floors do.
    loudness.plrFloorDb += plrFloorForTarget(target + moved) - plrFloorForTarget(target);
    plan.decisions.push_back({"loudness", formatText("target %.1f LUFS", loudness.requestedLufs),
                              formatText("reference at %.1f LUFS integrated; %s %.1f LUFS moved %.0f %% of the way (%+.1f LU); "
                                         "PLR floor %.1f dB",
                                         match.reference.integratedLufs, request.target.name.c_str(), target,
                                         match.amounts.loudness * 100.0, moved, loudness.plrFloorDb)});
}

void planMatchDynamics(const analysis::Analysis& mix, const PlanRequest& request, MasteringPlan& plan) {
    auto& match = *plan.reference;
    const double amount = match.amounts.dynamics;
    if (amount <= 0.0) {
        plan.decisions.push_back({"dynamics", "not matched", "dynamics match 0 %"});
        return;
    }
    const auto& loudness = plan.loudness;
    const double ceiling = plan.limiter.ceilingDbtp;
    const double inputPlr = mix.truePeakDbtp.value_or(-70.0) - mix.integratedLufs.value_or(-70.0);
    const double expectedPlr = std::min(inputPlr, ceiling - loudness.plannedLufs);
    const double referencePlr = match.reference.plrDb;
    double wantedPlr = expectedPlr + amount * (referencePlr - expectedPlr);
    if (wantedPlr < expectedPlr - kSmallestPlrMoveDb) {
        if (wantedPlr < loudness.plrFloorDb && !request.dynamicsLoud) {
            match.limits.push_back(formatText("dynamics: PLR stops at the %.1f dB floor (over-compression guardrail), short of "
                                              "%.1f dB toward the reference's %.1f dB",
                                              loudness.plrFloorDb, wantedPlr, referencePlr));
            wantedPlr = loudness.plrFloorDb;
        }
        if (wantedPlr < expectedPlr - kSmallestPlrMoveDb) {
            plan.limiter.peakTargetDbtp = loudness.plannedLufs + wantedPlr;
            plan.decisions.push_back({"limiter", formatText("true peaks held at %.1f dBTP", *plan.limiter.peakTargetDbtp),
                                      formatText("PLR %.1f dB -> %.1f dB, %.0f %% of the way to the reference's %.1f dB",
                                                 expectedPlr, wantedPlr, amount * 100.0, referencePlr)});
        }
    } else if (wantedPlr > expectedPlr + kSmallestPlrMoveDb) {
        if (ceiling - loudness.plannedLufs < inputPlr)
            match.limits.push_back(formatText("dynamics: the reference's PLR %.1f dB would put peaks above the %.1f dBTP ceiling at "
                                              "%.1f LUFS; PLR stays %.1f dB",
                                              referencePlr, ceiling, loudness.plannedLufs, expectedPlr));
        else
            match.limits.push_back(formatText("dynamics: the mix's PLR %.1f dB is below the reference's %.1f dB; lathe does not "
                                              "expand",
                                              inputPlr, referencePlr));
        plan.decisions.push_back({"dynamics", "PLR not raised", match.limits.back()});
    }
}

}  // namespace lathe::mastering
