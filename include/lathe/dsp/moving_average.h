#pragma once
// Moving average (box filter) of the last `lengthFrames` values, the newest included: a running
// sum in double precision over a ring preallocated by prepare(). The sum is recomputed from the
// ring once per `lengthFrames` pushes, so rounding error cannot accumulate: a constant input gives
// exactly that constant back (the limiter relies on this to pass unity gain bit-exactly).
// Latency (group delay) is (lengthFrames - 1) / 2 frames. A cascade of n boxes is a B-spline of
// order n - 1 (the smoothing window of the limiter's gain envelope).

#include <cstddef>
#include <vector>

#include "lathe/result.h"

namespace lathe::dsp {

class MovingAverage {
public:
    // Allocates room for lengths up to maxLengthFrames (>= 1) and sets the length to that size.
    Status prepare(std::size_t maxLengthFrames);
    // Changes the length (1 .. maxLengthFrames) and resets. Never allocates.
    void setLength(std::size_t lengthFrames) noexcept;
    // The history before the next push reads as `initialValue`.
    void reset(float initialValue = 0.0f) noexcept;
    // Pushes one value and returns the mean of the last lengthFrames values.
    float push(float value) noexcept {
        run_ = value == last_ ? run_ + 1 : 1;
        last_ = value;
        sum_ += static_cast<double>(value) - static_cast<double>(ring_[index_]);
        ring_[index_] = value;
        if (++index_ == length_) resum();
        return static_cast<float>(sum_ / static_cast<double>(length_));
    }
    // True when the window holds only `value` and the running sum is exact (L copies of a float
    // sum exactly in double), so that pushing `value` again returns it and changes nothing but
    // the position in the ring: then advance() may stand for those pushes.
    [[nodiscard]] bool isSteadyAt(float value) const noexcept {
        return run_ >= length_ && last_ == value && sum_ == static_cast<double>(value) * static_cast<double>(length_);
    }
    // Exactly `count` pushes of the steady value (precondition: isSteadyAt(that value)), in O(1).
    void advance(std::size_t count) noexcept;

    [[nodiscard]] std::size_t lengthFrames() const noexcept { return length_; }

private:
    void resum() noexcept;

    std::vector<float> ring_;
    std::size_t length_ = 0;
    std::size_t index_ = 0;  // slot of the oldest value, overwritten by the next push
    double sum_ = 0.0;
    float last_ = 0.0f;     // the latest value pushed
    std::size_t run_ = 0;   // how many of the latest pushes equal last_ (history included)
};

}  // namespace lathe::dsp
