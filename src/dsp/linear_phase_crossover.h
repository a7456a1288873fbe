#pragma once
// Linear-phase band splitter (internal; the LinearPhase option of lathe::dsp::Crossover).
// Band edges f_0 < ... < f_{N-2}; h_j is a Kaiser-windowed sinc low-pass at f_j (-6 dB at f_j,
// transition 0.5 f_j wide, 90 dB stopband), all centred on one delay D. Band kernels are the
// complementary differences
//     b_0 = h_0,  b_j = h_j - h_{j-1},  b_{N-1} = delta_D - h_{N-2},
// which sum to delta_D exactly: the unprocessed band sum is the input delayed (to double rounding).
// Each channel runs one overlap-save FFT bank (one forward transform, one inverse per band).
// Latency: D + the FFT block. prepare() allocates; reset() and split() do not.

#include <cstddef>
#include <span>
#include <vector>

#include "dsp/overlap_save.h"
#include "lathe/audio_buffer.h"

namespace lathe::dsp {

class LinearPhaseBandSplitter {
public:
    void prepare(double sampleRate, int numChannels, std::span<const double> edgesHz);
    void reset() noexcept;
    // bands[j]: the band j output for `input` (same shape).
    void split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept;
    [[nodiscard]] std::size_t latencyFrames() const noexcept { return block_ + centre_; }
    // Zero-phase amplitude of band j at frequencyHz (the response without its latency).
    [[nodiscard]] double bandAmplitude(int band, double frequencyHz) const noexcept;

private:
    double sampleRate_ = 48000.0;
    std::vector<std::vector<double>> kernels_;
    std::size_t centre_ = 0, block_ = 0, position_ = 0;
    std::vector<OverlapSaveConvolver> convolvers_;           // one per channel
    std::vector<std::vector<double>> inputs_;                // per channel, one block
    std::vector<std::vector<std::vector<double>>> outputs_;  // per channel, per band, one block
    std::vector<std::vector<double*>> outputPointers_;       // per channel, per band
};

}  // namespace lathe::dsp
