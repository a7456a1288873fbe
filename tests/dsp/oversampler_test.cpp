#include "lathe/dsp/oversampler.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "dsp/kaiser_sinc.h"
#include "support/allocation_counter.h"
#include "support/signals.h"
#include "support/stage_contract.h"
#include "util/random.h"

using namespace lathe;
using lathe::dsp::Oversampler;
using lathe::dsp::OversamplerParams;

namespace {

constexpr double kRate = 48000.0;

Oversampler makeOversampler(const OversamplerParams& params, int channels = 1, std::size_t maxBlock = 4096,
                            double rate = kRate) {
    Oversampler os;
    const auto status = os.prepare({rate, channels, maxBlock}, params);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    return os;
}

// Streams `input` through upsample() in blocks of `blockFrames`; returns the whole upsampled signal.
std::vector<std::vector<float>> upsampleAll(Oversampler& os, const AudioBuffer& input, std::size_t blockFrames) {
    const auto l = static_cast<std::size_t>(os.factor());
    std::vector<std::vector<float>> out(static_cast<std::size_t>(input.numChannels()),
                                        std::vector<float>(input.numFrames() * l));
    const ConstAudioBlock in = input.block();
    for (std::size_t offset = 0; offset < input.numFrames(); offset += blockFrames) {
        const std::size_t n = std::min(blockFrames, input.numFrames() - offset);
        const AudioBlock up = os.upsample(in.slice(offset, n));
        EXPECT_EQ(up.numFrames(), n * l);
        for (int c = 0; c < input.numChannels(); ++c)
            std::copy(up.channelData(c), up.channelData(c) + n * l, out[std::size_t(c)].begin() + std::ptrdiff_t(offset * l));
    }
    return out;
}

// Up then down, in blocks of `blockFrames`.
AudioBuffer roundTrip(Oversampler& os, const AudioBuffer& input, std::size_t blockFrames) {
    AudioBuffer out(input.numChannels(), input.numFrames());
    const ConstAudioBlock in = input.block();
    const AudioBlock outBlock = out.block();
    for (std::size_t offset = 0; offset < input.numFrames(); offset += blockFrames) {
        const std::size_t n = std::min(blockFrames, input.numFrames() - offset);
        const AudioBlock up = os.upsample(in.slice(offset, n));
        os.downsample(up, outBlock.slice(offset, n));
    }
    return out;
}

// |X[k]| of a real signal, k = 0 .. n/2 (FFTW, double).
std::vector<double> magnitudeSpectrum(const std::vector<double>& signal) {
    const int n = static_cast<int>(signal.size());
    std::vector<double> in = signal;
    auto* out = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * std::size_t(n / 2 + 1)));
    fftw_plan plan = fftw_plan_dft_r2c_1d(n, in.data(), out, FFTW_ESTIMATE);
    fftw_execute(plan);
    std::vector<double> mags(std::size_t(n / 2 + 1));
    for (std::size_t k = 0; k < mags.size(); ++k) mags[k] = std::hypot(out[k][0], out[k][1]);
    fftw_destroy_plan(plan);
    fftw_free(out);
    return mags;
}

double db(double linear) { return 20.0 * std::log10(std::max(linear, 1e-300)); }

// Drives the oversampler as a Stage: upsample, a memoryless nonlinearity at the high rate (as a
// clipper would apply), downsample. Lets the shared stage-contract checks exercise both paths.
class RoundTripStage final : public dsp::Stage {
public:
    explicit RoundTripStage(OversamplerParams params) : params_(params) {}
    Status prepare(const dsp::ProcessSpec& spec) override { return oversampler_.prepare(spec, params_); }
    void reset() noexcept override { oversampler_.reset(); }
    void process(AudioBlock block) noexcept override {
        const AudioBlock up = oversampler_.upsample(block);
        for (int c = 0; c < up.numChannels(); ++c)
            for (float& s : up.channel(c)) s = std::tanh(2.0f * s);
        oversampler_.downsample(up, block);
    }
    [[nodiscard]] int latencyFrames() const noexcept override { return oversampler_.latencyFrames(); }
    [[nodiscard]] std::string_view name() const noexcept override { return "oversampler round trip"; }

private:
    OversamplerParams params_;
    Oversampler oversampler_;
};

}  // namespace

TEST(Oversampler, RejectsInvalidSettings) {
    Oversampler os;
    EXPECT_FALSE(os.prepare({kRate, 2, 512}, {3, 0.45, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, 2, 512}, {4, 0.5, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, 2, 512}, {4, 0.0, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, 2, 512}, {4, 0.45, 10}).ok());
    EXPECT_FALSE(os.prepare({kRate, 0, 512}, {4, 0.45, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, kMaxChannels + 1, 512}, {4, 0.45, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, 2, 0}, {4, 0.45, 100}).ok());
    EXPECT_FALSE(os.prepare({kRate, 2, 512}, {4, 0.45, 200}).ok());  // beyond what float taps can hold
    const auto status = os.prepare({kRate, 2, 512}, {4, 0.49999, 150});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("taps per phase"), std::string::npos) << status.error().message;
}

TEST(Oversampler, FactorOneIsAnExactPassThrough) {
    Oversampler os = makeOversampler({1, 0.45, 100}, 2);
    EXPECT_EQ(os.latencyFrames(), 0);
    EXPECT_EQ(os.upsampleLatencyFrames(), 0.0);
    const AudioBuffer input = test::whiteNoise(kRate, 0.1, 0.9, 2, 7);
    const AudioBuffer out = roundTrip(os, input, 300);
    EXPECT_EQ(test::maxAbsDifference(out.block(), input.block()), 0.0);
}

// The design is an L-th band filter: the centre tap is exactly 1 and every L-th tap from it is 0, so
// branch 0 of the upsampled signal is the input, delayed by K/2 frames, bit for bit.
TEST(Oversampler, UpsampledSignalPassesExactlyThroughTheInputSamples) {
    for (int factor : {2, 4, 8, 16}) {
        SCOPED_TRACE(factor);
        Oversampler os = makeOversampler({factor, 0.45, 100});
        ASSERT_EQ(os.tapsPerPhase() % 2, 0);
        EXPECT_EQ(os.upsampleLatencyFrames(), 0.5 * os.tapsPerPhase());
        EXPECT_EQ(os.latencyFrames(), os.tapsPerPhase());
        const AudioBuffer input = test::whiteNoise(kRate, 0.05, 0.9, 1, 3);
        const auto up = upsampleAll(os, input, 333);
        const auto delay = static_cast<std::size_t>(os.tapsPerPhase() / 2);
        const auto l = static_cast<std::size_t>(factor);
        for (std::size_t t = 0; t < input.numFrames(); ++t) {
            const float expected = t >= delay ? input.channel(0)[t - delay] : 0.0f;
            ASSERT_EQ(up[0][t * l], expected) << "frame " << t;
        }
    }
}

// Kaiser's length estimate for the default design (A = 100 dB, transition 0.45 .. 0.55 fs):
// K >= (100 - 7.95) / (2.285 * 2 pi * 0.1) = 64.1 -> 66 taps per phase whatever the factor.
TEST(Oversampler, FilterLengthFollowsKaisersEstimate) {
    for (int factor : {2, 4, 8, 16}) EXPECT_EQ(makeOversampler({factor, 0.45, 100}).tapsPerPhase(), 66);
    // Looser settings give a much shorter filter: (60 - 7.95) / (2.285 * 2 pi * 0.2) = 18.1 -> 20.
    EXPECT_EQ(makeOversampler({4, 0.40, 60}).tapsPerPhase(), 20);
}

// The impulse response of upsample() is the prototype filter; its spectrum (FFT, divided by L as the
// zero-stuffing loses a factor L) must match the analytic filterAmplitude() and be flat to
// +-0.01 dB up to 0.45 fs.
TEST(Oversampler, PassbandIsFlatAndMatchesTheAnalyticResponse) {
    for (int factor : {2, 4, 8, 16}) {
        SCOPED_TRACE(factor);
        Oversampler os = makeOversampler({factor, 0.45, 100});
        const std::size_t frames = 1024;
        const AudioBuffer input = test::impulse(1, frames, 0);
        const auto up = upsampleAll(os, input, frames);
        const std::vector<double> ir(up[0].begin(), up[0].end());
        const auto mags = magnitudeSpectrum(ir);
        const double binHz = kRate * factor / double(ir.size());
        double worstFlatnessDb = 0;
        double worstModelError = 0;
        for (std::size_t k = 0; k < mags.size(); ++k) {
            const double hz = double(k) * binHz;
            const double measured = mags[k] / factor;
            worstModelError = std::max(worstModelError, std::abs(measured - std::abs(os.filterAmplitude(hz))));
            if (hz <= 0.45 * kRate) worstFlatnessDb = std::max(worstFlatnessDb, std::abs(db(measured)));
        }
        EXPECT_LT(worstFlatnessDb, 0.01);
        // Float taps against the double model: a few float epsilons.
        EXPECT_LT(worstModelError, 1e-5);
        // The designed ripple is ~1e-5 (100 dB): far inside 0.01 dB. Guard against a silent regression.
        EXPECT_LT(worstFlatnessDb, 0.001);
    }
}

// Dense check of the model: the analytic response is below -A dB over the whole stopband
// [1 - passbandFraction, factor / 2] * fs for several designs.
TEST(Oversampler, AnalyticStopbandMeetsTheRequestedAttenuation) {
    struct Case {
        int factor;
        double pass;
        double attenuationDb;
    };
    for (const Case& cs : {Case{2, 0.45, 100}, Case{4, 0.45, 100}, Case{8, 0.45, 100}, Case{16, 0.45, 100},
                           Case{4, 0.40, 60}, Case{8, 0.42, 80}, Case{2, 0.45, 140}}) {
        SCOPED_TRACE(testing::Message() << cs.factor << "x pass " << cs.pass << " A " << cs.attenuationDb);
        Oversampler os = makeOversampler({cs.factor, cs.pass, cs.attenuationDb});
        double worstDb = -400;
        const double start = (1.0 - cs.pass) * kRate;
        const double stop = cs.factor * kRate / 2;
        for (int i = 0; i <= 20000; ++i) {
            const double hz = start + (stop - start) * i / 20000.0;
            worstDb = std::max(worstDb, db(std::abs(os.filterAmplitude(hz))));
        }
        EXPECT_LT(worstDb, -cs.attenuationDb);
        double worstPassDb = 0;
        for (int i = 0; i <= 2000; ++i)
            worstPassDb = std::max(worstPassDb, std::abs(db(os.filterAmplitude(cs.pass * kRate * i / 2000.0))));
        EXPECT_LT(worstPassDb, 20 * std::log10(1 + std::pow(10.0, -cs.attenuationDb / 20)) * 1.01);
    }
}

// A sine on an exact FFT bin is upsampled; after the filter has settled the output is periodic, so a
// rectangular-window FFT shows the images at k fs +- f exactly on bins. Each must be below -A.
TEST(Oversampler, ImagesAreAttenuatedByTheRequestedAmount) {
    struct Case {
        int factor;
        double pass;
        double attenuationDb;
    };
    for (const Case& cs : {Case{2, 0.45, 100}, Case{4, 0.45, 100}, Case{8, 0.45, 100}, Case{16, 0.45, 100},
                           Case{4, 0.40, 60}}) {
        Oversampler os = makeOversampler({cs.factor, cs.pass, cs.attenuationDb});
        const std::size_t period = 4096;  // base frames in the FFT
        const auto l = static_cast<std::size_t>(cs.factor);
        for (std::size_t bin : {7u, 400u, 1000u, 1500u, 1843u}) {  // up to 0.45 fs
            const double hz = double(bin) * kRate / double(period);
            if (hz > cs.pass * kRate) continue;
            SCOPED_TRACE(testing::Message() << cs.factor << "x A " << cs.attenuationDb << " at " << hz << " Hz");
            os.reset();
            const std::size_t settle = 256;
            const AudioBuffer input = test::sine(kRate, hz, double(settle + period) / kRate, 0.5, 1);
            ASSERT_EQ(input.numFrames(), settle + period);
            const auto up = upsampleAll(os, input, 1000);
            const std::vector<double> segment(up[0].begin() + std::ptrdiff_t(settle * l), up[0].end());
            const auto mags = magnitudeSpectrum(segment);
            const double signal = mags[bin];
            // Passband gain within the design ripple.
            EXPECT_NEAR(2.0 * signal / double(segment.size()), 0.5, 0.5 * std::pow(10.0, -cs.attenuationDb / 20));
            double worstImageDb = -400;
            for (std::size_t k = 1; k < l; ++k)
                for (std::size_t image : {k * period - bin, k * period + bin})
                    if (image < mags.size()) worstImageDb = std::max(worstImageDb, db(mags[image] / signal));
            EXPECT_LT(worstImageDb, -cs.attenuationDb);
            // And nothing else: every other bin is at the float noise floor or an image.
            double worstOtherDb = -400;
            for (std::size_t k = 0; k < mags.size(); ++k)
                if (k != bin && (k % period != bin) && (k % period != period - bin))
                    worstOtherDb = std::max(worstOtherDb, db(mags[k] / signal));
            EXPECT_LT(worstOtherDb, -120.0);
        }
    }
}

// Up then down of a band-limited signal (sines below 0.45 fs) returns the input delayed by
// latencyFrames(). The round trip's passband gain is A(f)^2 with |A - 1| <= d = 10^(-100/20), so each
// component's error is at most ~2 d of its amplitude; float rounding of ~2K products adds ~1e-6.
// Bound: 2 d * (sum of amplitudes) + 2e-6.
TEST(Oversampler, RoundTripNullsAgainstTheDelayedInput) {
    for (int factor : {2, 4, 8, 16}) {
        SCOPED_TRACE(factor);
        Oversampler os = makeOversampler({factor, 0.45, 100}, 2);
        const std::size_t frames = 16384;
        AudioBuffer input(2, frames);
        Random random(11);
        double amplitudeSum = 0;
        for (int component = 0; component < 12; ++component) {
            const double hz = 20.0 + random.uniform() * (0.45 * kRate - 20.0);
            const double amplitude = 0.07;
            const double phase = random.uniform() * 2 * std::numbers::pi;
            amplitudeSum += amplitude;
            for (int c = 0; c < 2; ++c)
                for (std::size_t i = 0; i < frames; ++i)
                    input.channel(c)[i] +=
                        float(amplitude * std::sin(2 * std::numbers::pi * hz * double(i) / kRate + phase + c));
        }
        const AudioBuffer out = roundTrip(os, input, 1000);
        const auto latency = static_cast<std::size_t>(os.latencyFrames());
        // Skip the start-up transient (the first 2 K frames of output see the zero history).
        double worst = 0;
        for (int c = 0; c < 2; ++c)
            for (std::size_t i = 3 * latency; i < frames; ++i)
                worst = std::max(worst, std::abs(double(out.channel(c)[i]) - double(input.channel(c)[i - latency])));
        const double bound = 2.0 * std::pow(10.0, -100.0 / 20.0) * amplitudeSum + 2e-6;
        EXPECT_LT(worst, bound);
        EXPECT_LT(db(worst / amplitudeSum), -100.0);  // the null, relative to the signal's peak bound
    }
}

// The reported latencies are the real ones: an impulse comes back exactly at latencyFrames() with the
// centre-tap weight, and the cross-correlation of a noise round trip with its input peaks there too.
TEST(Oversampler, ReportedLatencyIsTheMeasuredLatency) {
    for (int factor : {2, 4, 8, 16}) {
        SCOPED_TRACE(factor);
        for (const OversamplerParams& params :
             {OversamplerParams{factor, 0.45, 100}, OversamplerParams{factor, 0.40, 60}}) {
            Oversampler os = makeOversampler(params);
            const auto latency = static_cast<std::size_t>(os.latencyFrames());
            const std::size_t position = 37;
            const AudioBuffer input = test::impulse(1, 4 * latency + 200, position);
            const auto up = upsampleAll(os, input, 50);
            std::size_t upPeak = 0;
            for (std::size_t i = 0; i < up[0].size(); ++i)
                if (std::abs(up[0][i]) > std::abs(up[0][upPeak])) upPeak = i;
            EXPECT_DOUBLE_EQ(double(upPeak) / factor, double(position) + os.upsampleLatencyFrames());
            EXPECT_EQ(up[0][upPeak], 1.0f);

            os.reset();
            const AudioBuffer out = roundTrip(os, input, 50);
            std::size_t peak = 0;
            for (std::size_t i = 0; i < out.numFrames(); ++i)
                if (std::abs(out.channel(0)[i]) > std::abs(out.channel(0)[peak])) peak = i;
            EXPECT_EQ(peak, position + latency);
            // Symmetric impulse response around the peak: linear phase.
            for (std::size_t m = 1; m <= latency; ++m)
                EXPECT_NEAR(out.channel(0)[peak - m], out.channel(0)[peak + m], 1e-6) << m;
        }
        Oversampler os = makeOversampler({factor, 0.45, 100});
        const AudioBuffer noise = test::whiteNoise(kRate, 0.2, 0.5, 1, 5);
        const AudioBuffer out = roundTrip(os, noise, 512);
        long bestLag = -1;
        double best = -1;
        for (long lag = 0; lag < 200; ++lag) {
            double sum = 0;
            for (std::size_t i = std::size_t(lag); i < out.numFrames(); ++i)
                sum += double(out.channel(0)[i]) * double(noise.channel(0)[i - std::size_t(lag)]);
            if (sum > best) best = sum, bestLag = lag;
        }
        EXPECT_EQ(bestLag, os.latencyFrames());
    }
}

TEST(Oversampler, UpsampledStreamIsBlockSizeInvariant) {
    for (int factor : {2, 4, 16}) {
        SCOPED_TRACE(factor);
        const AudioBuffer input = test::whiteNoise(kRate, 0.3, 0.9, 2, 9);
        Oversampler whole = makeOversampler({factor, 0.45, 100}, 2);
        const auto reference = upsampleAll(whole, input, 4096);
        for (std::size_t block : {1u, 3u, 15u, 16u, 17u, 1000u}) {
            Oversampler split = makeOversampler({factor, 0.45, 100}, 2);
            const auto other = upsampleAll(split, input, block);
            for (int c = 0; c < 2; ++c)
                ASSERT_EQ(std::memcmp(reference[std::size_t(c)].data(), other[std::size_t(c)].data(),
                                      reference[std::size_t(c)].size() * sizeof(float)),
                          0)
                    << "block " << block;
        }
    }
}

// Block-size invariance of up + down, reset reproducibility, no allocation, recovery from NaN/Inf.
TEST(Oversampler, KeepsTheStageContract) {
    const AudioBuffer input = test::concat(test::whiteNoise(kRate, 0.5, 0.8, 2, 4), test::sine(kRate, 997, 0.5, 0.9, 2));
    for (int factor : {1, 2, 4, 8, 16}) {
        SCOPED_TRACE(factor);
        test::expectStageContract([factor] { return std::make_unique<RoundTripStage>(OversamplerParams{factor, 0.45, 100}); },
                                  input, kRate);
    }
}

TEST(Oversampler, DownsampleAcceptsItsOwnStorageModifiedInPlace) {
    // The clipper pattern: modify the view returned by upsample(), then downsample it.
    Oversampler a = makeOversampler({4, 0.45, 100});
    Oversampler b = makeOversampler({4, 0.45, 100});
    const AudioBuffer input = test::whiteNoise(kRate, 0.05, 0.9, 1, 8);
    AudioBuffer outA(1, input.numFrames()), outB(1, input.numFrames());
    const AudioBlock upA = a.upsample(input.block());
    for (float& s : upA.channel(0)) s *= 0.5f;
    a.downsample(upA, outA.block());
    const AudioBlock upB = b.upsample(input.block());
    std::vector<float> copy(upB.channel(0).begin(), upB.channel(0).end());
    for (float& s : copy) s *= 0.5f;
    const float* ptr = copy.data();
    b.downsample(ConstAudioBlock(&ptr, 1, copy.size()), outB.block());
    EXPECT_EQ(test::maxAbsDifference(outA.block(), outB.block()), 0.0);
}

TEST(Oversampler, EmptyBlocksAreNoOps) {
    Oversampler a = makeOversampler({4, 0.45, 100});
    Oversampler b = makeOversampler({4, 0.45, 100});
    const AudioBuffer input = test::whiteNoise(kRate, 0.02, 0.9, 1, 8);
    AudioBuffer outA(1, input.numFrames()), outB(1, input.numFrames());
    const AudioBlock empty = a.upsample(ConstAudioBlock(input.block()).slice(0, 0));
    EXPECT_EQ(empty.numFrames(), 0u);
    a.downsample(empty, outA.block().slice(0, 0));
    a.downsample(a.upsample(input.block()), outA.block());
    b.downsample(b.upsample(input.block()), outB.block());
    EXPECT_EQ(test::maxAbsDifference(outA.block(), outB.block()), 0.0);
}

TEST(Oversampler, UpsampleAndDownsampleDoNotAllocate) {
    Oversampler os = makeOversampler({8, 0.45, 100}, 2, 1024);
    const AudioBuffer input = test::whiteNoise(kRate, 0.1, 0.5, 2, 2);
    AudioBuffer out(2, input.numFrames());
    test::AllocationCounter counter;
    for (std::size_t offset = 0; offset + 1000 <= input.numFrames(); offset += 1000) {
        const AudioBlock up = os.upsample(ConstAudioBlock(input.block()).slice(offset, 1000));
        os.downsample(up, out.block().slice(offset, 1000));
    }
    os.reset();
    EXPECT_EQ(counter.count(), 0u);
}
