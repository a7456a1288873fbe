#pragma once
// Sample-rate conversion through libsoxr at its very-high-quality setting
// (passband to 0.91 of the lower Nyquist, 175 dB stop-band rejection, linear phase).

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe {

// Converts a whole signal; the output has round(frames * outRate / inRate) frames and no delay.
Result<AudioBuffer> resample(ConstAudioBlock input, double inputRate, double outputRate);

}  // namespace lathe
