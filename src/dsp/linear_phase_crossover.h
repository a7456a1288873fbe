#pragma once
// Linear-phase band splitter (internal; the LinearPhase option of lathe::dsp::Crossover).
// Band edges f_0 < ... < f_{N-2}; h_j is a Kaiser-windowed sinc low-pass at f_j (-6 dB at f_j,
// transition 0.5 f_j wide, 90 dB stopband), all centred on one delay D. Band kernels are the
// complementary differences
//     b_0 = h_0,  b_j = h_j - h_{j-1},  b_{N-1} = delta_D - h_{N-2},
// which sum to delta_D (to the float rounding of the taps): the unprocessed band sum is the input
// delayed by D. Each band runs a zero-latency partitioned FFT convolver (dsp/fft_convolver.h), so
// the latency is D alone. prepare() allocates; reset() and split() do not.

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::dsp {

class FftConvolver;

class LinearPhaseBandSplitter {
public:
    LinearPhaseBandSplitter();
    ~LinearPhaseBandSplitter();

    Status prepare(double sampleRate, int numChannels, std::span<const double> edgesHz);
    void reset() noexcept;
    // bands[j]: the band j output for `input` (same shape; none may alias `input`).
    void split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept;
    [[nodiscard]] std::size_t latencyFrames() const noexcept { return centre_; }
    // Zero-phase amplitude of band j at frequencyHz (from the float taps that run; no latency).
    [[nodiscard]] double bandAmplitude(int band, double frequencyHz) const noexcept;

private:
    double sampleRate_ = 48000.0;
    std::vector<std::vector<float>> kernels_;
    std::size_t centre_ = 0;
    std::vector<std::unique_ptr<FftConvolver>> convolvers_;  // one per band, all channels
};

}  // namespace lathe::dsp
