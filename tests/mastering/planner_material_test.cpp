// The planner on generated AUDIO with one known imbalance each (analysed by the real analyzer),
// compared with the same material without the imbalance: the decision must move the right way
// and stay inside the guardrails.
#include <gtest/gtest.h>

#include <cmath>

#include "lathe/analysis/analyzer.h"
#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/mastering/plan.h"
#include "support/signals.h"

using namespace lathe;
using namespace lathe::mastering;

namespace {

constexpr double kRate = 48000.0;

void applyFilter(AudioBuffer& audio, dsp::FilterType type, double hz, double gainDb);

// Pink noise darkened above 3 kHz (close to the target balance, so no move is capped), side
// 16.5 dB under mid, at a mix-like level.
AudioBuffer baseMix() {
    AudioBuffer a = test::pinkNoise(kRate, 20.0, 0.25, 2, 11);
    for (std::size_t i = 0; i < a.numFrames(); ++i) {
        const float mid = a.channel(0)[i], side = 0.15f * a.channel(1)[i];
        a.channel(0)[i] = mid + side;
        a.channel(1)[i] = mid - side;
    }
    applyFilter(a, dsp::FilterType::highShelf, 3000, -10);
    return a;
}

void applyFilter(AudioBuffer& audio, dsp::FilterType type, double hz, double gainDb) {
    dsp::FilterSpec spec;
    spec.type = type;
    spec.frequencyHz = hz;
    spec.gainDb = gainDb;
    spec.q = 0.707;
    dsp::MultichannelBiquadFilter filter(dsp::design(spec, kRate), audio.numChannels());
    filter.process(audio.block());
}

analysis::Analysis analyze(const AudioBuffer& audio) {
    analysis::Analyzer analyzer;
    EXPECT_TRUE(analyzer.prepare(kRate, audio.numChannels()).ok());
    analyzer.process(audio.block());
    return analyzer.finish();
}

MasteringPlan plan(const AudioBuffer& audio) {
    PlanRequest request;
    request.target = parseDeliveryTarget("streaming").value();
    return planMaster(analyze(audio), request);
}

double moveDb(const MasteringPlan& p, EqShape shape, double hz) {
    for (const auto& m : p.eq)
        if (m.shape == shape && m.frequencyHz == hz) return m.gainDb;
    return 0.0;
}

void expectInsideGuardrails(const MasteringPlan& p) {
    for (const auto& m : p.eq) EXPECT_LE(std::abs(m.gainDb), kMaxEqMoveDb);
    EXPECT_LE(p.glue.ratio, 2.0);
    EXPECT_GE(p.limiter.ceilingDbtp - p.loudness.plannedLufs, p.loudness.plrFloorDb - 1e-9);
}

}  // namespace

TEST(PlannerOnAudio, TonalImbalancesMoveTheRightBands) {
    const AudioBuffer base = baseMix();
    const auto neutral = plan(base);

    AudioBuffer dark = baseMix();
    applyFilter(dark, dsp::FilterType::highShelf, 4000, -9);
    const auto darkPlan = plan(dark);
    EXPECT_GT(moveDb(darkPlan, EqShape::HighShelf, 8000), moveDb(neutral, EqShape::HighShelf, 8000) + 2.0);
    expectInsideGuardrails(darkPlan);

    AudioBuffer bright = baseMix();
    applyFilter(bright, dsp::FilterType::highShelf, 4000, +9);
    const auto brightPlan = plan(bright);
    EXPECT_LT(moveDb(brightPlan, EqShape::HighShelf, 8000), moveDb(neutral, EqShape::HighShelf, 8000) - 2.0);
    expectInsideGuardrails(brightPlan);

    AudioBuffer boomy = baseMix();
    applyFilter(boomy, dsp::FilterType::lowShelf, 120, +10);
    const auto boomyPlan = plan(boomy);
    EXPECT_LT(moveDb(boomyPlan, EqShape::LowShelf, 100), moveDb(neutral, EqShape::LowShelf, 100) - 2.0);
    expectInsideGuardrails(boomyPlan);
}

TEST(PlannerOnAudio, NarrowIsWidenedOverWideIsNarrowedAndWideBassIsMonoed) {
    AudioBuffer narrow = test::pinkNoise(kRate, 20.0, 0.25, 2, 12);
    AudioBuffer wide = test::pinkNoise(kRate, 20.0, 0.25, 2, 13);  // independent channels: side = mid
    for (std::size_t i = 0; i < narrow.numFrames(); ++i) {
        const float mid = narrow.channel(0)[i], side = 0.02f * narrow.channel(1)[i];
        narrow.channel(0)[i] = mid + side;
        narrow.channel(1)[i] = mid - side;
    }
    const auto narrowPlan = plan(narrow);
    const auto widePlan = plan(wide);
    EXPECT_GT(narrowPlan.stereo.widthPercent, 100.0);
    EXPECT_LT(widePlan.stereo.widthPercent, 100.0);
    EXPECT_TRUE(widePlan.stereo.bassMonoBelowHz.has_value());
    EXPECT_FALSE(plan(baseMix()).stereo.bassMonoBelowHz.has_value());
}

TEST(PlannerOnAudio, DynamicMaterialIsControlledAndSquashedMaterialIsLeftAlone) {
    // Very dynamic: quiet noise with loud short bursts (PLR well above 20 dB).
    AudioBuffer dynamic = baseMix();
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < dynamic.numFrames(); ++i)
            dynamic.channel(c)[i] *= (i % 24000) < 240 ? 3.0f : 0.1f;
    const auto dynamicPlan = plan(dynamic);
    EXPECT_TRUE(dynamicPlan.glue.enabled);
    EXPECT_TRUE(dynamicPlan.clipper.enabled);
    expectInsideGuardrails(dynamicPlan);

    // Already squashed and loud: noise driven into hard clipping at full scale.
    AudioBuffer squashed = baseMix();
    for (int c = 0; c < 2; ++c)
        for (float& s : squashed.channel(c)) s = std::clamp(s * 8.0f, -0.98f, 0.98f);
    const auto squashedPlan = plan(squashed);
    EXPECT_TRUE(squashedPlan.loudness.turnDownOnly);
    EXPECT_FALSE(squashedPlan.glue.enabled);
    EXPECT_FALSE(squashedPlan.clipper.enabled);
    bool warned = false;
    for (const auto& w : squashedPlan.warnings) warned |= w.find("already heavily limited") != std::string::npos;
    EXPECT_TRUE(warned);
}
