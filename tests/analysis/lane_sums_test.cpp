#include "analysis/lane_sums.h"

#include <gtest/gtest.h>

#include <vector>

#include "util/random.h"

using namespace lathe;
using namespace lathe::analysis;

namespace {

struct Sums {
    double sum = 0;
    double sumSquares = 0;
};

Lanes<Sums> accumulate(const std::vector<float>& x, std::uint64_t splitSeed) {
    Lanes<Sums> lanes{};
    Random random(splitSeed);
    for (std::size_t offset = 0; offset < x.size();) {
        const std::size_t count = splitSeed == 0 ? x.size() : std::min<std::size_t>(random.next() % 11, x.size() - offset);
        const float* data = x.data() + offset;
        accumulateInLanes(lanes, std::int64_t(offset), count, [data](Sums& lane, std::size_t i) {
            lane.sum += data[i];
            lane.sumSquares += double(data[i]) * double(data[i]);
        });
        offset += count;
    }
    return lanes;
}

}  // namespace

TEST(LaneSums, EachLaneHoldsTheSamplesOfItsResidue) {
    // x[n] = n: lane k sums the n with n mod 4 == k, whatever the block split.
    std::vector<float> x(1003);
    for (std::size_t n = 0; n < x.size(); ++n) x[n] = float(n);
    for (std::uint64_t seed : {0u, 1u, 2u, 3u}) {
        const auto lanes = accumulate(x, seed);
        for (std::size_t k = 0; k < kLanes; ++k) {
            double expected = 0;
            for (std::size_t n = k; n < x.size(); n += kLanes) expected += double(n);
            EXPECT_EQ(lanes[k].sum, expected) << "lane " << k << " split " << seed;
        }
    }
}

TEST(LaneSums, AnySplitGivesIdenticalBitsAndMatchesAPlainSum) {
    std::vector<float> x(100000);
    Random random(5);
    for (auto& v : x) v = random.bipolar();
    const auto whole = accumulate(x, 0);
    double plain = 0;
    for (float v : x) plain += double(v) * double(v);
    const double total = (whole[0].sumSquares + whole[1].sumSquares) + (whole[2].sumSquares + whole[3].sumSquares);
    EXPECT_NEAR(total, plain, 1e-9 * plain);
    for (std::uint64_t seed : {7u, 8u, 9u}) {
        const auto split = accumulate(x, seed);
        for (std::size_t k = 0; k < kLanes; ++k) {
            EXPECT_EQ(split[k].sum, whole[k].sum);
            EXPECT_EQ(split[k].sumSquares, whole[k].sumSquares);
        }
    }
}
