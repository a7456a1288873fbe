#include "check/codec_roundtrip.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libavutil/mem.h>
#include <libavutil/samplefmt.h>
}

namespace lathe::check {

namespace {

struct ContextFree {
    void operator()(AVCodecContext* p) const noexcept { avcodec_free_context(&p); }
};
struct FrameFree {
    void operator()(AVFrame* p) const noexcept { av_frame_free(&p); }
};
struct PacketFree {
    void operator()(AVPacket* p) const noexcept { av_packet_free(&p); }
};
using ContextPtr = std::unique_ptr<AVCodecContext, ContextFree>;
using FramePtr = std::unique_ptr<AVFrame, FrameFree>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFree>;

std::string avError(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

bool takesRate(const AVCodec* codec, int rate) {
    if (codec->supported_samplerates == nullptr) return true;
    for (const int* r = codec->supported_samplerates; *r != 0; ++r)
        if (*r == rate) return true;
    return false;
}

AVSampleFormat pickFormat(const AVCodec* codec) {
    if (codec->sample_fmts == nullptr) return AV_SAMPLE_FMT_FLTP;
    const AVSampleFormat preference[] = {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT, AV_SAMPLE_FMT_S32P, AV_SAMPLE_FMT_S32,
                                         AV_SAMPLE_FMT_S16P, AV_SAMPLE_FMT_S16};
    for (const auto wanted : preference)
        for (const AVSampleFormat* f = codec->sample_fmts; *f != AV_SAMPLE_FMT_NONE; ++f)
            if (*f == wanted) return wanted;
    return codec->sample_fmts[0];
}

// Writes one float sample into a frame of any common format (integer formats are rounded and clipped).
void putSample(AVFrame* frame, AVSampleFormat format, int channel, int channels, int index, float value) {
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    const int plane = planar ? channel : 0;
    const int offset = planar ? index : index * channels + channel;
    switch (format) {
        case AV_SAMPLE_FMT_FLT:
        case AV_SAMPLE_FMT_FLTP: reinterpret_cast<float*>(frame->data[plane])[offset] = value; break;
        case AV_SAMPLE_FMT_S32:
        case AV_SAMPLE_FMT_S32P:
            reinterpret_cast<std::int32_t*>(frame->data[plane])[offset] =
                std::int32_t(std::clamp(std::llround(double(value) * 2147483648.0), -2147483648LL, 2147483647LL));
            break;
        case AV_SAMPLE_FMT_S16:
        case AV_SAMPLE_FMT_S16P:
            reinterpret_cast<std::int16_t*>(frame->data[plane])[offset] =
                std::int16_t(std::clamp(std::lround(double(value) * 32768.0), -32768L, 32767L));
            break;
        default: break;
    }
}

float getSample(const AVFrame* frame, AVSampleFormat format, int channel, int channels, int index) {
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    const int plane = planar ? channel : 0;
    const int offset = planar ? index : index * channels + channel;
    switch (format) {
        case AV_SAMPLE_FMT_FLT:
        case AV_SAMPLE_FMT_FLTP: return reinterpret_cast<const float*>(frame->data[plane])[offset];
        case AV_SAMPLE_FMT_DBL:
        case AV_SAMPLE_FMT_DBLP: return float(reinterpret_cast<const double*>(frame->data[plane])[offset]);
        case AV_SAMPLE_FMT_S32:
        case AV_SAMPLE_FMT_S32P: return float(reinterpret_cast<const std::int32_t*>(frame->data[plane])[offset] / 2147483648.0);
        case AV_SAMPLE_FMT_S16:
        case AV_SAMPLE_FMT_S16P: return float(reinterpret_cast<const std::int16_t*>(frame->data[plane])[offset] / 32768.0);
        default: return 0.0f;
    }
}

}  // namespace

CodecRoute codecRoute(Codec codec) noexcept {
    switch (codec) {
        case Codec::mp3: return {"libmp3lame", "mp3float"};
        case Codec::aac: return {"aac", "aac"};
        case Codec::opus: return {"libopus", "opus"};
        case Codec::vorbis: return {"libvorbis", "vorbis"};
    }
    return {"", ""};
}

double codecSampleRate(Codec codec, double sampleRate) {
    const AVCodec* encoder = avcodec_find_encoder_by_name(codecRoute(codec).encoderName);
    if (encoder == nullptr) return 0.0;
    const auto rate = int(std::lround(sampleRate));
    if (codec != Codec::opus && takesRate(encoder, rate)) return sampleRate;
    if (std::fmod(sampleRate, 44100.0) == 0.0 && takesRate(encoder, 44100)) return 44100.0;
    return 48000.0;
}

Result<AudioBuffer> encodeDecode(ConstAudioBlock input, double sampleRate, const CodecSetting& setting) {
    // Library code never prints: silence libavcodec's logging (process-wide, once; errors come
    // back through the return codes).
    static std::once_flag quiet;
    std::call_once(quiet, [] { av_log_set_level(AV_LOG_QUIET); });
    const CodecRoute route = codecRoute(setting.codec);
    const int channels = input.numChannels();
    if (channels < 1 || channels > 2) return fail("codec preview takes mono or stereo");
    const AVCodec* encoder = avcodec_find_encoder_by_name(route.encoderName);
    if (encoder == nullptr) return fail(std::string("libavcodec has no encoder ") + route.encoderName);
    const AVCodec* decoder = avcodec_find_decoder_by_name(route.decoderName);
    if (decoder == nullptr) return fail(std::string("libavcodec has no decoder ") + route.decoderName);
    const int rate = int(std::lround(sampleRate));

    ContextPtr encoderContext(avcodec_alloc_context3(encoder));
    ContextPtr decoderContext(avcodec_alloc_context3(decoder));
    FramePtr frame(av_frame_alloc()), decoded(av_frame_alloc());
    PacketPtr packet(av_packet_alloc());
    if (!encoderContext || !decoderContext || !frame || !decoded || !packet) return fail("out of memory");

    AVCodecContext* enc = encoderContext.get();
    enc->sample_rate = rate;
    enc->time_base = AVRational{1, rate};
    av_channel_layout_default(&enc->ch_layout, channels);
    enc->sample_fmt = pickFormat(encoder);
    enc->bit_rate = std::int64_t(setting.bitrateKbps) * 1000;
    // libavcodec's AAC encoder: the "fast" coder, 4-5x quicker than the default two-loop search at a
    // small cost in coding noise (the preview is about peaks after decoding; Apple's encoder differs anyway).
    if (setting.codec == Codec::aac) av_opt_set(enc->priv_data, "aac_coder", "fast", 0);
    if (int error = avcodec_open2(enc, encoder, nullptr); error < 0)
        return fail(std::string("cannot open encoder ") + route.encoderName + ": " + avError(error));

    AVCodecContext* dec = decoderContext.get();
    dec->sample_rate = rate;
    av_channel_layout_default(&dec->ch_layout, channels);
    if (enc->extradata_size > 0) {
        dec->extradata = static_cast<std::uint8_t*>(av_mallocz(std::size_t(enc->extradata_size) + AV_INPUT_BUFFER_PADDING_SIZE));
        if (dec->extradata == nullptr) return fail("out of memory");
        std::memcpy(dec->extradata, enc->extradata, std::size_t(enc->extradata_size));
        dec->extradata_size = enc->extradata_size;
    }
    if (int error = avcodec_open2(dec, decoder, nullptr); error < 0)
        return fail(std::string("cannot open decoder ") + route.decoderName + ": " + avError(error));

    const int frameSize = (enc->frame_size > 0 && !(encoder->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE))
                              ? enc->frame_size
                              : 1024;
    frame->nb_samples = frameSize;
    frame->format = enc->sample_fmt;
    frame->sample_rate = rate;
    av_channel_layout_copy(&frame->ch_layout, &enc->ch_layout);
    if (int error = av_frame_get_buffer(frame.get(), 0); error < 0) return fail("cannot allocate a frame: " + avError(error));

    std::vector<std::vector<float>> output(static_cast<std::size_t>(channels));
    std::string failure;
    const auto drainDecoder = [&]() {
        while (true) {
            const int got = avcodec_receive_frame(dec, decoded.get());
            if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return true;
            if (got < 0) {
                failure = "decoder: " + avError(got);
                return false;
            }
            const auto format = AVSampleFormat(decoded->format);
            const int decodedChannels = decoded->ch_layout.nb_channels;
            for (int c = 0; c < channels; ++c) {
                const int source = std::min(c, decodedChannels - 1);
                for (int i = 0; i < decoded->nb_samples; ++i)
                    output[std::size_t(c)].push_back(getSample(decoded.get(), format, source, decodedChannels, i));
            }
            av_frame_unref(decoded.get());
        }
    };
    const auto drainEncoder = [&]() {
        while (true) {
            const int got = avcodec_receive_packet(enc, packet.get());
            if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) return true;
            if (got < 0) {
                failure = "encoder: " + avError(got);
                return false;
            }
            const int sent = avcodec_send_packet(dec, packet.get());
            av_packet_unref(packet.get());
            if (sent < 0 && sent != AVERROR(EAGAIN)) {
                failure = "decoder: " + avError(sent);
                return false;
            }
            if (!drainDecoder()) return false;
        }
    };

    const std::size_t frames = input.numFrames();
    for (std::size_t start = 0; start < frames; start += std::size_t(frameSize)) {
        if (int error = av_frame_make_writable(frame.get()); error < 0) return fail("frame: " + avError(error));
        for (int c = 0; c < channels; ++c) {
            const float* source = input.channelData(c);
            for (int i = 0; i < frameSize; ++i) {
                const std::size_t n = start + std::size_t(i);
                putSample(frame.get(), enc->sample_fmt, c, channels, i, n < frames ? source[n] : 0.0f);
            }
        }
        frame->pts = std::int64_t(start);
        if (int error = avcodec_send_frame(enc, frame.get()); error < 0) return fail("encoder: " + avError(error));
        if (!drainEncoder()) return fail(failure);
    }
    if (int error = avcodec_send_frame(enc, nullptr); error < 0) return fail("encoder flush: " + avError(error));
    if (!drainEncoder()) return fail(failure);
    if (int error = avcodec_send_packet(dec, nullptr); error < 0 && error != AVERROR_EOF)
        return fail("decoder flush: " + avError(error));
    if (!drainDecoder()) return fail(failure);

    std::size_t decodedFrames = output[0].size();
    for (const auto& ch : output) decodedFrames = std::min(decodedFrames, ch.size());
    AudioBuffer result(channels, decodedFrames);
    for (int c = 0; c < channels; ++c)
        std::copy_n(output[std::size_t(c)].begin(), decodedFrames, result.channel(c).begin());
    return result;
}

}  // namespace lathe::check
