#pragma once
// Stereo image figures of a whole file, streamed, from the first two channels (L, R):
// - correlation: Pearson's r of L and R (means removed), -1..1; +1 for identical channels, -1 for
//   one channel the inverse of the other, ~0 for independent signals. nullopt when either channel is
//   constant (zero variance).
// - side-to-mid: 10 log10(sum S^2 / sum M^2) with M = (L + R) / 2 and S = (L - R) / 2 (dB); 0 dB for
//   a signal in one channel only, -inf (reported nullopt) for dual mono, nullopt when M is silent.
// Sums are in double and in sample order, so any block split gives bit-identical results.
// Latency: none. process() never allocates.

#include <cstdint>
#include <optional>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct StereoStatsResult {
    std::optional<double> correlation;
    std::optional<double> sideToMidDb;
    double midEnergy = 0;   // sum of M^2
    double sideEnergy = 0;  // sum of S^2
};

class StereoStats {
public:
    // numChannels must be at least 2; channels beyond the first two are ignored.
    Status prepare(int numChannels);
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] StereoStatsResult result() const;

private:
    double sumLeft_ = 0, sumRight_ = 0;
    double sumLeftSquares_ = 0, sumRightSquares_ = 0, sumProducts_ = 0;
    double midEnergy_ = 0, sideEnergy_ = 0;
    std::int64_t frames_ = 0;
};

}  // namespace lathe::analysis
