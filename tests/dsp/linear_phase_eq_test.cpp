#include "lathe/dsp/linear_phase_eq.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <fstream>
#include <limits>
#include <thread>
#include <vector>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

// Smooth curves sampled every 1/48 octave (the design interpolates between points on log-frequency).
std::vector<CurvePoint> sampled(double (*shape)(double)) {
    std::vector<CurvePoint> points;
    for (double f = 10.0; f < 30000.0; f *= std::exp2(1.0 / 48.0)) points.push_back({f, shape(f)});
    return points;
}
double gaussianBell(double f, double centreHz, double widthOctaves, double gainDb) {
    const double sigma = widthOctaves / (2.0 * std::sqrt(2.0 * std::log(2.0)));
    const double octaves = std::log2(f / centreHz);
    return gainDb * std::exp(-0.5 * octaves * octaves / (sigma * sigma));
}
double lowShelf(double f) { return 4.0 / (1.0 + (f / 100.0) * (f / 100.0)); }
double highShelf(double f) { return -3.0 / (1.0 + (6000.0 / f) * (6000.0 / f)); }
double tilt(double f) { return -1.5 * std::log2(std::clamp(f, 20.0, 20000.0) / 1000.0); }
double bell1k(double f) { return gaussianBell(f, 1000.0, 0.5, -3.0); }
double bell100(double f) { return gaussianBell(f, 100.0, 0.5, 3.0); }
double corrective(double f) {
    return lowShelf(f) + gaussianBell(f, 300.0, 1.0, -2.0) + gaussianBell(f, 3000.0, 0.5, 1.5) + highShelf(f);
}

struct NamedCurve {
    const char* name;
    double (*shape)(double);
};
const NamedCurve kCurves[] = {{"low shelf 100 Hz +4 dB", lowShelf},  {"high shelf 6 kHz -3 dB", highShelf},
                              {"tilt -1.5 dB/oct", tilt},            {"bell 1 kHz 1/2 oct -3 dB", bell1k},
                              {"bell 100 Hz 1/2 oct +3 dB", bell100}, {"corrective (4 features)", corrective}};

LinearPhaseEqParams paramsFor(double (*shape)(double)) {
    LinearPhaseEqParams params;
    params.design.curve = sampled(shape);
    return params;
}

// Runs the stage over an impulse (stereo) in 512-frame blocks and returns channel 0.
std::vector<float> impulseResponse(LinearPhaseEq& eq, double sampleRate, std::size_t frames) {
    AudioBuffer audio = test::impulse(2, frames, 0);
    test::processWhole(eq, audio, sampleRate, 512);
    EXPECT_EQ(0, std::memcmp(audio.channel(0).data(), audio.channel(1).data(), frames * sizeof(float)));
    return {audio.channel(0).begin(), audio.channel(0).end()};
}

std::vector<std::complex<double>> fft(const std::vector<double>& x) {
    std::vector<double> in = x;
    std::vector<fftw_complex> out(x.size() / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(int(x.size()), in.data(), out.data(), FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
    std::vector<std::complex<double>> result(out.size());
    for (std::size_t k = 0; k < out.size(); ++k) result[k] = {out[k][0], out[k][1]};
    return result;
}

// Float round-off bound of the convolution for a filter with the given taps (see
// fft_convolver_test.cpp): eps * (log2(2B) + 4) * 4 * sum|h| * max|x|, B <= 512 here.
double convolutionBound(std::span<const float> taps, double maxInput) {
    double l1 = 0.0;
    for (float t : taps) l1 += std::abs(double(t));
    return double(std::numeric_limits<float>::epsilon()) * (std::log2(1024.0) + 4.0) * 4.0 * l1 * maxInput;
}

void writeCsvOnFailure(const std::string& name, const std::vector<double>& f, const std::vector<double>& measured,
                       const std::vector<double>& target) {
    std::ofstream out(testing::TempDir() + "linear_phase_eq_" + name + ".csv");
    out << "frequencyHz,measuredDb,targetDb\n";
    for (std::size_t i = 0; i < f.size(); ++i) out << f[i] << ',' << measured[i] << ',' << target[i] << '\n';
}

TEST(LinearPhaseEq, ImpulseResponseIsTheDesignedTaps) {
    LinearPhaseEq eq(paramsFor(corrective));
    const auto response = impulseResponse(eq, 48000.0, 20000);
    const auto* design = eq.design();
    ASSERT_NE(design, nullptr);
    const auto taps = design->taps();
    const double bound = convolutionBound(taps, 1.0);
    double worst = 0.0;
    for (std::size_t n = 0; n < response.size(); ++n) {
        const double expected = n < taps.size() ? taps[n] : 0.0;
        worst = std::max(worst, std::abs(response[n] - expected));
    }
    EXPECT_LT(worst, bound) << "bound " << bound;
    RecordProperty("worst_tap_error", testing::PrintToString(worst));
    EXPECT_EQ(eq.latencyFrames(), (design->length() - 1) / 2);
}

TEST(LinearPhaseEq, MeasuredMagnitudeMatchesTargetWithinTenthOfDbFrom30HzTo20kHz) {
    for (double sampleRate : {44100.0, 48000.0, 96000.0}) {
        for (const auto& curve : kCurves) {
            SCOPED_TRACE(testing::Message() << curve.name << " at " << sampleRate << " Hz");
            LinearPhaseEq eq(paramsFor(curve.shape));
            const std::size_t size = sampleRate > 50000.0 ? 131072 : 65536;
            const auto response = impulseResponse(eq, sampleRate, size);
            const auto spectrum = fft(std::vector<double>(response.begin(), response.end()));
            std::vector<double> frequencies, measured, target;
            double worst = 0.0;
            for (std::size_t k = 1; k < spectrum.size(); ++k) {
                const double f = double(k) * sampleRate / double(size);
                if (f < 30.0 || f > 20000.0) continue;
                frequencies.push_back(f);
                measured.push_back(20.0 * std::log10(std::abs(spectrum[k])));
                target.push_back(eq.design()->targetDb(f));
                worst = std::max(worst, std::abs(measured.back() - target.back()));
            }
            EXPECT_LE(worst, 0.1) << "N = " << eq.design()->length();
            RecordProperty(std::string(curve.name) + " @" + std::to_string(int(sampleRate)),
                           "N=" + std::to_string(eq.design()->length()) + " worst_dB=" + testing::PrintToString(worst));
            if (worst > 0.1) writeCsvOnFailure(std::to_string(int(sampleRate)), frequencies, measured, target);
            // The analytic response() describes what the stage does, at a sample of the bins.
            for (std::size_t i = 0; i < frequencies.size(); i += frequencies.size() / 40)
                EXPECT_NEAR(measured[i], eq.design()->magnitudeDb(frequencies[i]), 1e-3) << frequencies[i] << " Hz";
        }
    }
}

TEST(LinearPhaseEq, GroupDelayIsConstantAndEqualsLatency) {
    // Group delay from the impulse response: tau(w) = Re{ DFT(n h[n]) / DFT(h[n]) }.
    for (double sampleRate : {44100.0, 96000.0}) {
        LinearPhaseEq eq(paramsFor(corrective));
        const std::size_t size = 65536;
        const auto response = impulseResponse(eq, sampleRate, size);
        std::vector<double> h(size), nh(size);
        for (std::size_t n = 0; n < size; ++n) {
            h[n] = response[n];
            nh[n] = double(n) * response[n];
        }
        const auto hSpectrum = fft(h);
        const auto nhSpectrum = fft(nh);
        double worst = 0.0;
        for (std::size_t k = 1; k < hSpectrum.size(); ++k) {
            const double f = double(k) * sampleRate / double(size);
            if (f < 30.0 || f > 20000.0) continue;
            worst = std::max(worst, std::abs((nhSpectrum[k] / hSpectrum[k]).real() - double(eq.latencyFrames())));
        }
        // Float taps through float convolution: the measured delay departs from (N-1)/2 only by round-off.
        EXPECT_LT(worst, 1e-3) << sampleRate << " Hz, latency " << eq.latencyFrames();
        RecordProperty("group_delay_worst_frames_" + std::to_string(int(sampleRate)), testing::PrintToString(worst));
    }
}

TEST(LinearPhaseEq, FlatCurveNullsAgainstDelayedInput) {
    LinearPhaseEqParams params;
    params.design.curve = {{1000.0, 0.0}};
    LinearPhaseEq eq(params);
    const AudioBuffer input = test::whiteNoise(48000.0, 2.0, 1.0, 2, 5);
    AudioBuffer output = test::copyOf(input.block());
    test::processWhole(eq, output, 48000.0, 1000);
    const auto latency = std::size_t(eq.latencyFrames());
    ASSERT_EQ(latency, 2047u);  // a flat curve needs no more than the minimum length
    // Every tap but the centre is a rounding residue of the inverse FFT: the output is the delayed
    // input to within the convolution's float round-off (the bound, for sum|h| ~ 1, is ~6e-6).
    const auto taps = eq.design()->taps();
    for (std::size_t n = 0; n < taps.size(); ++n) ASSERT_NEAR(taps[n], n == latency ? 1.0 : 0.0, 1e-9) << n;
    const double bound = convolutionBound(eq.design()->taps(), 1.0);
    double worst = 0.0;
    for (int c = 0; c < 2; ++c)
        for (std::size_t n = latency; n < input.numFrames(); ++n)
            worst = std::max(worst, std::abs(double(output.channel(c)[n]) - input.channel(c)[n - latency]));
    EXPECT_LT(worst, bound);
    RecordProperty("flat_null_worst", testing::PrintToString(worst));
}

TEST(LinearPhaseEq, IsLinear) {
    const AudioBuffer a = test::whiteNoise(48000.0, 1.0, 0.5, 2, 7);
    const AudioBuffer b = test::pinkNoise(48000.0, 1.0, 0.5, 2, 8);
    AudioBuffer mix(2, a.numFrames());
    for (int c = 0; c < 2; ++c)
        for (std::size_t n = 0; n < a.numFrames(); ++n) mix.channel(c)[n] = 0.75f * a.channel(c)[n] - 1.25f * b.channel(c)[n];
    AudioBuffer ya = test::copyOf(a.block()), yb = test::copyOf(b.block()), ymix = test::copyOf(mix.block());
    for (AudioBuffer* y : {&ya, &yb, &ymix}) {
        LinearPhaseEq eq(paramsFor(corrective));
        test::processWhole(eq, *y, 48000.0, 700);
    }
    LinearPhaseEq probe(paramsFor(corrective));
    ASSERT_TRUE(probe.prepare({48000.0, 2, 4096}).ok());
    const double bound = 3.0 * convolutionBound(probe.design()->taps(), 1.25);
    double worst = 0.0;
    for (int c = 0; c < 2; ++c)
        for (std::size_t n = 0; n < a.numFrames(); ++n)
            worst = std::max(worst, std::abs(double(ymix.channel(c)[n]) -
                                             (0.75 * ya.channel(c)[n] - 1.25 * yb.channel(c)[n])));
    EXPECT_LT(worst, bound);
}

TEST(LinearPhaseEq, KeepsTheStageContract) {
    const AudioBuffer input = test::pinkNoise(48000.0, 1.5, 0.5, 2, 9);
    test::expectStageContract([] { return std::make_unique<LinearPhaseEq>(paramsFor(corrective)); }, input, 48000.0);
}

TEST(LinearPhaseEq, SetCurveCrossfadesToTheNewFilterAndKeepsLatency) {
    const double sampleRate = 48000.0;
    const AudioBuffer input = test::pinkNoise(sampleRate, 2.0, 0.5, 2, 10);
    LinearPhaseEqParams before = paramsFor(bell1k);
    before.crossfadeMs = 20.0;
    LinearPhaseEqParams after = paramsFor(highShelf);

    LinearPhaseEq eq(before);
    ASSERT_TRUE(eq.prepare({sampleRate, 2, 4096}).ok());
    const int latency = eq.latencyFrames();
    after.design.lengthFrames = eq.design()->length();
    // References: each filter alone over the whole input.
    AudioBuffer oldOut = test::copyOf(input.block()), newOut = test::copyOf(input.block());
    LinearPhaseEq oldEq(before), newEq(after);
    test::processWhole(oldEq, oldOut, sampleRate, 512);
    test::processWhole(newEq, newOut, sampleRate, 512);

    AudioBuffer out = test::copyOf(input.block());
    const std::size_t switchAt = 30011;
    eq.process(out.block().slice(0, switchAt));
    ASSERT_TRUE(eq.setCurve(after.design).ok());
    EXPECT_FALSE(eq.setCurve(after.design).ok()) << "a second change while one is pending must be refused";
    EXPECT_EQ(eq.latencyFrames(), latency);
    for (std::size_t offset = switchAt; offset < out.numFrames(); offset += 333)
        eq.process(out.block().slice(offset, std::min<std::size_t>(333, out.numFrames() - offset)));

    const auto fadeFrames = std::size_t(std::llround(0.020 * sampleRate));
    for (int c = 0; c < 2; ++c) {
        for (std::size_t n = 0; n < switchAt; ++n) ASSERT_EQ(out.channel(c)[n], oldOut.channel(c)[n]) << n;
        for (std::size_t i = 0; i < fadeFrames; ++i) {
            const std::size_t n = switchAt + i;
            const double mix = double(i + 1) / double(fadeFrames);
            const double expected = (1.0 - mix) * oldOut.channel(c)[n] + mix * newOut.channel(c)[n];
            ASSERT_NEAR(out.channel(c)[n], expected, 1e-6) << "fade frame " << i;
        }
        // After the fade the output is bit-identical to the new filter's: same input history, same kernel.
        for (std::size_t n = switchAt + fadeFrames; n < out.numFrames(); ++n)
            ASSERT_EQ(out.channel(c)[n], newOut.channel(c)[n]) << n;
    }
    EXPECT_TRUE(eq.setCurve(before.design).ok()) << "accepted again once the fade is over";
}

TEST(LinearPhaseEq, SetCurveFromAnotherThreadWhileProcessing) {
    const double sampleRate = 48000.0;
    LinearPhaseEqParams params = paramsFor(bell1k);
    params.crossfadeMs = 5.0;
    LinearPhaseEq eq(params);
    ASSERT_TRUE(eq.prepare({sampleRate, 2, 512}).ok());
    LinearPhaseEqParams target = paramsFor(tilt);
    std::atomic<bool> accepted{false};
    std::thread designer([&] {
        while (!eq.setCurve(target.design).ok()) std::this_thread::yield();
        accepted = true;
    });
    AudioBuffer audio = test::pinkNoise(sampleRate, 0.25, 0.5, 2, 11);
    for (int round = 0; round < 400 && !accepted; ++round)
        for (std::size_t offset = 0; offset < audio.numFrames(); offset += 512)
            eq.process(audio.block().slice(offset, std::min<std::size_t>(512, audio.numFrames() - offset)));
    designer.join();
    ASSERT_TRUE(accepted);
    // Finish the fade, then the stage must behave exactly like one built with the new curve.
    AudioBuffer flush(2, 4096);
    eq.process(flush.block().slice(0, 512));
    eq.reset();
    target.design.lengthFrames = eq.design()->length();
    LinearPhaseEq fresh(target);
    AudioBuffer a = test::pinkNoise(sampleRate, 0.5, 0.5, 2, 12), b = test::copyOf(a.block());
    for (std::size_t offset = 0; offset < a.numFrames(); offset += 512)
        eq.process(a.block().slice(offset, std::min<std::size_t>(512, a.numFrames() - offset)));
    test::processWhole(fresh, b, sampleRate, 512, 512);
    EXPECT_EQ(test::maxAbsDifference(a.block(), b.block()), 0.0);
}

TEST(LinearPhaseEq, PrepareReportsDesignErrors) {
    LinearPhaseEqParams params;
    params.design.curve.clear();
    LinearPhaseEq eq(params);
    const auto status = eq.prepare({48000.0, 2, 512});
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("curve"), std::string::npos);
    EXPECT_FALSE(eq.setCurve(params.design).ok());
}

}  // namespace
}  // namespace lathe::dsp
