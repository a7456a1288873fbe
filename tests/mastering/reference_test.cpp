// Reference profiles: what the spectra measure (against an analytic filter response), the loudest
// sections, sample-rate independence, averaging, the profile file and --match parsing.
#include "lathe/mastering/reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "lathe/audio_file.h"
#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/resampler.h"
#include "lathe/synth/demo_mix.h"
#include "support/masters.h"
#include "support/signals.h"
#include "support/temp_dir.h"

using namespace lathe;
using namespace lathe::mastering;
namespace fs = std::filesystem;

namespace {

constexpr auto& kCentres = analysis::kThirdOctaveCentresHz;

std::size_t bandIndex(double hz) {
    for (std::size_t b = 0; b < kCentres.size(); ++b)
        if (kCentres[b] == hz) return b;
    return kCentres.size();
}

}  // namespace

// A known filter changes the profile's loudness-normalised mid spectrum by its response (relative
// to 1 kHz, which removes the loudness normalisation), band by band.
TEST(ReferenceProfile, MidSpectrumFollowsAKnownFilter) {
    constexpr double rate = 48000.0;
    const AudioBuffer noise = test::pinkNoise(rate, 12.0, 0.5, 2, 7);
    AudioBuffer shaped = test::copyOf(noise.block());
    dsp::BiquadCascade cascade;
    cascade.append(dsp::lowShelf(200.0, 6.0, dsp::kButterworthQ, rate));
    cascade.append(dsp::highShelf(4000.0, -4.0, dsp::kButterworthQ, rate));
    dsp::MultichannelBiquadFilter filter(cascade, 2);
    filter.process(shaped.block());

    const auto plain = profileOf(noise.block(), rate, "plain");
    const auto filtered = profileOf(shaped.block(), rate, "filtered");
    const auto at1k = bandIndex(1000.0);
    const double responseAt1k = 20.0 * std::log10(std::abs(cascade.response(1000.0, rate)));
    for (std::size_t b = 0; b < kCentres.size(); ++b) {
        if (kCentres[b] < kMatchLowHz || kCentres[b] > kMatchHighHz) continue;
        ASSERT_TRUE(plain.midBandsDb[b] && filtered.midBandsDb[b]) << kCentres[b];
        const double measured = (*filtered.midBandsDb[b] - *plain.midBandsDb[b]) -
                                (*filtered.midBandsDb[at1k] - *plain.midBandsDb[at1k]);
        const double expected = 20.0 * std::log10(std::abs(cascade.response(kCentres[b], rate))) - responseAt1k;
        // A band averages the response over 1/3 octave: on the shelves' slopes the centre value and
        // the band average part by up to ~0.2 dB.
        EXPECT_NEAR(measured, expected, 0.35) << kCentres[b] << " Hz";
    }
    // Side follows the same filter; side-to-mid of independent channels stays ~0 dB.
    ASSERT_TRUE(plain.sideToMidDb && filtered.sideToMidDb);
    EXPECT_NEAR(*plain.sideToMidDb, 0.0, 0.2);
    EXPECT_NEAR(plain.integratedLufs, test::integratedLufs(noise.block(), rate), 1e-9);
}

// A quiet intro more than 6 LU below the body drops out of the spectra: the profile is the body's.
TEST(ReferenceProfile, SpectraComeFromTheLoudestSections) {
    constexpr double rate = 48000.0;
    const AudioBuffer intro = test::sine(rate, 100.0, 9.0, 0.05);  // about 14 LU below the noise
    const AudioBuffer body = test::pinkNoise(rate, 12.0, 0.5, 2, 3);
    const AudioBuffer track = test::concat(intro, body);
    const auto whole = profileOf(track.block(), rate, "track");
    const auto bodyOnly = profileOf(body.block(), rate, "body");
    EXPECT_NEAR(whole.analysedSeconds, 12.0, 0.01);
    for (std::size_t b = 0; b < kCentres.size(); ++b) {
        if (kCentres[b] < kMatchLowHz || kCentres[b] > kMatchHighHz) continue;
        ASSERT_TRUE(whole.midBandsDb[b] && bodyOnly.midBandsDb[b]);
        EXPECT_NEAR(*whole.midBandsDb[b], *bodyOnly.midBandsDb[b], 0.3) << kCentres[b] << " Hz";
    }
    // The whole-track spectrum (no section selection) does see the intro's sine: the test has teeth.
    analysis::Analyzer analyzer;
    ASSERT_TRUE(analyzer.prepare(rate, 2).ok());
    analyzer.process(track.block());
    const auto wholeTrack = profileFromAnalysis(analyzer.finish());
    const auto at100 = bandIndex(100.0);
    EXPECT_GT(*wholeTrack.midBandsDb[at100] - *bodyOnly.midBandsDb[at100], 3.0);
}

// The same music at 96 kHz and at 44.1 kHz (converted) has the same profile. The synthesised mix has
// energy up to 48 kHz; it is band-limited to 18 kHz first, so both rates hold the same signal.
TEST(ReferenceProfile, SampleRateDoesNotMatter) {
    synth::DemoMixParams params;
    params.sampleRate = 96000.0;
    params.seconds = 10.0;
    AudioBuffer at96 = synth::makeDemoMix(params);
    dsp::MultichannelBiquadFilter bandLimit(dsp::butterworthLowPass(8, 18000.0, 96000.0), 2);
    bandLimit.process(at96.block());
    auto at44 = resample(at96.block(), 96000.0, 44100.0);
    ASSERT_TRUE(at44.ok());
    const auto high = profileOf(at96.block(), 96000.0, "96k");
    const auto low = profileOf(at44->block(), 44100.0, "44k");
    EXPECT_NEAR(high.integratedLufs, low.integratedLufs, 0.05);
    ASSERT_TRUE(high.sideToMidDb && low.sideToMidDb);
    EXPECT_NEAR(*high.sideToMidDb, *low.sideToMidDb, 0.05);
    const auto distance = profileDistance(low, high);
    ASSERT_TRUE(distance.spectralDbRms);
    EXPECT_LT(*distance.spectralDbRms, 0.2);
    EXPECT_NEAR(*distance.loudnessLu, 0.0, 0.05);
    // Above 44.1 kHz's Nyquist only the 96 kHz profile has bands.
    EXPECT_TRUE(high.midBandsDb.back().has_value());
    EXPECT_TRUE(high.midBandsDb[bandIndex(16000.0)].has_value() && low.midBandsDb[bandIndex(16000.0)].has_value());
}

TEST(ReferenceProfile, DistanceIsTheRmsOfBandDifferencesAndSignedDifferences) {
    ReferenceProfile a, b;
    a.midBandsDb.assign(kCentres.size(), 0.0);
    b.midBandsDb.assign(kCentres.size(), 0.0);
    int counted = 0;
    for (std::size_t i = 0; i < kCentres.size(); ++i) {
        if (kCentres[i] >= 31.5 && kCentres[i] <= 16000.0) {
            a.midBandsDb[i] = (counted % 2 == 0) ? 2.0 : -2.0;  // +-2 dB alternating: RMS 2
            ++counted;
        } else {
            a.midBandsDb[i] = 50.0;  // outside the range: ignored
        }
    }
    a.integratedLufs = -10.0, b.integratedLufs = -14.0;
    a.plrDb = 8.0, b.plrDb = 11.0;
    a.sideToMidDb = -9.0, b.sideToMidDb = -12.0;
    const auto d = profileDistance(a, b);
    EXPECT_EQ(counted, 28);
    EXPECT_NEAR(*d.spectralDbRms, 2.0, 1e-12);
    EXPECT_NEAR(*d.loudnessLu, 4.0, 1e-12);
    EXPECT_NEAR(*d.plrDb, -3.0, 1e-12);
    EXPECT_NEAR(*d.sideToMidDb, 3.0, 1e-12);
    EXPECT_FALSE(d.shortTermSpreadLu);
}

TEST(ReferenceProfile, AverageIsWeightedPerBandOverTheProfilesThatHaveIt) {
    ReferenceProfile a, b;
    a.source = "a.wav", b.source = "b.wav";
    a.integratedLufs = -8.0, b.integratedLufs = -16.0;
    a.plrDb = 7.0, b.plrDb = 11.0;
    a.sideToMidDb = -10.0;  // b has none (mono)
    a.midBandsDb.assign(kCentres.size(), -10.0);
    b.midBandsDb.assign(kCentres.size(), -20.0);
    b.midBandsDb.back() = std::nullopt;  // b lacks the top band (as a low sample rate would)
    a.sideBandsDb.assign(kCentres.size(), std::nullopt);
    b.sideBandsDb.assign(kCentres.size(), std::nullopt);
    const auto equal = averageProfiles({a, b});
    EXPECT_DOUBLE_EQ(equal.integratedLufs, -12.0);
    EXPECT_DOUBLE_EQ(equal.plrDb, 9.0);
    EXPECT_DOUBLE_EQ(*equal.midBandsDb[5], -15.0);
    EXPECT_DOUBLE_EQ(*equal.midBandsDb.back(), -10.0);
    EXPECT_DOUBLE_EQ(*equal.sideToMidDb, -10.0);
    EXPECT_FALSE(equal.sideBandsDb[3].has_value());
    EXPECT_EQ(equal.source, "a.wav + b.wav");
    const auto weighted = averageProfiles({a, b}, {3.0, 1.0});
    EXPECT_DOUBLE_EQ(weighted.integratedLufs, -10.0);
    EXPECT_DOUBLE_EQ(*weighted.midBandsDb[5], -12.5);
    EXPECT_DOUBLE_EQ(*weighted.midBandsDb.back(), -10.0);
    // Unusable weights (wrong count) fall back to equal weights.
    EXPECT_DOUBLE_EQ(averageProfiles({a, b}, {1.0}).integratedLufs, -12.0);
}

TEST(ReferenceProfile, JsonRoundTripIsExact) {
    test::TempDir dir;
    synth::DemoMixParams params;
    params.seconds = 8.0;
    const auto mix = synth::makeDemoMix(params);
    ASSERT_TRUE(writeAudioFile(dir / "ref.flac", mix.block(), 48000.0, {FileFormat::Flac, SampleEncoding::Pcm24, {}}).ok());
    auto fromAudio = loadReference(dir / "ref.flac");
    ASSERT_TRUE(fromAudio.ok()) << fromAudio.error().message;
    EXPECT_EQ(fromAudio->source, "ref.flac");
    ASSERT_TRUE(saveReferenceJson(*fromAudio, dir / "ref.json").ok());
    auto fromJson = loadReference(dir / "ref.json");
    ASSERT_TRUE(fromJson.ok()) << fromJson.error().message;
    const auto& a = *fromAudio;
    const auto& b = *fromJson;
    EXPECT_EQ(a.source, b.source);
    EXPECT_EQ(a.integratedLufs, b.integratedLufs);
    EXPECT_EQ(a.truePeakDbtp, b.truePeakDbtp);
    EXPECT_EQ(a.plrDb, b.plrDb);
    EXPECT_EQ(a.loudnessRangeLu, b.loudnessRangeLu);
    EXPECT_EQ(a.shortTermSpreadLu, b.shortTermSpreadLu);
    EXPECT_EQ(a.sideToMidDb, b.sideToMidDb);
    EXPECT_EQ(a.analysedSeconds, b.analysedSeconds);
    EXPECT_EQ(a.midBandsDb, b.midBandsDb);
    EXPECT_EQ(a.sideBandsDb, b.sideBandsDb);
    EXPECT_TRUE(a.shortTermSpreadLu.has_value());
}

TEST(ReferenceProfile, LoadErrorsNameTheFileAndTheProblem) {
    test::TempDir dir;
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream(dir / name) << text;
        return dir / name;
    };
    const auto expectError = [](const fs::path& path, const std::string& words) {
        auto loaded = loadReference(path);
        ASSERT_FALSE(loaded.ok()) << path;
        EXPECT_NE(loaded.error().message.find(path.string()), std::string::npos) << loaded.error().message;
        EXPECT_NE(loaded.error().message.find(words), std::string::npos) << loaded.error().message;
    };
    expectError(dir / "missing.wav", "missing.wav");
    expectError(write("broken.json", "{\"lathe_reference_profile\": 1,"), "not valid JSON");
    expectError(write("other.json", "{\"hello\": 1}"), "not a lathe reference profile");
    // A valid profile with one field damaged.
    ReferenceProfile p;
    p.midBandsDb.assign(kCentres.size(), -10.0);
    p.sideBandsDb.assign(kCentres.size(), std::nullopt);
    auto json = toJson(p);
    json["mid_bands_db"][4] = "loud";
    expectError(write("damaged.json", json.dump()), "mid_bands_db");
    json = toJson(p);
    json.erase("integrated_lufs");
    expectError(write("incomplete.json", json.dump()), "integrated_lufs");
    const AudioBuffer silence(2, 48000 * 3);
    ASSERT_TRUE(writeAudioFile(dir / "silent.wav", silence.block(), 48000.0, {}).ok());
    expectError(dir / "silent.wav", "silent");
}

TEST(MatchAmounts, ParsesAnySubsetInAnyOrder) {
    auto all = parseMatchAmounts("eq=100,loudness=80,width=0,dynamics=50");
    ASSERT_TRUE(all.ok());
    EXPECT_DOUBLE_EQ(all->eq, 1.0);
    EXPECT_DOUBLE_EQ(all->loudness, 0.8);
    EXPECT_DOUBLE_EQ(all->width, 0.0);
    EXPECT_DOUBLE_EQ(all->dynamics, 0.5);
    auto some = parseMatchAmounts(" width = 25% , eq=50 ");
    ASSERT_TRUE(some.ok());
    EXPECT_DOUBLE_EQ(some->width, 0.25);
    EXPECT_DOUBLE_EQ(some->eq, 0.5);
    EXPECT_DOUBLE_EQ(some->loudness, MatchAmounts{}.loudness);
    EXPECT_DOUBLE_EQ(some->dynamics, MatchAmounts{}.dynamics);
}

TEST(MatchAmounts, ErrorsNameTheBadItem) {
    const std::pair<const char*, const char*> cases[] = {
        {"", "empty"},
        {"eq=100,bass=20", "'bass=20'"},
        {"eq", "'eq'"},
        {"eq=lots", "'eq=lots'"},
        {"eq=150", "'eq=150'"},
        {"eq=-5", "'eq=-5'"},
        {"eq=50,eq=60", "twice"},
        {"eq=50,", "''"},
    };
    for (const auto& [text, words] : cases) {
        auto parsed = parseMatchAmounts(text);
        ASSERT_FALSE(parsed.ok()) << text;
        EXPECT_NE(parsed.error().message.find(words), std::string::npos) << text << ": " << parsed.error().message;
    }
}

// A mono track counts as played on both speakers: its spectra equal those of the same music as a
// two-channel file with L = R.
TEST(ReferenceProfile, MonoComparesWithStereo) {
    constexpr double rate = 48000.0;
    const AudioBuffer mono = test::pinkNoise(rate, 8.0, 0.5, 1, 11);
    AudioBuffer dual(2, mono.numFrames());
    for (int c = 0; c < 2; ++c) std::copy(mono.channel(0).begin(), mono.channel(0).end(), dual.channel(c).begin());
    const auto a = profileOf(mono.block(), rate, "mono");
    const auto b = profileOf(dual.block(), rate, "dual");
    EXPECT_FALSE(a.sideToMidDb.has_value());
    const auto distance = profileDistance(a, b);
    ASSERT_TRUE(distance.spectralDbRms);
    EXPECT_LT(*distance.spectralDbRms, 1e-6);
}

// Content above 16 kHz (a 96 kHz reference's ultrasonics) adds loudness but leaves the normalised
// spectra alone.
TEST(ReferenceProfile, UltrasonicContentDoesNotShiftTheSpectra) {
    constexpr double rate = 96000.0;
    const AudioBuffer music = test::pinkNoise(rate, 8.0, 0.4, 2, 5);
    AudioBuffer withUltrasonics = test::copyOf(music.block());
    const AudioBuffer tone = test::sine(rate, 30000.0, 8.0, 0.3);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < music.numFrames(); ++i) withUltrasonics.channel(c)[i] += tone.channel(c)[i];
    const auto plain = profileOf(music.block(), rate, "plain");
    const auto ultra = profileOf(withUltrasonics.block(), rate, "ultra");
    EXPECT_GT(ultra.integratedLufs - plain.integratedLufs, 0.5);  // K-weighting counts the 30 kHz tone
    for (std::size_t b = 0; b < kCentres.size(); ++b) {
        if (kCentres[b] > kMatchHighHz) continue;
        ASSERT_TRUE(plain.midBandsDb[b] && ultra.midBandsDb[b]);
        EXPECT_NEAR(*ultra.midBandsDb[b], *plain.midBandsDb[b], 0.02) << kCentres[b];
    }
}
