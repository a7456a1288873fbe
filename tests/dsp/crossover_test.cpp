#include "lathe/dsp/crossover.h"

#include "lathe/dsp/biquad_design.h"

#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <memory>
#include <numbers>
#include <vector>

#include "support/impulse_spectrum.h"
#include "support/signals.h"
#include "support/stage_contract.h"

using namespace lathe;
using lathe::dsp::Crossover;

namespace {

constexpr std::size_t kFftFrames = 1 << 17;

Crossover::Params paramsFor(int numBands, Crossover::Type type) {
    Crossover::Params p;
    p.numBands = numBands;
    p.type = type;
    switch (numBands) {
        case 2: p.crossoverHz = {1000, 0, 0, 0}; break;
        case 3: p.crossoverHz = {200, 2000, 0, 0}; break;
        case 4: p.crossoverHz = {120, 800, 5000, 0}; break;
        default: p.crossoverHz = {80, 400, 2000, 8000}; break;
    }
    return p;
}

std::vector<std::complex<double>> spectrumOf(std::span<const float> x) { return test::realSpectrum(x, kFftFrames); }

// Impulse response of the crossover as a stage (band sum, or solo band), one channel of two.
AudioBuffer impulseResponse(const Crossover::Params& p, double rate) {
    Crossover crossover(p);
    AudioBuffer audio = test::impulse(2, kFftFrames, 0);
    test::processWhole(crossover, audio, rate, 4096);
    return audio;
}

const char* typeName(Crossover::Type type) {
    return type == Crossover::Type::LinkwitzRiley4 ? "LR4" : "linear-phase";
}

// On failure, the measured curve goes to a CSV (see support/impulse_spectrum.h) for a look.
void writeCsv(const std::string& name, const std::vector<std::pair<double, double>>& curve) {
    std::vector<test::ResponsePoint> points;
    for (auto [f, db] : curve) points.push_back({f, db, 0.0});
    test::writeResponseCsv(test::failureCurvePath(name), points);
}

}  // namespace

TEST(Crossover, UnprocessedBandSumIsFlat) {
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        for (double rate : {44100.0, 48000.0, 96000.0}) {
            for (int bands = 2; bands <= 5; ++bands) {
                const auto p = paramsFor(bands, type);
                const AudioBuffer ir = impulseResponse(p, rate);
                const auto spectrum = spectrumOf(ir.channel(0));
                double worst = 0;
                std::vector<std::pair<double, double>> curve;
                for (std::size_t k = 1; k < spectrum.size(); ++k) {
                    const double f = double(k) * rate / double(kFftFrames);
                    if (f < 20 || f > 20000) continue;
                    const double db = 20 * std::log10(std::abs(spectrum[k]));
                    curve.emplace_back(f, db);
                    worst = std::max(worst, std::abs(db));
                }
                EXPECT_LT(worst, 0.01) << typeName(type) << " " << bands << " bands at " << rate;
                if (worst >= 0.01)
                    writeCsv(std::string("crossover_sum_") + typeName(type) + "_" + std::to_string(bands) + "_" + std::to_string(int(rate)), curve);
                if (bands == 5 && rate == 48000) std::printf("%s 5-band sum: max deviation %.2e dB\n", typeName(type), worst);
            }
        }
    }
}

TEST(Crossover, BandResponsesMatchAnalyticResponse) {
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        for (double rate : {44100.0, 96000.0}) {
            for (int bands = 2; bands <= 5; ++bands) {
                auto p = paramsFor(bands, type);
                Crossover reference(p);
                ASSERT_TRUE(reference.prepare({rate, 2, 4096}).ok());
                for (int j = 0; j < bands; ++j) {
                    p.soloBand = j;
                    const AudioBuffer ir = impulseResponse(p, rate);
                    const auto spectrum = spectrumOf(ir.channel(1));
                    double worst = 0;
                    // 1/100-octave steps over 20 Hz - 20 kHz (the analytic linear-phase response is a
                    // direct DFT of the kernel: a denser grid only costs time).
                    for (double f0 = 20.0; f0 <= 20000.0; f0 *= std::pow(2.0, 0.01)) {
                        const auto k = std::size_t(std::lround(f0 * double(kFftFrames) / rate));
                        const double f = double(k) * rate / double(kFftFrames);
                        worst = std::max(worst, std::abs(spectrum[k] - reference.bandResponse(j, f)));
                    }
                    EXPECT_LT(worst, 1e-5) << typeName(type) << " band " << j << " of " << bands << " at " << rate;
                }
            }
        }
    }
}

// The analytic LR4 product, built here from the biquad designs alone: band j is
//   prod_{i<j} HP4(f_i) . LP4(f_j) . prod_{m>j} (LP4(f_m) + HP4(f_m))
// (the compensation allpass written as the LR4 pair's sum, independently of how the stage builds it).
std::complex<double> lr4Product(const Crossover::Params& p, int band, double f, double rate) {
    using namespace lathe::dsp;
    std::complex<double> h = 1.0;
    const int edges = p.numBands - 1;
    for (int i = 0; i < band; ++i) h *= linkwitzRileyHighPass(4, p.crossoverHz[std::size_t(i)], rate).response(f, rate);
    if (band < edges) h *= linkwitzRileyLowPass(4, p.crossoverHz[std::size_t(band)], rate).response(f, rate);
    for (int m = band + 1; m < edges; ++m)
        h *= linkwitzRileyLowPass(4, p.crossoverHz[std::size_t(m)], rate).response(f, rate) +
             linkwitzRileyHighPass(4, p.crossoverHz[std::size_t(m)], rate).response(f, rate);
    return h;
}

TEST(Crossover, LinkwitzRileyBandsMatchTheAnalyticLr4Product) {
    for (double rate : {44100.0, 48000.0, 96000.0}) {
        for (int bands = 2; bands <= 5; ++bands) {
            const auto p = paramsFor(bands, Crossover::Type::LinkwitzRiley4);
            Crossover crossover(p);
            ASSERT_TRUE(crossover.prepare({rate, 2, 512}).ok());
            double worst = 0;
            for (int j = 0; j < bands; ++j)
                for (double f = 10; f < 0.5 * rate; f *= 1.01)
                    worst = std::max(worst, std::abs(crossover.bandResponse(j, f) - lr4Product(p, j, f, rate)));
            EXPECT_LT(worst, 1e-12) << bands << " bands at " << rate;
            // Adjacent bands are -6.02 dB (LR4) at their shared edge.
            for (int j = 0; j + 1 < bands; ++j) {
                const double edge = p.crossoverHz[std::size_t(j)];
                const double single = std::abs(lathe::dsp::linkwitzRileyLowPass(4, edge, rate).response(edge, rate));
                EXPECT_NEAR(20 * std::log10(single), -6.0206, 1e-3);
            }
        }
    }
}

TEST(Crossover, LinearPhaseBandsPassTheirBandAndRejectOthers) {
    const double rate = 48000;
    auto p = paramsFor(4, Crossover::Type::LinearPhase);  // 120, 800, 5000
    Crossover crossover(p);
    ASSERT_TRUE(crossover.prepare({rate, 2, 512}).ok());
    const double ripple = 2 * std::pow(10.0, -90.0 / 20);
    struct Probe {
        double hz;
        int band;
    };
    for (const Probe probe : {Probe{40, 0}, Probe{85, 0}, Probe{200, 1}, Probe{550, 1}, Probe{1100, 2}, Probe{3000, 2},
                              Probe{6500, 3}, Probe{18000, 3}}) {
        for (int j = 0; j < 4; ++j) {
            const double expected = j == probe.band ? 1.0 : 0.0;
            EXPECT_NEAR(std::abs(crossover.bandResponse(j, probe.hz)), expected, ripple) << probe.hz << " Hz, band " << j;
        }
    }
}

TEST(Crossover, SoloPlaysExactlyOneBand) {
    const double rate = 44100;
    const AudioBuffer input = test::pinkNoise(rate, 0.5, 0.5);
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        auto p = paramsFor(3, type);
        Crossover splitter(p);
        ASSERT_TRUE(splitter.prepare({rate, 2, input.numFrames()}).ok());
        std::vector<AudioBuffer> bands(3, AudioBuffer(2, input.numFrames()));
        std::array<AudioBlock, 3> blocks{bands[0].block(), bands[1].block(), bands[2].block()};
        splitter.split(input.block(), blocks);
        for (int j = 0; j < 3; ++j) {
            p.soloBand = j;
            Crossover solo(p);
            AudioBuffer out = test::copyOf(input.block());
            test::processWhole(solo, out, rate, 1000);
            EXPECT_EQ(test::maxAbsDifference(out.block(), bands[std::size_t(j)].block()), 0.0) << typeName(type) << j;
            // and the band carries energy (it is not silence)
            double energy = 0;
            for (float s : out.channel(0)) energy += double(s) * s;
            EXPECT_GT(energy, 1e-3) << typeName(type) << j;
        }
    }
}

TEST(Crossover, RejectsInvalidSettings) {
    Crossover::Params p;
    p.numBands = 6;
    EXPECT_FALSE(Crossover(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.crossoverHz = {2000, 1000, 0, 0};
    EXPECT_FALSE(Crossover(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.numBands = 2;
    p.crossoverHz = {23000, 0, 0, 0};
    EXPECT_FALSE(Crossover(p).prepare({48000, 2, 512}).ok());
    p = {};
    p.soloBand = 3;
    EXPECT_FALSE(Crossover(p).prepare({48000, 2, 512}).ok());
}

TEST(Crossover, StageContract) {
    const double rate = 48000;
    const AudioBuffer input = test::pinkNoise(rate, 1.0, 0.9);
    for (auto type : {Crossover::Type::LinkwitzRiley4, Crossover::Type::LinearPhase}) {
        for (int solo : {-1, 1}) {
            auto p = paramsFor(5, type);
            p.soloBand = solo;
            test::expectStageContract([p] { return std::make_unique<Crossover>(p); }, input, rate);
        }
    }
}
