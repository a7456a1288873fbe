#include "lathe/dsp/stereo_imager.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "support/impulse_spectrum.h"
#include "support/signals.h"
#include "support/stage_contract.h"
#include "util/random.h"

using namespace lathe;
using lathe::dsp::StereoImager;
using lathe::test::copyOf;

namespace {

AudioBuffer delayed(const AudioBuffer& in, std::size_t frames) {
    AudioBuffer out(in.numChannels(), in.numFrames());
    for (int c = 0; c < in.numChannels(); ++c)
        for (std::size_t i = frames; i < in.numFrames(); ++i) out.channel(c)[i] = in.channel(c)[i - frames];
    return out;
}

AudioBuffer run(const StereoImager::Params& p, const AudioBuffer& input, double rate, int* latency = nullptr) {
    StereoImager imager(p);
    AudioBuffer output = copyOf(input.block());
    test::processWhole(imager, output, rate, 1000);
    if (latency) *latency = imager.latencyFrames();
    return output;
}

// L = a + b, R = a - b style test material: independent noises, with correlation `rho`.
AudioBuffer correlatedNoise(double rate, double seconds, double rho, std::uint64_t seed) {
    AudioBuffer a = test::whiteNoise(rate, seconds, 0.5, 2, seed);
    AudioBuffer out(2, a.numFrames());
    const double k = std::sqrt(1 - rho * rho);
    for (std::size_t i = 0; i < a.numFrames(); ++i) {
        out.channel(0)[i] = a.channel(0)[i];
        out.channel(1)[i] = float(rho * a.channel(0)[i] + k * a.channel(1)[i]);
    }
    return out;
}

double sideRms(const AudioBuffer& b, std::size_t begin, std::size_t end) {
    double sum = 0;
    for (std::size_t i = begin; i < end; ++i) {
        const double s = 0.5 * (double(b.channel(0)[i]) - b.channel(1)[i]);
        sum += s * s;
    }
    return std::sqrt(sum / double(end - begin));
}

// A stereo signal: mid sine at midHz, side sine at sideHz (both amplitude 0.25).
AudioBuffer midSideSines(double rate, double seconds, double midHz, double sideHz) {
    const auto frames = std::size_t(rate * seconds);
    AudioBuffer out(2, frames);
    for (std::size_t i = 0; i < frames; ++i) {
        const double m = 0.25 * std::sin(2 * std::numbers::pi * midHz * double(i) / rate);
        const double s = 0.25 * std::sin(2 * std::numbers::pi * sideHz * double(i) / rate + 0.3);
        out.channel(0)[i] = float(m + s);
        out.channel(1)[i] = float(m - s);
    }
    return out;
}

}  // namespace

TEST(StereoImager, Width100NullsExactly) {
    const double rate = 48000;
    const AudioBuffer input = correlatedNoise(rate, 1.0, 0.3, 11);
    StereoImager::Params p;
    p.numBands = 3;
    p.correlationFloor = 0.5f;  // the input sits below it: the guard must still leave it alone
    int latency = -1;
    const AudioBuffer output = run(p, input, rate, &latency);
    const AudioBuffer aligned = delayed(input, std::size_t(latency));
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < input.numFrames(); ++i)
            ASSERT_EQ(std::memcmp(&output.channel(c)[i], &aligned.channel(c)[i], sizeof(float)), 0) << c << " " << i;
}

TEST(StereoImager, Width0GivesIdenticalChannels) {
    const double rate = 44100;
    const AudioBuffer input = correlatedNoise(rate, 0.5, 0.0, 12);
    StereoImager::Params p;
    p.numBands = 2;
    p.widthPercent = {0, 0, 0, 0, 0};
    int latency = 0;
    const AudioBuffer output = run(p, input, rate, &latency);
    const AudioBuffer aligned = delayed(input, std::size_t(latency));
    for (std::size_t i = 0; i < input.numFrames(); ++i) ASSERT_EQ(output.channel(0)[i], output.channel(1)[i]) << i;
    // and the mid survives: L = R = (L + R) / 2 of the latency-aligned input
    for (std::size_t i = 0; i < input.numFrames(); ++i)
        ASSERT_EQ(output.channel(0)[i], float(0.5 * (double(aligned.channel(0)[i]) + aligned.channel(1)[i])));
}

TEST(StereoImager, BassMonoRemovesSideBelowCutoffAndKeepsItAbove) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        StereoImager::Params p;
        p.bassMonoHz = 120;
        p.correlationGuard = false;
        auto sideGainDb = [&](double sideHz) {
            const AudioBuffer input = midSideSines(rate, 2.0, 70.0, sideHz);
            int latency = 0;
            const AudioBuffer output = run(p, input, rate, &latency);
            const auto begin = std::size_t(latency) + std::size_t(0.5 * rate), end = input.numFrames();
            return 20 * std::log10(sideRms(output, begin, end) / sideRms(input, begin - std::size_t(latency), end - std::size_t(latency)));
        };
        EXPECT_LT(sideGainDb(40.0), -80.0) << rate;   // a low sine's side: gone
        EXPECT_LT(sideGainDb(85.0), -80.0) << rate;   // up to 0.75 x the cutoff (end of the transition)
        EXPECT_NEAR(sideGainDb(160.0), 0.0, 1e-3) << rate;  // from 1.25 x the cutoff: untouched
        EXPECT_NEAR(sideGainDb(5000.0), 0.0, 1e-3) << rate;
    }
}

TEST(StereoImager, MidPassesDelayedByReportedLatency) {
    const double rate = 48000;
    StereoImager::Params p;
    p.bassMonoHz = 100;
    p.numBands = 2;
    p.widthPercent = {80, 150, 100, 100, 100};
    AudioBuffer audio(2, 40000);
    audio.channel(0)[123] = audio.channel(1)[123] = 0.5f;  // pure mid impulse
    int latency = 0;
    const AudioBuffer output = run(p, audio, rate, &latency);
    ASSERT_GT(latency, 0);
    ASSERT_LT(std::size_t(latency) + 123, audio.numFrames());
    for (std::size_t i = 0; i < audio.numFrames(); ++i) {
        const float expected = i == std::size_t(latency) + 123 ? 0.5f : 0.0f;
        ASSERT_EQ(output.channel(0)[i], expected) << i;
        ASSERT_EQ(output.channel(1)[i], expected) << i;
    }
}

TEST(StereoImager, SideImpulseResponseMatchesDesignedWidths) {
    // Impulse on the side only; the FFT of the output side equals sideGain(f) (linear phase removed),
    // and sideGain(f) equals the requested width away from the band edges.
    const double rate = 48000;
    StereoImager::Params p;
    p.numBands = 3;
    p.crossoverHz = {300, 3000, 10000, 15000};
    p.widthPercent = {50, 100, 200, 100, 100};
    p.bassMonoHz = 80;
    p.correlationGuard = false;
    StereoImager imager(p);
    const std::size_t frames = 1 << 16;
    AudioBuffer audio(2, frames);
    audio.channel(0)[0] = 0.5f;
    audio.channel(1)[0] = -0.5f;
    test::processWhole(imager, audio, rate, 4096);
    const auto latency = std::size_t(imager.latencyFrames());
    ASSERT_LT(latency + 2 * 3000, frames);
    // Side of the output per unit side input: (L - R) / 2 / 0.5 (mid is 0, so L = -R = side exactly).
    std::vector<float> side(frames);
    for (std::size_t i = 0; i < frames; ++i) side[i] = audio.channel(0)[i] - audio.channel(1)[i];
    const auto spectrum = test::realSpectrum(side, frames);
    double worst = 0;
    for (std::size_t k = 1; k < frames / 2; ++k) {
        const double f = double(k) * rate / double(frames);
        if (f < 20 || f > 20000) continue;
        // Remove the linear phase of the total latency.
        const double phase = 2 * std::numbers::pi * double(k) * double(latency) / double(frames);
        const std::complex<double> response = spectrum[k] * std::polar(1.0, phase);
        worst = std::max(worst, std::abs(response - imager.sideGain(f)));
    }
    EXPECT_LT(worst, 1e-6);  // float output rounding
    // Designed widths inside the bands (edges +- 0.25 x edge transition half-width and more).
    const double ripple = 2 * 2.5 * std::pow(10.0, -90.0 / 20);  // sum |width steps| x Kaiser ripple
    for (double f : {20.0, 50.0}) EXPECT_NEAR(imager.sideGain(f), 0.0, ripple) << f;
    for (double f : {110.0, 150.0, 220.0}) EXPECT_NEAR(imager.sideGain(f), 0.5, ripple) << f;
    for (double f : {400.0, 1000.0, 2200.0}) EXPECT_NEAR(imager.sideGain(f), 1.0, ripple) << f;
    for (double f : {4000.0, 6000.0, 7400.0, 13000.0, 20000.0}) EXPECT_NEAR(imager.sideGain(f), 2.0, ripple) << f;
}

TEST(StereoImager, PerBandWidthOnSines) {
    const double rate = 44100;
    StereoImager::Params p;
    p.numBands = 2;
    p.crossoverHz = {1000, 0, 0, 0};
    p.widthPercent = {40, 170, 100, 100, 100};
    p.correlationGuard = false;
    for (auto [hz, width] : {std::pair{200.0, 0.4}, std::pair{4000.0, 1.7}}) {
        const AudioBuffer input = midSideSines(rate, 1.0, 500.0, hz);
        int latency = 0;
        const AudioBuffer output = run(p, input, rate, &latency);
        const auto begin = std::size_t(latency) + 4410, end = input.numFrames();
        const double gain = sideRms(output, begin, end) / sideRms(input, begin - std::size_t(latency), end - std::size_t(latency));
        EXPECT_NEAR(20 * std::log10(gain), 20 * std::log10(width), 1e-3) << hz;
    }
}

// The guard's promise is about correlation as it measures it: one-pole mean squares with time
// constant correlationWindowMs. We measure the output that way (independently of the stage), per
// frame, and compare with the floor, or with the input's (Em - Es) / (Em + Es) where that is lower
// (the guard never narrows below the unprocessed image).
struct WindowedCorrelation {
    std::vector<double> correlation;  // sum(LR) / sqrt(sum(L^2) sum(R^2))
    std::vector<double> lowerBound;   // (Em - Es) / (Em + Es)
};

WindowedCorrelation onePoleCorrelation(const AudioBuffer& b, double rate, double windowMs) {
    const double a = std::exp(-1000.0 / (windowMs * rate));
    double lr = 0, ll = 0, rr = 0, mm = 0, ss = 0;
    WindowedCorrelation out{std::vector<double>(b.numFrames()), std::vector<double>(b.numFrames())};
    for (std::size_t i = 0; i < b.numFrames(); ++i) {
        const double l = b.channel(0)[i], r = b.channel(1)[i], m = 0.5 * (l + r), s = 0.5 * (l - r);
        lr = a * lr + (1 - a) * l * r;
        ll = a * ll + (1 - a) * l * l;
        rr = a * rr + (1 - a) * r * r;
        mm = a * mm + (1 - a) * m * m;
        ss = a * ss + (1 - a) * s * s;
        out.correlation[i] = lr / std::sqrt(ll * rr);
        out.lowerBound[i] = (mm - ss) / (mm + ss);
    }
    return out;
}

TEST(StereoImager, Width200GuardKeepsCorrelationAboveFloor) {
    const double rate = 48000;
    struct Case {
        double inputCorrelation, floor;
    };
    for (const Case k : {Case{0.0, 0.0}, Case{0.6, 0.5}, Case{0.9, 0.8}, Case{0.3, 0.0}, Case{0.2, 0.5}}) {
        // Stationary wide noise, then a mono passage, then wide again (the guard must re-engage).
        AudioBuffer input = correlatedNoise(rate, 3.0, k.inputCorrelation, 21);
        for (std::size_t i = std::size_t(1.0 * rate); i < std::size_t(1.5 * rate); ++i) input.channel(1)[i] = input.channel(0)[i];
        StereoImager::Params p;
        p.widthPercent = {200, 200, 200, 200, 200};
        p.correlationFloor = float(k.floor);
        p.correlationGuard = false;
        int rawLatency = 0, latency = 0;
        const AudioBuffer unguarded = run(p, input, rate, &rawLatency);
        p.correlationGuard = true;
        const AudioBuffer guarded = run(p, input, rate, &latency);
        const auto in = onePoleCorrelation(input, rate, p.correlationWindowMs);
        const auto out = onePoleCorrelation(guarded, rate, p.correlationWindowMs);
        const auto raw = onePoleCorrelation(unguarded, rate, p.correlationWindowMs);
        double worstMargin = 1, worstUnguardedMargin = 1, steadyExcess = 1;
        for (std::size_t i = std::size_t(0.25 * rate); i + std::size_t(latency) < input.numFrames(); ++i) {
            const double bound = std::min(k.floor, in.lowerBound[i]);
            worstMargin = std::min(worstMargin, out.correlation[i + std::size_t(latency)] - bound);
            worstUnguardedMargin = std::min(worstUnguardedMargin, raw.correlation[i + std::size_t(rawLatency)] - bound);
            if (i > std::size_t(0.5 * rate) && i < std::size_t(0.9 * rate))
                steadyExcess = std::min(steadyExcess, out.correlation[i + std::size_t(latency)] - bound);
        }
        std::printf("input %.2f floor %.2f: worst margin unguarded %.4f guarded %.6f, steady-state %.4f\n",
                    k.inputCorrelation, k.floor, worstUnguardedMargin, worstMargin, steadyExcess);
        EXPECT_LT(worstUnguardedMargin, -0.1);  // width 200 % alone would cross the floor
        // Where the floor is the bound the 1.8 % margin holds it exactly; where the input's own image
        // is the bound there is no margin (so width 100 % stays a bit-exact null), and the moving
        // window may dip below it by a hair (measured 3.4e-5).
        EXPECT_GE(worstMargin, k.inputCorrelation < k.floor || k.floor == 0.0 ? -1e-4 : 0.0);
    }
}

namespace {

// The imager with a plain width (no FIR) and its correlation guard, as a per-sample scalar model:
// the algorithm of stereo_imager.h one frame at a time (the guard's lookahead minimum with
// MovingMaximum::process(float)). StereoImager::process runs it in passes over the block, with
// vector selects in the guard's release recursion; this is its scalar twin.
AudioBuffer perSampleGuardedWidth(const StereoImager::Params& p, const AudioBuffer& input, double rate,
                                  float* minGuardGainDb) {
    const double scale = double(p.widthPercent[0]) / 100.0;
    const double a = std::exp(-1000.0 / (double(p.correlationWindowMs) * rate));
    const double release = p.guardReleaseMs > 0.0f ? std::exp(-1000.0 / (double(p.guardReleaseMs) * rate)) : 0.0;
    const auto lookahead = std::size_t(std::llround(4.0 * p.correlationWindowMs * rate / 1000.0));
    const double margin = 1.0 - std::pow(a, double(lookahead));
    const double floorFactor = margin * (1.0 - double(p.correlationFloor)) / (1.0 + double(p.correlationFloor));
    dsp::MovingMaximum hold;
    hold.prepare(lookahead + 1);
    std::vector<double> midDelay(lookahead, 0.0), sideDelay(lookahead, 0.0);
    std::size_t position = 0;
    double midPower = 0, sidePower = 0, inputSidePower = 0, gain = 1.0, minGain = 1.0;
    AudioBuffer out(2, input.numFrames());
    for (std::size_t i = 0; i < input.numFrames(); ++i) {
        const double l = input.channel(0)[i], r = input.channel(1)[i];
        double side = scale * (0.5 * (l - r));
        double mid = 0.5 * (l + r);
        const double drySide = 0.5 * (l - r);
        midPower = a * midPower + (1.0 - a) * mid * mid;
        sidePower = a * sidePower + (1.0 - a) * side * side;
        inputSidePower = a * inputSidePower + (1.0 - a) * drySide * drySide;
        const double allowed = std::max(midPower * floorFactor, inputSidePower);
        const double target = sidePower <= allowed ? 1.0 : std::sqrt(allowed / sidePower);
        const double held = -double(hold.process(-static_cast<float>(target)));
        gain = held < gain ? held : release * gain + (1.0 - release) * held;
        minGain = std::min(minGain, gain);
        std::swap(mid, midDelay[position]);
        std::swap(side, sideDelay[position]);
        if (++position == lookahead) position = 0;
        side *= gain;
        out.channel(0)[i] = static_cast<float>(mid + side);
        out.channel(1)[i] = static_cast<float>(mid - side);
    }
    *minGuardGainDb = static_cast<float>(20.0 * std::log10(minGain));
    return out;
}

}  // namespace

TEST(StereoImager, BlockPassesMatchPerSampleGuardModelBitExact) {
    const double rate = 44100;
    AudioBuffer input = correlatedNoise(rate, 2.0, 0.2, 5);
    for (std::size_t i = std::size_t(0.8 * rate); i < std::size_t(1.1 * rate); ++i)
        input.channel(1)[i] = input.channel(0)[i];  // a mono passage
    for (float floor : {0.0f, 0.5f}) {
        StereoImager::Params p;
        p.widthPercent.fill(180.0f);
        p.correlationFloor = floor;
        p.guardReleaseMs = 80.0f;
        float modelMinDb = 0;
        const AudioBuffer expected = perSampleGuardedWidth(p, input, rate, &modelMinDb);
        StereoImager imager(p);
        AudioBuffer output = copyOf(input.block());
        test::processRandomBlocks(imager, output, rate, 3);
        ASSERT_EQ(imager.latencyFrames(), int(std::llround(4.0 * p.correlationWindowMs * rate / 1000.0)));
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 0; i < input.numFrames(); ++i)
                ASSERT_EQ(std::memcmp(&output.channel(c)[i], &expected.channel(c)[i], sizeof(float)), 0)
                    << "floor " << floor << " channel " << c << " frame " << i;
        EXPECT_EQ(imager.minGuardGainDb(), modelMinDb);
        EXPECT_LT(modelMinDb, -1.0f);  // the guard really worked
    }
}

TEST(StereoImager, RejectsInvalidSettings) {
    StereoImager::Params p;
    EXPECT_FALSE(StereoImager(p).prepare({48000, 1, 512}).ok());
    p.widthPercent[0] = 250;
    EXPECT_FALSE(StereoImager(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.numBands = 3;
    p.crossoverHz = {2000, 1000, 0, 0};
    EXPECT_FALSE(StereoImager(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.bassMonoHz = 10;
    EXPECT_FALSE(StereoImager(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.correlationFloor = -0.5f;
    EXPECT_FALSE(StereoImager(p).prepare({48000, 2, 512}).ok());
}

TEST(StereoImager, StageContract) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.5, 0.9);
    std::vector<StereoImager::Params> settings(3);
    settings[0].widthPercent = {150, 100, 100, 100, 100};
    settings[1].bassMonoHz = 150;
    settings[1].numBands = 3;
    settings[1].widthPercent = {100, 130, 180, 100, 100};
    settings[1].correlationFloor = 0.3f;
    settings[2].numBands = 5;
    settings[2].crossoverHz = {200, 800, 3000, 9000};
    settings[2].widthPercent = {0, 50, 100, 150, 200};
    settings[2].correlationGuard = false;
    for (const auto& p : settings)
        test::expectStageContract([p] { return std::make_unique<StereoImager>(p); }, input, rate);
}
