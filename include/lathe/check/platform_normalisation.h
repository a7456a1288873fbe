#pragma once
// What each streaming platform's loudness normalisation does to a track: the playback gain, the
// resulting loudness and true peak, and whether a peak rule stopped the platform from raising it.
//
// Rules (integrated loudness L, true peak P, reference R; gain g = R - L before any peak rule):
//  - attenuateOnly      g = min(0, R - L): loud tracks are turned down, quiet ones are left alone.
//  - truePeakLimited    g = min(R - L, ceiling - P): quiet tracks are raised only as far as their true
//                       peak stays at or below the ceiling (Spotify "normal": 1 dB of headroom).
//  - limiter            g = R - L always; a playback limiter catches the peaks above its threshold
//                       (Spotify "loud": limiter at -1 dBFS, 5 ms attack, 100 ms release).
// Published figures (see `source` of each platform). Platforms change these settings from time to
// time; lathe's table is what was published when it was written, and the assumptions are marked.

#include <span>
#include <string>
#include <vector>

namespace lathe::check {

enum class BoostRule { attenuateOnly, truePeakLimited, limiter };

struct StreamingPlatform {
    std::string name;               ///< e.g. "Spotify"
    std::string mode;               ///< e.g. "normal", "loud", "Sound Check"
    double referenceLufs = -14.0;   ///< the loudness tracks are normalised to
    BoostRule boost = BoostRule::attenuateOnly;
    double boostCeilingDbtp = -1.0; ///< truePeakLimited: peak ceiling; limiter: its threshold
    std::string source;             ///< where the figures come from
};

struct PlatformPlayback {
    std::string platform;           ///< "Spotify (normal)"
    double referenceLufs = 0;
    double gainDb = 0;              ///< the gain the platform applies at playback
    double playbackLufs = 0;        ///< integrated loudness as played
    double playbackTruePeakDbtp = 0;///< true peak as played, before any playback limiter
    bool boostLimitedByPeak = false;///< a quiet track the peak rule kept below the reference
    bool limiterEngaged = false;    ///< the playback limiter will act on the peaks
    double shortfallLu = 0;         ///< reference - playback loudness (> 0: plays quieter than others)
    std::string summary;            ///< one line, e.g. "turned down 4.0 dB to -14.0 LUFS"
};

/// Spotify (normal, loud), Apple Music, YouTube, Tidal, Amazon Music, Deezer.
[[nodiscard]] std::span<const StreamingPlatform> streamingPlatforms();

[[nodiscard]] PlatformPlayback predictPlayback(const StreamingPlatform& platform, double integratedLufs,
                                               double truePeakDbtp);
/// Every platform of streamingPlatforms(), in order.
[[nodiscard]] std::vector<PlatformPlayback> predictPlayback(double integratedLufs, double truePeakDbtp);

}  // namespace lathe::check
