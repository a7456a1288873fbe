#pragma once
// Per-frame true-peak detector for dynamics stages: the largest absolute value, over all channels,
// of the signal oversampled by the project's polyphase Oversampler filter (its interpolation
// branches, run here as planar rows), with each local maximum of the oversampled magnitude refined
// by a parabola through it and its neighbours (the same tightening as the TruePeakMeter over plain
// ITU-R BS.1770-4 Annex 2).
// process() writes one value per input frame; peaks[i] covers the signal within [-1/factor, 2)
// frames of input frame (i - latencyFrames()), so a consumer that holds each peak over +-2 frames
// sees every inter-sample peak at the right time. Reading i is a function of input frames
// [i - spanFrames(), i] only (no other state), which is what lets a caller skip frames.
//
// Speed, without changing any reading a consumer acts on:
//   floor    a reading above `floor` is exact; a frame whose exact reading is at or below it may be
//            reported as its largest raw oversampled magnitude (also <= floor, and <= the exact
//            reading). The parabola (a division per oversampled sample) is evaluated only on tiles
//            where 1.25 x the raw maximum could pass the floor: the vertex of the parabola through
//            a local maximum b and neighbours a, c <= b is at most b + b / 8. floor = 0: all exact.
//   needed   frames whose flag is 0 may be skipped (reported as 0), in tiles of kSkipTileFrames;
//            the input history is kept up to date either way.
// Never allocates after prepare(); results do not depend on the block split.
//
// Interpolation (4x):
//   polyphase        the Oversampler's L-th band Kaiser sinc, L - 1 branches of K taps each
//                    (any factor >= 2);
//   halfbandCascade  two 2x half-band stages (factor 4 only): stage 1 is the same Kaiser design at
//                    2x (passband p fs, stopband from (1 - p) fs: the same transition band, so the
//                    same K taps, but one branch instead of three); stage 2 goes from 2x to 4x and
//                    only has to reject images from (1 + p) fs up, so it is short even at 20 dB
//                    more attenuation (K2 = 12 taps for p = 0.48 at 60 dB, its ripple a tenth of
//                    stage 1's) and runs as two-plus-two planar FIRs per frame. For p = 0.48 at
//                    60 dB: 92 + 24 multiply-adds per frame and channel against 3 x 92; sine
//                    readings within 0.001 dB of the polyphase filter's (tests).

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/oversampler.h"
#include "lathe/dsp/halfband_cascade.h"
#include "lathe/dsp/stage.h"
#include "lathe/result.h"

namespace lathe::dsp {

class TruePeakDetector {
public:
    enum class Interpolation { polyphase, halfbandCascade };

    // Frames per skipping decision (a multiple of the FIR kernel's vector tile).
    static constexpr std::size_t kSkipTileFrames = 32;

    // The oversampler's factor (4 or more for a true-peak reading), passband and attenuation.
    // minimumLatencyFrames delays the output further, so that detectors of different filter lengths
    // can report in step (latencyFrames() = max(the filter's own delay, minimumLatencyFrames)).
    Status prepare(const ProcessSpec& spec, const OversamplerParams& params, int minimumLatencyFrames = 0,
                   Interpolation interpolation = Interpolation::polyphase);
    // The delay this filter design needs, without preparing anything.
    [[nodiscard]] static Result<int> naturalLatencyFrames(const ProcessSpec& spec, const OversamplerParams& params,
                                                          Interpolation interpolation = Interpolation::polyphase);
    void reset() noexcept;
    // peaks.size() >= block.numFrames(); block.numFrames() <= spec.maxBlockFrames.
    void process(ConstAudioBlock block, std::span<float> peaks, float floor = 0.0f) noexcept;
    // As above; frames with needed[i] == 0 may be skipped. needed.size() >= block.numFrames().
    void process(ConstAudioBlock block, std::span<float> peaks, float floor, std::span<const std::uint8_t> needed) noexcept;

    [[nodiscard]] int latencyFrames() const noexcept { return latency_; }
    [[nodiscard]] int factor() const noexcept { return factor_; }
    // Reading i depends on input frames [i - spanFrames(), i].
    [[nodiscard]] int spanFrames() const noexcept { return spanFrames_; }

private:
    void processChunk(ConstAudioBlock block, float* peaks, float floor, const std::uint8_t* needed) noexcept;
    [[nodiscard]] float* row(int channel, int branch) noexcept;  // branch 1 .. L-1, slot 0 = frame -1

    int factor_ = 4;          // L
    int tapsPerPhase_ = 0;    // K
    int latency_ = 0;
    int extraDelay_ = 0;      // e: the filter reads the input e frames late (x'[t] = x[t - e])
    int historyFrames_ = 0;   // past input frames kept per channel (K + e for polyphase)
    int spanFrames_ = 0;      // see spanFrames()
    int numChannels_ = 0;
    std::size_t chunkFrames_ = 0;
    std::vector<float> taps_;      // branch p = 1 .. L-1 at (p - 1) K (the Oversampler's)
    std::vector<float> input_;     // per channel: historyFrames_ past frames, then the chunk
    std::vector<float> rows_;      // per channel, per branch 1 .. L-1: frames -1 .. chunk-1
    std::vector<float> carry_;     // per channel, per branch 1 .. L-1: the last frame of the previous chunk
    bool carryValid_ = true;       // carry_ holds the branches at frame -1 (else they are recomputed)
    std::vector<float> rawPeak_;   // per frame: largest |oversampled| of positions (t-1, L-1), (t, 0 .. L-1)
    std::vector<std::uint8_t> computed_;  // per skip tile of the chunk
    Interpolation interpolation_ = Interpolation::polyphase;
    HalfbandCascade cascade_;      // halfbandCascade: the filter, and per channel its half-frame row
    std::vector<float> halfRow_;
};

}  // namespace lathe::dsp
