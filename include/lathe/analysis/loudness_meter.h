#pragma once
// Loudness per ITU-R BS.1770-4 and EBU R128 (Tech 3341 meter, Tech 3342 loudness range).
// - K-weighting (pre-filter shelf + RLB high-pass) designed for any sample rate from the
//   analogue prototype, not the 48 kHz coefficients. Double-precision filter state.
// - Channel weights: 1 ch: C; 2: L R; 3: L R C; 4: L R Ls Rs; 5: L R C Ls Rs; 6 (5.1): L R C LFE Ls Rs;
//   7: L R C LFE Ls Rs Cs; 8 (7.1): L R C LFE Ls Rs Lb Rb. LFE weight 0, surrounds +1.5 dB (1.41).
//   Weights follow BS.1770-4 Table 3 by azimuth: 1.41 for the side/rear surrounds Ls Rs
//   (60..120 degrees), 1.0 for everything in front and for Cs (180) and Lb Rb (135..150).
//   A mono file is one front channel (weight 1.0): -23 dBFS of 1 kHz sine reads -26 LUFS.
// - Integrated: 400 ms blocks, 75 % overlap, absolute gate -70 LUFS, relative gate -10 LU.
// - Momentary (400 ms) and short-term (3 s) evaluated at a 10 ms hop, so the maxima catch a
//   burst wherever it starts. Hop k ends at frame floor(k * fs / 100 + 1/2): at 11025 or 22050 Hz,
//   where 10 ms is not a whole number of frames, hops are 110/111 (220/221) frames long and never
//   drift; windows are whole hops, so 400 ms and 3 s are exact at every rate divisible by 5.
//   Windows end on hop boundaries: the last < 10 ms of a file is in no window.
// - LRA: short-term values every 100 ms (Tech 3342 v4 asks for >= 10 Hz), absolute gate -70 LUFS,
//   relative -20 LU, 10th to 95th percentile (nearest rank, as Tech 3342's reference code).
// - Optional mono fold-down: the same gated measurement of M = (L + R) / 2 played on both
//   speakers, so mono compatibility reads as a loudness difference in LU. Derived from the
//   K-weighted L and R (K-weighting is linear): no second filter pass.
// process() streams any block size with bit-identical results; it never allocates once
// prepare() has reserved for the expected length (longer input still works: amortised growth).
// Non-finite input (the file reader rejects it; the meter must still survive it) poisons the
// filter state until reset(): windows that contain it read NaN in the series and are ignored by
// the maxima, the gates and LRA; figures from before it stay valid. No crash, no hang.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct LoudnessMeterOptions {
    bool recordSeries = false;       // keep momentary and short-term values at every 10 ms hop
    bool measureMonoFold = false;    // stereo only (ignored for other channel counts)
    std::int64_t expectedFrames = 0; // reservation hint
};

struct LoudnessResult {
    std::optional<double> integratedLufs;      // nullopt when no block passes the gates (silence)
    std::optional<double> loudnessRangeLu;     // nullopt when fewer than 2 short-term values pass
    std::optional<double> maxMomentaryLufs;    // nullopt when shorter than 400 ms or silent
    std::optional<double> maxShortTermLufs;    // nullopt when shorter than 3 s or silent
    std::optional<double> monoFoldIntegratedLufs;
    double seriesHopSeconds = 0.01;
    // When recordSeries: entry i is the window ending at hop i + 1 (t = (i + 1) * 10 ms).
    // Windows reaching back before t = 0 treat that time as digital silence (a meter started at
    // t = 0), so the first 39 momentary and 299 short-term entries read low; the maxima above
    // count complete windows only. -inf for digital silence, NaN after non-finite input.
    std::vector<float> momentaryLufs;
    std::vector<float> shortTermLufs;
};

// BS.1770-4 weight of channel `channel` in a file of `numChannels` channels (layouts above).
[[nodiscard]] double loudnessChannelWeight(int channel, int numChannels) noexcept;

// Streaming loudness meter. Units: LUFS and LU. No latency: every figure covers exactly the
// audio given so far (up to the last 10 ms hop boundary). A value type: copies are independent.
// prepare() allocates; reset() and process() never allocate (given expectedFrames), lock, log or
// throw. Implements ITU-R BS.1770-4, EBU Tech 3341 (v4, 2023) and EBU Tech 3342 (v4, 2023).
class LoudnessMeter {
public:
    LoudnessMeter();
    ~LoudnessMeter();
    LoudnessMeter(const LoudnessMeter& other);
    LoudnessMeter& operator=(const LoudnessMeter& other);
    LoudnessMeter(LoudnessMeter&& other) noexcept;
    LoudnessMeter& operator=(LoudnessMeter&& other) noexcept;

    // sampleRate 8 kHz to 384 kHz, 1 to 8 channels.
    Status prepare(double sampleRate, int numChannels, const LoudnessMeterOptions& options = {});
    void reset() noexcept;
    // block.numChannels() must equal the prepared count (a mismatched or unprepared call is ignored).
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] LoudnessResult result() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace lathe::analysis
