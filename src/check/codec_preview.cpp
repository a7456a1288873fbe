#include "lathe/check/codec_preview.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "check/codec_roundtrip.h"
#include "check/delay_estimate.h"
#include "check/true_peak.h"
#include "lathe/check/intersample_overs.h"
#include "lathe/resampler.h"

namespace lathe::check {

namespace {

constexpr double kPostRollSeconds = 0.1;
constexpr double kMaxCodecDelaySeconds = 0.2;

double toDb(double power) { return power > 0.0 ? 10.0 * std::log10(power) : -200.0; }

AudioBuffer copyRegion(ConstAudioBlock audio, int channels, std::size_t start, std::size_t frames) {
    AudioBuffer out(channels, frames);
    for (int c = 0; c < channels; ++c) std::copy_n(audio.channelData(c) + start, frames, out.channel(c).begin());
    return out;
}

std::vector<float> midOf(ConstAudioBlock audio) {
    std::vector<float> mid(audio.numFrames());
    const int channels = audio.numChannels();
    for (std::size_t i = 0; i < mid.size(); ++i) {
        float sum = 0.0f;
        for (int c = 0; c < channels; ++c) sum += audio.channelData(c)[i];
        mid[i] = sum / float(channels);
    }
    return mid;
}

// Start of the most energetic window of `window` frames inside [from, from + span).
std::size_t loudestWindow(const std::vector<float>& signal, std::size_t from, std::size_t span, std::size_t window) {
    if (span <= window) return from;
    constexpr std::size_t kHop = 4096;
    std::size_t best = from;
    double bestEnergy = -1.0;
    for (std::size_t start = from; start + window <= from + span; start += kHop) {
        double energy = 0.0;
        for (std::size_t i = start; i < start + window; ++i) energy += double(signal[i]) * signal[i];
        if (energy > bestEnergy) bestEnergy = energy, best = start;
    }
    return best;
}

}  // namespace

std::span<const CodecSetting> defaultCodecSettings() {
    static const std::array<CodecSetting, 5> settings = {{
        {"mp3-128", "MP3 128 kbps (LAME)", Codec::mp3, 128},
        {"mp3-320", "MP3 320 kbps (LAME)", Codec::mp3, 320},
        {"aac-256", "AAC-LC 256 kbps (libavcodec)", Codec::aac, 256},
        {"opus-128", "Opus 128 kbps (libopus)", Codec::opus, 128},
        {"vorbis-160", "Ogg Vorbis 160 kbps (libvorbis)", Codec::vorbis, 160},
    }};
    return settings;
}

std::vector<Excerpt> selectExcerpts(ConstAudioBlock audio, double sampleRate, const CodecPreviewOptions& options) {
    const std::size_t total = audio.numFrames();
    if (total == 0) return {};
    if (options.maxPreviewSeconds <= 0.0 || double(total) <= options.maxPreviewSeconds * sampleRate) return {{0, total}};
    const auto excerptFrames = std::max<std::size_t>(1, std::size_t(options.excerptSeconds * sampleRate));
    const auto count = std::max<std::size_t>(1, std::size_t(options.maxPreviewSeconds / options.excerptSeconds));
    // Per half-excerpt block: sample peak and energy; a candidate is two consecutive blocks.
    const std::size_t hop = std::max<std::size_t>(1, excerptFrames / 2);
    const std::size_t blocks = total / hop;
    std::vector<double> peak(blocks, 0.0), energy(blocks, 0.0);
    for (int c = 0; c < audio.numChannels(); ++c) {
        const float* x = audio.channelData(c);
        for (std::size_t b = 0; b < blocks; ++b)
            for (std::size_t i = b * hop; i < (b + 1) * hop; ++i) {
                peak[b] = std::max(peak[b], double(std::abs(x[i])));
                energy[b] += double(x[i]) * x[i];
            }
    }
    struct Candidate {
        std::size_t start;
        double peak, energy;
    };
    std::vector<Candidate> candidates;
    for (std::size_t b = 0; b + 1 < blocks; ++b)
        candidates.push_back({b * hop, std::max(peak[b], peak[b + 1]), energy[b] + energy[b + 1]});
    if (candidates.empty()) return {{0, total}};
    std::vector<Excerpt> chosen;
    const auto overlaps = [&](std::size_t start) {
        for (const auto& e : chosen)
            if (start < e.startFrame + e.frames && e.startFrame < start + excerptFrames) return true;
        return false;
    };
    // The loudest section first, then the highest peaks.
    const auto loudest = std::max_element(candidates.begin(), candidates.end(),
                                          [](const Candidate& a, const Candidate& b) { return a.energy < b.energy; });
    chosen.push_back({loudest->start, std::min(excerptFrames, total - loudest->start)});
    std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.peak > b.peak; });
    for (const auto& candidate : candidates) {
        if (chosen.size() >= count) break;
        if (!overlaps(candidate.start)) chosen.push_back({candidate.start, std::min(excerptFrames, total - candidate.start)});
    }
    std::sort(chosen.begin(), chosen.end(), [](const Excerpt& a, const Excerpt& b) { return a.startFrame < b.startFrame; });
    return chosen;
}

Result<CodecPreview> previewCodecs(ConstAudioBlock audio, double sampleRate, const CodecPreviewOptions& options) {
    if (audio.numFrames() == 0 || audio.numChannels() == 0) return fail("codec preview: no audio");
    const int channels = std::min(2, audio.numChannels());
    CodecPreview preview;
    preview.excerpts = selectExcerpts(audio, sampleRate, options);
    preview.wholeFile = preview.excerpts.size() == 1 && preview.excerpts[0].frames == audio.numFrames();
    for (const auto& e : preview.excerpts) preview.previewedSeconds += double(e.frames) / sampleRate;

    std::vector<CodecSetting> settings = options.settings;
    if (settings.empty()) settings.assign(defaultCodecSettings().begin(), defaultCodecSettings().end());
    const auto preRoll = preview.wholeFile ? std::size_t(0) : std::size_t(options.preRollSeconds * sampleRate);
    const auto postRoll = std::size_t(kPostRollSeconds * sampleRate);

    for (const auto& setting : settings) {
        CodecResult result;
        result.id = setting.id;
        result.label = setting.label;
        const double codecRate = codecSampleRate(setting.codec, sampleRate);
        result.codecSampleRate = codecRate;
        if (codecRate <= 0.0) {
            result.error = "encoder not available in this libavcodec";
            preview.results.push_back(std::move(result));
            continue;
        }
        double errorEnergy = 0.0, signalEnergy = 0.0, inputPeak = 0.0, decodedPeak = 0.0, decodedSamplePeak = 0.0;
        std::size_t measured = 0;
        bool ok = true;
        for (std::size_t e = 0; e < preview.excerpts.size() && ok; ++e) {
            const Excerpt& excerpt = preview.excerpts[e];
            const std::size_t segmentStart = excerpt.startFrame - std::min(excerpt.startFrame, preRoll);
            const std::size_t segmentEnd = std::min(audio.numFrames(), excerpt.startFrame + excerpt.frames + postRoll);
            AudioBuffer segment = copyRegion(audio, channels, segmentStart, segmentEnd - segmentStart);
            const double ratio = codecRate / sampleRate;
            if (codecRate != sampleRate) {
                auto resampled = resample(segment.block(), sampleRate, codecRate);
                if (!resampled) {
                    result.error = resampled.error().message;
                    ok = false;
                    break;
                }
                segment = std::move(resampled.value());
            }
            const auto coreStart = std::size_t(std::llround(double(excerpt.startFrame - segmentStart) * ratio));
            const auto coreFrames = std::min(segment.numFrames() - std::min(segment.numFrames(), coreStart),
                                             std::size_t(std::llround(double(excerpt.frames) * ratio)));
            auto decoded = encodeDecode(segment.block(), codecRate, setting);
            if (!decoded) {
                result.error = decoded.error().message;
                ok = false;
                break;
            }
            const std::vector<float> inputMid = midOf(segment.block());
            const std::vector<float> decodedMid = midOf(decoded->block());
            const std::size_t window = std::min<std::size_t>(32768, coreFrames);
            const std::size_t from = loudestWindow(inputMid, coreStart, coreFrames, window);
            const std::size_t delay =
                estimateDelayFrames(inputMid, decodedMid, std::size_t(kMaxCodecDelaySeconds * codecRate), from);
            if (e == 0) result.delayFrames = int(delay);
            const std::size_t available = decoded->numFrames() > coreStart + delay ? decoded->numFrames() - coreStart - delay : 0;
            const std::size_t frames = std::min(coreFrames, available);
            if (frames == 0) continue;
            const ConstAudioBlock input = ConstAudioBlock(segment.block()).slice(coreStart, frames);
            const ConstAudioBlock output = ConstAudioBlock(decoded->block()).slice(coreStart + delay, frames);
            inputPeak = std::max(inputPeak, truePeakLinear(input, codecRate));
            decodedPeak = std::max(decodedPeak, truePeakLinear(output, codecRate));
            const OversScan overs = scanOvers(output, codecRate, 1.0, 0);
            result.clippedSamples += overs.clippedSamples;
            result.interSampleOvers += overs.interSampleOvers;
            for (int c = 0; c < channels; ++c) {
                const float* x = input.channelData(c);
                const float* y = output.channelData(c);
                for (std::size_t i = 0; i < frames; ++i) {
                    const double difference = double(y[i]) - double(x[i]);
                    errorEnergy += difference * difference;
                    signalEnergy += double(x[i]) * x[i];
                    decodedSamplePeak = std::max(decodedSamplePeak, double(std::abs(y[i])));
                }
            }
            measured += frames * std::size_t(channels);
        }
        result.available = ok && measured > 0;
        if (ok && measured == 0) result.error = "decoder returned no audio";
        result.inputTruePeakDbtp = 20.0 * std::log10(std::max(inputPeak, 1e-10));
        result.decodedTruePeakDbtp = 20.0 * std::log10(std::max(decodedPeak, 1e-10));
        result.decodedSamplePeakDbfs = 20.0 * std::log10(std::max(decodedSamplePeak, 1e-10));
        result.codingErrorDbfs = measured > 0 ? toDb(errorEnergy / double(measured)) : -200.0;
        result.codingErrorToSignalDb = signalEnergy > 0.0 ? toDb(errorEnergy) - toDb(signalEnergy) : 0.0;
        preview.results.push_back(std::move(result));
    }
    return preview;
}

}  // namespace lathe::check
