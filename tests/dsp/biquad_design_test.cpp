// Filter designs: processor impulse response vs the analytic response (FFT), matched designs vs the
// analogue prototype (with the bounds achieved), textbook probes, sine probes through the processor,
// Linkwitz-Riley crossover sums, exact identities, and stability over the whole parameter range.

#include "lathe/dsp/biquad_design.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include "lathe/dsp/biquad.h"
#include "support/impulse_spectrum.h"
#include "support/signals.h"

namespace lathe::dsp {
namespace {

const char* typeName(FilterType type) {
    switch (type) {
        case FilterType::bell: return "bell";
        case FilterType::lowShelf: return "lowShelf";
        case FilterType::highShelf: return "highShelf";
        case FilterType::tilt: return "tilt";
        case FilterType::highPass: return "highPass";
        case FilterType::lowPass: return "lowPass";
        case FilterType::linkwitzRileyHighPass: return "lrHighPass";
        case FilterType::linkwitzRileyLowPass: return "lrLowPass";
    }
    return "?";
}

std::string describe(const FilterSpec& spec, DesignMethod method, double sampleRate) {
    std::ostringstream out;
    out << typeName(spec.type) << "_f" << spec.frequencyHz << "_g" << spec.gainDb << "_q" << spec.q << "_n"
        << spec.order << (method == DesignMethod::matched ? "_matched" : "_bilinear") << "_fs" << sampleRate;
    return out.str();
}

double audioBandTop(double sampleRate) { return std::min(20000.0, 0.45 * sampleRate); }

// Impulse response of the real processor (stereo, float in and out), channel 0.
std::vector<float> impulseResponse(const BiquadCascade& cascade, std::size_t frames) {
    AudioBuffer audio = test::impulse(2, frames);
    MultichannelBiquadFilter filter(cascade, 2);
    filter.process(audio.block());
    const auto channel = audio.channel(0);
    return {channel.begin(), channel.end()};
}

double worstSpectrumErrorDb = 0.0;  // over all spectrum comparisons of a test, for its record

// FFT of the processor's impulse response against BiquadCascade::response, 20 Hz to the top of the
// audio band, within 0.05 dB. The impulse response is 2^18 frames (2.7 s at 96 kHz): enough for
// the slowest poles tested (a 30 Hz, Q 4 bell at 96 kHz decays below -180 dB in 1.5 s).
void expectSpectrumMatchesResponse(const FilterSpec& spec, DesignMethod method, double sampleRate) {
    const BiquadCascade cascade = design(spec, sampleRate, method);
    const std::size_t frames = spec.frequencyHz < 200.0 ? (1u << 18) : (1u << 15);
    const auto ir = impulseResponse(cascade, frames);
    const auto comparison = test::compareImpulseResponse(
        ir, sampleRate, [&](double f) { return cascade.response(f, sampleRate); }, 20.0, audioBandTop(sampleRate));
    ASSERT_GT(comparison.binsCompared, 100u);
    worstSpectrumErrorDb = std::max(worstSpectrumErrorDb, comparison.worstErrorDb);
    EXPECT_LE(comparison.worstErrorDb, 0.05) << describe(spec, method, sampleRate) << ": worst error at "
                                             << comparison.worstFrequencyHz << " Hz";
    if (comparison.worstErrorDb > 0.05) {
        const auto path = test::failureCurvePath("spectrum_" + describe(spec, method, sampleRate));
        test::writeResponseCsv(path, comparison.curve);
        ADD_FAILURE() << "curve written to " << path;
    }
}

// The spectrum check can fail: the impulse response of a +6 dB bell against the response of a
// +6.1 dB bell is off by 0.1 dB at the centre.
TEST(BiquadDesign, SpectrumCheckDetectsATenthOfADecibel) {
    const double fs = 48000.0;
    const auto ir = impulseResponse(bell(1000.0, 6.0, 2.0, fs), 1u << 15);
    const BiquadCascade other = bell(1000.0, 6.1, 2.0, fs);
    const auto comparison = test::compareImpulseResponse(
        ir, fs, [&](double f) { return other.response(f, fs); }, 20.0, 20000.0);
    EXPECT_NEAR(comparison.worstErrorDb, 0.1, 0.002);
    EXPECT_NEAR(comparison.worstFrequencyHz, 1000.0, 20.0);
}

const double kRates[] = {44100.0, 48000.0, 96000.0};
const DesignMethod kMethods[] = {DesignMethod::matched, DesignMethod::bilinear};

TEST(BiquadDesign, GainFiltersImpulseSpectrumMatchesAnalyticResponse) {
    worstSpectrumErrorDb = 0.0;
    for (double fs : kRates)
        for (DesignMethod method : kMethods)
            for (FilterType type : {FilterType::bell, FilterType::lowShelf, FilterType::highShelf, FilterType::tilt})
                for (double f : {30.0, 1000.0, 16000.0})
                    for (double g : {-12.0, 9.0})
                        for (double q : {0.5, 4.0}) {
                            if (type == FilterType::tilt && q != 0.5) continue;
                            expectSpectrumMatchesResponse({type, f, g, q, 2}, method, fs);
                        }
    RecordProperty("worst_error_db", std::to_string(worstSpectrumErrorDb));
}

TEST(BiquadDesign, PassFiltersImpulseSpectrumMatchesAnalyticResponse) {
    worstSpectrumErrorDb = 0.0;
    for (double fs : kRates)
        for (DesignMethod method : kMethods)
            for (double f : {30.0, 1000.0, 16000.0}) {
                for (int order = 1; order <= 8; ++order) {
                    expectSpectrumMatchesResponse({FilterType::highPass, f, 0.0, kButterworthQ, order}, method, fs);
                    expectSpectrumMatchesResponse({FilterType::lowPass, f, 0.0, kButterworthQ, order}, method, fs);
                }
                for (int order : {2, 4, 6, 8}) {
                    expectSpectrumMatchesResponse({FilterType::linkwitzRileyHighPass, f, 0.0, kButterworthQ, order},
                                                  method, fs);
                    expectSpectrumMatchesResponse({FilterType::linkwitzRileyLowPass, f, 0.0, kButterworthQ, order},
                                                  method, fs);
                }
            }
    RecordProperty("worst_error_db", std::to_string(worstSpectrumErrorDb));
}

// ---- matched designs against the analogue prototype -----------------------------------------

struct Deviation {
    double worstDb = 0.0;
    double atHz = 0.0;
    FilterSpec spec;
};

// Largest |digital dB - analogue dB| from 20 Hz to topHz (1/200-octave steps), ignoring
// frequencies where the analogue response is below floorDb (deep stopbands).
void accumulateDeviation(Deviation& d, const FilterSpec& spec, double fs, double topHz, double floorDb) {
    const BiquadCascade digital = design(spec, fs, DesignMethod::matched);
    const AnalogCascade analogue = analogPrototype(spec);
    for (double f = 20.0; f <= topHz; f *= std::pow(2.0, 1.0 / 200.0)) {
        const double target = analogue.magnitudeDb(f);
        if (target < floorDb) continue;
        const double error = std::abs(digital.magnitudeDb(f, fs) - target);
        if (!(error <= d.worstDb)) d = {error, f, spec};
    }
}

std::string describe(const Deviation& d) {
    std::ostringstream out;
    out << d.worstDb << " dB at " << d.atHz << " Hz for " << typeName(d.spec.type) << " f=" << d.spec.frequencyHz
        << " g=" << d.spec.gainDb << " q=" << d.spec.q << " order=" << d.spec.order;
    return out.str();
}

const std::vector<double> kCentres = {20, 50, 100, 300, 1000, 3000, 6000, 8000, 10000, 12000, 14000, 16000};
const std::vector<double> kGains = {-18, -12, -6, -3, -1, 1, 3, 6, 12, 18};

// The bounds below are what the design achieves on this grid (measured, rounded up slightly): the
// documented departure from the analogue prototype. Worst cases are always near the top of the
// band, for filters whose shape continues above Nyquist (bells and shelves at 8-16 kHz).
//                                   bell    shelf   shelf   tilt    BW HP   BW LP
//                                   Q<=8    Q<=1    Q=2     |g|<=12 1..8    1..8 (above -40 dB)
//   44.1 kHz, 20 Hz .. 16 kHz       0.39    0.18    0.67    0.07    0.43    1.03
//   44.1 kHz, 20 Hz .. 19.8 kHz     0.87    0.29    0.75    0.21    0.43    1.12
//   48 kHz,   20 Hz .. 20 kHz       0.55    0.16    0.54    0.17    0.33    0.55
//   96 kHz,   20 Hz .. 20 kHz       0.023   0.01    0.03    0.01    0.022   0.02
// (Gains |g| <= 18 dB, centres 20 Hz .. 16 kHz.)
struct Bound {
    double sampleRate, topHz, bell, shelf, resonantShelf, tilt, highPass, lowPass;
};
const Bound kBounds[] = {
    {44100.0, 16000.0, 0.40, 0.20, 0.70, 0.07, 0.45, 1.05},
    {44100.0, 19845.0, 0.90, 0.30, 0.80, 0.22, 0.45, 1.15},
    {48000.0, 20000.0, 0.60, 0.17, 0.55, 0.18, 0.35, 0.60},
    {96000.0, 20000.0, 0.025, 0.012, 0.035, 0.012, 0.025, 0.025},
};

TEST(BiquadDesign, MatchedDesignsFollowTheAnaloguePrototype) {
    for (const Bound& bound : kBounds) {
        SCOPED_TRACE("fs " + std::to_string(bound.sampleRate) + " up to " + std::to_string(bound.topHz) + " Hz");
        const double fs = bound.sampleRate;
        Deviation bell, shelf, resonantShelf, tilt, highPass, lowPass;
        for (double f : kCentres)
            for (double g : kGains) {
                for (double q : {0.3, 0.5, kButterworthQ, 1.0, 2.0, 4.0, 8.0})
                    accumulateDeviation(bell, {FilterType::bell, f, g, q, 2}, fs, bound.topHz, -200.0);
                for (FilterType type : {FilterType::lowShelf, FilterType::highShelf}) {
                    for (double q : {0.3, 0.5, kButterworthQ, 1.0})
                        accumulateDeviation(shelf, {type, f, g, q, 2}, fs, bound.topHz, -200.0);
                    accumulateDeviation(resonantShelf, {type, f, g, 2.0, 2}, fs, bound.topHz, -200.0);
                }
                if (std::abs(g) <= 12) accumulateDeviation(tilt, {FilterType::tilt, f, g, 1.0, 2}, fs, bound.topHz, -200.0);
            }
        for (double f : kCentres)
            for (int order = 1; order <= 8; ++order) {
                accumulateDeviation(highPass, {FilterType::highPass, f, 0.0, 1.0, order}, fs, bound.topHz, -40.0);
                accumulateDeviation(lowPass, {FilterType::lowPass, f, 0.0, 1.0, order}, fs, bound.topHz, -40.0);
            }
        EXPECT_LE(bell.worstDb, bound.bell) << describe(bell);
        EXPECT_LE(shelf.worstDb, bound.shelf) << describe(shelf);
        EXPECT_LE(resonantShelf.worstDb, bound.resonantShelf) << describe(resonantShelf);
        EXPECT_LE(tilt.worstDb, bound.tilt) << describe(tilt);
        EXPECT_LE(highPass.worstDb, bound.highPass) << describe(highPass);
        EXPECT_LE(lowPass.worstDb, bound.lowPass) << describe(lowPass);
        RecordProperty("fs" + std::to_string(int(fs)) + "_to" + std::to_string(int(bound.topHz)),
                       "bell " + std::to_string(bell.worstDb) + ", shelf " + std::to_string(shelf.worstDb) +
                           ", shelf Q2 " + std::to_string(resonantShelf.worstDb) + ", tilt " + std::to_string(tilt.worstDb) +
                           ", HP " + std::to_string(highPass.worstDb) + ", LP " + std::to_string(lowPass.worstDb));
    }
}

// The reason for the matched design: a 16 kHz, +12 dB high shelf at 44.1 kHz. Bilinear cramps
// (it reaches +12 dB at Nyquist and is far too narrow below), the matched design keeps the shape.
TEST(BiquadDesign, SixteenKilohertzShelfKeepsItsShapeAt44k) {
    const double fs = 44100.0;
    const FilterSpec spec{FilterType::highShelf, 16000.0, 12.0, kButterworthQ, 2};
    const AnalogCascade analogue = analogPrototype(spec);
    double matched = 0.0, bilinear = 0.0;
    for (double f = 1000.0; f <= 20000.0; f *= 1.01) {
        matched = std::max(matched, std::abs(design(spec, fs, DesignMethod::matched).magnitudeDb(f, fs) - analogue.magnitudeDb(f)));
        bilinear = std::max(bilinear, std::abs(design(spec, fs, DesignMethod::bilinear).magnitudeDb(f, fs) - analogue.magnitudeDb(f)));
    }
    EXPECT_LT(matched, 0.25);
    EXPECT_GT(bilinear, 2.0);  // the cramping the matched design avoids
    EXPECT_NEAR(design(spec, fs, DesignMethod::matched).magnitudeDb(8000.0, fs), analogue.magnitudeDb(8000.0), 0.2);
    RecordProperty("max_error_db", "matched " + std::to_string(matched) + ", bilinear " + std::to_string(bilinear));
}

// ---- probes ------------------------------------------------------------------------------------

TEST(BiquadDesign, TextbookProbes) {
    const double fs = 48000.0;
    const double octaveDown = 10.0 * std::log10(1.0 / 17.0);  // |H|^2 = 1/(1 + 2^4): -12.30 dB
    for (DesignMethod method : kMethods)
        for (double fc : {200.0, 1000.0}) {
            SCOPED_TRACE(std::to_string(fc) + (method == DesignMethod::matched ? " matched" : " bilinear"));
            // Bilinear warps frequencies (tan): only the pre-warped fc is exact, an octave away is
            // off by 0.02 dB at 200 Hz and 0.08 dB at 1 kHz; the matched design is within 0.01 dB.
            const double octaveTolerance = method == DesignMethod::matched ? 0.01 : (fc < 500 ? 0.01 : 0.1);
            const auto lp2 = butterworthLowPass(2, fc, fs, method), hp2 = butterworthHighPass(2, fc, fs, method);
            EXPECT_NEAR(lp2.magnitudeDb(fc, fs), -3.0103, 1e-3);
            EXPECT_NEAR(hp2.magnitudeDb(fc, fs), -3.0103, 1e-3);
            EXPECT_NEAR(lp2.magnitudeDb(2.0 * fc, fs), octaveDown, octaveTolerance);
            EXPECT_NEAR(hp2.magnitudeDb(0.5 * fc, fs), octaveDown, octaveTolerance);
            EXPECT_NEAR(linkwitzRileyLowPass(4, fc, fs, method).magnitudeDb(fc, fs), -6.0206, 1e-3);
            EXPECT_NEAR(linkwitzRileyHighPass(4, fc, fs, method).magnitudeDb(fc, fs), -6.0206, 1e-3);
            for (int order = 1; order <= 8; ++order) {
                EXPECT_NEAR(butterworthLowPass(order, fc, fs, method).magnitudeDb(fc, fs), -3.0103, 1e-3) << order;
                EXPECT_NEAR(butterworthHighPass(order, fc, fs, method).magnitudeDb(fc, fs), -3.0103, 1e-3) << order;
            }
            EXPECT_NEAR(bell(fc, 7.5, 2.0, fs, method).magnitudeDb(fc, fs), 7.5, 1e-3);
            EXPECT_NEAR(lowShelf(fc, -8.0, kButterworthQ, fs, method).magnitudeDb(1.0, fs), -8.0, 1e-3);
            EXPECT_NEAR(lowShelf(fc, -8.0, kButterworthQ, fs, method).magnitudeDb(fc, fs), -4.0, 0.02);
            EXPECT_NEAR(highShelf(fc, 5.0, kButterworthQ, fs, method).magnitudeDb(fc, fs), 2.5, 0.02);
            EXPECT_NEAR(tilt(fc, 4.0, fs, method).magnitudeDb(fc, fs), 0.0, 0.01);
            EXPECT_NEAR(tilt(fc, 4.0, fs, method).magnitudeDb(1.0, fs), -4.0, 0.01);
        }
}

// Amplitude of the steady-state sinusoid of frequency f in y[start..]: least-squares fit of
// a sin + b cos (exact for a pure sinusoid, whatever the number of cycles).
double sineAmplitude(std::span<const float> y, std::size_t start, double f, double fs) {
    double ss = 0, cc = 0, sc = 0, ys = 0, yc = 0;
    for (std::size_t i = start; i < y.size(); ++i) {
        const double w = 2.0 * std::numbers::pi * f * double(i) / fs;
        const double s = std::sin(w), c = std::cos(w);
        ss += s * s;
        cc += c * c;
        sc += s * c;
        ys += y[i] * s;
        yc += y[i] * c;
    }
    const double det = ss * cc - sc * sc;
    const double a = (ys * cc - yc * sc) / det, b = (yc * ss - ys * sc) / det;
    return std::hypot(a, b);
}

// Sines at fc and 2 fc through the actual processor: the steady-state gain equals |response|.
TEST(BiquadDesign, SineProbesThroughTheProcessor) {
    const double fs = 44100.0, fc = 1000.0;
    struct Probe {
        const char* name;
        BiquadCascade cascade;
        double expectedAtFcDb;
    };
    const Probe probes[] = {
        {"BW2 LP", butterworthLowPass(2, fc, fs), -3.0103},
        {"BW2 HP", butterworthHighPass(2, fc, fs), -3.0103},
        {"LR4 LP", linkwitzRileyLowPass(4, fc, fs), -6.0206},
        {"LR4 HP", linkwitzRileyHighPass(4, fc, fs), -6.0206},
        {"BW8 LP matched", butterworthLowPass(8, fc, fs, DesignMethod::matched), -3.0103},
        {"bell +6", bell(fc, 6.0, 1.0, fs), 6.0},
    };
    for (const Probe& probe : probes)
        for (double f : {fc, 2.0 * fc}) {
            AudioBuffer audio = test::sine(fs, f, 1.0, 0.5, 2);
            MultichannelBiquadFilter filter(probe.cascade, 2);
            filter.process(audio.block());
            const double measured = test::toDb(sineAmplitude(audio.channel(1), 22050, f, fs) / 0.5);
            const double expected = probe.cascade.magnitudeDb(f, fs);
            EXPECT_NEAR(measured, expected, 0.01) << probe.name << " at " << f << " Hz";
            if (f == fc) {
                EXPECT_NEAR(measured, probe.expectedAtFcDb, 0.01) << probe.name;
            }
        }
}

// Bilinear Linkwitz-Riley LP + HP is exactly all-pass (LR2 and LR6 with the high-pass inverted):
// the crossover the dynamics stage builds on.
TEST(BiquadDesign, LinkwitzRileyPairsSumToAllPass) {
    for (double fs : kRates)
        for (int order : {2, 4, 6, 8}) {
            const double sign = (order % 4 == 2) ? -1.0 : 1.0;
            const auto lp = linkwitzRileyLowPass(order, 500.0, fs), hp = linkwitzRileyHighPass(order, 500.0, fs);
            for (double f = 10.0; f < 0.5 * fs; f *= 1.05)
                ASSERT_NEAR(std::abs(lp.response(f, fs) + sign * hp.response(f, fs)), 1.0, 1e-9)
                    << "LR" << order << " at " << f << " Hz, fs " << fs;
            // Through the processor: the sum of the two outputs for noise has the all-pass's energy.
            AudioBuffer noise = test::whiteNoise(fs, 1.0, 0.5, 1, 3);
            std::vector<float> low(noise.numFrames()), high(noise.numFrames());
            BiquadFilter(lp).process(noise.channel(0), low);
            BiquadFilter(hp).process(noise.channel(0), high);
            double inEnergy = 0, sumEnergy = 0;
            for (std::size_t i = 0; i < low.size(); ++i) {
                inEnergy += double(noise.channel(0)[i]) * noise.channel(0)[i];
                const double s = low[i] + sign * high[i];
                sumEnergy += s * s;
            }
            EXPECT_NEAR(10.0 * std::log10(sumEnergy / inEnergy), 0.0, 0.01) << "LR" << order;
        }
}

// ---- identities ---------------------------------------------------------------------------------

TEST(BiquadDesign, FlatGainFiltersAreExactIdentity) {
    for (DesignMethod method : kMethods)
        for (double fs : kRates) {
            EXPECT_TRUE(bell(1000.0, 0.0, 1.0, fs, method).isIdentity());
            EXPECT_TRUE(lowShelf(100.0, 0.0, 0.7, fs, method).isIdentity());
            EXPECT_TRUE(highShelf(16000.0, 0.0, 0.7, fs, method).isIdentity());
            EXPECT_TRUE(tilt(700.0, 0.0, fs, method).isIdentity());
        }
}

// A cut is the exact reciprocal of the boost by the same amount, in the prototype and the designs.
TEST(BiquadDesign, CutIsReciprocalOfBoost) {
    const double fs = 44100.0;
    for (DesignMethod method : kMethods)
        for (double f : {60.0, 3000.0, 17000.0}) {
            const auto pairs = {std::pair{bell(f, 10.0, 3.0, fs, method), bell(f, -10.0, 3.0, fs, method)},
                                std::pair{lowShelf(f, 10.0, 0.7, fs, method), lowShelf(f, -10.0, 0.7, fs, method)},
                                std::pair{highShelf(f, 10.0, 0.7, fs, method), highShelf(f, -10.0, 0.7, fs, method)},
                                std::pair{tilt(f, 10.0, fs, method), tilt(f, -10.0, fs, method)}};
            for (const auto& [boost, cut] : pairs)
                for (double probe = 20.0; probe < 22000.0; probe *= 1.3)
                    ASSERT_NEAR(std::abs(boost.response(probe, fs) * cut.response(probe, fs)), 1.0, 1e-9) << f;
        }
}

// Every design is stable and finite over the whole accepted parameter range, at 8 to 384 kHz.
TEST(BiquadDesign, StableOverTheWholeParameterRange) {
    int checked = 0;
    for (double fs : {8000.0, 44100.0, 96000.0, 384000.0})
        for (int t = 0; t <= int(FilterType::linkwitzRileyLowPass); ++t)
            for (DesignMethod method : kMethods)
                for (double ratio : {1e-5, 1e-3, 0.02, 0.1, 0.3, 0.45, 0.49, 0.7})
                    for (double g : {-48.0, -12.0, -0.01, 0.01, 12.0, 48.0})
                        for (double q : {0.025, 0.3, 2.0, 100.0})
                            for (int order : {1, 2, 3, 5, 6, 8}) {
                                const FilterSpec spec{FilterType(t), ratio * fs, g, q, order};
                                if (!validate(spec).ok()) continue;
                                const BiquadCascade c = design(spec, fs, method);
                                ++checked;
                                ASSERT_EQ(c.numSections, sectionCount(spec));
                                ASSERT_TRUE(c.isStable()) << describe(spec, method, fs);
                                for (const auto& s : c.view())
                                    ASSERT_TRUE(std::isfinite(s.b0) && std::isfinite(s.b1) && std::isfinite(s.b2))
                                        << describe(spec, method, fs);
                            }
    EXPECT_GT(checked, 10000);
}

TEST(BiquadDesign, ValidateNamesTheParameter) {
    EXPECT_TRUE(validate({FilterType::bell, 1000.0, 3.0, 1.0, 2}).ok());
    const auto frequency = validate({FilterType::bell, -5.0, 3.0, 1.0, 2});
    ASSERT_FALSE(frequency.ok());
    EXPECT_NE(frequency.error().message.find("frequencyHz"), std::string::npos);
    EXPECT_FALSE(validate({FilterType::bell, 1000.0, NAN, 1.0, 2}).ok());
    EXPECT_FALSE(validate({FilterType::bell, 1000.0, 3.0, 0.0, 2}).ok());
    EXPECT_FALSE(validate({FilterType::highPass, 1000.0, 0.0, 1.0, 9}).ok());
    const auto lr = validate({FilterType::linkwitzRileyLowPass, 1000.0, 0.0, 1.0, 3});
    ASSERT_FALSE(lr.ok());
    EXPECT_NE(lr.error().message.find("Linkwitz-Riley"), std::string::npos);
    EXPECT_EQ(sectionCount({FilterType::lowPass, 1000.0, 0.0, 1.0, 7}), 4);
    EXPECT_EQ(sectionCount({FilterType::linkwitzRileyLowPass, 1000.0, 0.0, 1.0, 6}), 4);
    EXPECT_EQ(sectionCount({FilterType::linkwitzRileyLowPass, 1000.0, 0.0, 1.0, 8}), 4);
}

}  // namespace
}  // namespace lathe::dsp
