#include "support/masters.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/true_peak_meter.h"
#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "lathe/synth/demo_mix.h"

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
    // out(G) = limit(G * input) at a sample ceiling; G found by the secant method so that out(G) is
    // at the target loudness; the sample ceiling lowered until the true peak is under `ceilingDbtp`.
    const AudioBuffer input = audio;
    double sampleCeilingDb = ceilingDbtp - 0.3;
    const auto render = [&](double gainDb) {
        audio = input;
        applyGainDb(audio, gainDb);
        limitSamplePeak(audio, sampleRate, std::pow(10.0, sampleCeilingDb / 20.0));
        // A gain riding on asymmetric peaks leaves a DC offset: remove each channel's mean.
        for (int c = 0; c < audio.numChannels(); ++c) {
            double mean = 0.0;
            for (const float x : audio.channel(c)) mean += x;
            mean /= double(std::max<std::size_t>(1, audio.numFrames()));
            for (auto& x : audio.channel(c)) x = float(double(x) - mean);
        }
        return integratedLufs(audio.block(), sampleRate);
    };
    const double inputLufs = integratedLufs(input.block(), sampleRate);
    if (!std::isfinite(inputLufs)) return;
    for (int attempt = 0; attempt < 8; ++attempt) {
        double g0 = targetLufs - inputLufs, l0 = render(g0);
        double g1 = g0 + (targetLufs - l0), l1 = render(g1);
        for (int i = 0; i < 12 && std::abs(l1 - targetLufs) > 0.02; ++i) {
            const double slope = std::abs(l1 - l0) > 1e-6 ? (l1 - l0) / (g1 - g0) : 1.0;
            const double g2 = g1 + (targetLufs - l1) / std::max(slope, 0.05);
            g0 = g1, l0 = l1;
            g1 = g2, l1 = render(g1);
        }
        const double peak = truePeakDbtp(audio.block(), sampleRate);
        if (peak <= ceilingDbtp) return;
        sampleCeilingDb -= (peak - ceilingDbtp) + 0.1;
    }
}

AudioBuffer balancedDemoMix(double sampleRate, double seconds, bool sineBass, double bassTransposeSemitones, bool cutLowEnd) {
    synth::DemoMixParams params;
    params.sampleRate = sampleRate;
    params.seconds = seconds;
    params.sineBass = sineBass;
    params.bassTransposeSemitones = bassTransposeSemitones;
    AudioBuffer mix = synth::makeDemoMix(params);
    const auto filter = [&](const dsp::BiquadCascade& cascade) {
        dsp::MultichannelBiquadFilter f(cascade, mix.numChannels());
        f.process(mix.block());
    };
    filter(dsp::butterworthHighPass(2, 20.0, sampleRate));
    if (cutLowEnd) filter(dsp::lowShelf(150.0, -10.0, dsp::kButterworthQ, sampleRate));
    filter(dsp::highShelf(7000.0, -4.0, dsp::kButterworthQ, sampleRate));
    return mix;
}

}  // namespace lathe::test
