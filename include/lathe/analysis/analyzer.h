#pragma once
// The whole-file analysis behind `lathe analyze`: loudness, true peak and the QC figures, in one
// streaming pass (memory does not grow with file length except for the optional 10 ms series and
// the TT DR block list, two doubles per channel per 3 s).
// Analyzer aggregates its parts, each documented in its own header:
//   LoudnessMeter (BS.1770-4 / R128: integrated, LRA, max momentary / short-term, mono fold-down),
//   TruePeakMeter, LevelStats (sample peak, crest factor, DC, clipped runs), StereoStats
//   (correlation, side-to-mid), ThirdOctaveSpectrum (mid / side bands, tilt), DynamicRangeTt,
//   SilenceDetector (head / tail below -60 dBFS).
// Undefined figures are nullopt (JSON null): loudness of silence, stereo figures of mono files,
// dB figures of zero energy. A file whose integrated loudness is undefined (digital silence or
// nothing above the -70 LUFS absolute gate) gets a warning "silent: ..." in `warnings`.
// Stereo figures use the first two channels (L, R) of files with 2 or more channels; the mono
// fold-down is measured for 2-channel files only.
// process() accepts any block size with identical results.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/third_octave_spectrum.h"  // kThirdOctaveCentresHz
#include "lathe/audio_buffer.h"
#include "lathe/audio_file.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct AnalysisOptions {
    bool recordSeries = false;  // momentary and short-term loudness at a 10 ms hop
    // Use more threads: Analyzer::process() runs the true-peak meter on a worker thread while the
    // calling thread runs the other parts (fork-join per call); analyzeFile() reads ahead on the
    // calling thread while two worker threads analyse (see src/analysis/block_pipeline.h).
    // The figures are bit-identical either way.
    bool parallel = true;
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
    std::optional<double> rmsDbfs;             // power mean over all channels; full-scale sine = -3.01
    std::optional<double> dcOffsetDbfs;        // worst channel |mean|
    std::int64_t clippedRuns = 0;              // runs of >= 3 equal samples at full scale
    std::optional<double> stereoCorrelation;   // Pearson, -1..1 (stereo only)
    std::optional<double> sideToMidDb;         // 10 log10(E_side / E_mid) (stereo only)
    std::optional<double> monoFoldDownLu;      // integrated(mono fold) - integrated (stereo only)
    std::vector<std::optional<double>> thirdOctaveMidDb;   // per kThirdOctaveCentresHz; null above Nyquist
    std::vector<std::optional<double>> thirdOctaveSideDb;
    std::optional<double> spectralTiltDbPerOctave;  // least squares 100 Hz - 4 kHz on the mid spectrum
    std::optional<double> drTt;                // TT dynamic range (DR), rounded to an integer as the TT meter prints it
    std::optional<double> drTtDb;              // the same, unrounded (mean of the channels' DR in dB)
    double headSilenceSeconds = 0;
    double tailSilenceSeconds = 0;
    std::vector<std::string> warnings;         // e.g. "silent: integrated loudness undefined"
    double seriesHopSeconds = 0.01;
    std::vector<float> momentaryLufs;          // when recordSeries
    std::vector<float> shortTermLufs;
};

class Analyzer {
public:
    Analyzer();
    Analyzer(Analyzer&&) noexcept;
    Analyzer& operator=(Analyzer&&) noexcept;
    ~Analyzer();

    Status prepare(double sampleRate, int numChannels, const AnalysisOptions& options = {}, std::int64_t expectedFrames = 0);
    void process(ConstAudioBlock block) noexcept;
    // The figures of everything processed since prepare(); call once.
    [[nodiscard]] Analysis finish();

private:
    friend Result<Analysis> analyzeFile(const std::filesystem::path& path, const AnalysisOptions& options);
    struct State;
    std::unique_ptr<State> state_;
};

// Streams the file through an Analyzer in blocks (the file is never held in memory whole).
// Errors (missing, unreadable, truncated, NaN/Inf samples) name the file and the problem.
Result<Analysis> analyzeFile(const std::filesystem::path& path, const AnalysisOptions& options = {});

}  // namespace lathe::analysis
