#pragma once
// CUE sheet text for a continuous album file (the CDRWIN cue format that CD burners and players read):
//   FILE "album.wav" WAVE
//     TRACK 01 AUDIO
//       TITLE "..."
//       INDEX 01 00:00:00
//     TRACK 02 AUDIO
//       TITLE "..."
//       INDEX 00 04:01:30      (the pregap: the gap before the track, when there is one)
//       INDEX 01 04:03:30
// Times are MM:SS:FF with FF in CD frames of 1/75 s; a sample position is rounded to the nearest
// frame (exact for a CD-frame-aligned layout, see album_layout.h). Double quotes in titles and file
// names become single quotes (the format has no escape).

#include <string>
#include <vector>

#include "lathe/audio_file.h"
#include "lathe/mastering/album_layout.h"

namespace lathe::mastering {

struct CueSheet {
    std::string title;                    // album title (omitted when empty)
    std::string audioFileName;            // the continuous file, relative to the sheet
    FileFormat format = FileFormat::Wav;  // AIFF files are typed AIFF; WAV and FLAC are typed WAVE
    std::vector<std::string> trackTitles; // one per layout track
};

// "MM:SS:FF" for a sample position.
std::string cueTime(std::int64_t frame, double sampleRate);

std::string cueSheetText(const CueSheet& sheet, const AlbumLayout& layout);

}  // namespace lathe::mastering
