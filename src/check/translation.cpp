#include "lathe/check/translation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "lathe/analysis/analyzer.h"
#include "lathe/mastering/tonal_balance.h"

namespace lathe::check {

namespace {

constexpr double kAudibleMarginDb = 6.0;
constexpr double kMaskedBelowLoudestDb = 20.0;
constexpr double kLowEndMinShare = 0.05;
constexpr double kVocalMonoLossLimitDb = 6.0;
constexpr double kTypicalSideToMidDb = -8.0;
constexpr double kQuieterThanTypicalLu = -3.0;
constexpr double kUpperBassSupportMinDb = -6.0;

double centreHz(std::size_t band) { return analysis::kThirdOctaveCentresHz[band]; }
double power(const std::optional<double>& db) { return db ? std::pow(10.0, *db / 10.0) : 0.0; }
double toDb(double p) { return 10.0 * std::log10(std::max(p, 1e-30)); }

double bandKWeight(std::size_t band) {
    const auto [lo, hi] = thirdOctaveEdgesHz(band);
    double sum = 0.0;
    constexpr int kPoints = 16;
    for (int i = 0; i < kPoints; ++i) {
        const double f = lo + (hi - lo) * (i + 0.5) / kPoints;
        sum += std::pow(10.0, kWeightingDb(f) / 10.0);
    }
    return sum / kPoints;
}

std::string format(const char* pattern, double a = 0.0, double b = 0.0, double c = 0.0) {
    char text[200];
    std::snprintf(text, sizeof text, pattern, a, b, c);
    return text;
}

struct Spectrum {
    std::array<double, kTranslationBands> mid{}, side{};
};

double kWeightedPlayed(const Spectrum& s, const PlaybackSystem& system, const std::array<double, kTranslationBands>& gains,
                       const std::array<double, kTranslationBands>& kWeights) {
    double sum = 0.0;
    for (std::size_t b = 0; b < kTranslationBands; ++b)
        sum += (s.mid[b] + (system.monoSum ? 0.0 : s.side[b])) * gains[b] * kWeights[b];
    return sum;
}

double kWeightedFlat(const Spectrum& s, const std::array<double, kTranslationBands>& kWeights) {
    double sum = 0.0;
    for (std::size_t b = 0; b < kTranslationBands; ++b) sum += (s.mid[b] + s.side[b]) * kWeights[b];
    return sum;
}

}  // namespace

std::pair<double, double> thirdOctaveEdgesHz(std::size_t band) noexcept {
    const double centre = 1000.0 * std::pow(10.0, (double(band) - 17.0) / 10.0);
    const double halfWidth = std::pow(10.0, 1.0 / 20.0);
    return {centre / halfWidth, centre * halfWidth};
}

double bandPowerGain(const PlaybackSystem& system, std::size_t band) noexcept {
    const auto [lo, hi] = thirdOctaveEdgesHz(band);
    double sum = 0.0;
    constexpr int kPoints = 16;
    for (int i = 0; i < kPoints; ++i) {
        const double f = lo + (hi - lo) * (i + 0.5) / kPoints;
        sum += std::pow(10.0, system.responseDb(f) / 10.0);
    }
    return sum / kPoints;
}

std::vector<SystemTranslation> evaluateTranslation(const TranslationInput& input, std::span<const PlaybackSystem> systems) {
    Spectrum mix, typical;
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        mix.mid[b] = b < input.midDb.size() ? power(input.midDb[b]) : 0.0;
        mix.side[b] = b < input.sideDb.size() ? power(input.sideDb[b]) : 0.0;
        typical.mid[b] = std::pow(10.0, mastering::targetBalanceDb(centreHz(b)) / 10.0);
        typical.side[b] = typical.mid[b] * std::pow(10.0, kTypicalSideToMidDb / 10.0);
    }
    std::array<double, kTranslationBands> kWeights{};
    for (std::size_t b = 0; b < kTranslationBands; ++b) kWeights[b] = bandKWeight(b);

    double lowEnd = 0.0, lowEndBelow100 = 0.0, fundamentals = 0.0, total = 0.0;
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        const double p = mix.mid[b] + mix.side[b];
        const double f = centreHz(b);
        total += p;
        if (f <= 250.0) lowEnd += p;
        if (f <= 100.0) lowEndBelow100 += p;
        if (f <= 125.0) fundamentals += p;
    }
    const bool mixHasLowEnd = total > 0.0 && fundamentals / total >= kLowEndMinShare;
    const double shareBelow100 = lowEnd > 0.0 ? 100.0 * lowEndBelow100 / lowEnd : 0.0;
    // Upper bass (160-400 Hz) against the bass fundamentals (40-100 Hz), relative to a typical master.
    const auto regionRatioDb = [](const Spectrum& spectrum) {
        double upper = 0.0, bass = 0.0;
        for (std::size_t b = 0; b < kTranslationBands; ++b) {
            const double f = centreHz(b), p = spectrum.mid[b] + spectrum.side[b];
            if (f >= 160.0 && f <= 400.0) upper += p;
            if (f >= 40.0 && f <= 100.0) bass += p;
        }
        return toDb(upper) - toDb(bass);
    };
    const double upperBassSupport = regionRatioDb(mix) - regionRatioDb(typical);
    const bool upperBass = upperBassSupport >= kUpperBassSupportMinDb;

    std::vector<SystemTranslation> out;
    for (const auto& system : systems) {
        SystemTranslation t;
        t.systemId = system.id;
        t.systemName = system.name;
        t.lowCornerHz = system.lowCornerHz();
        t.mixHasLowEnd = mixHasLowEnd;
        t.lowEndShareBelow100HzPct = shareBelow100;
        t.upperBassSupportDb = upperBassSupport;
        std::array<double, kTranslationBands> gains{};
        for (std::size_t b = 0; b < kTranslationBands; ++b) gains[b] = bandPowerGain(system, b);

        const double mixFlat = kWeightedFlat(mix, kWeights);
        const double mixPlayed = kWeightedPlayed(mix, system, gains, kWeights);
        const double typicalChange = toDb(kWeightedPlayed(typical, system, gains, kWeights)) - toDb(kWeightedFlat(typical, kWeights));
        if (mixFlat <= 0.0 || mixPlayed <= 0.0) {
            t.problems.push_back("no signal to judge");
            out.push_back(std::move(t));
            continue;
        }
        t.loudnessChangeLu = toDb(mixPlayed) - toDb(mixFlat);
        t.loudnessVsTypicalLu = t.loudnessChangeLu - typicalChange;
        t.playbackSplDb = std::min(system.listeningSplDb + t.loudnessVsTypicalLu, system.maxSplDb);

        // Band SPLs: the K-weighted programme plays at playbackSplDb.
        const double programme = toDb(mixPlayed);
        double loudest = -1e9;
        for (std::size_t b = 0; b < kTranslationBands; ++b) {
            const double p = (mix.mid[b] + (system.monoSum ? 0.0 : mix.side[b])) * gains[b];
            if (p <= 0.0) continue;
            t.playedBandSplDb[b] = t.playbackSplDb + toDb(p) - programme;
            if (centreHz(b) >= 200.0 && centreHz(b) <= 5000.0) loudest = std::max(loudest, *t.playedBandSplDb[b]);
        }
        for (std::size_t b = 0; b < kTranslationBands; ++b) {
            if (!t.playedBandSplDb[b]) continue;
            const double f = centreHz(b);
            const double floor = std::max(hearingThresholdDbSpl(f), system.noiseSplDb(f));
            t.bandAudible[b] = *t.playedBandSplDb[b] >= floor + kAudibleMarginDb &&
                               *t.playedBandSplDb[b] >= loudest - kMaskedBelowLoudestDb;
        }
        bool harmonicRegionAudible = false;
        int vocalBands = 0, vocalAudible = 0;
        double vocalPlayed = 0.0, vocalStereo = 0.0;
        for (std::size_t b = 0; b < kTranslationBands; ++b) {
            const double f = centreHz(b);
            if (f >= 31.5 && f <= 125.0 && t.bandAudible[b] && (mix.mid[b] + mix.side[b]) > 0.0) t.lowEndAudible = true;
            if (f >= 160.0 && f <= 400.0 && t.bandAudible[b]) harmonicRegionAudible = true;
            if (f >= 315.0 && f <= 3150.0) {
                ++vocalBands;
                if (t.bandAudible[b]) ++vocalAudible;
                vocalPlayed += mix.mid[b] + (system.monoSum ? 0.0 : mix.side[b]);
                vocalStereo += mix.mid[b] + mix.side[b];
            }
            if (t.bandAudible[b] && input.balanceDeviationDb[b] &&
                (!t.tonalDeviationDb || std::abs(*input.balanceDeviationDb[b]) > std::abs(*t.tonalDeviationDb))) {
                t.tonalDeviationDb = input.balanceDeviationDb[b];
                t.tonalDeviationHz = f;
            }
        }
        t.vocalRangeMonoLossDb = vocalStereo > 0.0 && vocalPlayed > 0.0 ? toDb(vocalPlayed) - toDb(vocalStereo)
                                 : (vocalStereo > 0.0 ? -100.0 : 0.0);
        t.vocalRangeAudible = 2 * vocalAudible >= vocalBands && t.vocalRangeMonoLossDb >= -kVocalMonoLossLimitDb;
        t.lowEndTranslates = !mixHasLowEnd || t.lowEndAudible || (upperBass && harmonicRegionAudible);

        if (!t.lowEndTranslates) {
            std::string why = "bass disappears on the " + system.name + format(": %.0f%% of low-end energy below 100 Hz", shareBelow100);
            if (!upperBass)
                why += format(", no harmonics above 200 Hz to carry it (160-400 Hz %.0f dB under a typical master's balance)",
                              -upperBassSupport);
            else
                why += ", and its upper bass is not audible there";
            t.problems.push_back(why);
        }
        if (!t.vocalRangeAudible) {
            if (t.vocalRangeMonoLossDb < -kVocalMonoLossLimitDb)
                t.problems.push_back("vocal range drops " + format("%.1f dB", -t.vocalRangeMonoLossDb) + " when the " +
                                     system.name + " sums to mono (out-of-phase content)");
            else
                t.problems.push_back("vocal range masked on the " + system.name +
                                     format(": %.0f of %.0f bands audible", vocalAudible, vocalBands));
        }
        if (t.loudnessVsTypicalLu < kQuieterThanTypicalLu)
            t.problems.push_back("plays " + format("%.1f LU", -t.loudnessVsTypicalLu) + " quieter than a typical master on the " +
                                 system.name);
        out.push_back(std::move(t));
    }
    return out;
}

}  // namespace lathe::check
