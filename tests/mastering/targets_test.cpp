#include "lathe/mastering/targets.h"

#include <gtest/gtest.h>

using namespace lathe::mastering;

TEST(Targets, PresetsCarryTheirPublishedFigures) {
    struct Expected {
        const char* name;
        double lufs;
        double ceiling;
    };
    for (const Expected& e : {Expected{"streaming", -14, -1}, Expected{"spotify-loud", -11, -2}, Expected{"apple", -16, -1},
                              Expected{"youtube", -14, -1}, Expected{"deezer", -15, -1}, Expected{"ebu-r128", -23, -1},
                              Expected{"atsc-a85", -24, -2}, Expected{"podcast", -16, -1}}) {
        auto target = parseDeliveryTarget(e.name);
        ASSERT_TRUE(target.ok()) << e.name;
        EXPECT_EQ(target->integratedLufs, e.lufs) << e.name;
        EXPECT_EQ(target->ceilingDbtp, e.ceiling) << e.name;
        EXPECT_FALSE(target->source.empty()) << e.name;
    }
    auto cd = parseDeliveryTarget("cd");
    ASSERT_TRUE(cd.ok());
    EXPECT_EQ(cd->ceilingDbtp, -0.3);
    EXPECT_EQ(cd->sampleRateHz.value_or(0), 44100.0);
    EXPECT_EQ(cd->encoding.value_or(lathe::SampleEncoding::Pcm24), lathe::SampleEncoding::Pcm16);
    EXPECT_FALSE(cd->normalisedPlayback);
}

TEST(Targets, NumbersAreCustomTargetsAndNonsenseListsThePresets) {
    auto custom = parseDeliveryTarget("-9.5");
    ASSERT_TRUE(custom.ok());
    EXPECT_EQ(custom->integratedLufs, -9.5);
    EXPECT_EQ(custom->name, "custom");
    auto bad = parseDeliveryTarget("loudest");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("streaming"), std::string::npos);
    EXPECT_NE(bad.error().message.find("podcast"), std::string::npos);
    EXPECT_FALSE(parseDeliveryTarget("3").ok());
    EXPECT_FALSE(parseDeliveryTarget("-14dB").ok());
}

TEST(Targets, PlrFloorFollowsTheTarget) {
    EXPECT_DOUBLE_EQ(plrFloorForTarget(-14), 9.0);
    EXPECT_DOUBLE_EQ(plrFloorForTarget(-16), 10.0);
    EXPECT_DOUBLE_EQ(plrFloorForTarget(-11), 7.5);
    EXPECT_DOUBLE_EQ(plrFloorForTarget(-30), 12.0);
    EXPECT_DOUBLE_EQ(plrFloorForTarget(-5), 6.0);
}
