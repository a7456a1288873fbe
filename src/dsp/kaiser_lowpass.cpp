#include "dsp/kaiser_lowpass.h"

#include "dsp/kaiser_sinc.h"  // besselI0

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

namespace lathe::dsp {

namespace {
double kaiserBeta(double stopbandDb) {
    if (stopbandDb > 50.0) return 0.1102 * (stopbandDb - 8.7);
    if (stopbandDb >= 21.0) return 0.5842 * std::pow(stopbandDb - 21.0, 0.4) + 0.07886 * (stopbandDb - 21.0);
    return 0.0;
}
}  // namespace

std::size_t kaiserLowpassLength(double transitionHz, double stopbandDb, double sampleRate) {
    const double transitionRadians = 2.0 * std::numbers::pi * transitionHz / sampleRate;
    auto length = static_cast<std::size_t>(std::ceil((stopbandDb - 7.95) / (2.285 * transitionRadians))) + 1;
    if (length % 2 == 0) ++length;
    return length;
}

std::vector<double> kaiserLowpass(double cutoffHz, std::size_t length, double stopbandDb, double sampleRate) {
    std::vector<double> taps(length);
    const double beta = kaiserBeta(stopbandDb);
    const double centre = 0.5 * double(length - 1);
    const double normalisedCutoff = 2.0 * cutoffHz / sampleRate;  // 1 = Nyquist
    const double windowScale = 1.0 / besselI0(beta);
    for (std::size_t n = 0; n < length; ++n) {
        const double t = double(n) - centre;
        const double x = std::numbers::pi * normalisedCutoff * t;
        const double sinc = t == 0.0 ? 1.0 : std::sin(x) / x;
        const double r = centre > 0.0 ? t / centre : 0.0;
        const double window = besselI0(beta * std::sqrt(std::max(0.0, 1.0 - r * r))) * windowScale;
        taps[n] = normalisedCutoff * sinc * window;
    }
    const double sum = std::accumulate(taps.begin(), taps.end(), 0.0);
    for (auto& tap : taps) tap /= sum;
    return taps;
}

}  // namespace lathe::dsp
