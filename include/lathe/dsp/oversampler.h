#pragma once
// Polyphase FIR oversampler (linear phase), used by the clipper, the limiter and the true-peak meter.
// The interpolation / decimation filter is a Kaiser-windowed sinc designed in prepare() from the
// factor and the requested quality (no pasted tables): an L-th band (Nyquist) lowpass with its
// transition band [passbandFraction, 1 - passbandFraction] * fs centred on the base-rate Nyquist
// frequency, so the upsampled signal passes exactly through the input samples (delayed).
//   upsample(in)      -> view of factor * n frames held inside the oversampler (valid until the next call)
//   downsample(up, out) filters and decimates factor * n frames back to n frames.
// latencyFrames() is the round-trip delay (up then down) in base-rate frames; upsampleLatencyFrames()
// is the delay of the upsampled signal alone, in base-rate frames (may be fractional). With K taps
// per phase (even), the upsampled signal is delayed by K / 2 base frames and the round trip by K.
// Real-time contract: prepare() allocates; reset(), upsample() and downsample() never allocate, lock
// or throw. n may be anything up to spec.maxBlockFrames; results do not depend on the block split.
// Passband ripple and image / alias rejection are both about stopbandAttenuationDb (window design).

#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/stage.h"
#include "lathe/result.h"

namespace lathe::dsp {

struct OversamplerParams {
    int factor = 4;                  // 1, 2, 4, 8 or 16
    double passbandFraction = 0.45;  // passband edge as a fraction of the base sample rate
    double stopbandAttenuationDb = 100.0;
};

class Oversampler {
public:
    Status prepare(const ProcessSpec& spec, const OversamplerParams& params);
    void reset() noexcept;
    AudioBlock upsample(ConstAudioBlock input) noexcept;
    void downsample(ConstAudioBlock upsampled, AudioBlock output) noexcept;

    [[nodiscard]] int factor() const noexcept;
    [[nodiscard]] int latencyFrames() const noexcept;
    [[nodiscard]] double upsampleLatencyFrames() const noexcept;

    // Filter taps per polyphase branch (K); 0 for factor 1.
    [[nodiscard]] int tapsPerPhase() const noexcept;
    // The K taps of interpolation branch p (1 .. factor - 1): upsample() computes oversampled sample
    // t * factor + p as sum_{j < K} taps[j] * x[t - j] (detail::firBlock); branch 0 is x[t - K / 2].
    [[nodiscard]] std::span<const float> upsampleBranchTaps(int branch) const noexcept;
    // Amplitude response (linear, ~1 in the passband, delay removed) of the interpolation filter, which
    // is also the decimation filter, at `frequencyHz` on the oversampled axis (0 .. factor * fs / 2).
    // Up-then-down has the square of it below fs / 2.
    [[nodiscard]] double filterAmplitude(double frequencyHz) const noexcept;

private:
    int factor_ = 1;
    int tapsPerPhase_ = 0;
    int numChannels_ = 0;
    std::size_t maxBlockFrames_ = 0;
    std::size_t historyStride_ = 0;          // K + maxBlockFrames: one channel's (or phase's) history + block
    double sampleRate_ = 0;
    std::vector<double> prototype_;          // h[0 .. K L], for filterAmplitude()
    std::vector<float> upTaps_;              // branch p = 1 .. L-1 at (p - 1) K: h[j L + p]
    std::vector<float> downTaps_;            // branch q = 1 .. L-1 at (q - 1) K: h[j L + q] / L
    float downCentre_ = 1.0f;                // h[K L / 2] / L
    std::vector<float> inputHistory_;        // per channel: K past input frames, then the current block
    std::vector<float> upsampled_;           // per channel: L * maxBlockFrames
    std::vector<float> downHistory_;         // per channel, per phase r: K past frames of u[i L + r], then the block
    std::vector<float> branchRows_;          // scratch: branches 1 .. L-1 of one channel's block, planar
};

}  // namespace lathe::dsp
