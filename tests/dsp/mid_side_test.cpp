// Mid/side: contract, the documented round-trip bound, exact values, linearity.

#include "lathe/dsp/mid_side.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>

#include "support/signals.h"
#include "support/stage_contract.h"

namespace lathe::dsp {
namespace {

TEST(MidSide, KeepsTheStageContract) {
    const AudioBuffer input = test::whiteNoise(48000.0, 0.5, 0.5, 2, 3);
    test::expectStageContract([] { return std::make_unique<MidSideEncoder>(); }, input, 48000.0);
    test::expectStageContract([] { return std::make_unique<MidSideDecoder>(); }, input, 48000.0);
}

TEST(MidSide, EncodesAsDocumented) {
    AudioBuffer audio(2, 3);
    const float left[] = {1.0f, 0.5f, -0.25f}, right[] = {1.0f, -0.5f, 0.75f};
    for (int i = 0; i < 3; ++i) {
        audio.channel(0)[i] = left[i];
        audio.channel(1)[i] = right[i];
    }
    encodeMidSide(audio.block());
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(audio.channel(0)[i], 0.5f * (left[i] + right[i]));
        EXPECT_EQ(audio.channel(1)[i], 0.5f * (left[i] - right[i]));
    }
    // Mono (L = R) has no side; a side-only signal (L = -R) has no mid.
    EXPECT_EQ(audio.channel(1)[0], 0.0f);
    EXPECT_EQ(audio.channel(0)[1], 0.0f);
}

// Encode then decode: within 2 ulp of max(|L|, |R|) (header comment), measured on full-scale noise
// with independent channels and on a near-mono pair (where S is tiny and M carries all).
TEST(MidSide, RoundTripWithinTwoUlp) {
    for (std::uint64_t seed : {1u, 2u}) {
        AudioBuffer input = test::whiteNoise(48000.0, 1.0, 1.0, 2, seed);
        if (seed == 2)
            for (std::size_t i = 0; i < input.numFrames(); ++i) input.channel(1)[i] = input.channel(0)[i] * 0.999f;
        AudioBuffer audio = test::copyOf(input.block());
        MidSideEncoder encoder;
        MidSideDecoder decoder;
        test::processWhole(encoder, audio, 48000.0);
        test::processWhole(decoder, audio, 48000.0);
        double worstUlps = 0.0;
        for (std::size_t i = 0; i < input.numFrames(); ++i) {
            const double scale = std::max(std::abs(input.channel(0)[i]), std::abs(input.channel(1)[i]));
            if (scale == 0.0) continue;
            const double ulp = scale * std::numeric_limits<float>::epsilon();
            for (int c = 0; c < 2; ++c)
                worstUlps = std::max(worstUlps, std::abs(double(audio.channel(c)[i]) - input.channel(c)[i]) / ulp);
        }
        EXPECT_LE(worstUlps, 2.0) << "seed " << seed;
    }
}

TEST(MidSide, IsLinear) {
    const AudioBuffer x = test::whiteNoise(48000.0, 0.2, 0.5, 2, 1), y = test::whiteNoise(48000.0, 0.2, 0.5, 2, 2);
    AudioBuffer mix(2, x.numFrames()), ex = test::copyOf(x.block()), ey = test::copyOf(y.block());
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i) mix.channel(c)[i] = 2.0f * x.channel(c)[i] + 0.5f * y.channel(c)[i];
    encodeMidSide(ex.block());
    encodeMidSide(ey.block());
    encodeMidSide(mix.block());
    for (int c = 0; c < 2; ++c)
        for (std::size_t i = 0; i < x.numFrames(); ++i)
            ASSERT_NEAR(mix.channel(c)[i], 2.0 * ex.channel(c)[i] + 0.5 * ey.channel(c)[i], 3e-7);
    EXPECT_FALSE(MidSideEncoder().prepare({48000.0, 1, 512}).ok());
    EXPECT_FALSE(MidSideDecoder().prepare({48000.0, 6, 512}).ok());
}

}  // namespace
}  // namespace lathe::dsp
