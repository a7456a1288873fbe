// Whole-signal sample-rate conversion with libsoxr (SOXR_VHQ, linear phase).
#include "lathe/resampler.h"

#include <soxr.h>

#include <cmath>
#include <string>
#include <vector>

namespace lathe {

Result<AudioBuffer> resample(ConstAudioBlock input, double inputRate, double outputRate) {
    if (inputRate <= 0 || outputRate <= 0) return fail("resample: sample rates must be positive");
    const int numChannels = input.numChannels();
    const auto outFrames = static_cast<std::size_t>(std::llround(double(input.numFrames()) * outputRate / inputRate));
    AudioBuffer output(numChannels, outFrames);
    if (inputRate == outputRate) {
        for (int c = 0; c < numChannels; ++c)
            std::copy(input.channel(c).begin(), input.channel(c).end(), output.channel(c).begin());
        return output;
    }
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);  // one channel per call: interleaved == planar
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_VHQ | SOXR_LINEAR_PHASE, 0);
    for (int c = 0; c < numChannels; ++c) {
        // soxr_oneshot flushes the filter tail, so the output is aligned and complete.
        std::size_t produced = 0;
        const soxr_error_t error = soxr_oneshot(inputRate, outputRate, 1, input.channelData(c), input.numFrames(), nullptr,
                                                output.channel(c).data(),
                                                outFrames, &produced, &io, &quality, nullptr);
        if (error) return fail(std::string("resample: ") + error);
    }
    return output;
}

}  // namespace lathe
