#include "lathe/check/platform_normalisation.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace lathe::check {

namespace {

StreamingPlatform platform(std::string name, std::string mode, double referenceLufs, BoostRule boost,
                           double ceiling, std::string source) {
    return {std::move(name), std::move(mode), referenceLufs, boost, ceiling, std::move(source)};
}

std::array<StreamingPlatform, 7> makePlatforms() {
    // Spotify: Spotify for Artists, "Loudness normalization" (support.spotify.com/artists/article/
    // loudness-normalization): tracks adjusted to -14 LUFS (ITU-R BS.1770); positive gain leaves 1 dB
    // of true-peak headroom ("a track at -20 LUFS with a true peak of -5 dBFS is only lifted to
    // -16 LUFS"); "Loud" is -11 LUFS regardless of true peak, with a limiter at -1 dB (sample values),
    // 5 ms attack, 100 ms decay.
    // Others: reference levels as published by the platforms and collected e.g. by Sage Audio,
    // "Mastering for Streaming: Platform Loudness and Normalization Explained": Apple Music Sound
    // Check -16 LUFS; YouTube -14 LUFS (turns loud uploads down, never up: its "content loudness"
    // statistic is never positive); Tidal -14 LUFS; Amazon Music -14 LUFS; Deezer -15 LUFS.
    // Apple's -16 LUFS: Production Expert, "Apple choose -16 LUFS loudness level for Apple Music"
    // (after AES TD1008). Tidal: -14 LUFS (BS.1770-4), and it "does not raise the level of music
    // whose loudness is less than -14 LUFS" (MeterPlugs, "Tidal adds loudness normalization",
    // 2016, from Tidal's answers). Apple publishes no boost rule: lathe ASSUMES Sound Check raises
    // quiet tracks only as far as their peak stays below full scale (0 dBTP, no limiter). For
    // Amazon Music and Deezer lathe ASSUMES attenuation only (widely reported; not published).
    return {
        platform("Spotify", "normal", -14.0, BoostRule::truePeakLimited, -1.0,
                 "Spotify for Artists, Loudness normalization: -14 LUFS; boost leaves 1 dB true-peak headroom"),
        platform("Spotify", "loud", -11.0, BoostRule::limiter, -1.0,
                 "Spotify for Artists: Loud -11 LUFS regardless of true peak; limiter at -1 dB, 5 ms / 100 ms"),
        platform("Apple Music", "Sound Check", -16.0, BoostRule::truePeakLimited, 0.0,
                 "Apple Sound Check -16 LUFS (Production Expert, after AES TD1008); boost limited to 0 dBTP (lathe's assumption)"),
        platform("YouTube", "", -14.0, BoostRule::attenuateOnly, 0.0, "YouTube -14 LUFS, turns down only"),
        platform("Tidal", "", -14.0, BoostRule::attenuateOnly, 0.0, "Tidal -14 LUFS (BS.1770-4); does not raise quieter tracks (MeterPlugs 2016, from Tidal)"),
        platform("Amazon Music", "", -14.0, BoostRule::attenuateOnly, 0.0,
                 "Amazon Music -14 LUFS, turns down only (assumed)"),
        platform("Deezer", "", -15.0, BoostRule::attenuateOnly, 0.0, "Deezer -15 LUFS, turns down only (assumed)"),
    };
}

std::string format(const char* pattern, double a, double b = 0.0) {
    char text[160];
    std::snprintf(text, sizeof text, pattern, a, b);
    return text;
}

}  // namespace

std::span<const StreamingPlatform> streamingPlatforms() {
    static const auto platforms = makePlatforms();
    return platforms;
}

PlatformPlayback predictPlayback(const StreamingPlatform& platform, double integratedLufs, double truePeakDbtp) {
    PlatformPlayback out;
    out.platform = platform.mode.empty() ? platform.name : platform.name + " (" + platform.mode + ")";
    out.referenceLufs = platform.referenceLufs;
    const double wanted = platform.referenceLufs - integratedLufs;
    double gain = wanted;
    switch (platform.boost) {
        case BoostRule::attenuateOnly: gain = std::min(0.0, wanted); break;
        case BoostRule::truePeakLimited:
            if (wanted > 0.0) {
                const double headroom = std::max(0.0, platform.boostCeilingDbtp - truePeakDbtp);
                gain = std::min(wanted, headroom);
                out.boostLimitedByPeak = gain < wanted - 1e-9;
            }
            break;
        case BoostRule::limiter:
            out.limiterEngaged = truePeakDbtp + gain > platform.boostCeilingDbtp;
            break;
    }
    out.gainDb = gain;
    out.playbackLufs = integratedLufs + gain;
    out.playbackTruePeakDbtp = truePeakDbtp + gain;
    out.shortfallLu = std::max(0.0, platform.referenceLufs - out.playbackLufs);
    if (gain < -0.05)
        out.summary = format("turned down %.1f dB to %.1f LUFS", -gain, out.playbackLufs);
    else if (gain > 0.05)
        out.summary = format("turned up %.1f dB to %.1f LUFS", gain, out.playbackLufs);
    else
        out.summary = format("played as is at %.1f LUFS", out.playbackLufs);
    if (out.boostLimitedByPeak)
        out.summary += format("; true peak stops the boost %.1f LU short of %.0f LUFS", out.shortfallLu,
                              platform.referenceLufs);
    else if (wanted > 0.05 && platform.boost == BoostRule::attenuateOnly)
        out.summary += format("; not raised: plays %.1f LU below %.0f LUFS", out.shortfallLu, platform.referenceLufs);
    if (out.limiterEngaged)
        out.summary += format("; its limiter will act on peaks up to %.1f dB above %.0f dBFS",
                              out.playbackTruePeakDbtp - platform.boostCeilingDbtp, platform.boostCeilingDbtp);
    return out;
}

std::vector<PlatformPlayback> predictPlayback(double integratedLufs, double truePeakDbtp) {
    std::vector<PlatformPlayback> out;
    for (const auto& platform : streamingPlatforms()) out.push_back(predictPlayback(platform, integratedLufs, truePeakDbtp));
    return out;
}

}  // namespace lathe::check
