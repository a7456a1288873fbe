#include "mastering/level_measure.h"

#include <algorithm>
#include <cstdint>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/analysis/true_peak_meter.h"

namespace lathe::mastering {

Measured measure(ConstAudioBlock audio, double sampleRate) {
    analysis::LoudnessMeter meter;
    analysis::TruePeakMeter peak;
    (void)meter.prepare(sampleRate, audio.numChannels(), {false, false, std::int64_t(audio.numFrames())});
    (void)peak.prepare(sampleRate, audio.numChannels(), 65536);
    constexpr std::size_t kBlock = 65536;
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += kBlock) {
        const auto block = audio.slice(offset, std::min(kBlock, audio.numFrames() - offset));
        meter.process(block);
        peak.process(block);
    }
    return {meter.result().integratedLufs.value_or(-70.0), peak.truePeakDbtp()};
}

}  // namespace lathe::mastering
