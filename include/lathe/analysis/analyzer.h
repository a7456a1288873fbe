#pragma once
// The whole-file analysis behind `lathe analyze`: loudness, true peak and the QC figures, in one
// streaming pass (memory does not grow with file length except for the optional 10 ms series).

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/audio_file.h"
#include "lathe/result.h"

namespace lathe::analysis {

// ISO 266 one-third-octave centre frequencies, 20 Hz to 20 kHz (31 bands).
inline constexpr std::array<double, 31> kThirdOctaveCentresHz = {
    20, 25, 31.5, 40, 50, 63, 80, 100, 125, 160, 200, 250, 315, 400, 500, 630,
    800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10000, 12500, 16000, 20000};

struct AnalysisOptions {
    bool recordSeries = false;  // momentary and short-term loudness at a 10 ms hop
};

// Field names match the JSON keys of `lathe analyze --json`. nullopt serialises as null.
struct Analysis {
    std::string file;
    double sampleRate = 0;
    int channels = 0;
    std::int64_t frames = 0;
    double durationSeconds = 0;
    std::optional<double> integratedLufs;
    std::optional<double> loudnessRangeLu;
    std::optional<double> maxMomentaryLufs;
    std::optional<double> maxShortTermLufs;
    std::optional<double> truePeakDbtp;
    std::optional<double> samplePeakDbfs;
    std::optional<double> plrDb;               // true peak - integrated
    std::optional<double> crestFactorDb;       // sample peak - RMS (dB)
    std::optional<double> dcOffsetDbfs;        // worst channel |mean|
    std::int64_t clippedRuns = 0;              // runs of >= 3 equal samples at full scale
    std::optional<double> stereoCorrelation;   // Pearson, -1..1 (stereo only)
    std::optional<double> sideToMidDb;         // 10 log10(E_side / E_mid) (stereo only)
    std::optional<double> monoFoldDownLu;      // integrated(mono fold) - integrated (stereo only)
    std::vector<std::optional<double>> thirdOctaveMidDb;   // per kThirdOctaveCentresHz; null above Nyquist
    std::vector<std::optional<double>> thirdOctaveSideDb;
    std::optional<double> spectralTiltDbPerOctave;  // least squares 100 Hz - 4 kHz on the mid spectrum
    std::optional<double> drTt;                // TT dynamic range (DR)
    double headSilenceSeconds = 0;
    double tailSilenceSeconds = 0;
    std::vector<std::string> warnings;         // e.g. "silent: integrated loudness undefined"
    double seriesHopSeconds = 0.01;
    std::vector<float> momentaryLufs;          // when recordSeries
    std::vector<float> shortTermLufs;
};

class Analyzer {
public:
    Status prepare(double sampleRate, int numChannels, const AnalysisOptions& options = {}, std::int64_t expectedFrames = 0);
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] Analysis finish();

private:
    struct State;
    std::shared_ptr<State> state_;
};

Result<Analysis> analyzeFile(const std::filesystem::path& path, const AnalysisOptions& options = {});

}  // namespace lathe::analysis
