#pragma once
// `lathe album`: master the tracks of an album together.
//   1. Analyse every track (one decoded track per worker at a time).
//   2. Decide for the album: one tonal target for every track (the average balance of the album's own
//      tracks, or a reference's) and the delivery loudness of each track (album_loudness.h: `album`
//      keeps the differences between tracks with the loudest at the target, `equal` puts every track
//      at the target).
//   3. Master every track (masterFile) toward those decisions, `jobs` tracks at a time.
//   4. Optionally join the delivered tracks into one continuous file with a CUE sheet
//      (album_layout.h, cue_sheet.h).
// Outputs, in `outputDir`: "NN - <input name>.<ext>" per track, in the input's format (WAV, AIFF or
// FLAC; anything else becomes WAV), sample rate and bit depth (16 or 24-bit integer, else 32-bit float)
// unless the target forces them (cd: 44.1 kHz 16-bit). With `singleFile`, the whole album shares the
// FIRST track's delivery format, rate and bit depth (tracks at other rates are resampled by libsoxr,
// every track file included, so they are exact slices of "album.<ext>"), and every track must have the
// same channel count. "album.cue" and the report "album.json" (album_report.h) go beside them.
// Everything is mastered into a private staging folder in `outputDir` and moved into place only when
// every track has succeeded: a failing track fails the album with one line naming the file and
// leaves no file behind. No output may be an input. The audio written is the same, bit for bit,
// whatever `jobs` is.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "lathe/mastering/album_layout.h"
#include "lathe/mastering/album_loudness.h"
#include "lathe/mastering/master.h"
#include "lathe/mastering/plan.h"
#include "lathe/mastering/reference.h"
#include "lathe/result.h"

namespace lathe::mastering {

enum class AlbumStage { Analyse, Master, Assemble };

// One progress event: a track started or finished a stage.
struct AlbumProgress {
    AlbumStage stage = AlbumStage::Analyse;
    std::size_t track = 0;           // index into AlbumRequest::inputs
    bool finished = false;           // false: started
    std::size_t finishedTracks = 0;  // tracks finished in this stage so far (this one included)
    std::size_t trackCount = 0;
};

struct AlbumRequest {
    std::vector<std::filesystem::path> inputs;       // in album order
    std::filesystem::path outputDir;                 // created when missing
    PlanRequest plan;                                // target, ceiling, intent, amount, dynamics: the album's
    AlbumLoudness loudness = AlbumLoudness::Album;
    std::optional<std::filesystem::path> reference;  // tonal target (audio or saved profile); default: the album's average
    // 0..1: how far each track's EQ moves toward the tonal target (0 and no reference: no shared target,
    // each track planned on its own). Width moves halfway toward the target; loudness and dynamics are
    // the album's decisions (album_loudness.h), never the reference's.
    double eqMatch = 1.0;
    bool singleFile = false;                         // also one continuous file and a CUE sheet
    double gapSeconds = 2.0;                         // silence before each track after the first, in the single file
    int jobs = 0;                                    // tracks processed at once; 0 = the machine's hardware threads
    bool downmix = false;                            // allow > 2 channels (ITU-R BS.775 to stereo)
    // Called from worker threads, one call at a time; must not throw.
    std::function<void(const AlbumProgress&)> progress;
};

struct AlbumTrackReport {
    int number = 0;                  // 1-based
    std::filesystem::path input;
    std::filesystem::path output;
    double targetLufs = 0.0;         // the loudness decided for this track by the album
    MasterReport master;             // before / plan / after of this track (output = the final path)
};

struct AlbumSingleFile {
    std::filesystem::path audio;
    std::filesystem::path cueSheet;
    AlbumLayout layout;
};

struct AlbumReport {
    DeliveryTarget target;
    AlbumLoudness loudness = AlbumLoudness::Album;
    std::string tonalTarget;         // where the shared tonal target comes from
    std::optional<ReferenceProfile> tonalProfile;  // the shared tonal target (nullopt: none)
    AlbumLoudnessPlan loudnessPlan;
    std::vector<AlbumTrackReport> tracks;
    std::optional<double> loudnessSpreadBeforeLu, loudnessSpreadAfterLu;
    std::optional<double> tonalSpreadBeforeDb, tonalSpreadAfterDb;
    std::optional<AlbumSingleFile> singleFile;
    std::filesystem::path reportPath;  // the album report written into outputDir
    int jobs = 1;
    std::vector<std::string> warnings;
    struct Timing {
        double analyseSeconds = 0, masterSeconds = 0, assembleSeconds = 0, totalSeconds = 0;
    } timing;
};

// Masters the album and writes every output, the album report included.
Result<AlbumReport> masterAlbum(const AlbumRequest& request);

// "NN - <stem>.<ext>" with at least two digits (three for albums of 100 tracks or more).
std::string albumTrackFileName(int number, std::size_t trackCount, const std::filesystem::path& input,
                               const std::string& extension);

}  // namespace lathe::mastering
