#include "lathe/check/verdict.h"

#include <gtest/gtest.h>

namespace lathe::check {
namespace {

TEST(Verdict, OverallIsTheWorstItemAndFailExitsOne) {
    Verdict verdict;
    EXPECT_EQ(verdict.overall(), Severity::pass);
    verdict.items.push_back({"a", "x", Severity::pass, 1.0, "", "", "", ""});
    verdict.items.push_back({"b", "x", Severity::warn, 2.0, "", "", "", ""});
    EXPECT_EQ(verdict.overall(), Severity::warn);
    EXPECT_EQ(exitCodeFor(verdict.overall()), 0);
    verdict.items.push_back({"c", "y", Severity::fail, std::nullopt, "", "", "", ""});
    EXPECT_EQ(verdict.overall(), Severity::fail);
    EXPECT_EQ(exitCodeFor(verdict.overall()), 1);
    EXPECT_EQ(exitCodeFor(Severity::pass), 0);
    EXPECT_EQ(verdict.find("b")->severity, Severity::warn);
    EXPECT_EQ(verdict.find("z"), nullptr);
    EXPECT_EQ(verdict.idsWith(Severity::fail), std::vector<std::string>{"c"});
    EXPECT_EQ(severityName(Severity::warn), "WARN");
    EXPECT_EQ(worst(Severity::pass, Severity::fail), Severity::fail);
}

}  // namespace
}  // namespace lathe::check
