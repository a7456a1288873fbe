#pragma once
// Loudness per ITU-R BS.1770-4 and EBU R128 (Tech 3341 meter, Tech 3342 loudness range).
// - K-weighting (pre-filter shelf + RLB high-pass) designed for any sample rate from the
//   analogue prototype, not the 48 kHz coefficients.
// - Channel weights: 1 ch: C; 2: L R; 3: L R C; 4: L R Ls Rs; 5: L R C Ls Rs; 6 (5.1): L R C LFE Ls Rs;
//   7: L R C LFE Ls Rs Cs; 8 (7.1): L R C LFE Ls Rs Lb Rb. LFE weight 0, surrounds +1.5 dB (1.41).
// - Integrated: 400 ms blocks, 75 % overlap, absolute gate -70 LUFS, relative gate -10 LU.
// - Momentary (400 ms) and short-term (3 s) evaluated at a 10 ms hop.
// - LRA: short-term values, absolute gate -70 LUFS, relative -20 LU, 10th to 95th percentile.
// - Optional mono fold-down: the same gated measurement of M = (L + R) / 2 played on both
//   speakers, so mono compatibility reads as a loudness difference in LU.
// process() streams any block size with identical results; it never allocates once
// prepare() has reserved for the expected length (longer input still works: amortised growth).

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct LoudnessMeterOptions {
    bool recordSeries = false;       // keep momentary and short-term values at every 10 ms hop
    bool measureMonoFold = false;    // stereo only
    std::int64_t expectedFrames = 0; // reservation hint
};

struct LoudnessResult {
    std::optional<double> integratedLufs;      // nullopt when no block passes the gates (silence)
    std::optional<double> loudnessRangeLu;     // nullopt when fewer than 2 short-term values pass
    std::optional<double> maxMomentaryLufs;    // nullopt when shorter than 400 ms or silent
    std::optional<double> maxShortTermLufs;    // nullopt when shorter than 3 s or silent
    std::optional<double> monoFoldIntegratedLufs;
    double seriesHopSeconds = 0.01;
    std::vector<float> momentaryLufs;          // when recordSeries; -inf for digital silence
    std::vector<float> shortTermLufs;
};

class LoudnessMeter {
public:
    Status prepare(double sampleRate, int numChannels, const LoudnessMeterOptions& options = {});
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] LoudnessResult result() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace lathe::analysis
