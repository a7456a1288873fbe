#include "support/signals.h"

#include <algorithm>
#include <limits>

namespace lathe::test {

AudioBuffer sine(double sampleRate, double frequencyHz, double seconds, double amplitude, int numChannels,
                 double phaseRadians) {
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    AudioBuffer out(numChannels, frames);
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate;
    for (int c = 0; c < numChannels; ++c) {
        auto ch = out.channel(c);
        for (std::size_t i = 0; i < frames; ++i) ch[i] = float(amplitude * std::sin(w * double(i) + phaseRadians));
    }
    return out;
}

AudioBuffer sineDb(double sampleRate, double frequencyHz, double seconds, double amplitudeDb, int numChannels) {
    return sine(sampleRate, frequencyHz, seconds, std::pow(10.0, amplitudeDb / 20.0), numChannels);
}

AudioBuffer whiteNoise(double sampleRate, double seconds, double amplitude, int numChannels, std::uint64_t seed) {
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    AudioBuffer out(numChannels, frames);
    Random random(seed);
    for (int c = 0; c < numChannels; ++c)
        for (auto& s : out.channel(c)) s = float(amplitude) * random.bipolar();
    return out;
}

AudioBuffer pinkNoise(double sampleRate, double seconds, double amplitude, int numChannels, std::uint64_t seed) {
    AudioBuffer out = whiteNoise(sampleRate, seconds, 1.0, numChannels, seed);
    for (int c = 0; c < numChannels; ++c) {
        double b0 = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0, b5 = 0, b6 = 0;
        float peak = 0;
        for (auto& s : out.channel(c)) {
            const double white = s;
            b0 = 0.99886 * b0 + white * 0.0555179;
            b1 = 0.99332 * b1 + white * 0.0750759;
            b2 = 0.96900 * b2 + white * 0.1538520;
            b3 = 0.86650 * b3 + white * 0.3104856;
            b4 = 0.55000 * b4 + white * 0.5329522;
            b5 = -0.7616 * b5 - white * 0.0168980;
            s = float(b0 + b1 + b2 + b3 + b4 + b5 + b6 + white * 0.5362);
            b6 = white * 0.115926;
            peak = std::max(peak, std::abs(s));
        }
        for (auto& s : out.channel(c)) s = float(s * amplitude / peak);
    }
    return out;
}

AudioBuffer impulse(int numChannels, std::size_t numFrames, std::size_t position) {
    AudioBuffer out(numChannels, numFrames);
    for (int c = 0; c < numChannels; ++c) out.channel(c)[position] = 1.0f;
    return out;
}

AudioBuffer concat(const AudioBuffer& a, const AudioBuffer& b) {
    AudioBuffer out(a.numChannels(), a.numFrames() + b.numFrames());
    for (int c = 0; c < a.numChannels(); ++c) {
        std::copy(a.channel(c).begin(), a.channel(c).end(), out.channel(c).begin());
        std::copy(b.channel(c).begin(), b.channel(c).end(), out.channel(c).begin() + std::ptrdiff_t(a.numFrames()));
    }
    return out;
}

AudioBuffer copyOf(ConstAudioBlock block) {
    AudioBuffer out(block.numChannels(), block.numFrames());
    for (int c = 0; c < block.numChannels(); ++c) std::copy(block.channel(c).begin(), block.channel(c).end(), out.channel(c).begin());
    return out;
}

double maxAbsDifference(ConstAudioBlock a, ConstAudioBlock b) {
    double worst = 0;
    for (int c = 0; c < a.numChannels(); ++c)
        for (std::size_t i = 0; i < a.numFrames(); ++i) worst = std::max(worst, std::abs(double(a.channel(c)[i]) - double(b.channel(c)[i])));
    return worst;
}

double toDb(double linear) { return linear > 0 ? 20.0 * std::log10(linear) : -std::numeric_limits<double>::infinity(); }

}  // namespace lathe::test
