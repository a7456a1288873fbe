#pragma once
// Test masters for `lathe check`: a clean master made by simple means (gain to a loudness target
// and a plain look-ahead peak limiter, test-only), and the measurements the tests need.

#include <cstdint>

#include "lathe/audio_buffer.h"

namespace lathe::test {

// Integrated loudness (BS.1770, lathe's meter); -inf for silence.
double integratedLufs(ConstAudioBlock audio, double sampleRate);
// True peak (dBTP, lathe's meter).
double truePeakDbtp(ConstAudioBlock audio, double sampleRate);

// In place: a look-ahead brickwall limiter on the SAMPLE peak (gain = min(1, ceiling / |x|) over
// all channels, moving minimum over `windowMs`, moving average over the same window, so the gain
// is at or under the needed gain everywhere and changes smoothly). Test-only, not a product stage.
void limitSamplePeak(AudioBuffer& audio, double sampleRate, double ceilingLinear, double windowMs = 5.0);

// In place: gain into the limiter above (and the DC it leaves removed) so that the result is at
// `targetLufs` (within 0.02 LU) with its true peak at or under `ceilingDbtp`.
void makeMaster(AudioBuffer& audio, double sampleRate, double targetLufs, double ceilingDbtp);

// Multiplies by 10^(db/20).
void applyGainDb(AudioBuffer& audio, double db);

// The demo mix (lathe::synth::makeDemoMix with `variant`'s bass options), tidied by simple means into
// a balanced mix: DC removed (20 Hz high-pass), its boomy low end cut (-10 dB shelf at 150 Hz,
// unless `cutLowEnd` is false), its bright hats tamed (-4 dB shelf at 7 kHz).
AudioBuffer balancedDemoMix(double sampleRate, double seconds, bool sineBass = false, double bassTransposeSemitones = 0.0,
                            bool cutLowEnd = true);

}  // namespace lathe::test
