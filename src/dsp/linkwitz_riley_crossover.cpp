#include "dsp/linkwitz_riley_crossover.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>

#include "lathe/dsp/biquad_design.h"

namespace lathe::dsp {

BiquadCoefficients linkwitzRiley4Allpass(double frequencyHz, double sampleRate) noexcept {
    const double w = 2.0 * std::numbers::pi * frequencyHz;
    AnalogSection allpass;
    allpass.n0 = w * w;
    allpass.n1 = -w / kButterworthQ;
    allpass.n2 = 1.0;
    allpass.d0 = w * w;
    allpass.d1 = w / kButterworthQ;
    allpass.d2 = 1.0;
    return digitise(allpass, sampleRate, DesignMethod::bilinear);
}

void LinkwitzRileyBandSplitter::prepare(double sampleRate, int numChannels, std::span<const double> edgesHz) {
    sampleRate_ = sampleRate;
    numBands_ = edgesHz.size() + 1;
    bandFilters_.clear();
    highPasses_.clear();
    for (std::size_t j = 0; j < edgesHz.size(); ++j) {
        BiquadCascade band = linkwitzRileyLowPass(4, edgesHz[j], sampleRate);
        for (std::size_t m = j + 1; m < edgesHz.size(); ++m) band.append(linkwitzRiley4Allpass(edgesHz[m], sampleRate));
        bandFilters_.emplace_back(band, numChannels);
        highPasses_.emplace_back(linkwitzRileyHighPass(4, edgesHz[j], sampleRate), numChannels);
    }
}

void LinkwitzRileyBandSplitter::reset() noexcept {
    for (auto& filter : bandFilters_) filter.reset();
    for (auto& filter : highPasses_) filter.reset();
}

void LinkwitzRileyBandSplitter::split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept {
    assert(bands.size() == numBands_);
    // The last band's buffer carries the remainder (rest_j) down the tree.
    const AudioBlock rest = bands[numBands_ - 1];
    for (int c = 0; c < input.numChannels(); ++c) std::copy_n(input.channelData(c), input.numFrames(), rest.channelData(c));
    for (std::size_t j = 0; j + 1 < numBands_; ++j)
        MultichannelBiquadFilter::processTwo(bandFilters_[j], highPasses_[j], rest, bands[j], rest);
}

std::complex<double> LinkwitzRileyBandSplitter::bandResponse(int band, double frequencyHz) const noexcept {
    const auto j = static_cast<std::size_t>(band);
    std::complex<double> response = 1.0;
    for (std::size_t i = 0; i < j && i < highPasses_.size(); ++i)
        response *= highPasses_[i].coefficients().response(frequencyHz, sampleRate_);
    if (j < bandFilters_.size()) response *= bandFilters_[j].coefficients().response(frequencyHz, sampleRate_);
    return response;
}

}  // namespace lathe::dsp
