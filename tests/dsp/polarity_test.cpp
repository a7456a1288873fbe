// Polarity: contract, exact negation of the selected channels only, double inversion = identity.

#include "lathe/dsp/polarity.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(Polarity, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.5, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<Polarity>(); }, input, 48000.0);
}

TEST(Polarity, NegatesSelectedChannelsExactly) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.1, 0.9, 3, 5);
    PolarityParams params;
    params.invert[1] = true;
    AudioBuffer audio = test::copyOf(input.block());
    Polarity polarity(params);
    test::processWhole(polarity, audio, 48000.0, 64);
    for (std::size_t i = 0; i < input.numFrames(); ++i) {
        ASSERT_EQ(audio.channel(0)[i], input.channel(0)[i]);
        ASSERT_EQ(audio.channel(1)[i], -input.channel(1)[i]);
        ASSERT_EQ(audio.channel(2)[i], input.channel(2)[i]);
    }
    // No inversion is bit-exact bypass; inverting twice is the identity.
    AudioBuffer twice = test::copyOf(input.block());
    Polarity all;
    test::processWhole(all, twice, 48000.0);
    test::processWhole(all, twice, 48000.0);
    Polarity none(PolarityParams{});
    test::processWhole(none, twice, 48000.0);
    for (int c = 0; c < 3; ++c)
        EXPECT_EQ(std::memcmp(twice.channel(c).data(), input.channel(c).data(), input.numFrames() * sizeof(float)), 0);
}

}  // namespace
}  // namespace lathe::dsp
