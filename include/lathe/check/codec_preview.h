#pragma once
// Codec preview: what listeners get after lossy coding. The master is encoded and decoded in memory
// with the codecs streaming and download stores use, through Debian's libavcodec:
//   mp3-128, mp3-320   MP3 (LAME, CBR), decoded by libavcodec's floating-point MP3 decoder
//   aac-256            AAC-LC 256 kbps (libavcodec's native encoder; Apple Music streams 256 kbps
//                      AAC, made with Apple's own encoder, which this is not)
//   opus-128           Opus 128 kbps (libopus; Opus runs at 48 kHz, so the master is resampled with
//                      lathe::resample first, as a player would)
//   vorbis-160         Ogg Vorbis ~160 kbps (libvorbis, average bitrate; Spotify's "high" quality)
// Decoders output floating point, so nothing is clipped on the way out: the decoded signal is
// measured as a player's fixed-point output stage would receive it (the check Apple's afclip does):
//   - decoded true peak (BS.1770-4 meter) and sample peak;
//   - clipped samples: decoded samples at or beyond full scale (|x| >= 1), clipped by any integer
//     output; inter-sample overs: 4x-oversampled points above full scale between samples that are not;
//   - coding error: decoded minus input after removing the codec's delay (found by cross-correlation,
//     integer frames), as a level (dBFS RMS) and relative to the signal (dB). It includes the
//     encoder's low-pass (MP3 128 kbps cuts near 16-17 kHz).
// Length: encoding five codecs costs about 20x the decoding of the input. Files up to
// maxPreviewSeconds are previewed whole; longer ones in excerpts: the loudest section (by RMS) and
// the sections with the highest sample peaks (where coding overs appear), each excerptSeconds long
// and encoded separately with a preRollSeconds lead-in (discarded) so the encoder has settled.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::check {

enum class Codec { mp3, aac, opus, vorbis };

struct CodecSetting {
    std::string id;     ///< "mp3-128"
    std::string label;  ///< "MP3 128 kbps (LAME)"
    Codec codec = Codec::mp3;
    int bitrateKbps = 128;
};

/// mp3-128, mp3-320, aac-256, opus-128, vorbis-160.
[[nodiscard]] std::span<const CodecSetting> defaultCodecSettings();

struct CodecPreviewOptions {
    std::vector<CodecSetting> settings;  ///< empty: defaultCodecSettings()
    double maxPreviewSeconds = 20.0;     ///< 0: always the whole file
    double excerptSeconds = 5.0;
    double preRollSeconds = 0.5;
};

struct Excerpt {
    std::size_t startFrame = 0;
    std::size_t frames = 0;
};

struct CodecResult {
    std::string id;
    std::string label;
    bool available = false;          ///< false: encoder or decoder missing (see error)
    std::string error;
    double codecSampleRate = 0;
    int delayFrames = 0;             ///< codec delay found by cross-correlation (first excerpt)
    double inputTruePeakDbtp = 0;    ///< of the previewed input at the codec's rate
    double decodedTruePeakDbtp = 0;
    double decodedSamplePeakDbfs = 0;
    std::int64_t clippedSamples = 0;       ///< decoded samples with |x| >= 1
    std::int64_t interSampleOvers = 0;     ///< oversampled points > 1 between non-clipped samples
    double codingErrorDbfs = 0;            ///< RMS of decoded - input (dBFS, 10 log10 mean square)
    double codingErrorToSignalDb = 0;      ///< 10 log10(E_error / E_input)
};

struct CodecPreview {
    std::vector<Excerpt> excerpts;   ///< the regions measured (input frames)
    bool wholeFile = true;
    double previewedSeconds = 0;
    std::vector<CodecResult> results;
};

/// The regions a preview measures (see the file comment).
[[nodiscard]] std::vector<Excerpt> selectExcerpts(ConstAudioBlock audio, double sampleRate,
                                                  const CodecPreviewOptions& options = {});

/// Encodes and decodes every setting. A codec that is not available gives a result with
/// available = false (not an error); errors are for unusable input (no frames, > 8 channels).
[[nodiscard]] Result<CodecPreview> previewCodecs(ConstAudioBlock audio, double sampleRate,
                                                 const CodecPreviewOptions& options = {});

}  // namespace lathe::check
