#pragma once
// Test material for reference matching: a reference made from a mix by known, simple means (EQ on
// both channels, side gain, then a plain test master to a loudness), so the differences between the
// two are known in advance.

#include "lathe/audio_buffer.h"

namespace lathe::test {

struct ReferenceShape {
    double lowShelfDb = 4.0;    // 2nd-order low shelf at 120 Hz
    double bellDb = -3.0;       // bell at 500 Hz, Q 1
    double highShelfDb = 3.0;   // 2nd-order high shelf at 6 kHz
    double sideDb = 3.0;        // side gain (width)
    double targetLufs = -10.0;  // mastered with makeMaster() (masters.h) to this loudness
    double ceilingDbtp = -1.0;
};

// The mix shaped as `shape` says, at the mix's sample rate.
AudioBuffer shapedReference(const AudioBuffer& mix, double sampleRate, const ReferenceShape& shape = {});

}  // namespace lathe::test
