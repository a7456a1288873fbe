#pragma once
// One lossy encode-decode in memory through libavcodec (no container, no files): the encoder's
// packets go straight to the decoder, with the encoder's extradata (Vorbis / Opus headers, the AAC
// AudioSpecificConfig). Decoders run in floating point so overs survive. The decoded signal keeps
// the codec's delay (priming samples); align it before comparing.

#include <string>

#include "lathe/audio_buffer.h"
#include "lathe/check/codec_preview.h"
#include "lathe/result.h"

namespace lathe::check {

struct CodecRoute {
    const char* encoderName;  ///< libavcodec encoder: "libmp3lame", "aac", "libopus", "libvorbis"
    const char* decoderName;  ///< libavcodec decoder: "mp3float", "aac", "opus", "vorbis"
};
[[nodiscard]] CodecRoute codecRoute(Codec codec) noexcept;

/// The rate the codec runs at for input at `sampleRate` (the input rate when the encoder takes
/// it; Opus: 48 kHz; otherwise 48 kHz or 44.1 kHz, whichever the encoder takes). 0 when the
/// encoder is missing.
[[nodiscard]] double codecSampleRate(Codec codec, double sampleRate);

/// input: 1 or 2 channels at the codec's rate (codecSampleRate()).
[[nodiscard]] Result<AudioBuffer> encodeDecode(ConstAudioBlock input, double sampleRate, const CodecSetting& setting);

}  // namespace lathe::check
