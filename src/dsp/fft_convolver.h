#pragma once
// Zero-latency FIR convolution of long filters: uniformly partitioned overlap-save (UPOLS) with a
// direct-form head (Gardner, "Efficient convolution without input-output delay", JAES 43(3), 1995;
// Wefers, "Partitioned convolution algorithms for real-time auralization", 2015, ch. 5).
//
// With partition size B (a power of two) and FFT size 2B:
//   taps [0, B)      are applied in the time domain, sample by sample (no delay);
//   taps [B, N)      are split into P = ceil((N - B) / B) partitions of B taps, each transformed once
//                    (in setKernel). Input blocks of B frames are transformed as they complete and kept
//                    in a frequency-domain delay line; the tail of output block j is the inverse FFT of
//                    sum_p X[j-1-p] * G[p]. It only needs input up to block j-1, so it is ready when
//                    block j starts and the convolver adds no latency.
// So any call size from 1 frame up works and gives bit-identical output (every output sample is
// computed by the same arithmetic whatever the call boundaries), and the work per B frames is
// bounded: 2 real FFTs of 2B points and P complex multiply-adds per bin per kernel.
// A kernel whose first B taps are all zero (a caller that can afford B frames of latency pads its
// filter with B zeros) skips the head: B multiply-adds per frame saved, the same output bits (for
// finite input; the head's sum would be +0).
//
// Several kernels of the same length can be held at once ("slots"): the input history does not
// depend on the filter, so switching or crossfading between kernels is exact and costs only the
// extra multiply-adds while two are in use.
//
// Real-time contract: prepare() allocates every buffer (fftwf_malloc, SIMD-aligned) and makes the
// FFTW plans (under the planner lock; FFTW_ESTIMATE, so the algorithm, and so the output bits, are
// the same on every run). setKernel() allocates nothing but does FFT work: call it off the audio
// thread. reset() and process() never allocate, lock or throw. setKernel() may run on
// another thread than process() provided process() does not use that kernel slot meanwhile (it
// marks the slot's cached output stale; see LinearPhaseEq for the hand-over protocol).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dsp/fftw_memory.h"
#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::dsp {

class FftConvolver {
public:
    FftConvolver() = default;
    FftConvolver(const FftConvolver&) = delete;
    FftConvolver& operator=(const FftConvolver&) = delete;

    // Room for `numKernels` kernels of up to `maxFilterFrames` taps, `numChannels` channels.
    // partitionFrames must be a power of two in [16, 8192]; 0 chooses one from the filter length.
    Status prepare(int numChannels, std::size_t maxFilterFrames, int numKernels = 1, std::size_t partitionFrames = 0);
    // Loads taps (at most maxFilterFrames; shorter filters are zero-padded) into a kernel slot.
    Status setKernel(int kernel, std::span<const float> taps);
    void reset() noexcept;

    // Convolves `input` with one kernel into `output` (same shape; may be the same memory).
    void process(ConstAudioBlock input, AudioBlock output, int kernel) noexcept;
    // Convolves the same input with two kernels at once (for crossfades). Outputs may alias input.
    void processTwo(ConstAudioBlock input, AudioBlock outputA, int kernelA, AudioBlock outputB, int kernelB) noexcept;

    [[nodiscard]] std::size_t partitionFrames() const noexcept { return partition_; }
    [[nodiscard]] std::size_t maxFilterFrames() const noexcept { return maxFilter_; }
    [[nodiscard]] static std::size_t defaultPartitionFrames(std::size_t filterFrames) noexcept;

private:
    // Split-complex spectra (separate real and imaginary arrays) so the multiply-add loop vectorises.
    struct Kernel {
        FftwfBuffer<float> headReversed;  // taps [0, B) reversed: head output = dot(headReversed, window)
        bool headSilent = false;          // taps [0, B) are all zero: the head adds exactly +0, skip it
        FftwfBuffer<float> re, im;        // P partitions x bins, scaled by 1/(2B) (FFTW is unnormalised)
        std::vector<FftwfBuffer<float>> tail;  // per channel: the tail part of the current output block
        // `tail` is valid for block tailBlock of reset epoch tailEpoch. Only process() (computeTail)
        // writes these, except setKernel(), which marks the slot stale.
        std::uint64_t tailBlock = ~std::uint64_t{0};
        std::uint64_t tailEpoch = 0;
    };
    struct Channel {
        FftwfBuffer<float> window;   // 2B frames: [previous block | current block]
        FftwfBuffer<float> re, im;   // frequency-domain delay line: P spectra x bins
    };

    void run(ConstAudioBlock input, const AudioBlock* outputs, const int* kernels, int count) noexcept;
    void computeTail(Kernel& kernel) noexcept;
    void completeBlock() noexcept;

    std::size_t partition_ = 0;   // B
    std::size_t bins_ = 0;        // B + 1
    std::size_t partitions_ = 0;  // P
    std::size_t maxFilter_ = 0;
    int numChannels_ = 0;
    std::vector<Kernel> kernels_;
    std::vector<Channel> channels_;
    FftwfPlan forward_, inverse_;
    // Scratch used by process() only.
    FftwfBuffer<fftwf_complex> spectrum_;
    FftwfBuffer<float> accumulateRe_, accumulateIm_, timeScratch_, headScratch_;
    // Scratch used by setKernel() only (it may run on another thread).
    FftwfBuffer<fftwf_complex> kernelSpectrum_;
    FftwfBuffer<float> kernelTime_;
    std::size_t position_ = 0;        // frames of the current block already received
    std::size_t newest_ = 0;          // delay-line slot of the newest input spectrum
    std::uint64_t blockIndex_ = 0;    // blocks completed since reset
    std::uint64_t epoch_ = 0;         // incremented by reset(), so every cached tail goes stale
};

}  // namespace lathe::dsp
