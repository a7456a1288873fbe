// The reference profile file (`lathe master --analyze-reference REF -o REF.json`): write and read back.
#include <cmath>
#include <limits>

#include "lathe/atomic_file.h"
#include "lathe/mastering/reference.h"
#include "util/json_number.h"

namespace lathe::mastering {
namespace {

using Json = nlohmann::ordered_json;
constexpr int kProfileVersion = 1;

Json bandArray(const std::vector<std::optional<double>>& bands) {
    Json out = Json::array();
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) out.push_back(b < bands.size() ? optionalNumber(bands[b]) : Json(nullptr));
    return out;
}

// Reads a field that must be a finite number (required) or a number / null (optional).
struct FieldReader {
    const nlohmann::json& json;
    const std::string& name;
    std::string error;

    std::optional<double> optional(const char* key) {
        if (!json.contains(key) || json[key].is_null()) return std::nullopt;
        if (!json[key].is_number() || !std::isfinite(json[key].get<double>())) {
            fail(std::string("\"") + key + "\" is not a number");
            return std::nullopt;
        }
        return json[key].get<double>();
    }
    double required(const char* key) {
        if (!json.contains(key) || json[key].is_null()) {
            fail(std::string("\"") + key + "\" is missing");
            return 0.0;
        }
        return optional(key).value_or(0.0);
    }
    std::vector<std::optional<double>> bands(const char* key) {
        std::vector<std::optional<double>> out(analysis::kThirdOctaveBandCount);
        if (!json.contains(key) || !json[key].is_array() || json[key].size() != analysis::kThirdOctaveBandCount) {
            fail(std::string("\"") + key + "\" must be an array of " + std::to_string(analysis::kThirdOctaveBandCount) +
                 " band levels (number or null)");
            return out;
        }
        for (std::size_t b = 0; b < out.size(); ++b) {
            const auto& value = json[key][b];
            if (value.is_null()) continue;
            if (!value.is_number() || !std::isfinite(value.get<double>())) {
                fail(std::string("\"") + key + "\" band " + std::to_string(b) + " is not a number");
                return out;
            }
            out[b] = value.get<double>();
        }
        return out;
    }
    void fail(const std::string& problem) {
        if (error.empty()) error = problem;
    }
};

}  // namespace

nlohmann::ordered_json toJson(const ReferenceProfile& p) {
    Json centres = Json::array();
    for (double f : analysis::kThirdOctaveCentresHz) centres.push_back(f);
    return {
        {"lathe_reference_profile", kProfileVersion},
        {"source", p.source},
        {"analysed_s", p.analysedSeconds},
        {"integrated_lufs", p.integratedLufs},
        {"true_peak_dbtp", optionalNumber(p.truePeakDbtp)},
        {"plr_db", p.plrDb},
        {"loudness_range_lu", optionalNumber(p.loudnessRangeLu)},
        {"short_term_spread_lu", optionalNumber(p.shortTermSpreadLu)},
        {"side_to_mid_db", optionalNumber(p.sideToMidDb)},
        {"third_octave_centres_hz", centres},
        {"mid_bands_db", bandArray(p.midBandsDb)},
        {"side_bands_db", bandArray(p.sideBandsDb)},
    };
}

Result<ReferenceProfile> referenceFromJson(const nlohmann::json& json, const std::string& name) {
    if (!json.is_object() || !json.contains("lathe_reference_profile"))
        return fail(name + ": not a lathe reference profile (no \"lathe_reference_profile\" key; write one with --analyze-reference)");
    if (!json["lathe_reference_profile"].is_number_integer() || json["lathe_reference_profile"].get<int>() != kProfileVersion)
        return fail(name + ": unsupported reference profile version (this lathe reads version " + std::to_string(kProfileVersion) + ")");
    if (!json.contains("third_octave_centres_hz") || !json["third_octave_centres_hz"].is_array() ||
        json["third_octave_centres_hz"].size() != analysis::kThirdOctaveBandCount)
        return fail(name + ": \"third_octave_centres_hz\" must list the 31 ISO bands 20 Hz - 20 kHz");
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
        const auto& f = json["third_octave_centres_hz"][b];
        if (!f.is_number() || std::abs(f.get<double>() - analysis::kThirdOctaveCentresHz[b]) > 1e-6)
            return fail(name + ": \"third_octave_centres_hz\" must list the 31 ISO bands 20 Hz - 20 kHz");
    }
    FieldReader read{json, name, {}};
    ReferenceProfile p;
    p.source = json.contains("source") && json["source"].is_string() ? json["source"].get<std::string>() : name;
    p.analysedSeconds = read.optional("analysed_s").value_or(0.0);
    p.integratedLufs = read.required("integrated_lufs");
    p.truePeakDbtp = read.optional("true_peak_dbtp").value_or(-std::numeric_limits<double>::infinity());
    p.plrDb = read.required("plr_db");
    p.loudnessRangeLu = read.optional("loudness_range_lu");
    p.shortTermSpreadLu = read.optional("short_term_spread_lu");
    p.sideToMidDb = read.optional("side_to_mid_db");
    p.midBandsDb = read.bands("mid_bands_db");
    p.sideBandsDb = read.bands("side_bands_db");
    if (!read.error.empty()) return fail(name + ": " + read.error);
    if (p.integratedLufs <= -70.0 || p.integratedLufs > 0.0)
        return fail(name + ": \"integrated_lufs\" must lie between -70 and 0 LUFS");
    return p;
}

Status saveReferenceJson(const ReferenceProfile& profile, const std::filesystem::path& path,
                         const std::vector<std::filesystem::path>& protectedPaths) {
    return writeTextFileAtomically(path, toJson(profile).dump(2) + "\n", protectedPaths);
}

}  // namespace lathe::mastering
