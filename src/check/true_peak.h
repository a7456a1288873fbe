#pragma once
// True peak of a whole signal (BS.1770-4 meter), linear; the one place check code measures it.

#include "lathe/audio_buffer.h"

namespace lathe::check {

[[nodiscard]] double truePeakLinear(ConstAudioBlock audio, double sampleRate);

}  // namespace lathe::check
