#include "lathe/check/truncation_detector.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace lathe::check {

int effectiveBits(ConstAudioBlock audio) noexcept {
    constexpr double kScale24 = 8388608.0;  // 2^23
    std::uint64_t bits = 0;
    for (int c = 0; c < audio.numChannels(); ++c) {
        for (const float sample : audio.channel(c)) {
            const double scaled = double(sample) * kScale24;
            if (!(std::abs(scaled) <= kScale24) || scaled != std::floor(scaled)) return 0;
            bits |= static_cast<std::uint64_t>(std::llabs(static_cast<long long>(scaled)));
        }
    }
    if (bits == 0) return 1;
    const int trailingZeros = std::min(23, std::countr_zero(bits));
    return 24 - trailingZeros;
}

const char* ditherStateName(DitherState state) noexcept {
    switch (state) {
        case DitherState::notReduced: return "not-reduced";
        case DitherState::dithered: return "dithered";
        case DitherState::truncated: return "truncated";
        case DitherState::undetermined: return "undetermined";
    }
    return "undetermined";
}

TruncationResult detectTruncation(ConstAudioBlock audio, const TruncationDetectorParams& params) {
    TruncationResult result;
    result.effectiveBits = effectiveBits(audio);
    result.reduced = result.effectiveBits >= 1 && result.effectiveBits <= params.judgedBits;
    if (!result.reduced) {
        result.state = DitherState::notReduced;
        return result;
    }
    const double scale = std::ldexp(1.0, params.judgedBits - 1);
    const std::size_t frames = audio.numFrames();
    const std::size_t blockFrames = std::max<std::size_t>(64, params.blockFrames);
    std::vector<char> silent(frames);
    std::vector<double> floors;

    for (int c = 0; c < audio.numChannels(); ++c) {
        const auto samples = audio.channel(c);
        // Digital silence: runs of at least kSilentRunSamples exact zeros.
        std::fill(silent.begin(), silent.end(), char(0));
        for (std::size_t i = 0; i < frames;) {
            if (samples[i] != 0.0f) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < frames && samples[end] == 0.0f) ++end;
            if (end - i >= kSilentRunSamples) std::fill(silent.begin() + std::ptrdiff_t(i), silent.begin() + std::ptrdiff_t(end), char(1));
            i = end;
        }
        for (std::size_t start = 0; start + blockFrames <= frames; start += blockFrames) {
            double peak = 0.0, sumSquares = 0.0;
            std::size_t valid = 0, pairs = 0;
            bool constant = true;
            double first = 0.0;
            bool haveFirst = false;
            for (std::size_t i = start; i < start + blockFrames; ++i) {
                if (silent[i]) continue;
                const double q = double(samples[i]) * scale;
                peak = std::max(peak, std::abs(q));
                ++valid;
                if (!haveFirst) first = q, haveFirst = true;
                else if (q != first) constant = false;
                if (i > start && !silent[i - 1]) {
                    const double d = q - double(samples[i - 1]) * scale;
                    sumSquares += d * d;
                    ++pairs;
                }
            }
            if (valid < blockFrames / 4 || pairs == 0 || peak > params.lowLevelPeakLsb) continue;
            const double floorLsb2 = sumSquares / (2.0 * double(pairs));
            ++result.judgedBlocks;
            floors.push_back(floorLsb2);
            if (constant && first != 0.0) {
                ++result.stuckBlocks;
                ++result.staircaseBlocks;
            } else if (floorLsb2 < params.staircaseThresholdLsb2) {
                ++result.staircaseBlocks;
            }
        }
    }
    if (!floors.empty()) {
        const auto middle = floors.begin() + std::ptrdiff_t(floors.size() / 2);
        std::nth_element(floors.begin(), middle, floors.end());
        result.medianFloorLsb2 = *middle;
    }
    if (result.staircaseBlocks >= params.minStaircaseBlocks)
        result.state = DitherState::truncated;
    else if (result.judgedBlocks == 0)
        result.state = DitherState::undetermined;
    else
        result.state = DitherState::dithered;
    return result;
}

}  // namespace lathe::check
