#include "lathe/check/translation.h"

#include <gtest/gtest.h>

#include <cmath>

#include "lathe/analysis/analyzer.h"
#include "lathe/analysis/loudness_meter.h"
#include "support/signals.h"
#include "lathe/mastering/tonal_balance.h"
#include <stdexcept>

namespace lathe::check {
namespace {

using Bands = std::vector<std::optional<double>>;

double centre(std::size_t b) { return analysis::kThirdOctaveCentresHz[b]; }

// The target balance at a realistic level (1 kHz band at -20 dB), side 8 dB under mid.
TranslationInput typical() {
    TranslationInput in;
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        in.midDb.push_back(-20.0 + mastering::targetBalanceDb(centre(b)));
        in.sideDb.push_back(-28.0 + mastering::targetBalanceDb(centre(b)));
    }
    return in;
}

const SystemTranslation& find(const std::vector<SystemTranslation>& all, const std::string& id) {
    for (const auto& t : all)
        if (t.systemId == id) return t;
    throw std::runtime_error("no system " + id);
}

bool mentions(const SystemTranslation& t, const std::string& text) {
    for (const auto& p : t.problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

TEST(Translation, TypicalMasterTranslatesEverywhere) {
    const auto result = evaluateTranslation(typical());
    ASSERT_EQ(result.size(), 6u);
    for (const auto& t : result) {
        EXPECT_NEAR(t.loudnessVsTypicalLu, 0.0, 1e-9) << t.systemId;
        EXPECT_TRUE(t.problems.empty()) << t.systemId << ": " << (t.problems.empty() ? "" : t.problems[0]);
        EXPECT_TRUE(t.vocalRangeAudible) << t.systemId;
    }
    // Small speakers lose loudness with the low end; the club system gains it.
    EXPECT_LT(find(result, "phone").loudnessChangeLu, find(result, "laptop").loudnessChangeLu);
    EXPECT_LT(find(result, "laptop").loudnessChangeLu, find(result, "hifi").loudnessChangeLu);
    EXPECT_GT(find(result, "club").loudnessChangeLu, find(result, "hifi").loudnessChangeLu);
    // Phones reproduce no bass fundamentals: its translation rests on the upper bass.
    EXPECT_FALSE(find(result, "phone").lowEndAudible);
    EXPECT_TRUE(find(result, "hifi").lowEndAudible);
}

TEST(Translation, SubOnlyBassWithoutHarmonicsDisappearsOnPhonesAndLaptops) {
    TranslationInput in = typical();
    // Bass only below 60 Hz: strong 40-50 Hz bands, nothing from 63 to 250 Hz.
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        const double f = centre(b);
        if (f >= 63.0 && f <= 250.0) in.midDb[b] = std::nullopt, in.sideDb[b] = std::nullopt;
        if (f >= 40.0 && f <= 50.0) in.midDb[b] = -8.0;
    }
    const auto result = evaluateTranslation(in);
    EXPECT_TRUE(mentions(find(result, "phone"), "bass disappears on the phone speaker"));
    EXPECT_TRUE(mentions(find(result, "phone"), "no harmonics above 200 Hz"));
    EXPECT_TRUE(mentions(find(result, "laptop"), "bass disappears"));
    EXPECT_GT(find(result, "phone").lowEndShareBelow100HzPct, 99.0);
    EXPECT_LT(find(result, "phone").upperBassSupportDb, -6.0);
    for (const char* id : {"car", "hifi", "club"}) EXPECT_TRUE(find(result, id).lowEndTranslates) << id;
    // The same sub with the typical upper bass above it carries on a phone.
    const TranslationInput full = typical();
    for (std::size_t b = 0; b < kTranslationBands; ++b)
        if (centre(b) >= 160.0 && centre(b) <= 250.0) in.midDb[b] = full.midDb[b], in.sideDb[b] = full.sideDb[b];
    const auto withUpperBass = evaluateTranslation(in);
    EXPECT_TRUE(find(withUpperBass, "phone").lowEndTranslates) << find(withUpperBass, "phone").upperBassSupportDb;
}

TEST(Translation, OutOfPhaseVocalRangeVanishesOnMonoSystems) {
    TranslationInput in = typical();
    // Vocal range in the side signal only: what an inverted channel does to centred material.
    for (std::size_t b = 0; b < kTranslationBands; ++b)
        if (centre(b) >= 315.0 && centre(b) <= 3150.0) std::swap(in.midDb[b], in.sideDb[b]), in.midDb[b] = *in.midDb[b] - 20.0;
    const auto result = evaluateTranslation(in);
    for (const char* id : {"phone", "club"}) {
        EXPECT_FALSE(find(result, id).vocalRangeAudible) << id;
        EXPECT_TRUE(mentions(find(result, id), "sums to mono")) << id;
    }
    for (const char* id : {"laptop", "earbuds", "car", "hifi"}) EXPECT_TRUE(find(result, id).vocalRangeAudible) << id;
}

TEST(Translation, NoLowEndNothingToLose) {
    TranslationInput in = typical();
    for (std::size_t b = 0; b < kTranslationBands; ++b)
        if (centre(b) < 500.0) in.midDb[b] = std::nullopt, in.sideDb[b] = std::nullopt;
    for (const auto& t : evaluateTranslation(in)) {
        EXPECT_FALSE(t.mixHasLowEnd);
        EXPECT_TRUE(t.lowEndTranslates) << t.systemId;
    }
}

TEST(Translation, RoadNoiseMasksAQuietLowEndInTheCar) {
    // A master whose low end sits 20 dB under the target balance: audible at home on the hi-fi, not
    // over 62 dB SPL of road noise (at 100 Hz; -6 dB per octave) in the car.
    TranslationInput in = typical();
    for (std::size_t b = 0; b < kTranslationBands; ++b)
        if (centre(b) <= 160.0) *in.midDb[b] -= 20.0, *in.sideDb[b] -= 20.0;
    const auto result = evaluateTranslation(in);
    const auto& car = find(result, "car");
    for (std::size_t b = 0; b < kTranslationBands; ++b) {
        if (centre(b) >= 63.0 && centre(b) <= 125.0) {
            EXPECT_FALSE(car.bandAudible[b]) << centre(b);
            EXPECT_TRUE(find(result, "hifi").bandAudible[b]) << centre(b);
        }
    }
}

TEST(Translation, BandGainMatchesTheResponseInFlatRegions) {
    for (const auto& system : playbackSystems()) {
        // At 1 kHz all models are smooth: the band average equals the point response within 0.3 dB.
        const double bandDb = 10.0 * std::log10(bandPowerGain(system, 17));
        EXPECT_NEAR(bandDb, system.responseDb(1000.0), 0.3) << system.id;
    }
    const auto [lo, hi] = thirdOctaveEdgesHz(17);
    EXPECT_NEAR(lo, 891.25, 0.01);
    EXPECT_NEAR(hi, 1122.02, 0.01);
}

// The spectral estimate of the loudness change against the real thing: stereo pink noise played
// through each system's digital filter (mono systems: the mid on both speakers), measured with the
// BS.1770 meter, and analysed into bands by the analyzer.
TEST(Translation, LoudnessChangeMatchesATimeDomainMeasurement) {
    constexpr double kRate = 48000.0;
    const AudioBuffer noise = test::pinkNoise(kRate, 20.0, 0.3, 2, 17);
    const auto measure = [&](const AudioBuffer& audio) {
        analysis::LoudnessMeter meter;
        EXPECT_TRUE(meter.prepare(kRate, 2, {}).ok());
        meter.process(audio.block());
        return *meter.result().integratedLufs;
    };
    analysis::Analyzer analyzer;
    ASSERT_TRUE(analyzer.prepare(kRate, 2).ok());
    analyzer.process(noise.block());
    const auto a = analyzer.finish();
    TranslationInput in;
    in.midDb = a.thirdOctaveMidDb;
    in.sideDb = a.thirdOctaveSideDb;
    const auto estimates = evaluateTranslation(in);
    const double original = measure(noise);
    for (std::size_t s = 0; s < playbackSystems().size(); ++s) {
        const auto& system = playbackSystems()[s];
        AudioBuffer played = test::copyOf(noise.block());
        if (system.monoSum)
            for (std::size_t i = 0; i < played.numFrames(); ++i) {
                const float mid = 0.5f * (played.channel(0)[i] + played.channel(1)[i]);
                played.channel(0)[i] = played.channel(1)[i] = mid;
            }
        dsp::MultichannelBiquadFilter filter(system.digitalResponse(kRate), 2);
        filter.process(played.block());
        const double measured = measure(played) - original;
        EXPECT_NEAR(estimates[s].loudnessChangeLu, measured, 0.3) << system.id;
    }
}

}  // namespace
}  // namespace lathe::check
