#include "support/reference_material.h"

#include <cmath>

#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"
#include "support/masters.h"

namespace lathe::test {

AudioBuffer shapedReference(const AudioBuffer& mix, double sampleRate, const ReferenceShape& shape) {
    AudioBuffer out = mix;
    dsp::BiquadCascade cascade;
    cascade.append(dsp::lowShelf(120.0, shape.lowShelfDb, dsp::kButterworthQ, sampleRate));
    cascade.append(dsp::bell(500.0, shape.bellDb, 1.0, sampleRate));
    cascade.append(dsp::highShelf(6000.0, shape.highShelfDb, dsp::kButterworthQ, sampleRate));
    dsp::MultichannelBiquadFilter filter(cascade, out.numChannels());
    filter.process(out.block());
    if (out.numChannels() == 2) {
        const double sideGain = std::pow(10.0, shape.sideDb / 20.0);
        auto left = out.channel(0), right = out.channel(1);
        for (std::size_t i = 0; i < out.numFrames(); ++i) {
            const double mid = 0.5 * (double(left[i]) + right[i]);
            const double side = 0.5 * (double(left[i]) - right[i]) * sideGain;
            left[i] = float(mid + side);
            right[i] = float(mid - side);
        }
    }
    makeMaster(out, sampleRate, shape.targetLufs, shape.ceilingDbtp);
    return out;
}

}  // namespace lathe::test
