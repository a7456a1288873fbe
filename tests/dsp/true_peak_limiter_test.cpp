#include "lathe/dsp/true_peak_limiter.h"

#include "lathe/analysis/true_peak_meter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "support/signals.h"
#include "support/stage_contract.h"

using namespace lathe;
using dsp::TruePeakLimiter;
using dsp::TruePeakLimiterParams;

namespace {

// ---- An independent 32x true-peak reference ------------------------------------------------
// Band-limited interpolation by a Kaiser-windowed sinc (cut-off at the base Nyquist frequency,
// +-64 base frames, beta 12: better than -110 dB error for content up to 0.46 fs), evaluated at 31
// points between every pair of samples. Written here, independent of lathe's Oversampler.
class Reference32 {
public:
    Reference32() : taps_(kFactor, std::vector<double>(2 * kHalf)) {
        auto bessel0 = [](double x) {
            double sum = 1, term = 1;
            for (int k = 1; k < 60; ++k) {
                term *= (x / (2 * k)) * (x / (2 * k));
                sum += term;
            }
            return sum;
        };
        for (int p = 0; p < kFactor; ++p)
            for (int k = 0; k < 2 * kHalf; ++k) {
                // Tap k weights x[i + k - kHalf + 1] for the point i + p / kFactor.
                const double t = double(k - kHalf + 1) - double(p) / kFactor;
                const double sinc = t == 0 ? 1.0 : std::sin(std::numbers::pi * t) / (std::numbers::pi * t);
                const double r = t / kHalf;
                const double window = std::abs(r) < 1 ? bessel0(kBeta * std::sqrt(1 - r * r)) / bessel0(kBeta) : 0.0;
                taps_[std::size_t(p)][std::size_t(k)] = sinc * window;
            }
    }

    // Largest |x(t)| of any channel; points between samples whose neighbours are both more than
    // 12 dB below `floor` are skipped (an inter-sample peak 4x above both neighbours would need
    // content far above anything a limiter's output holds).
    [[nodiscard]] double truePeak(ConstAudioBlock audio, double floor) const {
        double peak = 0;
        for (int c = 0; c < audio.numChannels(); ++c) {
            const float* x = audio.channelData(c);
            const auto n = static_cast<std::ptrdiff_t>(audio.numFrames());
            for (std::ptrdiff_t i = 0; i < n; ++i) {
                peak = std::max(peak, double(std::abs(x[i])));
                const double local = std::max(std::abs(x[i]), i + 1 < n ? std::abs(x[i + 1]) : 0.0f);
                if (local < 0.25 * floor) continue;
                for (int p = 1; p < kFactor; ++p) {
                    const auto& h = taps_[std::size_t(p)];
                    double s = 0;
                    for (int k = 0; k < 2 * kHalf; ++k) {
                        const std::ptrdiff_t j = i + k - kHalf + 1;
                        if (j >= 0 && j < n) s += h[std::size_t(k)] * x[j];
                    }
                    peak = std::max(peak, std::abs(s));
                }
            }
        }
        return peak;
    }

private:
    static constexpr int kFactor = 32;
    static constexpr int kHalf = 64;
    static constexpr double kBeta = 12.0;
    std::vector<std::vector<double>> taps_;
};

const Reference32& reference() {
    static const Reference32 instance;
    return instance;
}

double dbToGain(double db) { return std::pow(10.0, db / 20.0); }

struct Limited {
    AudioBuffer audio;        // aligned with the input (latency removed)
    std::vector<float> gain;  // the applied gain per frame, aligned likewise
};

// Runs the limiter over `input` followed by latency frames of silence, in blocks of `blockFrames`.
Limited runLimiter(TruePeakLimiter& limiter, const AudioBuffer& input, double sampleRate, std::size_t blockFrames = 512) {
    EXPECT_TRUE(limiter.prepare({sampleRate, input.numChannels(), 4096}).ok());
    const auto latency = static_cast<std::size_t>(limiter.latencyFrames());
    AudioBuffer padded(input.numChannels(), input.numFrames() + latency);
    for (int c = 0; c < input.numChannels(); ++c) std::copy(input.channel(c).begin(), input.channel(c).end(), padded.channel(c).begin());
    std::vector<float> gain(padded.numFrames());
    auto block = padded.block();
    for (std::size_t offset = 0; offset < padded.numFrames(); offset += blockFrames) {
        const std::size_t n = std::min(blockFrames, padded.numFrames() - offset);
        limiter.process(block.slice(offset, n), std::span<float>(gain.data() + offset, n));
    }
    Limited out{AudioBuffer(input.numChannels(), input.numFrames()), {}};
    for (int c = 0; c < input.numChannels(); ++c)
        std::copy_n(padded.channel(c).begin() + std::ptrdiff_t(latency), input.numFrames(), out.audio.channel(c).begin());
    out.gain.assign(gain.begin() + std::ptrdiff_t(latency), gain.end());
    return out;
}

// ---- Adversarial signals (stereo) -----------------------------------------------------------
AudioBuffer squareWave(double rate, double seconds) {
    // Full scale, 997 Hz on the left and 3101 Hz on the right: naive (aliased) squares whose
    // band-limited reconstruction rings well above the samples.
    AudioBuffer out(2, std::size_t(seconds * rate));
    for (std::size_t i = 0; i < out.numFrames(); ++i) {
        out.channel(0)[i] = std::fmod(double(i) * 997.0 / rate, 1.0) < 0.5 ? 1.0f : -1.0f;
        out.channel(1)[i] = std::fmod(double(i) * 3101.0 / rate, 1.0) < 0.5 ? 1.0f : -1.0f;
    }
    return out;
}

AudioBuffer impulses(double rate, double seconds) {
    // Single-sample impulses at full scale and at +20 dB, alternating in sign, some back to back.
    AudioBuffer out(2, std::size_t(seconds * rate));
    const std::size_t step = std::size_t(0.05 * rate);
    int k = 0;
    for (std::size_t i = step; i + 2 < out.numFrames(); i += step, ++k) {
        const float a = (k % 3 == 0) ? 10.0f : 1.0f;
        out.channel(k % 2)[i] = (k % 4 < 2) ? a : -a;
        if (k % 5 == 0) out.channel(0)[i + 1] = -a;  // +a, -a: energy at Nyquist
    }
    return out;
}

AudioBuffer hotNoise(double rate, double seconds) { return test::whiteNoise(rate, seconds, 10.0, 2, 77); }  // +20 dB

AudioBuffer quarterRateBursts(double rate, double seconds) {
    // fs/4 at 45 degrees: samples at 0.707 A, true peak A. Bursts of 20 ms every 50 ms, A = 1 and 4.
    AudioBuffer out(2, std::size_t(seconds * rate));
    const std::size_t period = std::size_t(0.05 * rate), on = std::size_t(0.02 * rate);
    for (std::size_t i = 0; i < out.numFrames(); ++i) {
        const std::size_t burst = i / period;
        if (i % period >= on) continue;
        const double a = burst % 2 ? 4.0 : 1.0;
        const float v = float(a * std::sin(std::numbers::pi / 2 * double(i) + std::numbers::pi / 4));
        out.channel(0)[i] = v;
        out.channel(1)[i] = burst % 3 ? v : -v;
    }
    return out;
}

AudioBuffer bassDriven(double rate, double seconds) { return test::sine(rate, 30.0, seconds, dbToGain(24.0), 2); }

AudioBuffer dcSteps(double rate, double seconds) {
    // 0 -> +4 -> -4 -> 0 -> +0.5 -> 0: steps ring above the new level once band-limited.
    AudioBuffer out(2, std::size_t(seconds * rate));
    const float levels[] = {0.0f, 4.0f, -4.0f, 0.0f, 0.5f, 0.0f};
    for (std::size_t i = 0; i < out.numFrames(); ++i) {
        const float v = levels[std::min<std::size_t>(5, i * 6 / out.numFrames())];
        out.channel(0)[i] = v;
        out.channel(1)[i] = -v;
    }
    return out;
}

struct NamedSignal {
    const char* name;
    AudioBuffer (*make)(double, double);
};
const NamedSignal kAdversarial[] = {{"full-scale squares", squareWave}, {"impulses", impulses},   {"white noise +20 dB", hotNoise},
                                    {"fs/4 bursts at 45 deg", quarterRateBursts}, {"30 Hz +24 dB", bassDriven}, {"DC steps", dcSteps}};

// The largest first difference of the main smoothing window (three boxes, as in the envelope),
// i.e. the largest second difference a unit step of gain can produce.
double smoothingKernelStep(std::size_t rampFrames) {
    const std::size_t total = rampFrames + 2;
    const std::size_t lengths[3] = {total / 3, (total - total / 3) / 2, total - total / 3 - (total - total / 3) / 2};
    std::vector<double> kernel{1.0};
    for (std::size_t length : lengths) {
        std::vector<double> next(kernel.size() + length - 1, 0.0);
        for (std::size_t i = 0; i < kernel.size(); ++i)
            for (std::size_t k = 0; k < length; ++k) next[i + k] += kernel[i] / double(length);
        kernel = next;
    }
    double step = kernel.front();
    for (std::size_t i = 1; i < kernel.size(); ++i) step = std::max(step, std::abs(kernel[i] - kernel[i - 1]));
    return step;
}

}  // namespace

TEST(TruePeakLimiter, AdversarialInputsStayUnderTheCeilingWithASmoothGain) {
    const double ceilingDb = -1.0;
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (const auto& signal : kAdversarial) {
            SCOPED_TRACE(std::string(signal.name) + " at " + std::to_string(int(rate)) + " Hz");
            const AudioBuffer input = signal.make(rate, 0.5);
            TruePeakLimiterParams params;
            params.ceilingDbtp = ceilingDb;
            TruePeakLimiter limiter(params);
            const Limited out = runLimiter(limiter, input, rate);
            const double peak32 = test::toDb(reference().truePeak(out.audio.block(), dbToGain(ceilingDb)));
            EXPECT_LE(peak32, ceilingDb + 0.1);
            // The project's meter (4x with peak refinement) reads no more than the ceiling.
            analysis::TruePeakMeter meter;
            ASSERT_TRUE(meter.prepare(rate, 2).ok());
            meter.process(out.audio.block());
            EXPECT_LE(meter.truePeakDbtp(), ceilingDb);
            EXPECT_EQ(limiter.safetyClipCount(), 0u);
            // No clicks: the gain's second difference stays within what the lookahead-long smoothing
            // window allows for a full-depth step (plus 10% for the safety stage's small corrections).
            const double bound = 1.1 * smoothingKernelStep(std::size_t(std::round(params.lookaheadMs * rate / 1000.0)));
            double second = 0;
            for (std::size_t i = 2; i < out.gain.size(); ++i)
                second = std::max(second, std::abs(double(out.gain[i]) - 2.0 * out.gain[i - 1] + out.gain[i - 2]));
            EXPECT_LE(second, bound);
            std::printf("%-22s %6.0f Hz: meter %+.4f, 32x %+.4f dBTP, max GR %5.2f dB, safety frames %llu, d2 %.2e (bound %.2e)\n",
                        signal.name, rate, meter.truePeakDbtp(), peak32, limiter.maxGainReductionDb(),
                        static_cast<unsigned long long>(limiter.safetyCorrectionCount()), second, bound);
        }
    }
}

TEST(TruePeakLimiter, BelowTheCeilingTheOutputIsTheInputDelayedBitForBit) {
    // The gain is applied at the base rate (no reconstruction filter in the audio path) and the
    // envelope returns exactly 1.0f when nothing needs limiting, so the null is exact.
    for (double rate : {44100.0, 96000.0}) {
        // Pink noise peaking at -6 dBFS (true peak below -1 dBTP, checked by the reference), then
        // a loud burst the limiter must act on, then quiet signal again: once the release has
        // ended (the slow state takes a few seconds to let go entirely) the output is bit-exact again.
        AudioBuffer quiet = test::pinkNoise(rate, 1.0, dbToGain(-6.0), 2, 3);
        ASSERT_LT(reference().truePeak(quiet.block(), 0.1), dbToGain(-1.0));
        AudioBuffer loud = test::whiteNoise(rate, 0.05, 2.0, 2, 4);
        AudioBuffer input = test::concat(test::concat(quiet, loud), test::concat(test::sine(rate, 5000.0, 4.0, 0.3), quiet));
        TruePeakLimiter limiter;
        const Limited out = runLimiter(limiter, input, rate, 333);
        const std::size_t quietEnd = quiet.numFrames() - std::size_t(0.01 * rate);  // before the ramp towards the burst
        const std::size_t afterRelease = quiet.numFrames() + loud.numFrames() + std::size_t(4.0 * rate);
        for (int c = 0; c < 2; ++c) {
            EXPECT_EQ(std::memcmp(out.audio.channel(c).data(), input.channel(c).data(), quietEnd * sizeof(float)), 0) << "before the burst";
            EXPECT_EQ(std::memcmp(out.audio.channel(c).data() + afterRelease, input.channel(c).data() + afterRelease,
                                  (input.numFrames() - afterRelease) * sizeof(float)),
                      0)
                << "after the release";
        }
        for (std::size_t i = 0; i < quietEnd; ++i) ASSERT_EQ(out.gain[i], 1.0f);
        EXPECT_GT(limiter.maxGainReductionDb(), 3.0);  // the burst was limited
        EXPECT_EQ(limiter.gainReductionDb(), 0.0);
    }
}

TEST(TruePeakLimiter, LatencyIsTheReportedValue) {
    const double rate = 48000.0;
    TruePeakLimiterParams params;
    params.lookaheadMs = 3.0;
    // A small impulse comes out exactly latencyFrames() later, unchanged.
    {
        TruePeakLimiter limiter(params);
        ASSERT_TRUE(limiter.prepare({rate, 2, 4096}).ok());
        const auto latency = static_cast<std::size_t>(limiter.latencyFrames());
        EXPECT_GT(latency, std::size_t(3.0 * rate / 1000.0));
        AudioBuffer audio(2, latency + 1000);
        audio.channel(0)[100] = 0.5f;
        audio.channel(1)[100] = -0.25f;
        limiter.process(audio.block());
        for (std::size_t i = 0; i < audio.numFrames(); ++i) {
            ASSERT_EQ(audio.channel(0)[i], i == 100 + latency ? 0.5f : 0.0f) << i;
            ASSERT_EQ(audio.channel(1)[i], i == 100 + latency ? -0.25f : 0.0f) << i;
        }
    }
    // Under heavy limiting, the cross-correlation of output and input still peaks at the latency.
    {
        TruePeakLimiter limiter(params);
        const AudioBuffer input = test::pinkNoise(rate, 1.0, 4.0, 2, 8);
        ASSERT_TRUE(limiter.prepare({rate, 2, 4096}).ok());
        const auto latency = static_cast<std::ptrdiff_t>(limiter.latencyFrames());
        AudioBuffer output = test::copyOf(input.block());
        limiter.process(output.block());
        std::ptrdiff_t best = -1;
        double bestValue = -1e300;
        for (std::ptrdiff_t lag = 0; lag < 2 * latency; ++lag) {
            double sum = 0;
            for (std::size_t i = 0; i + std::size_t(lag) < input.numFrames(); ++i)
                sum += double(input.channel(0)[i]) * output.channel(0)[i + std::size_t(lag)];
            if (sum > bestValue) {
                bestValue = sum;
                best = lag;
            }
        }
        EXPECT_EQ(best, latency);
        EXPECT_GT(limiter.maxGainReductionDb(), 6.0);
    }
}

TEST(TruePeakLimiter, KeepsTheStageContract) {
    for (double rate : {44100.0, 96000.0}) {
        const AudioBuffer input = test::concat(test::whiteNoise(rate, 0.3, 3.0, 2, 5), test::sine(rate, 60.0, 0.3, 0.5));
        test::expectStageContract([] { return std::make_unique<TruePeakLimiter>(); }, input, rate);
    }
}

TEST(TruePeakLimiter, IsStereoLinked) {
    // Only the left channel is loud; the quiet right channel gets the same gain (no image shift).
    const double rate = 48000.0;
    AudioBuffer input = test::sine(rate, 220.0, 1.0, 0.1, 2);
    for (std::size_t i = 24000; i < 30000; ++i) input.channel(0)[i] = float(3.0 * std::sin(0.05 * double(i)));
    TruePeakLimiter limiter;
    const Limited out = runLimiter(limiter, input, rate);
    EXPECT_GT(limiter.maxGainReductionDb(), 10.0);
    for (std::size_t i = 0; i < input.numFrames(); ++i) ASSERT_EQ(out.audio.channel(1)[i], input.channel(1)[i] * out.gain[i]) << i;
}

TEST(TruePeakLimiter, GainReductionReadoutMatchesTheExcess) {
    // A 1 kHz sine (its true peak is its amplitude, to 0.001 dB) 6 dB over the ceiling, held long:
    // the gain settles at ceiling / amplitude.
    const double rate = 48000.0;
    const AudioBuffer input = test::sine(rate, 1000.0, 2.0, dbToGain(-1.0 + 6.0));
    TruePeakLimiter limiter;
    const Limited out = runLimiter(limiter, input, rate);
    EXPECT_NEAR(limiter.maxGainReductionDb(), 6.0, 0.01);
    EXPECT_NEAR(test::toDb(out.gain[std::size_t(1.5 * rate)]), -6.0, 0.01);
    EXPECT_NEAR(test::toDb(reference().truePeak(ConstAudioBlock(out.audio.block()).slice(std::size_t(rate), std::size_t(rate)), 0.5)), -1.0, 0.01);
}

TEST(TruePeakLimiter, AdaptiveReleaseIsFastOnHitsAndGentleOnSustainedBass) {
    // Sustained: a 40 Hz sine 6 dB over the ceiling for 2 s. A release that lets go between the
    // wave's peaks ripples at 80 Hz, which is odd-harmonic distortion. Transient: a 2 ms burst 6 dB
    // over. The adaptive release (20 ms after hits, 80 ms when sustained) should distort the bass
    // like the 80 ms release and recover from the hit like the 20 ms one.
    const double rate = 48000.0, f0 = 40.0;
    const AudioBuffer bass = test::sine(rate, f0, 2.0, dbToGain(-1.0 + 6.0), 1);
    AudioBuffer hit = test::sine(rate, 1000.0, 0.5, 0.1, 1);
    for (std::size_t i = 4800; i < 4896; ++i) hit.channel(0)[i] = float(dbToGain(-1.0 + 6.0) * std::sin(0.13 * double(i)));
    struct Result {
        double thdDb;
        double recoveryMs;
    };
    auto measure = [&](bool adaptive, double releaseMs) {
        TruePeakLimiterParams params;
        params.adaptiveRelease = adaptive;
        params.releaseMs = releaseMs;
        params.transientReleaseMs = std::min(20.0, releaseMs);
        Result result{};
        {
            TruePeakLimiter limiter(params);
            const Limited out = runLimiter(limiter, bass, rate);
            // Harmonics 2..10 against the fundamental over the last second (40 whole periods).
            const auto ch = out.audio.channel(0);
            const std::size_t start = std::size_t(rate), n = std::size_t(rate);
            auto power = [&](double f) {
                double re = 0, im = 0;
                for (std::size_t i = 0; i < n; ++i) {
                    const double w = 2 * std::numbers::pi * f * double(i) / rate;
                    re += ch[start + i] * std::cos(w);
                    im += ch[start + i] * std::sin(w);
                }
                return re * re + im * im;
            };
            double harmonics = 0;
            for (int k = 2; k <= 10; ++k) harmonics += power(k * f0);
            result.thdDb = 10.0 * std::log10(harmonics / power(f0));
        }
        {
            TruePeakLimiter limiter(params);
            const Limited out = runLimiter(limiter, hit, rate);
            std::size_t i = 4896;
            while (i < out.gain.size() && test::toDb(out.gain[i]) < -0.5) ++i;
            result.recoveryMs = 1000.0 * double(i - 4896) / rate;
        }
        return result;
    };
    const Result fast = measure(false, 20.0), slow = measure(false, 80.0), adaptive = measure(true, 80.0);
    std::printf("40 Hz 6 dB over, THD / hit recovery to -0.5 dB: 20 ms %.1f dB %.1f ms, 80 ms %.1f dB %.1f ms, "
                "adaptive %.1f dB %.1f ms\n",
                fast.thdDb, fast.recoveryMs, slow.thdDb, slow.recoveryMs, adaptive.thdDb, adaptive.recoveryMs);
    EXPECT_LT(adaptive.thdDb, slow.thdDb + 1.0);
    EXPECT_LT(adaptive.thdDb, fast.thdDb - 6.0);
    EXPECT_LT(adaptive.recoveryMs, 1.25 * fast.recoveryMs);
    EXPECT_LT(adaptive.recoveryMs, 0.5 * slow.recoveryMs);
}

TEST(TruePeakLimiter, InputGainIsAppliedAndRampedWhenChanged) {
    const double rate = 48000.0;
    const AudioBuffer input = test::sine(rate, 100.0, 1.0, 0.1, 2);
    TruePeakLimiterParams params;
    params.inputGainDb = 20.0 * std::log10(2.0);
    TruePeakLimiter limiter(params);
    const Limited out = runLimiter(limiter, input, rate);
    for (std::size_t i = 0; i < input.numFrames(); ++i) ASSERT_NEAR(out.audio.channel(0)[i], 2.0f * input.channel(0)[i], 1e-6f);
    // A change while running moves there smoothly (20 ms, multiplicatively), then holds exactly.
    AudioBuffer dc(1, 4800);
    for (auto& s : dc.channel(0)) s = 0.1f;
    TruePeakLimiter ramped(params);
    ASSERT_TRUE(ramped.prepare({rate, 1, 4096}).ok());
    AudioBuffer first = test::copyOf(dc.block());
    ramped.process(first.block());
    ramped.setInputGainDb(-6.0);
    AudioBuffer second = test::copyOf(dc.block());
    ramped.process(second.block());
    const auto latency = std::size_t(ramped.latencyFrames());
    const auto ch = second.channel(0);
    for (std::size_t i = latency + 1; i < latency + 960; ++i) ASSERT_LT(ch[i], ch[i - 1]) << i;
    EXPECT_EQ(ch[latency + 1000], 0.1f * float(dbToGain(-6.0)));
}

TEST(TruePeakLimiter, ReportsSettingsItCannotHonour) {
    auto bad = [](auto change) {
        TruePeakLimiterParams params;
        change(params);
        TruePeakLimiter limiter(params);
        return !limiter.prepare({48000.0, 2, 512}).ok();
    };
    EXPECT_TRUE(bad([](auto& p) { p.ceilingDbtp = 1.0; }));
    EXPECT_TRUE(bad([](auto& p) { p.lookaheadMs = 0.0; }));
    EXPECT_TRUE(bad([](auto& p) { p.releaseMs = -5.0; }));
    EXPECT_TRUE(bad([](auto& p) { p.oversamplingFactor = 2; }));
    EXPECT_TRUE(bad([](auto& p) { p.transientReleaseMs = 200.0; }));
    EXPECT_FALSE(bad([](auto&) {}));
    TruePeakLimiter limiter;
    EXPECT_FALSE(limiter.prepare({48000.0, 9, 512}).ok());
}
