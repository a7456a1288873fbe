#pragma once
// Reference profiles: what reference-track matching needs to know of a reference (or of an album's
// average), without the audio. `lathe master --reference REF` and `lathe album` both steer the plan
// toward a ReferenceProfile; `lathe master --analyze-reference REF -o REF.json` saves one, and
// `--reference REF.json` loads it back.
//
// Spectra are 1/3-octave band power (dB, the analyzer's kThirdOctaveCentresHz bands) of mid and side
// over the loudest sections of the track, normalised by the loudness of those bands: the BS.1770
// loudness the bands 20 Hz - 16 kHz alone would have (each band's power times the K-weighting's
// power gain at its centre), which reads 0 LU. So spectra of tracks at different loudness or sample
// rate compare directly, and content above 16 kHz (a 96 kHz reference's ultrasonics) does not shift
// them. Bands above a track's Nyquist are nullopt.
// The loudest sections: the track is cut into 3 s sections; each section's loudness is the power mean
// of its BS.1770 momentary (400 ms) loudness; the sections within 6 LU of the loudest one are kept
// (a quiet intro, a breakdown or a fade drops out; verse and chorus both stay), and their spectra are
// measured run by run (contiguous kept sections form one run) and power-averaged by duration.
// Loudness, true peak, PLR, loudness range and side-to-mid are whole-track figures (the analyzer's).
// Sample rate and format do not matter: every figure is in Hz, LUFS, dB or LU.

#include <filesystem>
#include <nlohmann/json.hpp>
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
    std::optional<double> shortTermSpreadLu;            // 10-95 % range of the momentary (400 ms) loudness over the loudest sections
    std::vector<std::optional<double>> midBandsDb;      // loudness-normalised, per kThirdOctaveCentresHz
    std::vector<std::optional<double>> sideBandsDb;
    std::optional<double> sideToMidDb;                  // whole-band 10 log10(E_side / E_mid)
    double analysedSeconds = 0.0;                       // duration of the loudest sections measured
};

// The band range of the spectral distance (and of the tonal correction): 31.5 Hz - 16 kHz.
inline constexpr double kMatchLowHz = 31.5;
inline constexpr double kMatchHighHz = 16000.0;

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

// Profile of audio already decoded (e.g. a track of an album). More than 2 channels are folded to
// stereo first (downmixToStereo, master.h). Silent audio gives integratedLufs -70 and no bands.
ReferenceProfile profileOf(ConstAudioBlock audio, double sampleRate, const std::string& source);
// The same, reusing the whole-track figures of an analysis of this very audio (saves a pass):
// only the loudest-section spectra and the momentary spread are measured. Mono or stereo audio.
ReferenceProfile profileOf(ConstAudioBlock audio, double sampleRate, const analysis::Analysis& analysed,
                           const std::string& source);
// A profile from an analysis alone (whole-track spectra normalised by the integrated loudness, no
// spread): the fallback when the audio is not at hand.
ReferenceProfile profileFromAnalysis(const analysis::Analysis& analysed);

// Weighted average of several profiles (weights empty = equal). Spectra are averaged in dB per band
// over the profiles that have the band; loudness figures are averaged in LU.
ReferenceProfile averageProfiles(const std::vector<ReferenceProfile>& profiles, const std::vector<double>& weights = {});

// The profile file (`--analyze-reference`): {"lathe_reference_profile": 1, "source", "analysed_s",
// "integrated_lufs", "true_peak_dbtp", "plr_db", "loudness_range_lu", "short_term_spread_lu",
// "side_to_mid_db", "third_octave_centres_hz", "mid_bands_db", "side_bands_db"} (null = nullopt).
[[nodiscard]] nlohmann::ordered_json toJson(const ReferenceProfile& profile);
// Errors say what is missing or malformed; `name` (the file) starts the message.
Result<ReferenceProfile> referenceFromJson(const nlohmann::json& json, const std::string& name);
// Writes toJson(profile) atomically (temporary file + rename); never replaces a path in protectedPaths.
Status saveReferenceJson(const ReferenceProfile& profile, const std::filesystem::path& path,
                         const std::vector<std::filesystem::path>& protectedPaths = {});

// How far a track is from a reference, per aspect (track minus reference, except the spectral
// distance): nullopt where either side lacks the figure.
struct ProfileDistance {
    std::optional<double> spectralDbRms;     // RMS over the 1/3-octave mid bands 31.5 Hz - 16 kHz, loudness-matched
    std::optional<double> loudnessLu;        // integrated loudness difference
    std::optional<double> sideToMidDb;       // whole-band side-to-mid difference
    std::optional<double> plrDb;             // PLR difference
    std::optional<double> shortTermSpreadLu; // momentary-loudness spread difference
};
ProfileDistance profileDistance(const ReferenceProfile& track, const ReferenceProfile& reference);

}  // namespace lathe::mastering
