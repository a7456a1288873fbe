// layoutAlbum(): track positions in the continuous album file (see album_layout.h).
#include "lathe/mastering/album_layout.h"

#include <cmath>

#include "util/text.h"

namespace lathe::mastering {

Result<AlbumLayout> layoutAlbum(const std::vector<std::int64_t>& trackFrames, double sampleRate, double gapSeconds,
                                bool cdFrameAligned) {
    if (!(gapSeconds >= 0.0) || !std::isfinite(gapSeconds)) return fail(formatText("gap %g s: must be 0 or more seconds", gapSeconds));
    if (!(sampleRate > 0.0)) return fail("album layout: no sample rate");
    const double samplesPerCueFrame = sampleRate / kCueFramesPerSecond;
    const auto frameSamples = static_cast<std::int64_t>(std::llround(samplesPerCueFrame));
    if (cdFrameAligned && std::abs(samplesPerCueFrame - double(frameSamples)) > 1e-9)
        return fail(formatText("CD frame alignment needs a whole number of samples per 1/75 s; %.0f Hz has %.3f", sampleRate,
                               samplesPerCueFrame));
    auto alignUp = [&](std::int64_t frame) {
        return cdFrameAligned ? (frame + frameSamples - 1) / frameSamples * frameSamples : frame;
    };
    const std::int64_t gapFrames = cdFrameAligned ? std::llround(gapSeconds * kCueFramesPerSecond) * frameSamples
                                                  : std::llround(gapSeconds * sampleRate);
    AlbumLayout layout;
    layout.sampleRate = sampleRate;
    layout.cdFrameAligned = cdFrameAligned;
    std::int64_t end = 0;
    for (std::size_t i = 0; i < trackFrames.size(); ++i) {
        TrackPlacement placement;
        placement.pregapStartFrame = alignUp(end);
        placement.startFrame = placement.pregapStartFrame + (i == 0 ? 0 : gapFrames);
        placement.frames = trackFrames[i];
        end = placement.startFrame + placement.frames;
        layout.tracks.push_back(placement);
    }
    layout.totalFrames = alignUp(end);
    return layout;
}

}  // namespace lathe::mastering
