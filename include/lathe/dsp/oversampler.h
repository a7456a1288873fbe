#pragma once
// Polyphase FIR oversampler (linear phase), used by the clipper, the limiter and the true-peak meter.
// The interpolation / decimation filter is a Kaiser-windowed sinc designed in prepare() from the
// factor and the requested quality (no pasted tables).
//   upsample(in)      -> view of factor * n frames held inside the oversampler (valid until the next call)
//   downsample(up, out) filters and decimates factor * n frames back to n frames.
// latencyFrames() is the round-trip delay (up then down) in base-rate frames; upsampleLatencyFrames()
// is the delay of the upsampled signal alone, in base-rate frames (may be fractional).

#include <memory>

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

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace lathe::dsp
