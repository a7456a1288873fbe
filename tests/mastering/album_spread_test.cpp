#include "lathe/mastering/album_spread.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace lathe;
using namespace lathe::mastering;

namespace {

// A track whose 1/3-octave mid spectrum is `shape(band index)` dB.
template <class Shape>
analysis::Analysis trackWith(Shape shape) {
    analysis::Analysis a;
    for (std::size_t b = 0; b < analysis::kThirdOctaveCentresHz.size(); ++b) a.thirdOctaveMidDb.push_back(shape(b));
    return a;
}

double base(std::size_t b) { return -20.0 - 1.5 * double(b) / 3.0; }
bool inRange(std::size_t b) {
    const double hz = analysis::kThirdOctaveCentresHz[b];
    return hz >= kTonalSpreadLowHz && hz <= kTonalSpreadHighHz;
}

}  // namespace

TEST(AlbumSpread, LevelIsNotTone) {
    const std::vector<analysis::Analysis> tracks = {trackWith([](std::size_t b) { return std::optional(base(b)); }),
                                                    trackWith([](std::size_t b) { return std::optional(base(b) - 9.0); })};
    ASSERT_TRUE(tonalSpreadDb(tracks).has_value());
    EXPECT_NEAR(*tonalSpreadDb(tracks), 0.0, 1e-12);
}

// Two tracks at +s and -s around a common shape, s alternating +-2 dB over the bands in range
// (zero mean): each is 2 dB RMS from the album's mean shape.
TEST(AlbumSpread, TonalSpreadIsTheRmsDistanceFromTheAlbumMeanShape) {
    std::size_t first = 0;
    while (!inRange(first)) ++first;
    auto pattern = [first](std::size_t b) { return ((b - first) % 2 == 0) ? 2.0 : -2.0; };
    int inRangeCount = 0;
    for (std::size_t b = 0; b < analysis::kThirdOctaveCentresHz.size(); ++b) inRangeCount += inRange(b);
    ASSERT_EQ(inRangeCount % 2, 0) << "the pattern needs an even number of bands to have zero mean";
    const std::vector<analysis::Analysis> tracks = {
        trackWith([&](std::size_t b) { return std::optional(base(b) + pattern(b) + 5.0); }),
        trackWith([&](std::size_t b) { return std::optional(base(b) - pattern(b)); })};
    EXPECT_NEAR(*tonalSpreadDb(tracks), 2.0, 1e-12);

    // A third track on the mean shape: deviations +2, -2, 0 -> RMS 2 * sqrt(2/3).
    auto three = tracks;
    three.push_back(trackWith([](std::size_t b) { return std::optional(base(b) - 30.0); }));
    EXPECT_NEAR(*tonalSpreadDb(three), 2.0 * std::sqrt(2.0 / 3.0), 1e-12);
}

TEST(AlbumSpread, OnlyBandsInRangeThatEveryTrackHasCount) {
    // Differences at 20 Hz (out of range) and in a band one track lacks do not count.
    const std::vector<analysis::Analysis> tracks = {
        trackWith([](std::size_t b) { return std::optional(base(b) + (b == 0 ? 12.0 : 0.0)); }),
        trackWith([](std::size_t b) -> std::optional<double> {
            if (b == 10) return std::nullopt;
            return base(b);
        }),
        trackWith([](std::size_t b) { return std::optional(b == 10 ? -150.0 : base(b)); })};
    EXPECT_NEAR(*tonalSpreadDb(tracks), 0.0, 1e-12);
    EXPECT_FALSE(tonalSpreadDb({tracks[0]}).has_value());
}

TEST(AlbumSpread, LoudnessSpreadIsLoudestMinusSoftest) {
    std::vector<analysis::Analysis> tracks(4);
    tracks[0].integratedLufs = -14.0;
    tracks[1].integratedLufs = -20.5;
    tracks[2].integratedLufs = -16.0;  // tracks[3]: silent, undefined
    EXPECT_NEAR(*loudnessSpreadLu(tracks), 6.5, 1e-12);
    EXPECT_FALSE(loudnessSpreadLu({tracks[0], tracks[3]}).has_value());
}
