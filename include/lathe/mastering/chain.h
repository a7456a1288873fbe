#pragma once
// A serial chain of stages, itself a Stage: latency is the sum of its stages' latencies.
// renderOffline() runs a stage over a whole signal and trims the latency, so the result is
// sample-aligned with the input and of the same length.

#include <memory>
#include <span>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/stage.h"
#include "lathe/result.h"

namespace lathe::mastering {

class Chain final : public dsp::Stage {
public:
    void add(std::unique_ptr<dsp::Stage> stage) { stages_.push_back(std::move(stage)); }
    [[nodiscard]] std::span<const std::unique_ptr<dsp::Stage>> stages() const noexcept { return stages_; }

    Status prepare(const dsp::ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "chain"; }

private:
    std::vector<std::unique_ptr<dsp::Stage>> stages_;
};

// Prepares `stage` for (sampleRate, input channels, blockFrames), processes the input followed by
// latencyFrames() of silence, and returns the output with the latency removed.
Result<AudioBuffer> renderOffline(dsp::Stage& stage, ConstAudioBlock input, double sampleRate,
                                  std::size_t blockFrames = 4096);

}  // namespace lathe::mastering
