#pragma once
// Where each track sits in the continuous album file of `lathe album --single-file`.
// Tracks follow each other in order with `gapSeconds` of digital silence before every track after
// the first (the pregap, CUE INDEX 00 to INDEX 01).
// CD frame alignment (Red Book, for the `cd` target): a CD addresses audio in frames of 1/75 s
// (588 samples at 44.1 kHz), so every track start, every pregap start and the end of the file are
// put on a frame boundary: a track's last frame is padded with silence, and the gap is a whole
// number of frames (the given gap rounded to the nearest frame). Without alignment the gap is the
// given number of seconds rounded to the nearest sample and a CUE sheet rounds each index to the
// nearest 1/75 s.

#include <cstdint>
#include <vector>

#include "lathe/result.h"

namespace lathe::mastering {

inline constexpr int kCueFramesPerSecond = 75;

struct TrackPlacement {
    std::int64_t pregapStartFrame = 0;  // == startFrame when there is no gap
    std::int64_t startFrame = 0;        // first sample of the track (INDEX 01)
    std::int64_t frames = 0;            // the track's own length
};

struct AlbumLayout {
    double sampleRate = 0.0;
    bool cdFrameAligned = false;
    std::vector<TrackPlacement> tracks;
    std::int64_t totalFrames = 0;
};

// Errors: a negative gap; CD alignment at a rate that is not a whole number of samples per 1/75 s.
Result<AlbumLayout> layoutAlbum(const std::vector<std::int64_t>& trackFrames, double sampleRate, double gapSeconds,
                                bool cdFrameAligned);

}  // namespace lathe::mastering
