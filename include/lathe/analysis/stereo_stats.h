#pragma once
// Stereo image figures of a whole file, streamed, from the first two channels (L, R):
// - correlation: Pearson's r of L and R (means removed), -1..1; +1 for identical channels, -1 for
//   one channel the inverse of the other, ~0 for independent signals. nullopt when either channel is
//   constant (zero variance).
// - side-to-mid: 10 log10(sum S^2 / sum M^2) with M = (L + R) / 2 and S = (L - R) / 2 (dB); 0 dB for
//   a signal in one channel only, -inf (reported nullopt) for dual mono, nullopt when M is silent.
// Sums are in double, in interleaved lanes fixed by the sample's position in the stream, so any
// block split gives bit-identical results. Mid and side energies come from the same sums
// (E_M = (LL + 2 LR + RR) / 4, E_S = (LL - 2 LR + RR) / 4): exact zeros for dual mono and for
// inverted channels; otherwise side-to-mid is resolved down to about -150 dB.
// Latency: none. process() never allocates.

#include <array>
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

    static constexpr std::size_t kLanes = 4;  // interleaved partial sums (src/analysis/lane_sums.h)

private:
    struct LaneSums {
        double left = 0, right = 0;                            // sum L, sum R
        double leftSquares = 0, rightSquares = 0, products = 0;  // sum L^2, sum R^2, sum L R
    };
    std::array<LaneSums, kLanes> lanes_{};
    std::int64_t frames_ = 0;
};

}  // namespace lathe::analysis
