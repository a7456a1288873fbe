#pragma once
// The time grid and sliding windows of the loudness meter (EBU Tech 3341, ITU-R BS.1770-4).
//
// Time is cut into 10 ms sub-blocks ("hops"). Hop k ends at frame floor(k * fs / 100 + 1/2); at rates
// where 10 ms is not a whole number of samples (11025 Hz: 110.25) sub-blocks are 110 or 111
// frames long, never drifting from real time. Windows are sums of whole sub-blocks:
//   momentary  (400 ms) = the last 40 sub-blocks, also the BS.1770 gating block (every 10th hop)
//   short-term (3 s)    = the last 300 sub-blocks
// and a window's mean square divides by its exact length in frames, boundary(k) - boundary(k-40),
// which is exactly 0.4 fs whenever fs is a multiple of 5 (every standard rate).
// Sub-blocks before the start of the signal count as digital silence, as for a meter started at
// t = 0 (callers decide whether such incomplete windows count).

#include <array>
#include <cstdint>

namespace lathe::analysis {

inline constexpr int kHopsPerSecond = 100;
inline constexpr int kMomentaryHops = 40;    // 400 ms
inline constexpr int kShortTermHops = 300;   // 3 s
inline constexpr int kGatingStepHops = 10;   // 100 ms: 75 % overlap of 400 ms gating blocks

// Frame positions of the hop boundaries at one sample rate.
class HopGrid {
public:
    explicit HopGrid(double sampleRate = 48000.0) noexcept : sampleRate_(sampleRate) {}
    // First frame after hop k (k may be negative: boundaries before the signal starts).
    [[nodiscard]] std::int64_t boundary(std::int64_t hop) const noexcept;
    // Frames in the window of `hops` sub-blocks that ends at boundary(endHop).
    [[nodiscard]] std::int64_t windowFrames(std::int64_t endHop, int hops) const noexcept {
        return boundary(endHop) - boundary(endHop - hops);
    }

private:
    double sampleRate_;
};

// Running sums of the last 40 and 300 sub-block energies. Each window is the sum of 10-sub-block
// group sums, so a hop costs about 45 additions whatever the window length; the order of the
// additions is fixed, so results are bit-identical however the audio was split into calls.
class LoudnessWindows {
public:
    void reset() noexcept;
    // Appends the (channel-weighted) sum of squares of one 10 ms sub-block.
    void push(double subBlockEnergy) noexcept;

    [[nodiscard]] std::int64_t hops() const noexcept { return hops_; }
    // Sums of squares over the last 40 / 300 sub-blocks (zeros before the start).
    [[nodiscard]] double momentarySum() const noexcept;
    [[nodiscard]] double shortTermSum() const noexcept;

private:
    // Group sums: groupSums_[k % 300] is the sum of sub-blocks k-10 .. k-1 (after hop k).
    std::array<double, kShortTermHops> groupSums_{};
    std::array<double, kGatingStepHops> recent_{};  // recent_[k % 10] = sub-block k-1
    std::int64_t hops_ = 0;
};

}  // namespace lathe::analysis
