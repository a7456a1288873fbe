#include "support/masters.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/true_peak_meter.h"

namespace lathe::test {

double integratedLufs(ConstAudioBlock audio, double sampleRate) {
    analysis::LoudnessMeter meter;
    if (!meter.prepare(sampleRate, audio.numChannels(), {})) return std::numeric_limits<double>::quiet_NaN();
    meter.process(audio);
    return meter.result().integratedLufs.value_or(-std::numeric_limits<double>::infinity());
}

double truePeakDbtp(ConstAudioBlock audio, double sampleRate) {
    analysis::TruePeakMeter meter;
    if (!meter.prepare(sampleRate, audio.numChannels(), audio.numFrames())) return std::numeric_limits<double>::quiet_NaN();
    meter.process(audio);
    return meter.truePeakDbtp();
}

void applyGainDb(AudioBuffer& audio, double db) {
    const auto gain = float(std::pow(10.0, db / 20.0));
    for (int c = 0; c < audio.numChannels(); ++c)
        for (auto& s : audio.channel(c)) s *= gain;
}

void limitSamplePeak(AudioBuffer& audio, double sampleRate, double ceilingLinear, double windowMs) {
    const std::size_t frames = audio.numFrames();
    const auto window = std::max<std::size_t>(1, std::size_t(windowMs * 1e-3 * sampleRate));
    std::vector<double> needed(frames, 1.0);
    for (std::size_t i = 0; i < frames; ++i) {
        double peak = 0.0;
        for (int c = 0; c < audio.numChannels(); ++c) peak = std::max(peak, double(std::abs(audio.channel(c)[i])));
        if (peak > ceilingLinear) needed[i] = ceilingLinear / peak;
    }
    // minimum[k] = min of needed[] over [k - span, k + span] (monotonic deque), then a centred moving
    // average of length `window`: every average is over minima that each include the sample's own
    // requirement, so the gain never exceeds it.
    const std::size_t span = window - 1;
    std::vector<double> minimum(frames);
    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < frames + span; ++i) {
        if (i < frames) {
            while (!queue.empty() && needed[queue.back()] >= needed[i]) queue.pop_back();
            queue.push_back(i);
        }
        if (i < span) continue;
        const std::size_t k = i - span;
        while (queue.front() + span < k) queue.pop_front();
        minimum[k] = needed[queue.front()];
    }
    std::vector<double> gain(frames);
    double sum = 0.0;
    const std::size_t half = window / 2;
    std::vector<double> prefix(frames + 1, 0.0);
    for (std::size_t i = 0; i < frames; ++i) prefix[i + 1] = prefix[i] + minimum[i];
    for (std::size_t i = 0; i < frames; ++i) {
        const std::size_t lo = i >= half ? i - half : 0;
        const std::size_t hi = std::min(frames, lo + window);
        sum = (prefix[hi] - prefix[lo]) / double(hi - lo);
        gain[i] = std::min(sum, needed[i]);
    }
    for (int c = 0; c < audio.numChannels(); ++c) {
        auto x = audio.channel(c);
        for (std::size_t i = 0; i < frames; ++i) x[i] = float(double(x[i]) * gain[i]);
    }
}

void makeMaster(AudioBuffer& audio, double sampleRate, double targetLufs, double ceilingDbtp) {
    for (int iteration = 0; iteration < 12; ++iteration) {
        const double loudness = integratedLufs(audio.block(), sampleRate);
        if (std::isfinite(loudness)) applyGainDb(audio, targetLufs - loudness);
        const double peak = truePeakDbtp(audio.block(), sampleRate);
        if (peak <= ceilingDbtp && std::abs(integratedLufs(audio.block(), sampleRate) - targetLufs) <= 0.05) return;
        if (peak > ceilingDbtp) limitSamplePeak(audio, sampleRate, std::pow(10.0, (ceilingDbtp - 0.3) / 20.0));
    }
}

}  // namespace lathe::test
