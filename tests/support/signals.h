#pragma once
// Test signal generators. Everything is deterministic.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>

#include "lathe/audio_buffer.h"
#include "util/random.h"

namespace lathe::test {

// Sine of the given amplitude (linear) on every channel, optional start phase in radians.
AudioBuffer sine(double sampleRate, double frequencyHz, double seconds, double amplitude = 0.5, int numChannels = 2,
                 double phaseRadians = 0.0);
// Sine whose amplitude is given in dBFS (RMS-based conventions are the caller's business).
AudioBuffer sineDb(double sampleRate, double frequencyHz, double seconds, double amplitudeDb, int numChannels = 2);
// Uniform white noise in [-amplitude, amplitude), independent per channel.
AudioBuffer whiteNoise(double sampleRate, double seconds, double amplitude = 0.5, int numChannels = 2,
                       std::uint64_t seed = 1);
// Pink-ish noise (Paul Kellet's refined filter on white noise), peak-normalised to amplitude.
AudioBuffer pinkNoise(double sampleRate, double seconds, double amplitude = 0.5, int numChannels = 2,
                      std::uint64_t seed = 2);
// A unit impulse at frame `position` on every channel.
AudioBuffer impulse(int numChannels, std::size_t numFrames, std::size_t position = 0);
// Concatenates b after a (same channel count).
AudioBuffer concat(const AudioBuffer& a, const AudioBuffer& b);
// Copy of a buffer.
AudioBuffer copyOf(ConstAudioBlock block);
// Largest absolute sample difference between two buffers of the same shape.
double maxAbsDifference(ConstAudioBlock a, ConstAudioBlock b);
double toDb(double linear);

// Feeds `audio` to a block-wise meter (anything with process(ConstAudioBlock)) in blocks of
// blockFrames frames (the last one shorter).
template <class Meter>
void feedInBlocks(Meter& meter, const AudioBuffer& audio, std::size_t blockFrames) {
    const ConstAudioBlock all(audio.block());
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += blockFrames)
        meter.process(all.slice(offset, std::min(blockFrames, audio.numFrames() - offset)));
}

}  // namespace lathe::test
