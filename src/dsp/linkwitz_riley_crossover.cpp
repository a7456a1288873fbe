#include "dsp/linkwitz_riley_crossover.h"

#include <algorithm>

namespace lathe::dsp {

// TEMPORARY pass-through until the biquad core lands on main.
void LinkwitzRileyBandSplitter::prepare(double, int, std::span<const double> edgesHz) { numBands_ = edgesHz.size() + 1; }
void LinkwitzRileyBandSplitter::reset() noexcept {}
void LinkwitzRileyBandSplitter::split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept {
    for (int c = 0; c < input.numChannels(); ++c) {
        std::copy_n(input.channelData(c), input.numFrames(), bands[0].channelData(c));
        for (std::size_t j = 1; j < bands.size(); ++j) std::fill_n(bands[j].channelData(c), input.numFrames(), 0.0f);
    }
}
std::complex<double> LinkwitzRileyBandSplitter::bandResponse(int band, double) const noexcept { return band == 0 ? 1.0 : 0.0; }

}  // namespace lathe::dsp
