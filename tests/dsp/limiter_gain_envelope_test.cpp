#include "lathe/dsp/limiter_gain_envelope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cmath>
#include <vector>

#include "util/random.h"

using lathe::dsp::LimiterGainEnvelope;
using lathe::dsp::LimiterGainEnvelopeParams;

namespace {
constexpr double kRate = 48000.0;

LimiterGainEnvelopeParams params(std::size_t ramp = 240, std::size_t guard = 4, bool adaptive = true) {
    LimiterGainEnvelopeParams p;
    p.sampleRate = kRate;
    p.rampFrames = ramp;
    p.guardFrames = guard;
    p.releaseMs = 50.0;
    p.adaptiveRelease = adaptive;
    return p;
}

// Runs the envelope over `required` (plus enough unity to flush it) and returns the gain per
// frame, aligned with `required` (latency removed).
std::vector<float> run(LimiterGainEnvelope& envelope, const std::vector<float>& required) {
    std::vector<float> out;
    const auto latency = static_cast<std::size_t>(envelope.latencyFrames());
    for (std::size_t i = 0; i < required.size() + latency; ++i) {
        const float g = envelope.push(i < required.size() ? required[i] : 1.0f);
        if (i >= latency) out.push_back(g);
    }
    return out;
}

double toDb(double gain) { return 20.0 * std::log10(gain); }

// Frames from `start` until the gain is back within 0.5 dB of unity.
std::size_t recoveryFrames(const std::vector<float>& gain, std::size_t start) {
    for (std::size_t i = start; i < gain.size(); ++i)
        if (toDb(gain[i]) > -0.5) return i - start;
    return gain.size();
}
}  // namespace

TEST(LimiterGainEnvelope, UnityInGivesExactlyUnityOut) {
    LimiterGainEnvelope envelope;
    ASSERT_TRUE(envelope.prepare(params()).ok());
    for (int i = 0; i < 20000; ++i) ASSERT_EQ(envelope.push(1.0f), 1.0f);
}

TEST(LimiterGainEnvelope, NeverAboveTheRequiredGainOfAnyFrameWithinTheGuard) {
    for (bool adaptive : {false, true}) {
        LimiterGainEnvelope envelope;
        const auto p = params(96, 3, adaptive);
        ASSERT_TRUE(envelope.prepare(p).ok());
        lathe::Random random(42);
        std::vector<float> required(200000, 1.0f);
        // Sparse dips of random depth, bursts of dense random overload, and long plateaus.
        for (std::size_t i = 0; i < required.size(); ++i) {
            const bool dense = (i / 5000) % 3 == 1;
            if (dense || random.uniform() < 0.01f) required[i] = std::min(1.0f, 0.02f + random.uniform());
        }
        const auto gain = run(envelope, required);
        ASSERT_EQ(gain.size(), required.size());
        const auto guard = static_cast<std::ptrdiff_t>(p.guardFrames);
        for (std::ptrdiff_t m = 0; m < static_cast<std::ptrdiff_t>(gain.size()); ++m)
            for (std::ptrdiff_t j = std::max<std::ptrdiff_t>(0, m - guard);
                 j <= std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(gain.size()) - 1, m + guard); ++j)
                ASSERT_LE(gain[std::size_t(m)], required[std::size_t(j)]) << "frame " << m << " vs " << j;
    }
}

TEST(LimiterGainEnvelope, IsolatedPeakRampsWithinTheWindowReachesTheTargetExactlyAndNoLower) {
    const std::size_t ramp = 240, guard = 4, peak = 10000;
    LimiterGainEnvelope envelope;
    ASSERT_TRUE(envelope.prepare(params(ramp, guard, false)).ok());
    std::vector<float> required(60000, 1.0f);
    required[peak] = 0.5f;
    const auto gain = run(envelope, required);
    // Nothing happens before the window: the ramp starts ramp - 1 frames before the flat part.
    const std::size_t flatStart = peak - guard, rampStart = flatStart - (ramp - 1);
    for (std::size_t i = 0; i < rampStart; ++i) ASSERT_EQ(gain[i], 1.0f) << i;
    EXPECT_LT(gain[rampStart], 1.0f);
    // Monotone down to the target, flat on +-guard, and never below the target (no overshoot).
    for (std::size_t i = rampStart + 1; i <= flatStart; ++i) ASSERT_LE(gain[i], gain[i - 1]) << i;
    for (std::size_t i = flatStart; i <= peak + guard; ++i) ASSERT_EQ(gain[i], 0.5f) << i;
    EXPECT_GT(gain[flatStart - 1], 0.5f);
    EXPECT_EQ(*std::min_element(gain.begin(), gain.end()), 0.5f);
    // The ramp is the symmetric B-spline step: the gain half-way (in linear terms) at its middle.
    const double middle = gain[rampStart + (ramp - 1) / 2];
    EXPECT_NEAR(middle, 0.75, 0.01);
    // It fully recovers, exactly.
    EXPECT_EQ(gain.back(), 1.0f);
}

TEST(LimiterGainEnvelope, SecondDifferenceIsBoundedByTheSmoothingWindow) {
    const std::size_t ramp = 240;
    // The bound: the depth of a step (<= 1) times the largest first difference of the smoothing
    // kernel (three boxes, computed here by convolution), with a little room for the release,
    // which may rise inside the window while a later drop happens.
    LimiterGainEnvelope envelope;
    ASSERT_TRUE(envelope.prepare(params(ramp, 2, true)).ok());
    const std::size_t total = ramp + 2;
    const std::size_t lengths[3] = {total / 3, (total - total / 3) / 2, total - total / 3 - (total - total / 3) / 2};
    std::vector<double> kernel{1.0};
    for (std::size_t length : lengths) {
        std::vector<double> next(kernel.size() + length - 1, 0.0);
        for (std::size_t i = 0; i < kernel.size(); ++i)
            for (std::size_t k = 0; k < length; ++k) next[i + k] += kernel[i] / double(length);
        kernel = next;
    }
    ASSERT_EQ(kernel.size(), ramp);
    double maxKernelStep = 0;
    for (std::size_t i = 1; i < kernel.size(); ++i) maxKernelStep = std::max(maxKernelStep, std::abs(kernel[i] - kernel[i - 1]));
    maxKernelStep = std::max(maxKernelStep, kernel.front());

    lathe::Random random(9);
    std::vector<float> required(100000, 1.0f);
    for (auto& r : required)
        if (random.uniform() < 0.002f) r = 0.001f + random.uniform();  // steps of up to 60 dB
    for (auto& r : required) r = std::min(r, 1.0f);
    const auto gain = run(envelope, required);
    double maxSecond = 0;
    for (std::size_t i = 2; i < gain.size(); ++i)
        maxSecond = std::max(maxSecond, std::abs(double(gain[i]) - 2.0 * gain[i - 1] + gain[i - 2]));
    EXPECT_GT(maxSecond, 0.2 * maxKernelStep);  // the test signal does exercise the bound
    EXPECT_LE(maxSecond, 1.05 * maxKernelStep) << "kernel step " << maxKernelStep;
}

TEST(LimiterGainEnvelope, ReleaseIsOnePoleInTheLinearGain) {
    // Without adaptation the gain deficit 1 - g decays as exp(-t / releaseMs) once the hold ends.
    const std::size_t ramp = 48, guard = 2, peak = 1000;
    LimiterGainEnvelope envelope;
    auto p = params(ramp, guard, false);
    ASSERT_TRUE(envelope.prepare(p).ok());
    std::vector<float> required(30000, 1.0f);
    required[peak] = 0.25f;
    const auto gain = run(envelope, required);
    // The release starts when the hold (ramp + 2 guard frames) lets go; the smoothing then
    // delays it by half its window. Measured long after, the ramp's shape no longer matters.
    const double releaseStart = double(peak + guard) + 1.0;
    const double center = double(ramp - 1) / 2.0;
    for (double ms : {25.0, 50.0, 100.0, 150.0}) {
        const std::size_t frame = std::size_t(releaseStart + ms * kRate / 1000.0);
        const double deficit = 0.75 * std::exp(-(double(frame) - center - releaseStart) * 1000.0 / (kRate * p.releaseMs));
        EXPECT_NEAR(1.0 - gain[frame], deficit, 0.002) << ms << " ms";
    }
}

TEST(LimiterGainEnvelope, ReleaseIsFastAfterTransientsAndSlowAfterSustainedOverload) {
    // A transient: one frame needing 6 dB. Sustained: the peaks of a 30 Hz wave (every 800 frames
    // at 48 kHz, each 2 ms long) needing 6 dB for two seconds, as a limited bass note produces.
    const float sixDb = static_cast<float>(std::pow(10.0, -6.0 / 20.0));
    std::vector<float> transient(60000, 1.0f);
    transient[1000] = sixDb;
    std::vector<float> sustained(200000, 1.0f);
    const std::size_t sustainEnd = 1000 + 96000;
    for (std::size_t i = 1000; i < sustainEnd; ++i)
        if ((i - 1000) % 800 < 96) sustained[i] = sixDb;

    struct Measured {
        double ripple;
        std::size_t transientRecovery, sustainedRecovery;
    };
    auto measure = [&](bool adaptive, double releaseMs) {
        auto p = params(240, 4, adaptive);
        p.releaseMs = releaseMs;
        p.transientReleaseMs = 20.0;
        LimiterGainEnvelope a, b;
        EXPECT_TRUE(a.prepare(p).ok());
        EXPECT_TRUE(b.prepare(p).ok());
        const auto gt = run(a, transient);
        const auto gs = run(b, sustained);
        Measured m{};
        m.transientRecovery = recoveryFrames(gt, 1000 + 4);
        m.sustainedRecovery = recoveryFrames(gs, sustainEnd);
        // Ripple over the last half second of the sustained part.
        double lo = 0, hi = -100;
        for (std::size_t i = sustainEnd - 24000; i < sustainEnd - 1000; ++i) {
            lo = std::min(lo, toDb(gs[i]));
            hi = std::max(hi, toDb(gs[i]));
        }
        m.ripple = hi - lo;
        return m;
    };
    const Measured fast = measure(false, 20.0), slow = measure(false, 80.0), adaptive = measure(true, 80.0);
    std::printf("ripple / transient recovery / sustained recovery: plain 20 ms %.3f dB %.1f ms %.1f ms; plain 80 ms "
                "%.3f dB %.1f ms %.1f ms; adaptive 20/80 ms %.3f dB %.1f ms %.1f ms\n",
                fast.ripple, 1000.0 * double(fast.transientRecovery) / kRate, 1000.0 * double(fast.sustainedRecovery) / kRate,
                slow.ripple, 1000.0 * double(slow.transientRecovery) / kRate, 1000.0 * double(slow.sustainedRecovery) / kRate,
                adaptive.ripple, 1000.0 * double(adaptive.transientRecovery) / kRate,
                1000.0 * double(adaptive.sustainedRecovery) / kRate);
    // Transients recover almost as fast as with the fast release alone...
    EXPECT_LT(adaptive.transientRecovery, std::size_t(1.25 * double(fast.transientRecovery)));
    EXPECT_LT(adaptive.transientRecovery, slow.transientRecovery / 2);
    // ...while a sustained overload gets the slow release: the ripple at the wave's period (bass
    // distortion) is close to the slow release's and far below the fast one's, and it lets go slowly.
    EXPECT_LT(adaptive.ripple, 1.25 * slow.ripple);
    EXPECT_LT(adaptive.ripple, fast.ripple / 2.0);
    EXPECT_GT(adaptive.sustainedRecovery, 2 * adaptive.transientRecovery);
}

TEST(LimiterGainEnvelope, BlockProcessEqualsPushingFrameByFrame) {
    // process() skips runs of unity while the envelope rests at unity (the overload state still
    // decaying step by step): gains and state must match push() bit for bit, whatever the blocks.
    // Bursts of overload separated by gaps shorter and longer than the release and the overload
    // state's decay (seconds), at both settings of the adaptive release.
    std::vector<float> required(600000, 1.0f);
    lathe::Random random(21);
    for (std::size_t start : {1000u, 30000u, 31500u, 90000u, 400000u, 401000u})
        for (std::size_t i = start; i < start + 3000; ++i)
            if (random.uniform() < 0.05f) required[i] = 0.3f + 0.7f * random.uniform();
    required[599990] = 0.5f;
    for (bool adaptive : {true, false}) {
        LimiterGainEnvelope frames, blocks;
        ASSERT_TRUE(frames.prepare(params(240, 4, adaptive)).ok());
        ASSERT_TRUE(blocks.prepare(params(240, 4, adaptive)).ok());
        std::vector<float> gains(required.size());
        for (std::size_t offset = 0; offset < required.size();) {
            const std::size_t n = std::min(required.size() - offset, 1 + std::size_t(random.uniform() * 5000.0f));
            blocks.process(required.data() + offset, gains.data() + offset, n);
            for (std::size_t i = offset; i < offset + n; ++i) ASSERT_EQ(gains[i], frames.push(required[i])) << "frame " << i;
            ASSERT_EQ(blocks.overloadDuration(), frames.overloadDuration()) << offset;
            ASSERT_EQ(blocks.releasedGain(), frames.releasedGain()) << offset;
            offset += n;
        }
    }
}

TEST(LimiterGainEnvelope, ReportsBadSettings) {
    LimiterGainEnvelope envelope;
    auto p = params();
    p.rampFrames = 0;
    EXPECT_FALSE(envelope.prepare(p).ok());
    p = params();
    p.releaseMs = 0;
    EXPECT_FALSE(envelope.prepare(p).ok());
}
