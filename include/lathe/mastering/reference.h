#pragma once
// Reference profiles: what reference-track matching needs to know of a reference (or of an album's
// average), without the audio. `lathe master --reference REF` and `lathe album` both steer the plan
// toward a ReferenceProfile; `lathe master --analyze-reference REF -o REF.json` saves one, and
// `--reference REF.json` loads it back.
//
// Spectra are 1/3-octave band power (dB, the analyzer's kThirdOctaveCentresHz bands) of mid and side
// over the loudest section of the track, normalised so the track's integrated loudness reads 0 LU
// (spectra of references at different loudness or sample rate compare directly; bands above a
// track's Nyquist are nullopt).

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "lathe/analysis/analyzer.h"
#include "lathe/result.h"

namespace lathe::mastering {

struct ReferenceProfile {
    std::string source;                                 // file name(s) it was made from
    double integratedLufs = -14.0;
    double truePeakDbtp = -1.0;
    double plrDb = 13.0;                                // true peak - integrated
    std::optional<double> loudnessRangeLu;
    std::optional<double> shortTermSpreadLu;            // spread of short-term loudness (e.g. 10-95 % range)
    std::vector<std::optional<double>> midBandsDb;      // loudness-normalised, per kThirdOctaveCentresHz
    std::vector<std::optional<double>> sideBandsDb;
    std::optional<double> sideToMidDb;                  // whole-band 10 log10(E_side / E_mid)
};

// How far each aspect moves toward the reference, 0..1 (`--match eq=100,loudness=100,width=100,dynamics=50`).
struct MatchAmounts {
    double eq = 1.0;
    double loudness = 1.0;
    double width = 1.0;
    double dynamics = 0.5;
};

// "eq=100,loudness=100,width=100,dynamics=50" (percent; any subset, any order). Errors name the bad item.
Result<MatchAmounts> parseMatchAmounts(const std::string& text);

// Profile of an audio file (any format and sample rate lathe reads), or of a saved profile (.json).
Result<ReferenceProfile> loadReference(const std::filesystem::path& path);

// Profile of audio already decoded (e.g. a track of an album).
ReferenceProfile profileOf(ConstAudioBlock audio, double sampleRate, const std::string& source);

// Weighted average of several profiles (weights empty = equal). Spectra are averaged in dB per band
// over the profiles that have the band; loudness figures are averaged in LU.
ReferenceProfile averageProfiles(const std::vector<ReferenceProfile>& profiles, const std::vector<double>& weights = {});

Status saveReferenceJson(const ReferenceProfile& profile, const std::filesystem::path& path);

}  // namespace lathe::mastering
