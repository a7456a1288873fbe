#pragma once
// Sample-level QC figures of a whole file, streamed: sample peak, RMS and crest factor, DC offset
// per channel, and clipped runs.
// - RMS (dBFS) is the power mean over all channels and frames, 10 log10(mean x^2): a full-scale
//   sine reads -3.01 dBFS (no AES17 +3 dB). Crest factor = sample peak (dBFS) - RMS (dBFS), so a
//   sine reads 3.01 dB.
// - DC offset: per channel the mean sample value; the figure is 20 log10 |mean| of the worst channel
//   (a +0.1 offset reads -20 dBFS).
// - Clipped run: 3 or more consecutive samples of one channel holding the same value with
//   |x| >= 1 - 2^-15 ("full scale": one 16-bit LSB below 1.0, so it covers the positive full scale
//   of 16-bit (32767/32768) and 24-bit files, -1.0, and float files at or beyond +-1). A run of any
//   length counts once, runs continue across block boundaries; counts add over channels.
// Figures that are -inf in dB (digital silence, zero mean) are nullopt. Latency: none.
// process() accepts any block size with bit-identical results and never allocates.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "lathe/audio_buffer.h"
#include "lathe/result.h"

namespace lathe::analysis {

struct LevelStatsResult {
    double samplePeakLinear = 0;               // max |x| over channels
    std::optional<double> samplePeakDbfs;      // nullopt for digital silence
    std::optional<double> rmsDbfs;             // nullopt for digital silence
    std::optional<double> crestFactorDb;       // samplePeakDbfs - rmsDbfs
    std::vector<double> channelDcOffset;       // signed mean per channel (linear)
    std::optional<double> dcOffsetDbfs;        // worst channel; nullopt when every mean is exactly 0
    std::int64_t clippedRuns = 0;
};

class LevelStats {
public:
    static constexpr double kFullScaleThreshold = 1.0 - 1.0 / 32768.0;
    static constexpr std::int64_t kMinClippedRunLength = 3;
    static constexpr std::size_t kLanes = 4;  // interleaved partial sums (src/analysis/lane_sums.h)

    Status prepare(int numChannels);
    void reset() noexcept;
    void process(ConstAudioBlock block) noexcept;
    [[nodiscard]] LevelStatsResult result() const;

private:
    struct LaneSums {
        double sum = 0;         // sum of x
        double sumSquares = 0;  // sum of x^2
        float peak = 0;         // max |x|
    };
    struct ChannelState {
        std::array<LaneSums, kLanes> lanes{};
        float runValue = 0;         // value of the current run of equal samples
        std::int64_t runLength = 0; // length of that run so far
        std::int64_t clippedRuns = 0;
    };
    std::vector<ChannelState> channels_;
    std::int64_t frames_ = 0;
};

}  // namespace lathe::analysis
