#include "lathe/dsp/true_peak_limiter.h"

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
            EXPECT_EQ(limiter.safetyClipCount(), 0u);
            // No clicks: the gain's second difference stays within what the lookahead-long smoothing
            // window allows for a full-depth step (plus 10% for the safety stage's small corrections).
            const double bound = 1.1 * smoothingKernelStep(std::size_t(std::round(params.lookaheadMs * rate / 1000.0)));
            double second = 0;
            for (std::size_t i = 2; i < out.gain.size(); ++i)
                second = std::max(second, std::abs(double(out.gain[i]) - 2.0 * out.gain[i - 1] + out.gain[i - 2]));
            EXPECT_LE(second, bound);
            std::printf("%-22s %6.0f Hz: 32x %+.4f dBTP, max GR %5.2f dB, safety frames %llu, d2 %.2e (bound %.2e)\n",
                        signal.name, rate, peak32, limiter.maxGainReductionDb(),
                        static_cast<unsigned long long>(limiter.safetyCorrectionCount()), second, bound);
        }
    }
}
