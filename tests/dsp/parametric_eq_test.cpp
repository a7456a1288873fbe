// ParametricEq: the stage contract, exact bypass when flat, the processed impulse response against
// the analytic response, linearity, click-free parameter changes (bounded sample-to-sample jump),
// transitions that land exactly on their targets, and block-size invariance across changes.

#include "lathe/dsp/parametric_eq.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "support/allocation_counter.h"
#include "support/impulse_spectrum.h"
#include "support/signals.h"
#include "support/stage_contract.h"
#include "util/random.h"

namespace lathe::dsp {
namespace {

std::vector<EqBand> sixBands() {
    return {
        {EqBandType::highPass, 30.0, 0.0, kButterworthQ, 4},
        {EqBandType::lowShelf, 120.0, 2.5, kButterworthQ, 2},
        {EqBandType::bell, 350.0, -3.0, 1.4, 2},
        {EqBandType::bell, 2500.0, 1.5, 0.8, 2},
        {EqBandType::highShelf, 12000.0, 3.0, kButterworthQ, 2},
        {EqBandType::lowPass, 19000.0, 0.0, kButterworthQ, 2},
    };
}

std::unique_ptr<ParametricEq> makeEq(const std::vector<EqBand>& bands, ParametricEqSettings settings = {}) {
    auto eq = std::make_unique<ParametricEq>(settings);
    EXPECT_TRUE(eq->setBands(bands).ok());
    return eq;
}

void prepare(ParametricEq& eq, double fs, int channels) {
    ASSERT_TRUE(eq.prepare({fs, channels, 4096}).ok());
}

TEST(ParametricEq, KeepsTheStageContract) {
    const double fs = 44100.0;
    const AudioBuffer input = test::pinkNoise(fs, 1.5, 0.5, 2, 9);
    test::expectStageContract([] { return makeEq(sixBands()); }, input, fs);
    // Also with every band type and the bilinear method, on 3 channels (a pair plus a single).
    const std::vector<EqBand> all = {
        {EqBandType::tilt, 800.0, -2.0, 1.0, 2},
        {EqBandType::linkwitzRileyHighPass, 40.0, 0.0, 1.0, 8},
        {EqBandType::linkwitzRileyLowPass, 18000.0, 0.0, 1.0, 2},
        {EqBandType::lowPass, 15000.0, 0.0, 1.0, 5},
        {EqBandType::bell, 6000.0, 6.0, 4.0, 2},
    };
    const AudioBuffer three = test::whiteNoise(fs, 1.0, 0.5, 3, 2);
    test::expectStageContract([&] { return makeEq(all, {20.0, DesignMethod::bilinear}); }, three, fs);
}

TEST(ParametricEq, FlatSettingsAreBitExactBypass) {
    const double fs = 48000.0;
    const AudioBuffer input = test::whiteNoise(fs, 0.5, 0.99, 2, 4);
    const std::vector<std::vector<EqBand>> flats = {
        {},
        {{EqBandType::bell, 1000.0, 0.0, 1.0, 2}},
        {{EqBandType::lowShelf, 80.0, 0.0, 0.7, 2}, {EqBandType::highShelf, 9000.0, 0.0, 0.7, 2},
         {EqBandType::tilt, 1000.0, 0.0, 1.0, 2}, {EqBandType::bell, 40.0, 0.0, 8.0, 2}},
    };
    for (const auto& bands : flats) {
        auto eq = makeEq(bands);
        AudioBuffer audio = test::copyOf(input.block());
        test::processWhole(*eq, audio, fs, 333);
        for (int c = 0; c < 2; ++c)
            ASSERT_EQ(std::memcmp(audio.channel(c).data(), input.channel(c).data(), input.numFrames() * sizeof(float)), 0)
                << bands.size() << " flat bands";
    }
}

TEST(ParametricEq, ImpulseResponseMatchesAnalyticResponse) {
    for (double fs : {44100.0, 48000.0, 96000.0}) {
        auto eq = makeEq(sixBands());
        AudioBuffer audio = test::impulse(2, 1u << 17);
        test::processWhole(*eq, audio, fs, 4096);
        const auto comparison = test::compareImpulseResponse(
            audio.channel(1), fs, [&](double f) { return eq->response(f); }, 20.0, std::min(20000.0, 0.45 * fs));
        EXPECT_LE(comparison.worstErrorDb, 0.05) << "fs " << fs << " at " << comparison.worstFrequencyHz << " Hz";
        if (comparison.worstErrorDb > 0.05)
            test::writeResponseCsv(test::failureCurvePath("parametric_eq_fs" + std::to_string(int(fs))), comparison.curve);
        // The target response is the product of the band designs.
        for (double f : {25.0, 350.0, 2500.0, 15000.0}) {
            std::complex<double> product = 1.0;
            for (const auto& band : sixBands()) product *= design(band, fs).response(f, fs);
            EXPECT_NEAR(std::abs(eq->response(f) - product), 0.0, 1e-12);
        }
    }
}

// EQ(a x + b y) = a EQ(x) + b EQ(y) up to float rounding of input and output: the bound is a few
// float epsilons of the largest output sample times the gain the rounding passes through.
TEST(ParametricEq, IsLinear) {
    const double fs = 44100.0;
    const AudioBuffer x = test::whiteNoise(fs, 0.5, 0.4, 2, 1), y = test::pinkNoise(fs, 0.5, 0.4, 2, 2);
    const float a = 0.75f, b = -1.25f;
    AudioBuffer mix(2, x.numFrames());
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i) mix.channel(c)[i] = a * x.channel(c)[i] + b * y.channel(c)[i];
    AudioBuffer ex = test::copyOf(x.block()), ey = test::copyOf(y.block());
    test::processWhole(*makeEq(sixBands()), ex, fs);
    test::processWhole(*makeEq(sixBands()), ey, fs);
    test::processWhole(*makeEq(sixBands()), mix, fs);
    double worst = 0.0, peak = 0.0;
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i) {
            const double expected = double(a) * ex.channel(c)[i] + double(b) * ey.channel(c)[i];
            worst = std::max(worst, std::abs(mix.channel(c)[i] - expected));
            peak = std::max(peak, std::abs(expected));
        }
    EXPECT_LT(worst, 16.0 * std::numeric_limits<float>::epsilon() * peak) << worst;
}

// ---- parameter changes ------------------------------------------------------------------------

// Processes `audio` in blocks of `block` frames, applying changes[k] at frame positions[k].
void processWithChanges(ParametricEq& eq, AudioBuffer& audio, double fs, const std::vector<std::size_t>& positions,
                        const std::vector<std::vector<EqBand>>& changes, std::size_t block) {
    prepare(eq, fs, audio.numChannels());
    std::size_t next = 0;
    auto view = audio.block();
    for (std::size_t offset = 0; offset < audio.numFrames();) {
        if (next < positions.size() && positions[next] == offset) {
            ASSERT_TRUE(eq.setBands(changes[next]).ok());
            ++next;
            continue;
        }
        std::size_t end = std::min(offset + block, audio.numFrames());
        if (next < positions.size()) end = std::min(end, positions[next]);
        eq.process(view.slice(offset, end - offset));
        offset = end;
    }
}

double largestStep(std::span<const float> y, std::size_t from, std::size_t to) {
    double worst = 0.0;
    for (std::size_t i = std::max<std::size_t>(from, 1); i < to; ++i)
        worst = std::max(worst, std::abs(double(y[i]) - double(y[i - 1])));
    return worst;
}

struct ChangeCase {
    const char* name;
    std::vector<EqBand> before, after;
};

// Largest |H(f)| the EQ passes through while going from `before` to `after`: the endpoints, and
// for a band that glides (same type and order) every intermediate design on its log-frequency,
// dB-gain, log-Q path. A crossfade mixes the endpoint filters, |(1-t) A + t B| <= max(|A|, |B|).
double largestGainOnThePath(const ChangeCase& c, double f, double fs) {
    double worst = 0.0;
    for (int step = 0; step <= 200; ++step) {
        const double u = step / 200.0;
        std::complex<double> h = 1.0;
        const std::size_t n = std::max(c.before.size(), c.after.size());
        for (std::size_t i = 0; i < n; ++i) {
            const bool hasBefore = i < c.before.size(), hasAfter = i < c.after.size();
            EqBand from = hasBefore ? c.before[i] : c.after[i], to = hasAfter ? c.after[i] : c.before[i];
            if (!hasBefore) from.gainDb = 0.0;
            if (!hasAfter) to.gainDb = 0.0;
            const bool glides = from.type == to.type && sectionCount(from) == sectionCount(to) &&
                                (hasBefore && hasAfter ? true : hasGain(from.type));
            if (glides) {
                EqBand mid = from;
                mid.frequencyHz = std::exp(std::log(from.frequencyHz) * (1 - u) + std::log(to.frequencyHz) * u);
                mid.gainDb = from.gainDb * (1 - u) + to.gainDb * u;
                mid.q = std::exp(std::log(from.q) * (1 - u) + std::log(to.q) * u);
                h *= design(mid, fs).response(f, fs);
            } else {
                const double a = hasBefore ? std::abs(design(c.before[i], fs).response(f, fs)) : 1.0;
                const double b = hasAfter ? std::abs(design(c.after[i], fs).response(f, fs)) : 1.0;
                h *= std::max(a, b);
            }
        }
        worst = std::max(worst, std::abs(h));
    }
    return worst;
}

double largestStepThroughChange(const ChangeCase& c, double smoothingMs, double fs, double f, double amplitude,
                                std::size_t change) {
    AudioBuffer audio = test::sine(fs, f, double(change + 4800) / fs + 0.01, amplitude, 2);
    ParametricEq eq({smoothingMs, DesignMethod::matched});
    EXPECT_TRUE(eq.setBands(c.before).ok());
    processWithChanges(eq, audio, fs, {change}, {c.after}, 512);
    return largestStep(audio.channel(0), change - 200, change + 2400);
}

// A sine through each kind of change. A smooth change keeps the output's sample-to-sample step
// within what a sinusoid of the largest steady amplitude on the way can do, 2 A sin(w/2), plus
// 5 % for the transition's own shaping. The change happens at the sine's peak (frame 12 of each
// 48-frame period).
TEST(ParametricEq, ParameterChangesHaveNoStepDiscontinuity) {
    const double fs = 48000.0, f = 1000.0, amplitude = 0.25;
    const double w = 2.0 * std::numbers::pi * f / fs;
    const std::size_t change = 48 * 200 + 12;
    const std::vector<ChangeCase> cases = {
        {"bell 0 -> +12 dB", {{EqBandType::bell, f, 0.0, 2.0, 2}}, {{EqBandType::bell, f, 12.0, 2.0, 2}}},
        {"bell +12 -> -12 dB", {{EqBandType::bell, f, 12.0, 2.0, 2}}, {{EqBandType::bell, f, -12.0, 2.0, 2}}},
        {"bell added", {}, {{EqBandType::bell, f, 12.0, 4.0, 2}}},
        {"bell removed", {{EqBandType::bell, f, 12.0, 4.0, 2}}, {}},
        {"bell sweep 300 -> 3000 Hz", {{EqBandType::bell, 300.0, 12.0, 2.0, 2}}, {{EqBandType::bell, 3000.0, 12.0, 2.0, 2}}},
        {"high shelf 0 -> +12 dB", {{EqBandType::highShelf, 200.0, 0.0, 0.7, 2}}, {{EqBandType::highShelf, 200.0, 12.0, 0.7, 2}}},
        {"tilt -6 -> +6 dB", {{EqBandType::tilt, 150.0, -6.0, 1.0, 2}}, {{EqBandType::tilt, 150.0, 6.0, 1.0, 2}}},
        {"bell -> low-pass (crossfade)", {{EqBandType::bell, f, 9.0, 1.0, 2}}, {{EqBandType::lowPass, 700.0, 0.0, 1.0, 4}}},
        {"high-pass switched on", {}, {{EqBandType::highPass, 1500.0, 0.0, 1.0, 8}}},
        {"high-pass order 2 -> 8", {{EqBandType::highPass, 800.0, 0.0, 1.0, 2}}, {{EqBandType::highPass, 800.0, 0.0, 1.0, 8}}},
    };
    for (const auto& c : cases) {
        const double natural = 2.0 * amplitude * largestGainOnThePath(c, f, fs) * std::sin(w / 2);
        const double step = largestStepThroughChange(c, 20.0, fs, f, amplitude, change);
        EXPECT_LE(step, 1.05 * natural) << c.name << ": largest step " << step << " vs sinusoid's " << natural;
        RecordProperty(c.name, std::to_string(step / natural) + " (instant: " +
                                   std::to_string(largestStepThroughChange(c, 0.0, fs, f, amplitude, change) / natural) + ")");
    }
    // The control: switching a high-pass on instantly (smoothingMs = 0) steps the output far
    // beyond what a sinusoid can (7.8 times), so the bound above does detect a click. (Direct
    // form I makes instant bell and shelf switches surprisingly benign; pass filters are not.)
    const ChangeCase& highPass = cases[8];
    const double natural = 2.0 * amplitude * largestGainOnThePath(highPass, f, fs) * std::sin(w / 2);
    EXPECT_GT(largestStepThroughChange(highPass, 0.0, fs, f, amplitude, change), 2.0 * natural);
}

// After a transition the EQ is exactly the target: its output converges to a fresh EQ's. Also when
// changes pile up during a glide and during a crossfade (the crossfade's pending change).
TEST(ParametricEq, TransitionsLandOnTheTarget) {
    const double fs = 44100.0;
    const std::vector<EqBand> a = sixBands();
    std::vector<EqBand> b = sixBands();
    b[2].gainDb = 6.0;
    b[2].frequencyHz = 500.0;
    b[3].type = EqBandType::highShelf;  // crossfade
    b[0].order = 2;                     // crossfade
    std::vector<EqBand> c = b;
    c[2].q = 3.0;                       // arrives during b's glide and crossfades
    c.push_back({EqBandType::tilt, 1000.0, -1.0, 1.0, 2});
    const AudioBuffer input = test::pinkNoise(fs, 3.0, 0.5, 2, 5);
    AudioBuffer changed = test::copyOf(input.block());
    ParametricEq eq;
    ASSERT_TRUE(eq.setBands(a).ok());
    processWithChanges(eq, changed, fs, {4410, 4410 + 300}, {b, c}, 1024);
    AudioBuffer fresh = test::copyOf(input.block());
    test::processWhole(*makeEq(c), fresh, fs, 1024);
    // Compare the last second (transitions of 20 ms plus the HP's 30 Hz tails have long settled).
    double worst = 0.0;
    for (int ch = 0; ch < 2; ++ch)
        for (std::size_t i = 2 * 44100; i < input.numFrames(); ++i)
            worst = std::max(worst, std::abs(double(changed.channel(ch)[i]) - fresh.channel(ch)[i]));
    EXPECT_LT(worst, 1e-6);
    EXPECT_EQ(eq.bands().size(), c.size());
}

// Block-size invariance with parameter changes at fixed frames: glides and crossfades advance per
// sample, so any block split gives the same bits.
TEST(ParametricEq, ChangesAreBlockSizeInvariant) {
    const double fs = 48000.0;
    std::vector<EqBand> b = sixBands();
    b[2].gainDb = 9.0;
    b[4].type = EqBandType::bell;
    b.resize(5);
    std::vector<EqBand> c = b;
    c[1].frequencyHz = 300.0;
    const std::vector<std::size_t> positions = {1000, 1003, 5000};
    const std::vector<std::vector<EqBand>> changes = {b, c, sixBands()};
    const AudioBuffer input = test::pinkNoise(fs, 0.5, 0.5, 2, 7);
    AudioBuffer reference = test::copyOf(input.block());
    ParametricEq one;
    ASSERT_TRUE(one.setBands(sixBands()).ok());
    processWithChanges(one, reference, fs, positions, changes, 4096);
    for (std::size_t block : {1u, 7u, 64u, 300u}) {
        AudioBuffer split = test::copyOf(input.block());
        ParametricEq eq;
        ASSERT_TRUE(eq.setBands(sixBands()).ok());
        processWithChanges(eq, split, fs, positions, changes, block);
        EXPECT_EQ(test::maxAbsDifference(reference.block(), split.block()), 0.0) << "block " << block;
    }
}

TEST(ParametricEq, ChangesDoNotAllocate) {
    const double fs = 48000.0;
    ParametricEq eq;
    ASSERT_TRUE(eq.setBands(sixBands()).ok());
    prepare(eq, fs, 2);
    AudioBuffer audio = test::pinkNoise(fs, 0.2, 0.5, 2, 7);
    std::vector<EqBand> other = sixBands();
    other[1].type = EqBandType::bell;
    other[3].gainDb = -4.0;
    test::AllocationCounter counter;
    eq.process(audio.block().slice(0, 1000));
    EXPECT_TRUE(eq.setBands(other).ok());
    eq.process(audio.block().slice(1000, 4000));
    eq.reset();
    EXPECT_EQ(counter.count(), 0u);
}

TEST(ParametricEq, RejectsInvalidSettingsAndKeepsThePreviousOnes) {
    ParametricEq eq;
    ASSERT_TRUE(eq.setBands(sixBands()).ok());
    std::vector<EqBand> bad = sixBands();
    bad[3].q = 0.0;
    const auto status = eq.setBands(bad);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("band 4"), std::string::npos) << status.error().message;
    EXPECT_NE(status.error().message.find("q"), std::string::npos);
    EXPECT_EQ(eq.bands().size(), 6u);
    EXPECT_EQ(eq.bands()[3].q, sixBands()[3].q);
    EXPECT_FALSE(eq.setBands(std::vector<EqBand>(ParametricEq::kMaxBands + 1)).ok());
    EXPECT_FALSE(eq.prepare({44100.0, 0, 512}).ok());
    EXPECT_FALSE(ParametricEq({-1.0, DesignMethod::matched}).prepare({44100.0, 2, 512}).ok());
    EXPECT_EQ(eq.latencyFrames(), 0);
}

}  // namespace
}  // namespace lathe::dsp
