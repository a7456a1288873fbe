#pragma once
// Integrated loudness (BS.1770-4) and true peak of audio in memory: what the loudness search and
// the reference trials need of a render, without the rest of the analyzer.

#include "lathe/audio_buffer.h"

namespace lathe::mastering {

struct Measured {
    double integratedLufs;  // -70 when undefined (silence)
    double truePeakDbtp;
};

Measured measure(ConstAudioBlock audio, double sampleRate);

}  // namespace lathe::mastering
