// Agreement with libebur128 (an independent implementation, used here as an oracle) on generated
// material at 44.1, 48, 88.2, 96 and 192 kHz, mono and stereo.
//   integrated, max momentary, max short-term: within 0.05 LU
//   loudness range: within 0.1 LU
// libebur128 runs in EBUR128_MODE_I | LRA | M | S. It has no maxima, so it is fed in 10 ms
// chunks (the hop of lathe's meter) and queried after each; the maxima are taken over complete
// windows (>= 400 ms, >= 3 s), the same set of windows lathe evaluates.
#include <ebur128.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <string>

#include "loudness_test_signals.h"
#include "support/signals.h"

using namespace lathe;
using namespace lathe::test::loudness;

namespace {

struct Figures {
    std::optional<double> integrated, range, maxMomentary, maxShortTerm;
};

// libebur128's figures for a planar buffer.
Figures libebur128Figures(const AudioBuffer& audio, double sampleRate, bool queryMaxima) {
    const int channels = audio.numChannels();
    std::unique_ptr<ebur128_state, void (*)(ebur128_state*)> st(
        ebur128_init(static_cast<unsigned>(channels), static_cast<unsigned long>(sampleRate),
                     EBUR128_MODE_I | EBUR128_MODE_LRA | EBUR128_MODE_M | EBUR128_MODE_S),
        [](ebur128_state* p) { ebur128_destroy(&p); });
    const std::size_t frames = audio.numFrames();
    std::vector<float> interleaved(frames * static_cast<std::size_t>(channels));
    for (std::size_t i = 0; i < frames; ++i)
        for (int c = 0; c < channels; ++c) interleaved[i * std::size_t(channels) + std::size_t(c)] = audio.channel(c)[i];

    Figures f;
    double maxM = -HUGE_VAL, maxS = -HUGE_VAL;
    std::size_t done = 0;
    for (std::int64_t hop = 1; done < frames; ++hop) {
        const auto end = std::min(frames, static_cast<std::size_t>(std::llround(double(hop) * sampleRate / 100.0)));
        ebur128_add_frames_float(st.get(), interleaved.data() + done * std::size_t(channels), end - done);
        done = end;
        if (!queryMaxima || end != static_cast<std::size_t>(std::llround(double(hop) * sampleRate / 100.0))) continue;
        double v = 0;
        if (hop >= 40 && ebur128_loudness_momentary(st.get(), &v) == EBUR128_SUCCESS) maxM = std::max(maxM, v);
        if (hop >= 300 && ebur128_loudness_shortterm(st.get(), &v) == EBUR128_SUCCESS) maxS = std::max(maxS, v);
    }
    double v = 0;
    if (ebur128_loudness_global(st.get(), &v) == EBUR128_SUCCESS && std::isfinite(v)) f.integrated = v;
    if (ebur128_loudness_range(st.get(), &v) == EBUR128_SUCCESS) f.range = v;
    if (std::isfinite(maxM)) f.maxMomentary = maxM;
    if (std::isfinite(maxS)) f.maxShortTerm = maxS;
    return f;
}

struct Material {
    std::string name;
    std::function<AudioBuffer(double sampleRate, int channels)> make;
};

const double kRates[] = {44100.0, 48000.0, 88200.0, 96000.0, 192000.0};

// Tones across the K-weighting curve: 40 Hz (RLB slope), 1 kHz, 3 kHz and 10 kHz (shelf), in
// overlapping stretches at different levels, with silent stretches.
AudioBuffer tones(double fs, int ch, double seconds) {
    const double third = seconds / 3.0;
    AudioBuffer a = sineSegments(fs, ch, {{{-18.0}, third}, {{-30.0}, third}, {{-12.0}, third}}, 40.0);
    const AudioBuffer b = sineSegments(fs, ch, {{{-26.0}, seconds}}, 1000.0);
    const AudioBuffer c = sineSegments(fs, ch, {{{kSilence}, third}, {{-20.0}, 2 * third}}, 3000.0);
    const AudioBuffer d = sineSegments(fs, ch, {{{-24.0}, 1.5 * third}, {{kSilence}, 1.5 * third}}, 10000.0);
    for (int k = 0; k < ch; ++k)
        for (std::size_t i = 0; i < a.numFrames(); ++i) a.channel(k)[i] += b.channel(k)[i] + c.channel(k)[i] + d.channel(k)[i];
    return a;
}

// Level steps of pink noise (a programme with a wide loudness range and a quiet passage that the
// relative gates drop).
AudioBuffer pinkSteps(double fs, int ch) {
    const double levelsDb[] = {-6.0, -14.0, -3.0, -22.0, -40.0, -9.0};
    AudioBuffer out(ch, 0);
    for (std::size_t s = 0; s < std::size(levelsDb); ++s) {
        AudioBuffer part = test::pinkNoise(fs, 6.0, std::pow(10.0, levelsDb[s] / 20.0), ch, 20 + s);
        out = out.numFrames() == 0 ? std::move(part) : test::concat(out, part);
    }
    return out;
}

// For the maxima: 12 s each (libebur128 is queried every 10 ms, which costs a 3 s sum each time).
std::vector<Material> maximaMaterials() {
    return {
        {"white noise", [](double fs, int ch) { return test::whiteNoise(fs, 12.0, 0.25, ch, 3); }},
        {"pink noise", [](double fs, int ch) { return test::pinkNoise(fs, 12.0, 0.5, ch, 4); }},
        {"tones", [](double fs, int ch) { return tones(fs, ch, 12.0); }},
        {"music-like", [](double fs, int ch) { return musicLike(fs, ch, 12.0); }},
    };
}

// For integrated loudness and LRA: programmes long enough for a meaningful short-term distribution.
std::vector<Material> programmeMaterials() {
    return {
        {"tones", [](double fs, int ch) { return tones(fs, ch, 36.0); }},
        {"pink steps", [](double fs, int ch) { return pinkSteps(fs, ch); }},
        {"music-like", [](double fs, int ch) { return musicLike(fs, ch, 48.0); }},
    };
}

void expectNear(const std::optional<double>& lathe, const std::optional<double>& reference, double tolerance,
                const std::string& what) {
    ASSERT_TRUE(lathe.has_value()) << what;
    ASSERT_TRUE(reference.has_value()) << what;
    EXPECT_NEAR(*lathe, *reference, tolerance) << what;
}

std::string describe(const std::string& name, double sampleRate, int channels) {
    return name + " at " + std::to_string(int(sampleRate)) + " Hz, " + std::to_string(channels) + " ch";
}

}  // namespace

class LoudnessMeterAgainstLibebur128 : public ::testing::TestWithParam<std::tuple<double, int>> {};

TEST_P(LoudnessMeterAgainstLibebur128, IntegratedAndMaximaWithin005Lu) {
    const auto [sampleRate, channels] = GetParam();
    for (const Material& material : maximaMaterials()) {
        const AudioBuffer audio = material.make(sampleRate, channels);
        const auto ours = measure(audio, sampleRate);
        const Figures reference = libebur128Figures(audio, sampleRate, true);
        const std::string what = describe(material.name, sampleRate, channels);
        expectNear(ours.integratedLufs, reference.integrated, 0.05, what + ": integrated");
        expectNear(ours.maxMomentaryLufs, reference.maxMomentary, 0.05, what + ": max momentary");
        expectNear(ours.maxShortTermLufs, reference.maxShortTerm, 0.05, what + ": max short-term");
    }
}

TEST_P(LoudnessMeterAgainstLibebur128, ProgrammeIntegratedWithin005LuAndRangeWithin01Lu) {
    const auto [sampleRate, channels] = GetParam();
    for (const Material& material : programmeMaterials()) {
        const AudioBuffer audio = material.make(sampleRate, channels);
        const auto ours = measure(audio, sampleRate);
        const Figures reference = libebur128Figures(audio, sampleRate, false);
        const std::string what = describe(material.name, sampleRate, channels);
        expectNear(ours.integratedLufs, reference.integrated, 0.05, what + ": integrated");
        expectNear(ours.loudnessRangeLu, reference.range, 0.1, what + ": loudness range");
    }
}

INSTANTIATE_TEST_SUITE_P(RatesAndLayouts, LoudnessMeterAgainstLibebur128,
                         ::testing::Combine(::testing::ValuesIn(kRates), ::testing::Values(1, 2)),
                         [](const auto& info) {
                             return std::to_string(int(std::get<0>(info.param))) + "Hz_" +
                                    std::to_string(std::get<1>(info.param)) + "ch";
                         });
