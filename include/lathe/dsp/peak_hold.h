#pragma once
// Moving maximum ("peak hold") over the last `windowFrames` values, the newest included.
//
// A monotonic deque (Lemire 2006, "Streaming maximum-minimum filter using no more than three
// comparisons per element") kept in a ring preallocated by prepare(): amortised O(1) per value,
// at most windowFrames entries, never allocates after prepare(). A minimum-hold is the same
// structure on negated values (or, as in the limiter, a maximum-hold of peaks whose reciprocal is
// the gain). History before the first push counts as the value given to reset().
// The same role as Signalsmith's `envelopes.h` PeakHold and the Histmin of x42 dpl's peaklim.cc.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

class PeakHold {
public:
    // Allocates room for windows up to maxWindowFrames (>= 1) and sets the window to that size.
    Status prepare(std::size_t maxWindowFrames);
    // Changes the window (1 .. maxWindowFrames) and resets. Never allocates.
    void setWindow(std::size_t windowFrames) noexcept;
    // Forgets all values; the history before the next push reads as `initialValue`.
    void reset(float initialValue = 0.0f) noexcept;
    // Pushes one value and returns the maximum of the last windowFrames values.
    float push(float value) noexcept;

    [[nodiscard]] float maximum() const noexcept { return values_[head_]; }
    // True when the latest value pushed was `value` and it is the maximum of the window: pushing
    // `value` again returns it and only moves the window, so advance() may stand for those pushes.
    [[nodiscard]] bool isSteadyAt(float value) const noexcept {
        return size_ == 1 && values_[head_] == value && positions_[head_] == position_ - 1 && window_ >= 2;
    }
    // Exactly `count` pushes of the steady value (precondition: isSteadyAt(that value)), in O(1).
    void advance(std::size_t count) noexcept;
    [[nodiscard]] std::size_t windowFrames() const noexcept { return window_; }

private:
    // The deque: entries [head_, head_ + size_) modulo capacity, values strictly decreasing from
    // head to tail, positions increasing. position_ counts pushes since reset (the next push's index).
    std::vector<float> values_;
    std::vector<std::int64_t> positions_;
    std::size_t capacity_ = 0;
    std::size_t window_ = 0;
    std::size_t head_ = 0;
    std::size_t size_ = 0;
    std::int64_t position_ = 0;
};

}  // namespace lathe::dsp
