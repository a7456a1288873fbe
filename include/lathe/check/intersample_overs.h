#pragma once
// Overs of full scale, on and between the samples: where a master (or a decoded lossy copy) will
// clip in a player's integer output or its reconstruction filter.
// The signal is oversampled 4x by lathe::dsp::Oversampler (linear-phase polyphase FIR, 80 dB
// stop band, passband to 0.45 fs), whose even phase passes exactly through the input samples.
//   clippedSamples     input samples with |x| >= 1 (full scale);
//   interSampleOvers   oversampled points with |u| > 1 that lie between two input samples both
//                      below full scale (overs a sample-peak meter cannot see);
//   events             points (on or between samples) above `markThresholdLinear` (e.g. the
//                      delivery ceiling), merged when closer than 10 ms, with time and peak.
// The oversampled peak reads within about 0.5 dB of a true-peak meter's figure (4x without
// interpolation); use TruePeakMeter for the figure and this scan for counts and positions.

#include <cstdint>
#include <vector>

#include "lathe/audio_buffer.h"

namespace lathe::check {

struct OverEvent {
    double timeSeconds = 0;
    double peakDbfs = 0;  ///< oversampled peak of the event
};

struct OversScan {
    std::int64_t clippedSamples = 0;
    std::int64_t interSampleOvers = 0;
    std::int64_t eventCount = 0;     ///< all events (events holds at most maxEvents of them)
    std::vector<OverEvent> events;
    double oversampledPeakDbfs = -200;
};

[[nodiscard]] OversScan scanOvers(ConstAudioBlock audio, double sampleRate, double markThresholdLinear = 1.0,
                                  std::size_t maxEvents = 500);

}  // namespace lathe::check
