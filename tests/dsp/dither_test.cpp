#include "lathe/dsp/dither.h"

#include <fftw3.h>
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <numbers>
#include <vector>

#include "lathe/audio_file.h"
#include "support/signals.h"
#include "support/stage_contract.h"
#include "support/temp_dir.h"
#include "util/random.h"

namespace lathe::dsp {
namespace {

DitherParams paramsFor(DitherMode mode, int bits = 16) {
    DitherParams params;
    params.mode = mode;
    params.bits = bits;
    return params;
}

// Runs a mono signal through a prepared Dither and returns the error (output - input) in LSB.
std::vector<double> errorInLsb(Dither& dither, const std::vector<float>& input, double sampleRate) {
    AudioBuffer audio(1, input.size());
    std::copy(input.begin(), input.end(), audio.channel(0).begin());
    test::processWhole(dither, audio, sampleRate, 1024);
    std::vector<double> error(input.size());
    const double scale = 1.0 / dither.lsb();
    for (std::size_t i = 0; i < input.size(); ++i) error[i] = (double(audio.channel(0)[i]) - double(input[i])) * scale;
    return error;
}

// Welch power spectral density with a Hann window, normalised so white noise of variance s^2
// reads s^2 in every bin: P[k] = mean over segments of |DFT(w x)|^2 / sum(w^2).
std::vector<double> welch(const std::vector<double>& x, std::size_t segment) {
    std::vector<double> window(segment), in(segment);
    double windowPower = 0.0;
    for (std::size_t i = 0; i < segment; ++i) {
        window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(segment));
        windowPower += window[i] * window[i];
    }
    std::vector<fftw_complex> out(segment / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(int(segment), in.data(), out.data(), FFTW_ESTIMATE);
    std::vector<double> psd(segment / 2 + 1, 0.0);
    std::size_t count = 0;
    for (std::size_t start = 0; start + segment <= x.size(); start += segment / 2, ++count) {
        for (std::size_t i = 0; i < segment; ++i) in[i] = x[start + i] * window[i];
        fftw_execute(plan);
        for (std::size_t k = 0; k < psd.size(); ++k) psd[k] += out[k][0] * out[k][0] + out[k][1] * out[k][1];
    }
    fftw_destroy_plan(plan);
    for (auto& p : psd) p /= double(count) * windowPower;
    return psd;
}

// Mean of psd over the bins whose frequency lies in [lowHz, highHz).
double bandMean(const std::vector<double>& psd, double sampleRate, double lowHz, double highHz) {
    const double binHz = 0.5 * sampleRate / double(psd.size() - 1);
    double sum = 0.0;
    int n = 0;
    for (std::size_t k = 1; k < psd.size(); ++k)
        if (double(k) * binHz >= lowHz && double(k) * binHz < highHz) sum += psd[k], ++n;
    return sum / n;
}

// DFT power of x at frequency f (exact bin when x spans whole periods), |sum x e^-jwn|^2.
double dftPower(const double* x, std::size_t n, double frequencyHz, double sampleRate) {
    std::complex<double> sum = 0.0;
    const double omega = 2.0 * std::numbers::pi * frequencyHz / sampleRate;
    for (std::size_t i = 0; i < n; ++i) sum += x[i] * std::polar(1.0, -omega * double(i));
    return std::norm(sum);
}

std::vector<float> lowLevelMusicLikeSignal(double sampleRate, std::size_t frames, double amplitude) {
    AudioBuffer pink = test::pinkNoise(sampleRate, double(frames) / sampleRate, amplitude, 1, 99);
    std::vector<float> out(pink.channel(0).begin(), pink.channel(0).end());
    out.resize(frames, 0.0f);
    return out;
}

TEST(Dither, OutputIsExactlyOnTheTargetGridAndInRange) {
    const AudioBuffer loud = test::whiteNoise(48000.0, 0.5, 1.3, 2, 4);  // includes overs
    for (int bits : {16, 24}) {
        for (auto mode : {DitherMode::Round, DitherMode::Tpdf, DitherMode::NoiseShaped}) {
            SCOPED_TRACE(testing::Message() << bits << " bits, mode " << int(mode));
            Dither dither(paramsFor(mode, bits));
            AudioBuffer audio = test::copyOf(loud.block());
            test::processWhole(dither, audio, 48000.0, 999);
            const double scale = std::ldexp(1.0, bits - 1);
            for (int c = 0; c < 2; ++c)
                for (float s : audio.channel(c)) {
                    const double code = double(s) * scale;
                    ASSERT_EQ(code, std::floor(code));
                    ASSERT_GE(code, -scale);
                    ASSERT_LE(code, scale - 1.0);
                }
        }
    }
}

TEST(Dither, WrittenFilesHoldExactlyTheDitheredCodes) {
    test::TempDir dir;
    for (auto [bits, encoding] : {std::pair{16, SampleEncoding::Pcm16}, std::pair{24, SampleEncoding::Pcm24}}) {
        Dither dither(paramsFor(DitherMode::NoiseShaped, bits));
        AudioBuffer audio = test::pinkNoise(44100.0, 0.5, 0.9, 2, 5);
        test::processWhole(dither, audio, 44100.0, 512);
        const auto path = dir / ("dithered" + std::to_string(bits) + ".wav");
        WriteOptions options;
        options.encoding = encoding;
        ASSERT_TRUE(writeAudioFile(path, audio.block(), 44100.0, options).ok());
        auto decoded = readAudioFile(path);
        ASSERT_TRUE(decoded.ok()) << decoded.error().message;
        EXPECT_EQ(test::maxAbsDifference(decoded->audio.block(), audio.block()), 0.0) << bits << " bits";
    }
}

TEST(Dither, TpdfErrorIsWhiteWithPowerOfAQuarterLsbSquared) {
    const double sampleRate = 48000.0;
    const auto input = lowLevelMusicLikeSignal(sampleRate, std::size_t{1} << 20, 0.01);
    for (int bits : {16, 24}) {
        SCOPED_TRACE(testing::Message() << bits << " bits");
        Dither dither(paramsFor(DitherMode::Tpdf, bits));
        const auto error = errorInLsb(dither, input, sampleRate);
        double power = 0.0;
        for (double e : error) power += e * e;
        power /= double(error.size());
        // Rounding error (1/12) plus TPDF dither (1/6) = 1/4 LSB^2; 2^20 samples estimate it to ~0.2 %.
        EXPECT_NEAR(power, 0.25, 0.25 * 0.01);
        RecordProperty("tpdf_error_power_lsb2_" + std::to_string(bits), testing::PrintToString(power));
        const auto psd = welch(error, 4096);
        double worstOctaveDb = 0.0;
        for (double low = 62.5; low < 20000.0; low *= 2.0) {
            const double band = bandMean(psd, sampleRate, low, 2.0 * low);
            EXPECT_NEAR(10.0 * std::log10(band / 0.25), 0.0, 0.5) << "octave from " << low << " Hz";
            worstOctaveDb = std::max(worstOctaveDb, std::abs(10.0 * std::log10(band / 0.25)));
        }
        RecordProperty("tpdf_worst_octave_db_" + std::to_string(bits), testing::PrintToString(worstOctaveDb));
    }
}

TEST(Dither, ShapedErrorFollowsTheDesignedResponse) {
    for (double sampleRate : {44100.0, 48000.0}) {
        SCOPED_TRACE(testing::Message() << sampleRate << " Hz");
        const auto input = lowLevelMusicLikeSignal(sampleRate, std::size_t{1} << 21, 0.01);
        Dither dither(paramsFor(DitherMode::NoiseShaped));
        const auto error = errorInLsb(dither, input, sampleRate);
        const auto psd = welch(error, 4096);
        const NoiseShaper* shaper = dither.shaper();
        ASSERT_NE(shaper, nullptr);
        // Designed PSD: |NTF|^2 * 1/4 LSB^2, averaged over the same bins as the measurement.
        std::vector<double> designed(psd.size());
        for (std::size_t k = 0; k < psd.size(); ++k)
            designed[k] = 0.25 * std::norm(shaper->response(double(k) * 0.5 * sampleRate / double(psd.size() - 1)));
        double worstBandDb = 0.0;
        for (double low = 50.0; low < 0.5 * sampleRate / std::exp2(1.0 / 3.0); low *= std::exp2(1.0 / 3.0)) {
            const double high = low * std::exp2(1.0 / 3.0);
            const double measuredDb = 10.0 * std::log10(bandMean(psd, sampleRate, low, high));
            const double designedDb = 10.0 * std::log10(bandMean(designed, sampleRate, low, high));
            EXPECT_NEAR(measuredDb, designedDb, 1.0) << "third octave from " << low << " Hz";
            worstBandDb = std::max(worstBandDb, std::abs(measuredDb - designedDb));
        }
        const double flatDb = 10.0 * std::log10(0.25);
        RecordProperty("shaped_worst_third_octave_db_" + std::to_string(int(sampleRate)), std::to_string(worstBandDb));
        RecordProperty("shaped_2_5k_vs_flat_db", std::to_string(10.0 * std::log10(bandMean(psd, sampleRate, 2000.0, 5000.0)) - flatDb));
        RecordProperty("shaped_17k_nyquist_vs_flat_db", std::to_string(10.0 * std::log10(bandMean(psd, sampleRate, 17000.0, 0.5 * sampleRate)) - flatDb));
        EXPECT_LT(10.0 * std::log10(bandMean(psd, sampleRate, 2000.0, 5000.0)), flatDb - 15.0);
        EXPECT_GT(10.0 * std::log10(bandMean(psd, sampleRate, 17000.0, 0.5 * sampleRate)), flatDb + 10.0);
    }
}

TEST(Dither, TpdfRemovesTruncationDistortionOfAQuietSine) {
    // A 1 kHz sine at -90 dBFS (about 1 LSB at 16 bits) at 48 kHz: 48 frames per period, so every
    // 24000-frame segment holds whole periods and each harmonic falls on an exact DFT bin.
    const double sampleRate = 48000.0;
    const std::size_t segment = 24000, segments = 20;
    AudioBuffer sine = test::sineDb(sampleRate, 1000.0, double(segment * segments) / sampleRate, -90.0, 1);
    const std::vector<float> input(sine.channel(0).begin(), sine.channel(0).end());
    // White error of variance 1/4 LSB^2 has mean DFT power segment / 4 in every bin.
    const double floor = double(segment) * 0.25;
    auto harmonicPowers = [&](DitherMode mode) {
        Dither dither(paramsFor(mode));
        const auto error = errorInLsb(dither, input, sampleRate);
        std::vector<double> powers;
        for (int h = 1; h <= 9; ++h) {
            double sum = 0.0;
            for (std::size_t s = 0; s < segments; ++s) sum += dftPower(error.data() + s * segment, segment, 1000.0 * h, sampleRate);
            powers.push_back(sum / double(segments));
        }
        return powers;
    };
    const auto undithered = harmonicPowers(DitherMode::Round);
    EXPECT_GT(undithered[2], 100.0 * floor) << "rounding alone must show a 3rd harmonic well above the dither floor";
    RecordProperty("round_h3_over_floor", std::to_string(undithered[2] / floor));
    const auto dithered = harmonicPowers(DitherMode::Tpdf);
    // With TPDF every harmonic bin is noise: the mean of 20 exponential variables with mean `floor`
    // lies in [0.4, 2.0] x floor with probability > 0.9999 each.
    for (std::size_t h = 0; h < dithered.size(); ++h) {
        RecordProperty("tpdf_h" + std::to_string(h + 1) + "_over_floor", std::to_string(dithered[h] / floor));
        EXPECT_GT(dithered[h], 0.4 * floor) << "harmonic " << h + 1;
        EXPECT_LT(dithered[h], 2.0 * floor) << "harmonic " << h + 1;
    }
}

TEST(Dither, TpdfErrorMomentsDoNotDependOnTheSignal) {
    // Inputs spread over many LSB; group them by where they fall between two grid points. With TPDF
    // the error's mean (0) and variance (1/4 LSB^2) are the same in every group; with plain
    // rounding they are a function of the position (mean from +0.5 to -0.5, variance 0).
    const double sampleRate = 48000.0;
    const std::size_t frames = std::size_t{1} << 21;
    std::vector<float> input(frames);
    Random random(17);
    for (auto& s : input) s = float(8.0 * random.bipolar() / 32768.0);
    constexpr int kGroups = 8;
    auto moments = [&](DitherMode mode) {
        Dither dither(paramsFor(mode));
        const auto error = errorInLsb(dither, input, sampleRate);
        std::vector<double> sum(kGroups, 0.0), sumSquares(kGroups, 0.0), count(kGroups, 0.0);
        for (std::size_t i = 0; i < frames; ++i) {
            const double position = double(input[i]) * 32768.0;
            const int group = std::min(kGroups - 1, int((position - std::floor(position)) * kGroups));
            sum[group] += error[i];
            sumSquares[group] += error[i] * error[i];
            count[group] += 1.0;
        }
        std::vector<std::pair<double, double>> result;
        for (int g = 0; g < kGroups; ++g) {
            const double mean = sum[g] / count[g];
            result.emplace_back(mean, sumSquares[g] / count[g] - mean * mean);
        }
        return result;
    };
    // ~262000 samples a group: the standard error is ~0.001 for the mean, ~0.0008 for the variance.
    for (const auto& [mean, variance] : moments(DitherMode::Tpdf)) {
        RecordProperty("group_mean_variance", std::to_string(mean) + " " + std::to_string(variance));
        EXPECT_NEAR(mean, 0.0, 0.01);
        EXPECT_NEAR(variance, 0.25, 0.01);
    }
    int dependent = 0;
    for (const auto& [mean, variance] : moments(DitherMode::Round))
        if (std::abs(mean) > 0.01 || std::abs(variance - 0.25) > 0.01) ++dependent;
    EXPECT_EQ(dependent, kGroups) << "the check must be able to see signal dependence";
}

TEST(Dither, ShapedLoopStaysBoundedThroughOvers) {
    // A square wave beyond full scale, then quiet noise: the loop feeds back the unclipped error,
    // so the non-clipped output error stays within the bound (1 + sum|a_k|) * 1.5 LSB.
    const double sampleRate = 44100.0;
    std::vector<float> input(200000);
    for (std::size_t i = 0; i < input.size(); ++i)
        input[i] = i < 100000 ? ((i / 50) % 2 ? 1.4f : -1.4f) : float(0.001 * std::sin(0.01 * double(i)));
    Dither dither(paramsFor(DitherMode::NoiseShaped));
    const auto error = errorInLsb(dither, input, sampleRate);
    double bound = 1.0;
    for (double a : dither.shaper()->coefficients()) bound += std::abs(a);
    bound *= 1.5;
    for (std::size_t i = 100000; i < input.size(); ++i) ASSERT_LE(std::abs(error[i]), bound) << i;
}

TEST(Dither, NonFiniteInputGivesDefinedCodes) {
    for (auto mode : {DitherMode::Round, DitherMode::Tpdf, DitherMode::NoiseShaped}) {
        Dither dither(paramsFor(mode));
        ASSERT_TRUE(dither.prepare({48000.0, 1, 8}).ok());
        float samples[4] = {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                            -std::numeric_limits<float>::infinity(), 0.0f};
        float* channel = samples;
        dither.process(AudioBlock(&channel, 1, 4));
        EXPECT_EQ(samples[0], 0.0f);
        EXPECT_EQ(samples[1], 32767.0f / 32768.0f);
        EXPECT_EQ(samples[2], -1.0f);
        EXPECT_TRUE(std::isfinite(samples[3]));
    }
}

TEST(Dither, IsDeterministicAndKeepsTheStageContract) {
    const AudioBuffer input = test::pinkNoise(48000.0, 1.0, 0.3, 2, 21);
    for (auto mode : {DitherMode::Round, DitherMode::Tpdf, DitherMode::NoiseShaped}) {
        for (int bits : {16, 24}) {
            SCOPED_TRACE(testing::Message() << bits << " bits, mode " << int(mode));
            test::expectStageContract([=] { return std::make_unique<Dither>(paramsFor(mode, bits)); }, input, 48000.0);
        }
    }
    // Same seed, same bits; another seed, other dither; channels get independent dither.
    AudioBuffer a = test::copyOf(input.block()), b = test::copyOf(input.block()), c = test::copyOf(input.block());
    Dither first(paramsFor(DitherMode::Tpdf)), second(paramsFor(DitherMode::Tpdf));
    DitherParams otherSeed = paramsFor(DitherMode::Tpdf);
    otherSeed.seed = 2;
    Dither third(otherSeed);
    test::processWhole(first, a, 48000.0, 100);
    test::processWhole(second, b, 48000.0, 4096);
    test::processWhole(third, c, 48000.0, 100);
    EXPECT_EQ(test::maxAbsDifference(a.block(), b.block()), 0.0);
    EXPECT_GT(test::maxAbsDifference(a.block(), c.block()), 0.0);
    AudioBuffer mono(2, 48000);  // identical channels in, different dither out
    Dither stereo(paramsFor(DitherMode::Tpdf));
    test::processWhole(stereo, mono, 48000.0, 512);
    EXPECT_NE(0, std::memcmp(mono.channel(0).data(), mono.channel(1).data(), 48000 * sizeof(float)));
}

TEST(Dither, RejectsUnsupportedWordLengths) {
    for (int bits : {4, 25, 32}) {
        Dither dither(paramsFor(DitherMode::Tpdf, bits));
        EXPECT_FALSE(dither.prepare({48000.0, 2, 512}).ok()) << bits;
    }
}

}  // namespace
}  // namespace lathe::dsp
