// The album's tonal target (see album_tonal_target.h), through reference matching (reference.h).
#include "mastering/album_tonal_target.h"

namespace lathe::mastering {

bool albumTonalMatchingAvailable() noexcept { return true; }

ReferenceProfile trackTonalProfile(ConstAudioBlock audio, double sampleRate, const analysis::Analysis& analysed,
                                   const std::string& source) {
    return profileOf(audio, sampleRate, analysed, source);
}

Result<ReferenceProfile> loadTonalReference(const std::filesystem::path& path) { return loadReference(path); }

ReferenceProfile averageTonalProfile(const std::vector<ReferenceProfile>& tracks) { return averageProfiles(tracks); }

void applyTonalTarget(PlanRequest& request, const ReferenceProfile& target, double eqMatch) {
    request.reference = target;
    request.match.eq = eqMatch;
    request.match.width = kAlbumWidthMatch;
    request.match.loudness = 0.0;  // the album's loudness mode decides
    request.match.dynamics = 0.0;  // and with it how hard each track is limited
}

}  // namespace lathe::mastering
