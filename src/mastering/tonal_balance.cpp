#include "lathe/mastering/tonal_balance.h"

#include <cmath>

namespace lathe::mastering {

double targetBalanceDb(double f) noexcept {
    constexpr double kMidSlope = -1.75;   // dB per octave of band power, 100 Hz - 4 kHz
    constexpr double kHighSlope = -3.5;   // above 4 kHz
    constexpr double kSubSlope = 4.0;     // roll-off below 50 Hz (level rises with frequency)
    const auto mid = [](double hz) { return kMidSlope * std::log2(hz / 1000.0); };
    if (f >= 100.0 && f <= 4000.0) return mid(f);
    if (f > 4000.0) return mid(4000.0) + kHighSlope * std::log2(f / 4000.0);
    if (f >= 50.0) return mid(100.0);
    return mid(100.0) + kSubSlope * std::log2(f / 50.0);
}

std::array<std::optional<double>, kBands> balanceDeviationDb(const std::vector<std::optional<double>>& bandsDb) {
    std::vector<std::optional<double>> target(kBands);
    for (std::size_t b = 0; b < kBands; ++b) target[b] = targetBalanceDb(analysis::kThirdOctaveCentresHz[b]);
    return balanceDeviationDb(bandsDb, target);
}

std::array<std::optional<double>, kBands> balanceDeviationDb(const std::vector<std::optional<double>>& bandsDb,
                                                             const std::vector<std::optional<double>>& targetBandsDb) {
    std::array<std::optional<double>, kBands> raw{};
    double offsetSum = 0.0;
    int offsetCount = 0;
    for (std::size_t b = 0; b < kBands && b < bandsDb.size() && b < targetBandsDb.size(); ++b) {
        if (!bandsDb[b] || *bandsDb[b] < -100.0 || !targetBandsDb[b] || *targetBandsDb[b] < -100.0) continue;
        const double f = analysis::kThirdOctaveCentresHz[b];
        raw[b] = *bandsDb[b] - *targetBandsDb[b];
        if (f >= 100.0 && f <= 4000.0) {
            offsetSum += *raw[b];
            ++offsetCount;
        }
    }
    std::array<std::optional<double>, kBands> deviation{};
    if (offsetCount == 0) return deviation;
    const double offset = offsetSum / offsetCount;
    for (std::size_t b = 0; b < kBands; ++b) {
        if (!raw[b]) continue;
        // +-1/3 octave smoothing: 1-2-1 weights over neighbouring bands that exist.
        double sum = 2.0 * (*raw[b]), weight = 2.0;
        if (b > 0 && raw[b - 1]) sum += *raw[b - 1], weight += 1.0;
        if (b + 1 < kBands && raw[b + 1]) sum += *raw[b + 1], weight += 1.0;
        deviation[b] = sum / weight - offset;
    }
    return deviation;
}

std::optional<double> regionMeanDb(const std::array<std::optional<double>, kBands>& deviation, double loHz, double hiHz) {
    double sum = 0.0;
    int count = 0;
    for (std::size_t b = 0; b < kBands; ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f >= loHz && f <= hiHz && deviation[b]) sum += *deviation[b], ++count;
    }
    if (count == 0) return std::nullopt;
    return sum / count;
}

std::optional<double> bandSlopeDbPerOctave(const std::vector<std::optional<double>>& bandsDb, double loHz, double hiHz) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (std::size_t b = 0; b < kBands && b < bandsDb.size(); ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f < loHz || f > hiHz || !bandsDb[b]) continue;
        const double x = std::log2(f / 1000.0), y = *bandsDb[b];
        sx += x, sy += y, sxx += x * x, sxy += x * y;
        ++n;
    }
    if (n < 3) return std::nullopt;
    const double denominator = n * sxx - sx * sx;
    if (denominator == 0.0) return std::nullopt;
    return (n * sxy - sx * sy) / denominator;
}

}  // namespace lathe::mastering
