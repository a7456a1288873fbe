#pragma once
// Linkwitz-Riley 4th-order band-splitting tree with allpass phase compensation (internal; the
// default type of lathe::dsp::Crossover, whose header explains the structure).

#include <complex>
#include <cstddef>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"

namespace lathe::dsp {

class LinkwitzRileyBandSplitter {
public:
    void prepare(double sampleRate, int numChannels, std::span<const double> edgesHz);
    void reset() noexcept;
    void split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept;
    [[nodiscard]] std::complex<double> bandResponse(int band, double frequencyHz) const noexcept;

private:
    std::size_t numBands_ = 1;
};

}  // namespace lathe::dsp
