#pragma once
// Signals and helpers shared by the loudness tests (header only). Deterministic.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <optional>
#include <vector>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/audio_buffer.h"
#include "util/random.h"

namespace lathe::test::loudness {

inline constexpr double kSilence = -std::numeric_limits<double>::infinity();

// One stretch of a sine programme: the peak level of each channel in dBFS (kSilence for digital
// silence) for `seconds`.
struct Segment {
    std::vector<double> levelsDb;  // one per channel, or a single value for all channels
    double seconds = 0;
};

// A sine (1 kHz by default) whose level steps from segment to segment, as in the EBU Tech 3341
// and 3342 test signals. Phase is continuous across segments; segment boundaries fall at
// round(t * fs) of the cumulative time, so long sequences do not drift at any rate.
inline AudioBuffer sineSegments(double sampleRate, int numChannels, const std::vector<Segment>& segments,
                                double frequencyHz = 1000.0) {
    double totalSeconds = 0;
    for (const auto& s : segments) totalSeconds += s.seconds;
    const auto frames = static_cast<std::size_t>(std::llround(totalSeconds * sampleRate));
    AudioBuffer out(numChannels, frames);
    const double w = 2.0 * std::numbers::pi * frequencyHz / sampleRate;
    double start = 0;
    for (const auto& s : segments) {
        const auto begin = static_cast<std::size_t>(std::llround(start * sampleRate));
        start += s.seconds;
        const auto end = std::min(frames, static_cast<std::size_t>(std::llround(start * sampleRate)));
        for (int c = 0; c < numChannels; ++c) {
            const double db = s.levelsDb.size() == 1 ? s.levelsDb[0] : s.levelsDb[static_cast<std::size_t>(c)];
            if (std::isinf(db)) continue;
            const double amplitude = std::pow(10.0, db / 20.0);
            auto ch = out.channel(c);
            for (std::size_t i = begin; i < end; ++i) ch[i] = float(amplitude * std::sin(w * double(i)));
        }
    }
    return out;
}

// Music-like material with dynamics: sections at different levels (with a quiet passage that the
// relative gate drops and digital-silence gaps), a decaying kick, a bass line, a chord pad with
// slow tremolo and hi-hat noise bursts; different in each channel. Deterministic per seed.
inline AudioBuffer musicLike(double sampleRate, int numChannels, double seconds, std::uint64_t seed = 11) {
    const auto frames = static_cast<std::size_t>(std::llround(seconds * sampleRate));
    AudioBuffer out(numChannels, frames);
    Random random(seed);
    // Section gains in dB, cycling every 8 s: verse, build, chorus, break (quiet), gap, chorus...
    const double sectionGainsDb[] = {-8.0, -4.0, 0.0, -2.0, -30.0, -6.0, 0.0, -12.0};
    const double sectionSeconds = 8.0;
    std::vector<double> hatState(static_cast<std::size_t>(numChannels), 0.0);
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = double(i) / sampleRate;
        const auto section = static_cast<std::size_t>(t / sectionSeconds);
        const double inSection = t - double(section) * sectionSeconds;
        double gainDb = sectionGainsDb[section % 8];
        // Cross-fade 0.5 s into each section from the previous level.
        if (section > 0 && inSection < 0.5) {
            const double previous = sectionGainsDb[(section - 1) % 8];
            gainDb = previous + (gainDb - previous) * inSection / 0.5;
        }
        double gain = std::pow(10.0, gainDb / 20.0);
        // A 1.5 s gap of digital silence in the middle of every 4th section.
        if (section % 4 == 3 && inSection > 3.0 && inSection < 4.5) gain = 0.0;
        const double beatTime = std::fmod(t, 0.5);
        const double kick = 0.5 * std::exp(-12.0 * beatTime) * std::sin(2 * std::numbers::pi * (50.0 + 80.0 * std::exp(-30.0 * beatTime)) * beatTime);
        const double bassFreq = (section % 2 == 0) ? 55.0 : 73.4;
        const double bass = 0.25 * std::sin(2 * std::numbers::pi * bassFreq * t);
        const double tremolo = 0.75 + 0.25 * std::sin(2 * std::numbers::pi * 0.3 * t);
        for (int c = 0; c < numChannels; ++c) {
            const double detune = 1.0 + 0.002 * c;
            const double pad = 0.08 * tremolo *
                               (std::sin(2 * std::numbers::pi * 261.6 * detune * t) + std::sin(2 * std::numbers::pi * 329.6 * detune * t) +
                                std::sin(2 * std::numbers::pi * 392.0 * detune * t));
            const double hatTime = std::fmod(t + 0.25, 0.25);
            const double white = random.bipolar();
            // One-pole high pass on the noise: hi-hat colour.
            auto& h = hatState[static_cast<std::size_t>(c)];
            const double hat = white - h;
            h = 0.3 * white + 0.7 * h;
            const double hats = 0.12 * std::exp(-40.0 * hatTime) * hat;
            const double pan = c % 2 == 0 ? 1.0 : 0.85;
            out.channel(c)[i] = float(gain * (kick + bass * pan + pad + hats));
        }
    }
    return out;
}

// Feeds a whole buffer to a meter in blocks of `blockFrames` (the last one shorter).
inline void feed(analysis::LoudnessMeter& meter, const AudioBuffer& audio, std::size_t blockFrames = 4096) {
    const ConstAudioBlock block = audio.block();
    for (std::size_t offset = 0; offset < block.numFrames(); offset += blockFrames)
        meter.process(block.slice(offset, std::min(blockFrames, block.numFrames() - offset)));
}

// Prepares a meter, feeds the buffer and returns the result.
inline analysis::LoudnessResult measure(const AudioBuffer& audio, double sampleRate,
                                        analysis::LoudnessMeterOptions options = {}, std::size_t blockFrames = 4096) {
    analysis::LoudnessMeter meter;
    if (!meter.prepare(sampleRate, audio.numChannels(), options)) return {};
    feed(meter, audio, blockFrames);
    return meter.result();
}

}  // namespace lathe::test::loudness
