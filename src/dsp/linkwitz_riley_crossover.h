#pragma once
// Linkwitz-Riley 4th-order band-splitting tree with allpass phase compensation (internal; the
// default type of lathe::dsp::Crossover, whose header explains the structure). Per split j:
//   band_j = bandFilter_j(rest_j),  bandFilter_j = LP4(f_j) . AP(f_{j+1}) ... AP(f_{N-2})
//   rest_{j+1} = HP4(f_j)(rest_j),   rest_0 = input,  band_{N-1} = rest_{N-1}
// AP(f) is the bilinear 2nd-order allpass with Q = 1/sqrt2 at f, i.e. exactly LP4(f) + HP4(f).
// Biquads from lathe/dsp/biquad.h (double state); no allocation after prepare(); latency 0.

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/biquad.h"

namespace lathe::dsp {

// The allpass an LR4 pair sums to: (s^2 - s w/Q + w^2)/(s^2 + s w/Q + w^2), Q = 1/sqrt2,
// digitised by the bilinear transform pre-warped at f (the LR4 sections' own pre-warp).
[[nodiscard]] BiquadCoefficients linkwitzRiley4Allpass(double frequencyHz, double sampleRate) noexcept;

class LinkwitzRileyBandSplitter {
public:
    void prepare(double sampleRate, int numChannels, std::span<const double> edgesHz);
    void reset() noexcept;
    // bands[j] for j < numBands; none may alias `input`.
    void split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept;
    [[nodiscard]] std::complex<double> bandResponse(int band, double frequencyHz) const noexcept;

private:
    double sampleRate_ = 48000.0;
    std::size_t numBands_ = 1;
    std::vector<MultichannelBiquadFilter> bandFilters_;  // per split j: LP4(f_j) and later allpasses
    std::vector<MultichannelBiquadFilter> highPasses_;   // per split j: HP4(f_j)
};

}  // namespace lathe::dsp
