#include "lathe/mastering/chain.h"

#include <algorithm>
#include <string>

#include "lathe/dsp/denormals.h"

namespace lathe::mastering {

Status Chain::prepare(const dsp::ProcessSpec& spec) {
    for (auto& stage : stages_) {
        if (auto status = stage->prepare(spec); !status)
            return fail(std::string(stage->name()) + ": " + status.error().message);
    }
    return success();
}

void Chain::reset() noexcept {
    for (auto& stage : stages_) stage->reset();
}

void Chain::process(AudioBlock block) noexcept {
    for (auto& stage : stages_) stage->process(block);
}

int Chain::latencyFrames() const noexcept {
    int total = 0;
    for (const auto& stage : stages_) total += stage->latencyFrames();
    return total;
}

Result<AudioBuffer> renderOffline(dsp::Stage& stage, ConstAudioBlock input, double sampleRate, std::size_t blockFrames) {
    if (blockFrames == 0) return fail("render: block size must be positive");
    if (auto status = stage.prepare({sampleRate, input.numChannels(), blockFrames}); !status) return status.error();
    const dsp::ScopedFlushDenormals noDenormals;
    const auto latency = static_cast<std::size_t>(std::max(0, stage.latencyFrames()));
    const std::size_t frames = input.numFrames();
    AudioBuffer work(input.numChannels(), frames + latency);
    for (int c = 0; c < input.numChannels(); ++c) std::copy(input.channel(c).begin(), input.channel(c).end(), work.channel(c).begin());
    auto block = work.block();
    for (std::size_t offset = 0; offset < work.numFrames(); offset += blockFrames)
        stage.process(block.slice(offset, std::min(blockFrames, work.numFrames() - offset)));
    AudioBuffer output(input.numChannels(), frames);
    for (int c = 0; c < input.numChannels(); ++c) {
        const auto source = work.channel(c).subspan(latency, frames);
        std::copy(source.begin(), source.end(), output.channel(c).begin());
    }
    return output;
}

}  // namespace lathe::mastering
