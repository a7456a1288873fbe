// Reference profiles (see include/lathe/mastering/reference.h): measuring a track's profile over its
// loudest sections, loading a reference (audio or saved profile), averaging, distances.
#include "lathe/mastering/reference.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>

#include "lathe/analysis/loudness_meter.h"
#include "lathe/audio_file.h"
#include "analysis/k_weighting.h"
#include "lathe/mastering/master.h"  // downmixToStereo
#include "mastering/level_math.h"

namespace lathe::mastering {
namespace {

constexpr double kSectionSeconds = 3.0;
constexpr double kSectionGateLu = 6.0;       // sections this far below the loudest one drop out
constexpr double kMomentarySeconds = 0.4;
constexpr double kAbsoluteGateLufs = -70.0;
constexpr std::size_t kChunkFrames = 65536;

constexpr double kNormalisationHighHz = 16000.0;


// BS.1770 loudness (LUFS) of the bands 20 Hz - 16 kHz alone, from their levels: each band's mean
// square (level is 10 log10(2 x mean square)) weighted by the K-weighting's power gain at its centre;
// L and R hold 2 (M^2 + S^2). A mono track counts as played on both speakers (M on L and R, no S), so
// its spectra compare with stereo ones. nullopt without energy.
std::optional<double> bandLoudnessLufs(const std::vector<std::optional<double>>& mid,
                                       const std::vector<std::optional<double>>& side) {
    const auto& weighting = analysis::kWeightingPrototype();
    double sum = 0.0;
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f > kNormalisationHighHz) continue;
        const double midPower = (b < mid.size() && mid[b]) ? powerOf(*mid[b]) / 2.0 : 0.0;
        const double sidePower = (b < side.size() && side[b]) ? powerOf(*side[b]) / 2.0 : 0.0;
        const double power = 2.0 * (midPower + sidePower);
        sum += std::norm(weighting.response(f)) * power;
    }
    if (!(sum > 0.0)) return std::nullopt;
    return -0.691 + dbOf(sum);
}

// Band levels minus the bands' own loudness: spectra of tracks at any loudness or sample rate (with
// or without content above 16 kHz) compare directly.
void normaliseBands(std::vector<std::optional<double>>& mid, std::vector<std::optional<double>>& side) {
    const auto loudness = bandLoudnessLufs(mid, side);
    for (auto* bands : {&mid, &side})
        for (auto& level : *bands) {
            if (!loudness) level.reset();
            else if (level) *level -= *loudness;
        }
}

// One 3 s section [first, first + count) and its loudness (power mean of its momentary values).
struct Section {
    std::size_t first = 0, count = 0;
    std::optional<double> loudnessLufs;
};

// Frame at which 10 ms hop `hop` (1-based) ends: floor(hop * fs / 100 + 1/2), as the meter does.
std::size_t hopEndFrame(std::size_t hop, double sampleRate) {
    return static_cast<std::size_t>(std::floor(double(hop) * sampleRate / 100.0 + 0.5));
}

std::vector<Section> cutSections(std::size_t frames, double sampleRate) {
    const auto length = static_cast<std::size_t>(std::llround(kSectionSeconds * sampleRate));
    std::vector<Section> sections;
    for (std::size_t first = 0; first < frames; first += length) {
        std::size_t count = std::min(length, frames - first);
        // A remainder shorter than 1 s joins the section before it.
        if (frames - (first + count) < static_cast<std::size_t>(sampleRate) && first + count < frames) count = frames - first;
        sections.push_back({first, count, std::nullopt});
        if (first + count >= frames) break;
    }
    return sections;
}

// Momentary windows lying wholly inside [first, first + count): their energies (power of LUFS).
template <class Visit>
void forEachMomentaryIn(const std::vector<float>& momentary, double sampleRate, std::size_t first, std::size_t count,
                        Visit&& visit) {
    const auto window = static_cast<std::size_t>(std::llround(kMomentarySeconds * sampleRate));
    for (std::size_t i = 0; i < momentary.size(); ++i) {
        const std::size_t end = hopEndFrame(i + 1, sampleRate);
        if (end > first + count) break;
        if (end < first + window) continue;
        if (std::isnan(momentary[i])) continue;
        visit(double(momentary[i]));
    }
}

// Percentile (nearest rank) of sorted values, p in 0..1.
double percentile(const std::vector<double>& sorted, double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p * double(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

std::optional<double> weightedMean(const std::vector<std::optional<double>>& values, const std::vector<double>& weights) {
    double sum = 0.0, weight = 0.0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!values[i] || !std::isfinite(*values[i])) continue;
        sum += weights[i] * *values[i];
        weight += weights[i];
    }
    if (weight <= 0.0) return std::nullopt;
    return sum / weight;
}

std::string lowercase(std::string text) {
    for (auto& c : text) c = char(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

analysis::Analysis analyzeWhole(ConstAudioBlock audio, double sampleRate) {
    analysis::Analyzer analyzer;
    if (!analyzer.prepare(sampleRate, audio.numChannels(), {}, std::int64_t(audio.numFrames()))) return {};
    for (std::size_t offset = 0; offset < audio.numFrames(); offset += kChunkFrames)
        analyzer.process(audio.slice(offset, std::min(kChunkFrames, audio.numFrames() - offset)));
    return analyzer.finish();
}

}  // namespace

ReferenceProfile profileFromAnalysis(const analysis::Analysis& analysed) {
    ReferenceProfile profile;
    profile.source = analysed.file;
    profile.integratedLufs = analysed.integratedLufs.value_or(kAbsoluteGateLufs);
    profile.truePeakDbtp = analysed.truePeakDbtp.value_or(-std::numeric_limits<double>::infinity());
    profile.plrDb = analysed.plrDb.value_or(0.0);
    profile.loudnessRangeLu = analysed.loudnessRangeLu;
    profile.sideToMidDb = analysed.sideToMidDb;
    profile.analysedSeconds = analysed.durationSeconds;
    profile.midBandsDb = analysed.thirdOctaveMidDb;
    profile.sideBandsDb = analysed.thirdOctaveSideDb;
    profile.midBandsDb.resize(analysis::kThirdOctaveBandCount);
    profile.sideBandsDb.resize(analysis::kThirdOctaveBandCount);
    normaliseBands(profile.midBandsDb, profile.sideBandsDb);
    return profile;
}

ReferenceProfile profileOf(ConstAudioBlock audio, double sampleRate, const analysis::Analysis& analysed,
                           const std::string& source) {
    ReferenceProfile profile = profileFromAnalysis(analysed);
    profile.source = source;
    profile.midBandsDb.assign(analysis::kThirdOctaveBandCount, std::nullopt);
    profile.sideBandsDb.assign(analysis::kThirdOctaveBandCount, std::nullopt);
    profile.analysedSeconds = 0.0;
    const int channels = std::min(audio.numChannels(), 2);
    if (channels < 1 || audio.numFrames() == 0) return profile;
    const std::array<const float*, 2> pointers{audio.channelData(0), audio.channelData(channels - 1)};
    const ConstAudioBlock signal(pointers.data(), channels, audio.numFrames());

    // Momentary loudness at a 10 ms hop.
    analysis::LoudnessMeter meter;
    if (!meter.prepare(sampleRate, channels, {true, false, std::int64_t(audio.numFrames())})) return profile;
    for (std::size_t offset = 0; offset < signal.numFrames(); offset += kChunkFrames)
        meter.process(signal.slice(offset, std::min(kChunkFrames, signal.numFrames() - offset)));
    const auto momentary = meter.result().momentaryLufs;

    // The loudest sections.
    auto sections = cutSections(signal.numFrames(), sampleRate);
    double loudest = kAbsoluteGateLufs;
    for (auto& section : sections) {
        double energy = 0.0;
        int windows = 0;
        forEachMomentaryIn(momentary, sampleRate, section.first, section.count, [&](double lufs) {
            if (std::isfinite(lufs)) energy += powerOf(lufs);
            ++windows;
        });
        if (windows == 0 || energy <= 0.0) continue;
        section.loudnessLufs = dbOf(energy / windows);
        loudest = std::max(loudest, *section.loudnessLufs);
    }
    const auto kept = [&](const Section& s) {
        return s.loudnessLufs && *s.loudnessLufs > kAbsoluteGateLufs && *s.loudnessLufs >= loudest - kSectionGateLu;
    };

    // Spectra run by run (hop N/4: every sample weighs the same, beats do not alias with the frames),
    // power-averaged by duration; loudness and momentary spread of the same sections.
    analysis::ThirdOctaveSpectrum spectrum;
    if (!spectrum.prepare(sampleRate, channels, 4)) return profile;
    std::vector<double> midPower(analysis::kThirdOctaveBandCount, 0.0), sidePower(analysis::kThirdOctaveBandCount, 0.0);
    std::vector<bool> midSeen(analysis::kThirdOctaveBandCount, false), sideSeen(analysis::kThirdOctaveBandCount, false);
    std::vector<double> keptMomentary;
    std::size_t keptWindows = 0, keptFrames = 0;
    for (std::size_t s = 0; s < sections.size();) {
        if (!kept(sections[s])) {
            ++s;
            continue;
        }
        std::size_t end = s;
        while (end < sections.size() && kept(sections[end])) ++end;
        const std::size_t first = sections[s].first;
        const std::size_t count = sections[end - 1].first + sections[end - 1].count - first;
        spectrum.reset();
        for (std::size_t offset = 0; offset < count; offset += kChunkFrames)
            spectrum.process(signal.slice(first + offset, std::min(kChunkFrames, count - offset)));
        const auto bands = spectrum.finish();
        for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
            if (b < bands.midDb.size() && bands.midDb[b]) midPower[b] += double(count) * powerOf(*bands.midDb[b]), midSeen[b] = true;
            if (b < bands.sideDb.size() && bands.sideDb[b]) sidePower[b] += double(count) * powerOf(*bands.sideDb[b]), sideSeen[b] = true;
        }
        forEachMomentaryIn(momentary, sampleRate, first, count, [&](double lufs) {
            ++keptWindows;
            if (lufs > kAbsoluteGateLufs) keptMomentary.push_back(lufs);
        });
        keptFrames += count;
        s = end;
    }
    if (keptFrames == 0 || keptWindows == 0) return profile;
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
        if (midSeen[b] && midPower[b] > 0.0) profile.midBandsDb[b] = dbOf(midPower[b] / double(keptFrames));
        if (sideSeen[b] && sidePower[b] > 0.0) profile.sideBandsDb[b] = dbOf(sidePower[b] / double(keptFrames));
    }
    normaliseBands(profile.midBandsDb, profile.sideBandsDb);
    profile.analysedSeconds = double(keptFrames) / sampleRate;
    if (keptMomentary.size() >= 2) {
        std::sort(keptMomentary.begin(), keptMomentary.end());
        profile.shortTermSpreadLu = percentile(keptMomentary, 0.95) - percentile(keptMomentary, 0.10);
    }
    return profile;
}

ReferenceProfile profileOf(ConstAudioBlock audio, double sampleRate, const std::string& source) {
    if (audio.numChannels() > 2) {
        const AudioBuffer stereo = downmixToStereo(audio);
        return profileOf(stereo.block(), sampleRate, source);
    }
    auto analysed = analyzeWhole(audio, sampleRate);
    analysed.file = source;
    return profileOf(audio, sampleRate, analysed, source);
}

Result<ReferenceProfile> loadReference(const std::filesystem::path& path) {
    const std::string name = path.string();
    if (lowercase(path.extension().string()) == ".json") {
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail(name + ": cannot open the reference profile");
        const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        const auto json = nlohmann::json::parse(text, nullptr, false);
        if (json.is_discarded()) return fail(name + ": not valid JSON (expected a profile written by --analyze-reference)");
        return referenceFromJson(json, name);
    }
    auto decoded = readAudioFile(path);
    if (!decoded) return decoded.error();
    auto profile = profileOf(decoded->audio.block(), decoded->info.sampleRate, path.filename().string());
    if (profile.integratedLufs <= kAbsoluteGateLufs || profile.analysedSeconds <= 0.0)
        return fail(name + ": the reference is silent (no loudness above the -70 LUFS gate): nothing to match");
    return profile;
}

ReferenceProfile averageProfiles(const std::vector<ReferenceProfile>& profiles, const std::vector<double>& weights) {
    if (profiles.empty()) return {};
    if (profiles.size() == 1) return profiles.front();
    std::vector<double> w(profiles.size(), 1.0);
    double weightSum = 0.0;
    bool usable = weights.size() == profiles.size();
    for (double x : weights) usable = usable && std::isfinite(x) && x >= 0.0, weightSum += x;
    if (usable && weightSum > 0.0) w = weights;

    const auto average = [&](auto field) {
        std::vector<std::optional<double>> values;
        for (const auto& p : profiles) values.push_back(field(p));
        return weightedMean(values, w);
    };
    ReferenceProfile out;
    for (const auto& p : profiles) out.source += (out.source.empty() ? "" : " + ") + p.source;
    out.integratedLufs = average([](const ReferenceProfile& p) { return std::optional<double>(p.integratedLufs); }).value_or(kAbsoluteGateLufs);
    out.truePeakDbtp = average([](const ReferenceProfile& p) { return std::optional<double>(p.truePeakDbtp); }).value_or(0.0);
    out.plrDb = average([](const ReferenceProfile& p) { return std::optional<double>(p.plrDb); }).value_or(0.0);
    out.loudnessRangeLu = average([](const ReferenceProfile& p) { return p.loudnessRangeLu; });
    out.shortTermSpreadLu = average([](const ReferenceProfile& p) { return p.shortTermSpreadLu; });
    out.sideToMidDb = average([](const ReferenceProfile& p) { return p.sideToMidDb; });
    for (const auto& p : profiles) out.analysedSeconds += p.analysedSeconds;
    out.midBandsDb.assign(analysis::kThirdOctaveBandCount, std::nullopt);
    out.sideBandsDb.assign(analysis::kThirdOctaveBandCount, std::nullopt);
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
        out.midBandsDb[b] = average([b](const ReferenceProfile& p) { return b < p.midBandsDb.size() ? p.midBandsDb[b] : std::nullopt; });
        out.sideBandsDb[b] = average([b](const ReferenceProfile& p) { return b < p.sideBandsDb.size() ? p.sideBandsDb[b] : std::nullopt; });
    }
    return out;
}

ProfileDistance profileDistance(const ReferenceProfile& track, const ReferenceProfile& reference) {
    ProfileDistance distance;
    double sum = 0.0;
    int bands = 0;
    for (std::size_t b = 0; b < analysis::kThirdOctaveBandCount; ++b) {
        const double f = analysis::kThirdOctaveCentresHz[b];
        if (f < kMatchLowHz || f > kMatchHighHz) continue;
        if (b >= track.midBandsDb.size() || b >= reference.midBandsDb.size()) continue;
        if (!track.midBandsDb[b] || !reference.midBandsDb[b]) continue;
        const double d = *track.midBandsDb[b] - *reference.midBandsDb[b];
        sum += d * d;
        ++bands;
    }
    if (bands >= 3) distance.spectralDbRms = std::sqrt(sum / bands);
    if (track.integratedLufs > kAbsoluteGateLufs && reference.integratedLufs > kAbsoluteGateLufs) {
        distance.loudnessLu = track.integratedLufs - reference.integratedLufs;
        distance.plrDb = track.plrDb - reference.plrDb;
    }
    if (track.sideToMidDb && reference.sideToMidDb) distance.sideToMidDb = *track.sideToMidDb - *reference.sideToMidDb;
    if (track.shortTermSpreadLu && reference.shortTermSpreadLu)
        distance.shortTermSpreadLu = *track.shortTermSpreadLu - *reference.shortTermSpreadLu;
    return distance;
}

}  // namespace lathe::mastering
