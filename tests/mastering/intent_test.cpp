#include "lathe/mastering/intent.h"

#include <gtest/gtest.h>

using namespace lathe::mastering;

TEST(Intent, MapsEachDocumentedPhraseInTheRightDirection) {
    EXPECT_GT(parseIntent("warmer").adjustments.lowMidDb, 0);
    EXPECT_GT(parseIntent("brighter").adjustments.airDb, 0);
    EXPECT_GT(parseIntent("more low end").adjustments.lowShelfDb, 0);
    EXPECT_LT(parseIntent("less harsh").adjustments.presenceDb, 0);
    EXPECT_GT(parseIntent("more punch").adjustments.punch, 0);
    EXPECT_GT(parseIntent("wider").adjustments.widthPercent, 0);
    EXPECT_LT(parseIntent("narrower").adjustments.widthPercent, 0);
    EXPECT_TRUE(parseIntent("keep it dynamic").adjustments.keepDynamic);
    EXPECT_GT(parseIntent("louder").adjustments.loudnessOffsetLu, 0);
    EXPECT_GT(parseIntent("vocal forward").adjustments.presenceDb, 0);
}

TEST(Intent, ReadsASentenceWithModifiersAndHyphens) {
    const Intent intent = parseIntent("A bit warmer, much more low-end and keep it dynamic please!");
    EXPECT_DOUBLE_EQ(intent.adjustments.lowMidDb, 0.5);
    EXPECT_DOUBLE_EQ(intent.adjustments.lowShelfDb, 2.25);
    EXPECT_TRUE(intent.adjustments.keepDynamic);
    EXPECT_EQ(intent.understood.size(), 3u);
    EXPECT_TRUE(intent.unknownWords.empty());
}

TEST(Intent, ReportsUnknownWordsAndBoundsEveryAdjustment) {
    const Intent intent = parseIntent("more cowbell, brighter brighter brighter brighter, wider wider wider");
    ASSERT_EQ(intent.unknownWords.size(), 1u);
    EXPECT_EQ(intent.unknownWords[0], "cowbell");
    EXPECT_DOUBLE_EQ(intent.adjustments.airDb, 3.0);
    EXPECT_DOUBLE_EQ(intent.adjustments.widthPercent, 30.0);
}

TEST(Intent, EmptyTextChangesNothing) {
    const Intent intent = parseIntent("");
    EXPECT_TRUE(intent.understood.empty());
    EXPECT_TRUE(intent.unknownWords.empty());
    EXPECT_EQ(intent.adjustments.lowShelfDb, 0);
    EXPECT_FALSE(intent.adjustments.keepDynamic);
}
