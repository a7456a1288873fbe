#pragma once
// A deterministic, synthesised, unmastered stereo mix for demos and tests: drums with real
// transients (kick, snare, hi-hats), bass, a chord pad and a lead with echo, at 120 BPM in A minor.
// Levels are those of a typical pre-master: sample peak at -6 dBFS, integrated loudness near -22 LUFS.

#include "lathe/audio_buffer.h"

namespace lathe::synth {

struct DemoMixParams {
    double sampleRate = 48000.0;
    double seconds = 30.0;
    double peakDbfs = -6.0;
    // Test variants (the defaults give the demo mix): a pure sine bass on the chord roots (no
    // harmonics, no octave jumps), and the bass transposed.
    bool sineBass = false;
    double bassTransposeSemitones = 0.0;
};

AudioBuffer makeDemoMix(const DemoMixParams& params = {});

}  // namespace lathe::synth
