#pragma once
// The TT Dynamic Range figure ("DR", Pleasurize Music Foundation's offline meter), streamed.
// Our reading of the algorithm, per channel:
//   1. Cut the channel into consecutive blocks of 3 s (round(3 fs) frames); a final shorter block
//      counts as a block when it holds at least one frame.
//   2. Per block: RMS' = sqrt(2 * mean(x^2)) (RMS x sqrt 2, so a full-scale sine reads 1) and peak = max |x|.
//   3. Take the loudest 20 % of the blocks by RMS' (n = max(1, floor(0.2 * blocks))) and their
//      power mean RMS_top = sqrt(mean(RMS'^2)).
//   4. Peak_2nd = the second-highest block peak (the highest when there is only one block).
//   5. DR_channel = 20 log10(Peak_2nd / RMS_top) in dB.
// DR = the mean over channels of DR_channel, rounded to an integer as the TT meter prints it; the
// unrounded mean is kept as well. Channels of digital silence are left out of the mean; DR is
// nullopt when the file is shorter than one full block (3 s) or every channel is silent.
// (The TT meter and dr14_t.meter use blocks of 3 x 44160 frames at 44.1 kHz; we use exactly 3 s.)
// Memory: two doubles per channel per 3 s block. Latency: none. Any block split gives identical
// results. process() allocates only when the file outgrows the prepare() reservation.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct DynamicRangeTtResult {
    std::optional<int> dr;                    // rounded mean (the figure printed as "DR12")
    std::optional<double> drDb;               // unrounded mean over channels
    std::vector<std::optional<double>> channelDrDb;  // per channel; nullopt for a silent channel
};

class DynamicRangeTt {
public:
    static constexpr double kBlockSeconds = 3.0;
    static constexpr std::size_t kLoudestDivisor = 5;  // the loudest 20 % of the blocks
    static constexpr std::size_t kLanes = 4;           // interleaved partial sums (src/analysis/lane_sums.h)

    Status prepare(double sampleRate, int numChannels, std::int64_t expectedFrames = 0);
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] DynamicRangeTtResult result() const;

private:
    struct BlockFigures {
        double rmsScaled = 0;  // sqrt(2 * mean(x^2))
        double peak = 0;
    };
    struct LaneSums {  // of the block in progress, in interleaved lanes (src/analysis/lane_sums.h)
        double sumSquares = 0;
        float peak = 0;
    };
    struct ChannelState {
        std::array<LaneSums, kLanes> lanes{};
        std::vector<BlockFigures> blocks;
        [[nodiscard]] BlockFigures figures(std::int64_t frames) const noexcept;
    };
    void closeBlock() noexcept;

    std::int64_t blockFrames_ = 0;
    std::int64_t framesInBlock_ = 0;
    std::int64_t totalFrames_ = 0;
    std::vector<ChannelState> channels_;
};

}  // namespace lathe::analysis
