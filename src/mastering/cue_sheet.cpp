// CUE sheet writer (see cue_sheet.h).
#include "lathe/mastering/cue_sheet.h"

#include <algorithm>
#include <cmath>

#include "util/text.h"

namespace lathe::mastering {
namespace {

std::string quoted(std::string text) {
    std::replace(text.begin(), text.end(), '"', '\'');
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return "\"" + text + "\"";
}

std::int64_t cueFrames(std::int64_t frame, double sampleRate) {
    return std::llround(double(frame) * kCueFramesPerSecond / sampleRate);
}

}  // namespace

std::string cueTime(std::int64_t frame, double sampleRate) {
    const std::int64_t frames = cueFrames(frame, sampleRate);
    const std::int64_t seconds = frames / kCueFramesPerSecond;
    return formatText("%02lld:%02lld:%02lld", static_cast<long long>(seconds / 60), static_cast<long long>(seconds % 60),
                      static_cast<long long>(frames % kCueFramesPerSecond));
}

std::string cueSheetText(const CueSheet& sheet, const AlbumLayout& layout) {
    std::string text = "REM COMMENT \"lathe album\"\n";
    if (!sheet.title.empty()) text += "TITLE " + quoted(sheet.title) + "\n";
    text += "FILE " + quoted(sheet.audioFileName) + (sheet.format == FileFormat::Aiff ? " AIFF\n" : " WAVE\n");
    for (std::size_t i = 0; i < layout.tracks.size(); ++i) {
        const auto& track = layout.tracks[i];
        text += formatText("  TRACK %02zu AUDIO\n", i + 1);
        if (i < sheet.trackTitles.size() && !sheet.trackTitles[i].empty()) text += "    TITLE " + quoted(sheet.trackTitles[i]) + "\n";
        if (cueFrames(track.pregapStartFrame, layout.sampleRate) < cueFrames(track.startFrame, layout.sampleRate))
            text += "    INDEX 00 " + cueTime(track.pregapStartFrame, layout.sampleRate) + "\n";
        text += "    INDEX 01 " + cueTime(track.startFrame, layout.sampleRate) + "\n";
    }
    return text;
}

}  // namespace lathe::mastering
