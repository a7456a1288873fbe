// Runs lathe's true-peak limiter over a sound file (for bench/limiter_transparency.sh):
//   limit_file IN OUT [--gain-db G] [--ceiling-dbtp C] [--lookahead-ms L] [--release-ms R]
//                     [--no-adaptive] [--factor F]
// OUT is 32-bit float WAV, sample-aligned with IN (the limiter's latency is trimmed). Prints the
// largest gain reduction and the safety counters.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "lathe/audio_file.h"
#include "lathe/dsp/denormals.h"
#include "lathe/dsp/true_peak_limiter.h"

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: limit_file IN OUT [--gain-db G] [--ceiling-dbtp C] [--lookahead-ms L] [--release-ms R] [--no-adaptive] [--factor F]\n");
        return 2;
    }
    lathe::dsp::TruePeakLimiterParams params;
    for (int i = 3; i < argc; ++i) {
        const std::string flag = argv[i];
        auto value = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "limit_file: %s needs a value\n", flag.c_str());
                std::exit(2);
            }
            return std::atof(argv[++i]);
        };
        if (flag == "--gain-db") params.inputGainDb = value();
        else if (flag == "--ceiling-dbtp") params.ceilingDbtp = value();
        else if (flag == "--lookahead-ms") params.lookaheadMs = value();
        else if (flag == "--release-ms") params.releaseMs = value();
        else if (flag == "--no-adaptive") params.adaptiveRelease = false;
        else if (flag == "--factor") params.oversamplingFactor = static_cast<int>(value());
        else {
            std::fprintf(stderr, "limit_file: unknown option %s\n", flag.c_str());
            return 2;
        }
    }
    auto decoded = lathe::readAudioFile(argv[1]);
    if (!decoded) {
        std::fprintf(stderr, "%s\n", decoded.error().message.c_str());
        return 1;
    }
    lathe::AudioBuffer& audio = decoded->audio;
    const double rate = decoded->info.sampleRate;
    lathe::dsp::ScopedFlushDenormals noDenormals;
    lathe::dsp::TruePeakLimiter limiter(params);
    constexpr std::size_t kBlock = 1024;
    if (auto status = limiter.prepare({rate, audio.numChannels(), kBlock}); !status.ok()) {
        std::fprintf(stderr, "limit_file: %s\n", status.error().message.c_str());
        return 1;
    }
    const auto latency = static_cast<std::size_t>(limiter.latencyFrames());
    // Process the file followed by `latency` frames of silence, then drop the first `latency` frames.
    lathe::AudioBuffer padded(audio.numChannels(), audio.numFrames() + latency);
    for (int c = 0; c < audio.numChannels(); ++c) std::memcpy(padded.channel(c).data(), audio.channel(c).data(), audio.numFrames() * sizeof(float));
    const auto block = padded.block();
    for (std::size_t offset = 0; offset < padded.numFrames(); offset += kBlock)
        limiter.process(block.slice(offset, std::min(kBlock, padded.numFrames() - offset)));
    lathe::WriteOptions options;
    options.encoding = lathe::SampleEncoding::Float32;
    options.protectedPaths = {argv[1]};
    if (auto status = lathe::writeAudioFile(argv[2], lathe::ConstAudioBlock(block).slice(latency, audio.numFrames()), rate, options); !status.ok()) {
        std::fprintf(stderr, "%s\n", status.error().message.c_str());
        return 1;
    }
    std::printf("max_gr_db=%.3f latency=%zu safety_corrections=%llu safety_clips=%llu\n", limiter.maxGainReductionDb(), latency,
                static_cast<unsigned long long>(limiter.safetyCorrectionCount()),
                static_cast<unsigned long long>(limiter.safetyClipCount()));
    return 0;
}
