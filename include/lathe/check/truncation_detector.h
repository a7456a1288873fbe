#pragma once
// Was a reduction to 16 bits (or fewer) dithered? Detects the undithered staircase.
//
// 1. Word length: the coarsest grid k / 2^(b-1) every sample lies on (b = 1..24). A 24-bit or float
//    file whose samples all sit on the 16-bit grid counts as reduced to 16 bits. Content finer than
//    the 16-bit grid is "not reduced" and the question does not arise.
// 2. Dither test. A TPDF-dithered quantiser adds an error that is white, of power LSB^2/4, and
//    independent of the signal (Vanderkooy & Lipshitz, JAES 35(12), 1987); RPDF dither gives
//    LSB^2/6, noise-shaped dither more. So in every stretch of audio the mean square of the first
//    difference, halved, E = mean((q[n] - q[n-1])^2) / 2, is at least that error power (the bound
//    is reached for a constant source). Undithered rounding or truncation of a slowly varying,
//    low-level signal gives a staircase: long flat steps, E far below LSB^2/6. The detector looks
//    at blocks (per channel) of low-level audio (peak <= lowLevelPeakLsb) and calls a block a
//    staircase when E < staircaseThresholdLsb2 (default LSB^2/8, under the RPDF floor by 1.25 dB
//    and under TPDF by 3 dB, about 7 standard deviations of E for a 1024-sample dithered block).
//    Runs of exact zeros (digital silence, >= kSilentRunSamples) are excluded; a block stuck at a
//    constant non-zero value (floor truncation of a tiny signal sits at -1 LSB) counts as staircase.
//    Truncation is reported when at least minStaircaseBlocks blocks are staircases. Where the music
//    never gets quiet, or is noisy at low level (noise dithers itself), nothing can be seen and
//    nothing needs to be: the result is "undetermined".

#include <cstdint>

#include "lathe/audio_buffer.h"

namespace lathe::check {

enum class DitherState {
    notReduced,    ///< content finer than 16 bits (or float): dither question does not arise
    dithered,      ///< reduced, low-level passages carry a dither-level noise floor
    truncated,     ///< reduced without dither: staircase blocks found
    undetermined,  ///< reduced, but no low-level smooth passage to judge
};

struct TruncationDetectorParams {
    std::size_t blockFrames = 1024;
    double lowLevelPeakLsb = 32.0;         ///< blocks whose peak is at most this are judged (-60 dBFS at 16 bit)
    double staircaseThresholdLsb2 = 0.125; ///< E below this: staircase
    int minStaircaseBlocks = 3;
    int judgedBits = 16;                   ///< the word length whose dither is checked
};

struct TruncationResult {
    int effectiveBits = 0;        ///< 1..24, or 0 when the content is finer than 24 bits (float)
    bool reduced = false;         ///< effectiveBits in 1..judgedBits
    std::int64_t judgedBlocks = 0;     ///< low-level blocks examined
    std::int64_t staircaseBlocks = 0;  ///< of which staircases (incl. stuck blocks)
    std::int64_t stuckBlocks = 0;      ///< blocks held at one non-zero value
    double medianFloorLsb2 = 0;   ///< median E over judged blocks (LSB^2), 0 when none
    DitherState state = DitherState::notReduced;
};

inline constexpr std::size_t kSilentRunSamples = 32;

/// The finest word length b (1..24) on whose grid every sample lies; 0 when none (float content).
[[nodiscard]] int effectiveBits(ConstAudioBlock audio) noexcept;

[[nodiscard]] TruncationResult detectTruncation(ConstAudioBlock audio, const TruncationDetectorParams& params = {});

[[nodiscard]] const char* ditherStateName(DitherState state) noexcept;

}  // namespace lathe::check
