// Album spread figures (see album_spread.h).
#include "lathe/mastering/album_spread.h"

#include <algorithm>
#include <cmath>

namespace lathe::mastering {

std::optional<double> loudnessSpreadLu(const std::vector<analysis::Analysis>& tracks) {
    std::vector<double> lufs;
    for (const auto& t : tracks)
        if (t.integratedLufs) lufs.push_back(*t.integratedLufs);
    if (lufs.size() < 2) return std::nullopt;
    const auto [lo, hi] = std::minmax_element(lufs.begin(), lufs.end());
    return *hi - *lo;
}

std::optional<double> tonalSpreadDb(const std::vector<analysis::Analysis>& tracks) {
    if (tracks.size() < 2) return std::nullopt;
    constexpr double kAbsentDb = -100.0;
    std::vector<std::size_t> bands;  // bands every track has
    for (std::size_t b = 0; b < analysis::kThirdOctaveCentresHz.size(); ++b) {
        const double hz = analysis::kThirdOctaveCentresHz[b];
        if (hz < kTonalSpreadLowHz || hz > kTonalSpreadHighHz) continue;
        const bool everywhere = std::all_of(tracks.begin(), tracks.end(), [b](const analysis::Analysis& t) {
            return b < t.thirdOctaveMidDb.size() && t.thirdOctaveMidDb[b] && *t.thirdOctaveMidDb[b] > kAbsentDb;
        });
        if (everywhere) bands.push_back(b);
    }
    if (bands.empty()) return std::nullopt;
    // shape[t][k]: band k of track t minus the track's mean over the bands.
    std::vector<std::vector<double>> shape(tracks.size(), std::vector<double>(bands.size()));
    for (std::size_t t = 0; t < tracks.size(); ++t) {
        double mean = 0.0;
        for (std::size_t k = 0; k < bands.size(); ++k) mean += (shape[t][k] = *tracks[t].thirdOctaveMidDb[bands[k]]);
        mean /= double(bands.size());
        for (double& v : shape[t]) v -= mean;
    }
    double sumSquares = 0.0;
    for (std::size_t k = 0; k < bands.size(); ++k) {
        double albumMean = 0.0;
        for (const auto& s : shape) albumMean += s[k];
        albumMean /= double(tracks.size());
        for (const auto& s : shape) sumSquares += (s[k] - albumMean) * (s[k] - albumMean);
    }
    return std::sqrt(sumSquares / double(tracks.size() * bands.size()));
}

}  // namespace lathe::mastering
