// MonoSum: contract, the mean of all channels on every channel, identical channels bit-exact,
// linearity.

#include "lathe/dsp/mono_sum.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(MonoSum, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.5, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<MonoSum>(); }, input, 48000.0);
    const AudioBuffer six = test::whiteNoise(48000.0, 0.3, 0.5, 6, 4);
    test::expectStageContract([] { return std::make_unique<MonoSum>(); }, six, 48000.0);
}

TEST(MonoSum, EveryChannelCarriesTheMean) {
    for (int channels : {2, 3, 6}) {
        const AudioBuffer input = test::whiteNoise(48000.0, 0.05, 0.9, channels, 7);
        AudioBuffer audio = test::copyOf(input.block());
        MonoSum sum;
        test::processWhole(sum, audio, 48000.0);
        for (std::size_t i = 0; i < input.numFrames(); ++i) {
            double mean = 0.0;
            for (int c = 0; c < channels; ++c) mean += input.channel(c)[i];
            mean /= channels;
            for (int c = 0; c < channels; ++c) ASSERT_EQ(audio.channel(c)[i], static_cast<float>(mean)) << i;
        }
    }
}

TEST(MonoSum, IdenticalChannelsPassBitExact) {
    for (int channels : {2, 3, 5, 8}) {
        AudioBuffer input = test::whiteNoise(48000.0, 0.1, 1.0, channels, 9);
        for (int c = 1; c < channels; ++c)
            std::copy(input.channel(0).begin(), input.channel(0).end(), input.channel(c).begin());
        AudioBuffer audio = test::copyOf(input.block());
        MonoSum sum;
        test::processWhole(sum, audio, 48000.0);
        for (int c = 0; c < channels; ++c)
            ASSERT_EQ(std::memcmp(audio.channel(c).data(), input.channel(c).data(), input.numFrames() * sizeof(float)), 0)
                << channels << " channels";
    }
}

TEST(MonoSum, IsLinear) {
    const AudioBuffer x = test::whiteNoise(48000.0, 0.2, 0.5, 2, 1), y = test::whiteNoise(48000.0, 0.2, 0.5, 2, 2);
    AudioBuffer mix(2, x.numFrames()), ex = test::copyOf(x.block()), ey = test::copyOf(y.block());
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i) mix.channel(c)[i] = 2.0f * x.channel(c)[i] - 0.5f * y.channel(c)[i];
    MonoSum a, b, m;
    test::processWhole(a, ex, 48000.0);
    test::processWhole(b, ey, 48000.0);
    test::processWhole(m, mix, 48000.0);
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i)
            ASSERT_NEAR(mix.channel(c)[i], 2.0 * ex.channel(c)[i] - 0.5 * ey.channel(c)[i], 3e-7);
}

}  // namespace
}  // namespace lathe::dsp
