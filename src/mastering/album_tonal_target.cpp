// The album's tonal target (see album_tonal_target.h). Reference matching (reference.h) is not yet
// part of the build: these are its placeholders, switched on when it lands.
#include "mastering/album_tonal_target.h"

namespace lathe::mastering {

bool albumTonalMatchingAvailable() noexcept { return false; }

ReferenceProfile trackTonalProfile(ConstAudioBlock, double, const std::string& source) {
    ReferenceProfile profile;
    profile.source = source;
    return profile;
}

Result<ReferenceProfile> loadTonalReference(const std::filesystem::path& path) {
    return fail(path.string() + ": reference matching is not built yet");
}

ReferenceProfile averageTonalProfile(const std::vector<ReferenceProfile>&) { return {}; }

void applyTonalTarget(PlanRequest&, const ReferenceProfile&, double) {}

}  // namespace lathe::mastering
