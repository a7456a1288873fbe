#pragma once
// `lathe master`: analyze -> plan -> render -> verify.
// The whole file is decoded once; the pre-limiter chain (DC blocker, EQ, glue compression, stereo,
// clipper) is rendered once; then gain into the true-peak limiter is found by iterating on the
// measured output (secant method) until the integrated loudness is within 0.03 LU of the plan;
// then sample-rate conversion (if asked), dither to the output word length, an atomic write, and a
// verification pass that measures the file as written.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/audio_file.h"
#include "lathe/mastering/plan.h"
#include "lathe/result.h"

namespace lathe::mastering {

struct MasterRequest {
    std::filesystem::path input;
    std::filesystem::path output;
    PlanRequest plan;
    std::optional<FileFormat> format;        // default: from the output's extension
    std::optional<SampleEncoding> encoding;  // default: the target's, else 24-bit
    std::optional<double> sampleRateHz;      // default: the target's, else the input's
    bool preview = false;                    // only the loudest 30 s
    bool downmix = false;                    // allow > 2 channels (ITU-R BS.775 downmix to stereo)
    bool recordSeries = false;               // keep the 10 ms loudness series of the input analysis (for plots)
};

struct LoudnessIteration {
    double gainDb;
    double integratedLufs;
    double truePeakDbtp;
};

struct MasterReport {
    std::string input;
    std::string output;
    DeliveryTarget target;
    MasteringPlan plan;
    analysis::Analysis before;
    analysis::Analysis after;  // measured on the file as written
    std::vector<LoudnessIteration> iterations;
    // Reference matching: the delivered file's distance to the reference (its profile measured on the
    // file as written); the distance before is plan.reference->before.
    std::optional<ProfileDistance> referenceAfter;
    double limiterGainDb = 0.0;
    double maxLimiterReductionDb = 0.0;
    double previewStartSeconds = 0.0;  // when preview
    double previewSeconds = 0.0;
    std::string outputEncoding;
    double outputSampleRate = 0.0;
    bool dithered = false;
    std::vector<std::string> warnings;
    struct Timing {
        double analyzeSeconds = 0, renderSeconds = 0, loudnessSeconds = 0, writeSeconds = 0, verifySeconds = 0,
               totalSeconds = 0;
    } timing;
};

Result<MasterReport> masterFile(const MasterRequest& request);

// The loudest `seconds` of a signal (by short-term loudness), as [startFrame, frameCount).
std::pair<std::size_t, std::size_t> loudestSection(ConstAudioBlock audio, double sampleRate, double seconds);

// ITU-R BS.775 downmix of 3-8 channels (L R C LFE Ls Rs ...) to stereo; LFE dropped.
AudioBuffer downmixToStereo(ConstAudioBlock audio);

}  // namespace lathe::mastering
