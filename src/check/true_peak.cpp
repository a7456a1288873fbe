#include "check/true_peak.h"

#include "lathe/analysis/true_peak_meter.h"

namespace lathe::check {

double truePeakLinear(ConstAudioBlock audio, double sampleRate) {
    analysis::TruePeakMeter meter;
    if (!meter.prepare(sampleRate, audio.numChannels(), audio.numFrames())) return 0.0;
    meter.process(audio);
    return meter.truePeakLinear();
}

}  // namespace lathe::check
