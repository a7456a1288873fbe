#pragma once
// `lathe check`: is a master ready to release? One call measures a file (or audio already in memory,
// e.g. the output of `lathe master`) and returns every figure the verdict rules use, the verdict
// itself (lathe/check/verdict_rules.h) and what the HTML report draws.
//
// Steps: decode the file once; the analyzer (loudness, true peak, QC figures, 10 ms loudness
// series); platform normalisation; overs on and between samples (only scanned when the true peak is
// over the ceiling or full scale); the word length and dither test; the translation to six playback
// systems; the codec preview; a waveform overview; the verdict.

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/audio_file.h"
#include "lathe/check/codec_preview.h"
#include "lathe/check/intersample_overs.h"
#include "lathe/check/platform_normalisation.h"
#include "lathe/check/translation.h"
#include "lathe/check/truncation_detector.h"
#include "lathe/check/verdict.h"
#include "lathe/check/waveform_overview.h"
#include "lathe/mastering/targets.h"
#include "lathe/result.h"

namespace lathe::check {

struct CheckOptions {
    mastering::DeliveryTarget target;          ///< default: the "streaming" preset
    std::optional<double> ceilingDbtp;         ///< overrides the target's ceiling
    std::optional<std::filesystem::path> reference;  ///< tonal balance target: this track's spectrum
    bool codecPreview = true;
    CodecPreviewOptions codec;

    CheckOptions();
};

struct CheckTiming {
    double readSeconds = 0, analyzeSeconds = 0, referenceSeconds = 0, oversSeconds = 0, ditherSeconds = 0,
           translationSeconds = 0, codecSeconds = 0, totalSeconds = 0;
};

struct CheckReport {
    std::string file;
    AudioFileInfo format;                      ///< as read (sample rate, bit depth, encoding)
    analysis::Analysis analysis;               ///< with the 10 ms loudness series
    mastering::DeliveryTarget target;
    double ceilingDbtp = -1.0;
    std::optional<double> psrDb;               ///< true peak - maximum short-term loudness (see verdict_rules.h)
    std::optional<double> lowFrequencySideToMidDb;  ///< side / mid power of the bands up to 125 Hz
    std::string balanceReference;              ///< "target balance" or "reference: <file>"
    std::vector<std::optional<double>> balanceTargetDb;  ///< the balance curve (31 bands), level-matched to the mix
    std::array<std::optional<double>, kTranslationBands> balanceDeviationDb{};
    std::vector<PlatformPlayback> platforms;   ///< empty when the integrated loudness is undefined
    std::optional<OversScan> overs;            ///< scanned when the true peak exceeds min(ceiling, 0 dBTP)
    TruncationResult truncation;
    std::vector<SystemTranslation> translation;
    std::optional<CodecPreview> codecs;        ///< when CheckOptions::codecPreview
    WaveformOverview waveform;
    Verdict verdict;
    CheckTiming timing;
};

/// Checks a file. Errors: the file (or the reference) cannot be read.
[[nodiscard]] Result<CheckReport> checkFile(const std::filesystem::path& path, const CheckOptions& options = {});

/// Checks audio in memory; `format` says what it is (sample rate, bits per sample, float or not).
[[nodiscard]] Result<CheckReport> checkAudio(ConstAudioBlock audio, const AudioFileInfo& format,
                                             const CheckOptions& options = {});

}  // namespace lathe::check
