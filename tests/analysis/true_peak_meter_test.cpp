#include "lathe/analysis/true_peak_meter.h"

#include <ebur128.h>
#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>
#include <numbers>
#include <vector>

#include "lathe/synth/demo_mix.h"
#include "support/allocation_counter.h"
#include "support/signals.h"
#include "util/random.h"

using namespace lathe;
using lathe::analysis::TruePeakMeter;
using lathe::analysis::TruePeakMeterOptions;

namespace {

constexpr double kPi = std::numbers::pi;
const double kRates[] = {44100.0, 48000.0, 88200.0, 96000.0, 192000.0};

double db(double linear) { return test::toDb(linear); }

// The 32x reference, independent of the meter's filter: ideal band-limited interpolation of the
// zero-padded signal by FFT (spectrum zero-extended 32x, the Nyquist bin split between +-fs/2), i.e.
// sinc interpolation with no transition band, evaluated at 32 points per sample. Its own
// sample-picking error is at most 1 - cos(pi / 64 * f / (fs / 2)): < 0.011 dB for any f < fs / 2,
// < 0.003 dB at fs/4. Silence around the signal matches the meter's view (silence before and after).
double referencePeak(std::span<const float> x) {
    constexpr std::size_t kFactor = 32;
    const std::size_t pad = 1024;
    std::size_t m = 1;
    while (m < x.size() + 2 * pad) m <<= 1;
    std::vector<double> in(m, 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) in[pad + i] = x[i];
    const std::size_t big = kFactor * m;
    auto* spectrum = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (m / 2 + 1)));
    auto* extended = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (big / 2 + 1)));
    std::vector<double> out(big);
    fftw_plan forward = fftw_plan_dft_r2c_1d(int(m), in.data(), spectrum, FFTW_ESTIMATE);
    fftw_execute(forward);
    fftw_destroy_plan(forward);
    for (std::size_t k = 0; k <= big / 2; ++k) extended[k][0] = extended[k][1] = 0.0;
    for (std::size_t k = 0; k < m / 2; ++k) {
        extended[k][0] = spectrum[k][0];
        extended[k][1] = spectrum[k][1];
    }
    extended[m / 2][0] = 0.5 * spectrum[m / 2][0];  // half of the Nyquist bin on each side
    fftw_plan backward = fftw_plan_dft_c2r_1d(int(big), extended, out.data(), FFTW_ESTIMATE);
    fftw_execute(backward);
    fftw_destroy_plan(backward);
    fftw_free(spectrum);
    fftw_free(extended);
    double peak = 0.0;
    for (double v : out) peak = std::max(peak, std::abs(v) / double(m));
    return peak;
}

double referencePeak(const AudioBuffer& audio) {
    double peak = 0.0;
    for (int c = 0; c < audio.numChannels(); ++c) peak = std::max(peak, referencePeak(audio.channel(c)));
    return peak;
}

TruePeakMeter preparedMeter(double rate, int channels, const TruePeakMeterOptions& options = {}) {
    TruePeakMeter meter;
    const auto status = meter.prepare(rate, channels, options);
    EXPECT_TRUE(status.ok()) << (status.ok() ? "" : status.error().message);
    return meter;
}

double meterPeak(const AudioBuffer& audio, double rate, std::size_t blockFrames = 1024) {
    TruePeakMeter meter = preparedMeter(rate, audio.numChannels());
    const ConstAudioBlock block = audio.block();
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += blockFrames)
        meter.process(block.slice(offset, std::min(blockFrames, audio.numFrames() - offset)));
    return meter.truePeakLinear();
}

// libebur128 (EBUR128_MODE_TRUE_PEAK), max over channels. Silence is appended so that it, too,
// sees the filter's tail (our meter includes it; libebur128 has no flush).
double libebur128Peak(const AudioBuffer& audio, double rate) {
    const auto channels = static_cast<unsigned>(audio.numChannels());
    ebur128_state* state = ebur128_init(channels, static_cast<unsigned long>(rate), EBUR128_MODE_TRUE_PEAK);
    const std::size_t frames = audio.numFrames() + 1024;
    std::vector<float> interleaved(frames * channels, 0.0f);
    for (std::size_t i = 0; i < audio.numFrames(); ++i)
        for (unsigned c = 0; c < channels; ++c) interleaved[i * channels + c] = audio.channel(int(c))[i];
    EXPECT_EQ(ebur128_add_frames_float(state, interleaved.data(), frames), EBUR128_SUCCESS);
    double peak = 0.0;
    for (unsigned c = 0; c < channels; ++c) {
        double value = 0.0;
        EXPECT_EQ(ebur128_true_peak(state, c, &value), EBUR128_SUCCESS);
        peak = std::max(peak, value);
    }
    ebur128_destroy(&state);
    return peak;
}

double samplePeak(const AudioBuffer& audio) {
    double peak = 0.0;
    for (int c = 0; c < audio.numChannels(); ++c)
        for (float s : audio.channel(c)) peak = std::max(peak, double(std::abs(s)));
    return peak;
}

// A sine burst with raised-cosine fades (EBU Tech 3341: "tapered with a 10 ms fade-in and fade-out").
AudioBuffer sineBurst(double rate, double frequencyHz, double amplitude, double phaseRadians, double seconds,
                      int channels = 1, double fadeSeconds = 0.01) {
    const auto frames = static_cast<std::size_t>(std::llround(seconds * rate));
    const auto fade = static_cast<std::size_t>(std::llround(fadeSeconds * rate));
    AudioBuffer out(channels, frames);
    for (std::size_t i = 0; i < frames; ++i) {
        double envelope = 1.0;
        if (i < fade) envelope = 0.5 - 0.5 * std::cos(kPi * double(i) / double(fade));
        if (frames - 1 - i < fade) envelope = 0.5 - 0.5 * std::cos(kPi * double(frames - 1 - i) / double(fade));
        const double value = amplitude * envelope * std::sin(2.0 * kPi * frequencyHz * double(i) / rate + phaseRadians);
        for (int c = 0; c < channels; ++c) out.channel(c)[i] = float(value);
    }
    return out;
}

// `audio` with every FFT bin above `edgeHz` removed (a brick-wall band limit, as a recording's
// anti-aliasing filter leaves it), peak-normalised to `peak`.
AudioBuffer bandLimited(AudioBuffer audio, double rate, double edgeHz, double peak) {
    const std::size_t n = audio.numFrames();
    std::vector<double> buffer(n);
    auto* spectrum = static_cast<fftw_complex*>(fftw_malloc(sizeof(fftw_complex) * (n / 2 + 1)));
    double largest = 0.0;
    std::vector<std::vector<double>> filtered;
    for (int c = 0; c < audio.numChannels(); ++c) {
        for (std::size_t i = 0; i < n; ++i) buffer[i] = audio.channel(c)[i];
        fftw_plan forward = fftw_plan_dft_r2c_1d(int(n), buffer.data(), spectrum, FFTW_ESTIMATE);
        fftw_execute(forward);
        fftw_destroy_plan(forward);
        for (std::size_t k = 0; k <= n / 2; ++k)
            if (double(k) * rate / double(n) > edgeHz) spectrum[k][0] = spectrum[k][1] = 0.0;
        fftw_plan backward = fftw_plan_dft_c2r_1d(int(n), spectrum, buffer.data(), FFTW_ESTIMATE);
        fftw_execute(backward);
        fftw_destroy_plan(backward);
        for (double v : buffer) largest = std::max(largest, std::abs(v));
        filtered.push_back(buffer);
    }
    fftw_free(spectrum);
    for (int c = 0; c < audio.numChannels(); ++c)
        for (std::size_t i = 0; i < n; ++i) audio.channel(c)[i] = float(filtered[std::size_t(c)][i] * peak / largest);
    return audio;
}

AudioBuffer bandLimitedNoise(double rate, double seconds, double edgeHz, double peak, int channels, std::uint64_t seed) {
    return bandLimited(test::whiteNoise(rate, seconds, 1.0, channels, seed), rate, edgeHz, peak);
}

}  // namespace

TEST(TruePeakMeter, RejectsInvalidSettings) {
    TruePeakMeter meter;
    EXPECT_FALSE(meter.prepare(0.0, 2).ok());
    EXPECT_FALSE(meter.prepare(48000.0, 0).ok());
    EXPECT_FALSE(meter.prepare(48000.0, kMaxChannels + 1).ok());
    EXPECT_FALSE(meter.prepare(48000.0, 2, TruePeakMeterOptions{8192, -1.0}).ok());
    EXPECT_TRUE(meter.prepare(48000.0, 2).ok());
}

// 4x at every rate: the limiter's detection filter, so the meter never reads what the limiter did not see.
TEST(TruePeakMeter, OversamplesFourTimesAtEveryRate) {
    for (double rate : {44100.0, 48000.0, 88200.0, 96000.0, 176400.0, 192000.0, 384000.0})
        EXPECT_EQ(preparedMeter(rate, 2).oversamplingFactor(), 4) << rate;
}

TEST(TruePeakMeter, SilenceReadsMinusInfinity) {
    TruePeakMeter meter = preparedMeter(48000.0, 2);
    EXPECT_EQ(meter.truePeakDbtp(), -std::numeric_limits<double>::infinity());  // nothing processed
    const AudioBuffer silence(2, 48000);
    meter.process(silence.block());
    EXPECT_EQ(meter.truePeakLinear(), 0.0);
    EXPECT_EQ(meter.truePeakDbtp(), -std::numeric_limits<double>::infinity());
    EXPECT_EQ(meter.channelTruePeakLinear(), (std::vector<double>{0.0, 0.0}));
}

// The core requirement: sine bursts at fs/4, fs/6 and fs/8 at 24 phases spread over one sample
// period (every sub-sample position of the peaks), at every common rate, read within 0.1 dB of the
// 32x reference. Plain sample peaks miss by up to 3 dB here (fs/4 at 45 degrees), and 4x sample
// picking without refinement by up to 0.17 dB, so the test can fail.
TEST(TruePeakMeter, SineBurstsAtAnyPhaseReadWithinATenthOfADbOfThe32xReference) {
    for (double rate : kRates) {
        double worstDb = 0.0;
        double worstSampleDb = 0.0;
        for (int divisor : {4, 6, 8}) {
            for (int step = 0; step < 24; ++step) {
                const double phase = 2.0 * kPi / divisor * step / 24.0;
                const AudioBuffer burst = sineBurst(rate, rate / divisor, 0.5, phase, 0.03);
                const double reference = referencePeak(burst);
                // The reference is itself right: the burst's peak is its amplitude.
                ASSERT_NEAR(db(reference), db(0.5), 0.012) << rate << " fs/" << divisor << " step " << step;
                const double measured = meterPeak(burst, rate);
                EXPECT_NEAR(db(measured), db(reference), 0.1) << rate << " Hz, fs/" << divisor << ", phase step " << step;
                worstDb = std::max(worstDb, std::abs(db(measured) - db(reference)));
                worstSampleDb = std::max(worstSampleDb, std::abs(db(samplePeak(burst)) - db(reference)));
            }
        }
        EXPECT_GT(worstSampleDb, 1.0);  // the cases do exercise inter-sample peaks
        std::cout << "[ figures  ] " << rate << " Hz sine bursts: worst |meter - 32x reference| = " << worstDb
                  << " dB (sample peak: " << worstSampleDb << " dB)\n";
    }
}

// EBU Tech 3341 (v4, 2023), Table 1, minimum-requirement cases 15 to 23 (true peak), generated from
// the spec's definitions at 48 kHz, stereo, checked with the spec's tolerance +0.2 / -0.4 dB.
// We also hold ourselves to 0.1 dB of the 32x reference on each.
TEST(TruePeakMeter, EbuTech3341TruePeakCases) {
    const double rate = 48000.0;
    struct SineCase {
        int number;
        int divisor;
        double amplitude;
        double phaseDegrees;
        double expectedDbtp;
    };
    for (const SineCase& cs : {SineCase{15, 4, 0.50, 0.0, -6.0}, SineCase{16, 4, 0.50, 45.0, -6.0},
                               SineCase{17, 6, 0.50, 60.0, -6.0}, SineCase{18, 8, 0.50, 67.5, -6.0},
                               SineCase{19, 4, 1.41, 45.0, 3.0}}) {
        const AudioBuffer signal = sineBurst(rate, rate / cs.divisor, cs.amplitude, cs.phaseDegrees * kPi / 180.0, 1.0, 2);
        const double measured = db(meterPeak(signal, rate));
        EXPECT_LE(measured, cs.expectedDbtp + 0.2) << "case " << cs.number;
        EXPECT_GE(measured, cs.expectedDbtp - 0.4) << "case " << cs.number;
        const AudioBuffer shortSignal = sineBurst(rate, rate / cs.divisor, cs.amplitude, cs.phaseDegrees * kPi / 180.0, 0.1);
        EXPECT_NEAR(db(meterPeak(shortSignal, rate)), db(referencePeak(shortSignal)), 0.1) << "case " << cs.number;
        std::cout << "[ figures  ] Tech 3341 case " << cs.number << ": " << measured << " dBTP (expected "
                  << cs.expectedDbtp << ")\n";
    }
    // Cases 20-23: "Stereo sine wave with frequency fs/6, amplitude 0.50, containing a single period of
    // a sine wave with frequency fs/4, amplitude 1.00; the signal being continuous in phase at both
    // sides of the single period. Synthesized at 4 fs, lowpass (anti-aliasing) filtered and
    // downsampled to fs with a 0 (1, 2, 3) samples offset; short fade-in and fade-out." 0.0 dBTP.
    const double highRate = 4.0 * rate;
    const std::size_t highFrames = 4 * 9600;  // 0.2 s
    const std::size_t burstStart = 24 * 800;  // a whole number of fs/6 periods (24 samples at 4 fs)
    std::vector<double> synthesized(highFrames);
    for (std::size_t i = 0; i < highFrames; ++i) {
        if (i < burstStart) {
            synthesized[i] = 0.5 * std::sin(2.0 * kPi * double(i) / 24.0);
        } else if (i < burstStart + 16) {  // one period of fs/4: 16 samples at 4 fs
            synthesized[i] = 1.0 * std::sin(2.0 * kPi * double(i - burstStart) / 16.0);
        } else {
            synthesized[i] = 0.5 * std::sin(2.0 * kPi * double(i - burstStart - 16) / 24.0);
        }
        const double fade = 0.005 * highRate;  // 5 ms raised-cosine fades
        const double fromEnd = double(highFrames - 1 - i);
        if (double(i) < fade) synthesized[i] *= 0.5 - 0.5 * std::cos(kPi * double(i) / fade);
        if (fromEnd < fade) synthesized[i] *= 0.5 - 0.5 * std::cos(kPi * fromEnd / fade);
    }
    // Anti-aliasing lowpass at 4 fs: Kaiser-windowed sinc (beta 10, ~100 dB), cutoff 0.45 fs, 1025 taps,
    // zero phase (centred), evaluated in double.
    const int halfLength = 512;
    const double cutoff = 0.45 * rate / highRate;  // cycles per sample at 4 fs
    std::vector<double> taps(2 * halfLength + 1);
    const auto besselI0 = [](double x) {
        double term = 1.0, sum = 1.0;
        for (int k = 1; k < 200; ++k) {
            term *= (x / (2.0 * k)) * (x / (2.0 * k));
            sum += term;
        }
        return sum;
    };
    for (int k = -halfLength; k <= halfLength; ++k) {
        const double sinc = k == 0 ? 2.0 * cutoff : std::sin(2.0 * kPi * cutoff * k) / (kPi * k);
        const double r = double(k) / halfLength;
        taps[std::size_t(k + halfLength)] = sinc * besselI0(10.0 * std::sqrt(1.0 - r * r)) / besselI0(10.0);
    }
    for (int offset = 0; offset < 4; ++offset) {
        AudioBuffer signal(2, highFrames / 4 - 1);
        for (std::size_t n = 0; n < signal.numFrames(); ++n) {
            const std::ptrdiff_t centre = std::ptrdiff_t(4 * n) + offset;
            double acc = 0.0;
            for (int k = -halfLength; k <= halfLength; ++k) {
                const std::ptrdiff_t i = centre - k;
                if (i >= 0 && i < std::ptrdiff_t(highFrames)) acc += taps[std::size_t(k + halfLength)] * synthesized[std::size_t(i)];
            }
            signal.channel(0)[n] = signal.channel(1)[n] = float(acc);
        }
        const double measured = db(meterPeak(signal, rate));
        EXPECT_LE(measured, 0.0 + 0.2) << "case " << 20 + offset;
        EXPECT_GE(measured, 0.0 - 0.4) << "case " << 20 + offset;
        EXPECT_NEAR(measured, db(referencePeak(signal)), 0.1) << "case " << 20 + offset;
        std::cout << "[ figures  ] Tech 3341 case " << 20 + offset << ": " << measured << " dBTP (reference "
                  << db(referencePeak(signal)) << ", sample peak " << db(samplePeak(signal)) << ")\n";
    }
}

// Agreement with libebur128 (EBUR128_MODE_TRUE_PEAK) on generated material at every common rate, mono
// and stereo. libebur128 oversamples 4x below 96 kHz, 2x below 192 kHz and not at all at 192 kHz, with
// a short (49-tap, Hann-windowed) interpolator and no refinement, so it under-reads material with
// high-frequency content. The rule: where libebur128 is within 0.05 dB of the 32x reference, we must
// agree with it within 0.1 dB; where it is further off, we must be closer to the reference than it
// is. Separately, on band-limited material (nothing above 0.45 fs or 20 kHz, like real recordings
// after their anti-aliasing filter) we must be within 0.1 dB of the reference ourselves.
TEST(TruePeakMeter, AgreesWithLibebur128OrIsCloserToThe32xReference) {
    int agreements = 0;
    int closer = 0;
    for (double rate : kRates) {
        const double edgeHz = std::min(20000.0, 0.45 * rate);
        for (int channels : {1, 2}) {
            struct Material {
                const char* name;
                AudioBuffer audio;
                bool bandLimited;
            };
            std::vector<Material> materials;
            materials.push_back({"band-limited noise", bandLimitedNoise(rate, 0.2, edgeHz, 0.9, channels, 5), true});
            materials.push_back({"band-limited pink noise", bandLimited(test::pinkNoise(rate, 0.2, 1.0, channels, 3), rate, edgeHz, 0.9), true});
            {
                AudioBuffer tones(channels, std::size_t(0.2 * rate));
                Random random(std::uint64_t(rate) + std::uint64_t(channels));
                for (int component = 0; component < 4; ++component) {
                    const double hz = 50.0 + random.uniform() * (edgeHz - 50.0);
                    const double phase = random.uniform() * 2.0 * kPi;
                    for (int c = 0; c < channels; ++c)
                        for (std::size_t i = 0; i < tones.numFrames(); ++i)
                            tones.channel(c)[i] += float(0.22 * std::sin(2.0 * kPi * hz * double(i) / rate + phase + c));
                }
                materials.push_back({"tones", std::move(tones), true});
            }
            {
                synth::DemoMixParams params;
                params.sampleRate = rate;
                params.seconds = 2.2;
                params.peakDbfs = -0.5;
                const AudioBuffer mix = synth::makeDemoMix(params);
                AudioBuffer excerpt(channels, std::size_t(0.2 * rate));
                for (int c = 0; c < channels; ++c)
                    for (std::size_t i = 0; i < excerpt.numFrames(); ++i)
                        excerpt.channel(c)[i] = mix.channel(c)[std::size_t(2.0 * rate) + i - excerpt.numFrames()];
                materials.push_back({"demo mix", std::move(excerpt), false});
            }
            materials.push_back({"white noise (full band)", test::whiteNoise(rate, 0.2, 0.5, channels, 4), false});
            for (const Material& material : materials) {
                SCOPED_TRACE(testing::Message() << rate << " Hz, " << channels << " ch, " << material.name);
                const double reference = db(referencePeak(material.audio));
                const double ours = db(meterPeak(material.audio, rate, 777));
                const double theirs = db(libebur128Peak(material.audio, rate));
                const double oursOff = std::abs(ours - reference);
                const double theirsOff = std::abs(theirs - reference);
                if (theirsOff <= 0.05) {
                    EXPECT_NEAR(ours, theirs, 0.1);
                    ++agreements;
                } else {
                    EXPECT_LT(oursOff, theirsOff) << "ours " << ours << " libebur128 " << theirs << " reference " << reference;
                    ++closer;
                }
                if (material.bandLimited) {
                    EXPECT_LT(oursOff, 0.1);
                }
                std::cout << "[ figures  ] " << rate << " Hz " << channels << " ch " << material.name
                          << ": ours - ref = " << ours - reference << " dB, libebur128 - ref = " << theirs - reference << " dB\n";
            }
        }
    }
    std::cout << "[ figures  ] libebur128 agreed with the reference in " << agreements << " cases; we were closer in the other "
              << closer << "\n";
}

// A known limit, stated rather than hidden: with a flat spectrum right up to fs/2 (pink noise from
// Kellet's filter has a white floor), the reading depends on how the interpolator treats 0.45-0.55 fs.
// The reference is a brick wall at fs/2; we (like a DAC's half-band filter, and like libebur128) use a
// Nyquist filter whose transition band straddles fs/2 and lets part of the images of near-Nyquist
// content through, so we read up to ~0.10 dB off the brick-wall reference there (0.18 dB with the
// earlier 0.45 fs / 50 dB interpolator), libebur128 up to ~0.17 dB (below 192 kHz). The bound below
// is that measured behaviour with a little room; the sine, band-limited and Tech 3341 tests above
// hold the 0.1 dB line.
TEST(TruePeakMeter, FullBandPinkNoiseStaysWithinTheTransitionBandBound) {
    for (double rate : kRates)
        for (std::uint64_t seed : {3u, 7u}) {
            const AudioBuffer pink = test::pinkNoise(rate, 0.2, 0.9, 2, seed);
            const double reference = db(referencePeak(pink));
            const double ours = db(meterPeak(pink, rate));
            EXPECT_NEAR(ours, reference, 0.12) << rate << " Hz seed " << seed;
            std::cout << "[ figures  ] " << rate << " Hz full-band pink noise seed " << seed << ": ours - ref = " << ours - reference
                      << " dB, libebur128 - ref = " << db(libebur128Peak(pink, rate)) - reference << " dB\n";
        }
}

// The true peak is never below the sample peak (branch 0 of the interpolator is the input itself),
// and the classic inter-sample case reads +3 dB over its samples: fs/4 at 45 degrees.
TEST(TruePeakMeter, NeverReadsBelowTheSamplePeakAndFindsTheClassicInterSamplePeak) {
    for (double rate : kRates) {
        const AudioBuffer noise = test::whiteNoise(rate, 0.3, 0.7, 2, 12);
        EXPECT_GE(meterPeak(noise, rate), samplePeak(noise));
        const AudioBuffer classic = sineBurst(rate, rate / 4, 1.0, kPi / 4, 0.2, 2);
        EXPECT_NEAR(db(samplePeak(classic)), -3.01, 0.01);
        EXPECT_NEAR(db(meterPeak(classic, rate)), 0.0, 0.05) << rate;
    }
}

// Figures are identical (bit for bit) whatever the block sizes, including 1-frame blocks and blocks
// longer than maxBlockFrames.
TEST(TruePeakMeter, RandomBlockSizesGiveIdenticalFigures) {
    for (double rate : {44100.0, 192000.0}) {
        const AudioBuffer audio = test::concat(bandLimitedNoise(rate, 0.3, 0.45 * rate, 0.95, 2, 8),
                                               sineBurst(rate, rate / 6, 0.99, 0.3, 0.2, 2));
        TruePeakMeterOptions options;
        options.maxBlockFrames = 1024;
        options.countAboveLinear = 0.9;
        TruePeakMeter whole = preparedMeter(rate, 2, options);
        whole.process(audio.block());
        const auto reference = whole.channelTruePeakLinear();
        const auto referenceCount = whole.countAbove();
        EXPECT_GT(referenceCount, 0);
        for (std::uint64_t seed : {1u, 2u, 3u}) {
            TruePeakMeter split = preparedMeter(rate, 2, options);
            Random random(seed);
            const ConstAudioBlock block = audio.block();
            for (std::size_t offset = 0; offset < audio.numFrames();) {
                const std::size_t n = std::min<std::size_t>(1 + random.next() % (seed == 3 ? 5000 : 700), audio.numFrames() - offset);
                split.process(block.slice(offset, n));
                offset += n;
            }
            const auto figures = split.channelTruePeakLinear();
            ASSERT_EQ(figures.size(), reference.size());
            for (std::size_t c = 0; c < figures.size(); ++c)
                EXPECT_EQ(std::memcmp(&figures[c], &reference[c], sizeof(double)), 0) << figures[c] << " vs " << reference[c];
            EXPECT_EQ(split.countAbove(), referenceCount);
        }
    }
}

// The reading includes the interpolator's tail, computed as if silence followed: it equals the
// reading after actually processing more silence, bit for bit. A signal ending on its peak counts.
TEST(TruePeakMeter, ReadingIncludesTheTailAsIfSilenceFollowed) {
    const double rate = 48000.0;
    AudioBuffer audio = bandLimitedNoise(rate, 0.1, 20000.0, 0.5, 1, 21);
    audio.channel(0)[audio.numFrames() - 3] = 0.9f;  // the peak, three frames from the end
    audio.channel(0)[audio.numFrames() - 2] = 0.9f;  // an inter-sample peak just beyond it
    TruePeakMeterOptions options;
    options.countAboveLinear = 0.5;
    TruePeakMeter meter = preparedMeter(rate, 1, options);
    meter.process(audio.block());
    const double atEnd = meter.truePeakLinear();
    const auto countAtEnd = meter.countAbove();
    EXPECT_GT(atEnd, 0.9);
    EXPECT_NEAR(db(atEnd), db(referencePeak(audio)), 0.1);
    const AudioBuffer silence(1, 500);
    meter.process(silence.block());
    EXPECT_EQ(meter.truePeakLinear(), atEnd);
    EXPECT_EQ(meter.countAbove(), countAtEnd);
}

// countAbove(): oversampled samples above a threshold. For fs/4 at 45 degrees and amplitude 1.41
// (Tech 3341 case 19), the 4x samples sit at 45 + 22.5 k degrees: 10 of every 16 have |1.41 sin| >
// 0.95 (0.997, 1.30, 1.41, 1.30, 0.997 twice per period), so steady state gives 2.5 per frame.
TEST(TruePeakMeter, CountsOversampledSamplesAboveTheThreshold) {
    const double rate = 48000.0;
    const std::size_t frames = 48000;
    AudioBuffer tone(2, frames);
    for (std::size_t i = 0; i < frames; ++i)
        tone.channel(0)[i] = tone.channel(1)[i] = float(1.41 * std::sin(kPi / 2 * double(i) + kPi / 4));
    TruePeakMeterOptions options;
    options.countAboveLinear = 0.95;
    TruePeakMeter meter = preparedMeter(rate, 2, options);
    meter.process(tone.block());
    const double expected = 2.0 * 2.5 * double(frames);  // two channels
    // Only the abrupt start and end (one filter length each) may differ.
    EXPECT_NEAR(double(meter.countAbove()), expected, 2.0 * 2 * 4 * 32);
    TruePeakMeter off = preparedMeter(rate, 2);
    off.process(tone.block());
    EXPECT_EQ(off.countAbove(), 0);
}

TEST(TruePeakMeter, NonFiniteInputNeitherCrashesNorPoisonsTheMeterAfterReset) {
    const double rate = 48000.0;
    const AudioBuffer music = bandLimitedNoise(rate, 0.2, 20000.0, 0.8, 2, 30);
    TruePeakMeter fresh = preparedMeter(rate, 2);
    fresh.process(music.block());

    TruePeakMeter meter = preparedMeter(rate, 2);
    AudioBuffer poison(2, 3000);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < poison.numFrames(); ++i)
            poison.channel(c)[i] = i % 2 ? std::numeric_limits<float>::quiet_NaN() : 0.25f;
    meter.process(poison.block());
    EXPECT_TRUE(std::isfinite(meter.truePeakLinear()));  // NaN samples are ignored
    poison.channel(1)[1500] = std::numeric_limits<float>::infinity();
    meter.process(poison.block());
    EXPECT_EQ(meter.truePeakLinear(), std::numeric_limits<double>::infinity());
    meter.reset();
    meter.process(music.block());
    EXPECT_EQ(meter.truePeakLinear(), fresh.truePeakLinear());
    EXPECT_EQ(meter.channelTruePeakLinear(), fresh.channelTruePeakLinear());
}

TEST(TruePeakMeter, ProcessResetAndReadingsDoNotAllocate) {
    const double rate = 44100.0;
    const AudioBuffer audio = test::whiteNoise(rate, 0.5, 0.5, 2, 6);
    TruePeakMeterOptions options;
    options.countAboveLinear = 0.4;
    TruePeakMeter meter = preparedMeter(rate, 2, options);
    test::AllocationCounter counter;
    const ConstAudioBlock block = audio.block();
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += 3000)
        meter.process(block.slice(offset, std::min<std::size_t>(3000, audio.numFrames() - offset)));
    double sink = meter.truePeakLinear() + meter.truePeakDbtp() + double(meter.countAbove());
    meter.reset();
    EXPECT_EQ(counter.count(), 0u);
    EXPECT_GT(sink, 0.0);
}
