// ChannelSwap: contract, exact exchange, swapping twice is the identity.

#include "lathe/dsp/channel_swap.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(ChannelSwap, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.5, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<ChannelSwap>(); }, input, 48000.0);
}

TEST(ChannelSwap, ExchangesChannelsExactly) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.1, 0.9, 2, 5);
    AudioBuffer audio = test::copyOf(input.block());
    ChannelSwap swap;
    test::processWhole(swap, audio, 48000.0, 100);
    const std::size_t bytes = input.numFrames() * sizeof(float);
    EXPECT_EQ(std::memcmp(audio.channel(0).data(), input.channel(1).data(), bytes), 0);
    EXPECT_EQ(std::memcmp(audio.channel(1).data(), input.channel(0).data(), bytes), 0);
    test::processWhole(swap, audio, 48000.0, 77);
    EXPECT_EQ(std::memcmp(audio.channel(0).data(), input.channel(0).data(), bytes), 0);
    EXPECT_EQ(std::memcmp(audio.channel(1).data(), input.channel(1).data(), bytes), 0);
    EXPECT_FALSE(swap.prepare({48000.0, 1, 512}).ok());
}

}  // namespace
}  // namespace lathe::dsp
