#include "lathe/mastering/chain.h"

#include <gtest/gtest.h>

#include <vector>

#include "support/signals.h"
#include "support/stage_contract.h"

using namespace lathe;

namespace {

// A pure delay of `frames` with a gain: the simplest stage with latency, for testing the chain.
class DelayStage final : public dsp::Stage {
public:
    DelayStage(int frames, float gain) : frames_(frames), gain_(gain) {}
    Status prepare(const dsp::ProcessSpec& spec) override {
        lines_.assign(std::size_t(spec.numChannels), std::vector<float>(std::size_t(frames_) + 1, 0.0f));
        position_ = 0;
        return success();
    }
    void reset() noexcept override {
        for (auto& line : lines_) std::fill(line.begin(), line.end(), 0.0f);
        position_ = 0;
    }
    void process(AudioBlock block) noexcept override {
        const std::size_t size = std::size_t(frames_) + 1;
        std::size_t position = position_;
        for (int c = 0; c < block.numChannels(); ++c) {
            auto& line = lines_[std::size_t(c)];
            position = position_;
            for (float& s : block.channel(c)) {
                line[position] = s;
                const std::size_t oldest = (position + 1) % size;  // written frames_ samples ago
                s = gain_ * line[oldest];
                position = oldest;
            }
        }
        position_ = position;
    }
    [[nodiscard]] int latencyFrames() const noexcept override { return frames_; }
    [[nodiscard]] std::string_view name() const noexcept override { return "delay"; }

private:
    int frames_;
    float gain_;
    std::vector<std::vector<float>> lines_;
    std::size_t position_ = 0;
};

std::unique_ptr<dsp::Stage> makeChain() {
    auto chain = std::make_unique<mastering::Chain>();
    chain->add(std::make_unique<DelayStage>(7, 0.5f));
    chain->add(std::make_unique<DelayStage>(100, 2.0f));
    return chain;
}

}  // namespace

TEST(Chain, SumsLatencyAndRenderOfflineRealignsOutput) {
    auto chain = makeChain();
    EXPECT_EQ(chain->latencyFrames(), 107);
    const AudioBuffer input = test::whiteNoise(48000, 0.5, 0.5, 2, 9);
    for (std::size_t block : {1u, 64u, 4096u}) {
        auto output = mastering::renderOffline(*chain, input.block(), 48000, block);
        ASSERT_TRUE(output.ok());
        ASSERT_EQ(output->numFrames(), input.numFrames());
        EXPECT_EQ(test::maxAbsDifference(input.block(), output->block()), 0.0) << "block " << block;
    }
}

TEST(Chain, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(44100, 0.3, 0.5, 2, 3);
    test::expectStageContract([] { return makeChain(); }, input, 44100);
}

TEST(Chain, PrepareErrorsNameTheStage) {
    class Failing final : public dsp::Stage {
    public:
        Status prepare(const dsp::ProcessSpec&) override { return fail("cannot run at this rate"); }
        void reset() noexcept override {}
        void process(AudioBlock) noexcept override {}
        [[nodiscard]] std::string_view name() const noexcept override { return "failing"; }
    };
    mastering::Chain chain;
    chain.add(std::make_unique<Failing>());
    auto status = chain.prepare({48000, 2, 512});
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().message, "failing: cannot run at this rate");
}
