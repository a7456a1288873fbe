#include "lathe/dsp/moving_average.h"

#include <algorithm>
#include <cassert>

namespace lathe::dsp {

Status MovingAverage::prepare(std::size_t maxLengthFrames) {
    if (maxLengthFrames < 1) return fail("MovingAverage: the length must be at least one frame");
    ring_.assign(maxLengthFrames, 0.0f);
    setLength(maxLengthFrames);
    return success();
}

void MovingAverage::setLength(std::size_t lengthFrames) noexcept {
    assert(lengthFrames >= 1 && lengthFrames <= ring_.size());
    length_ = std::clamp<std::size_t>(lengthFrames, 1, ring_.size());
    reset();
}

void MovingAverage::reset(float initialValue) noexcept {
    std::fill(ring_.begin(), ring_.begin() + static_cast<std::ptrdiff_t>(length_), initialValue);
    index_ = 0;
    sum_ = static_cast<double>(initialValue) * static_cast<double>(length_);
    last_ = initialValue;
    run_ = length_;
}

void MovingAverage::resum() noexcept {
    index_ = 0;
    // Once per length: an exact re-sum (in ring order, so the result is deterministic).
    double exact = 0.0;
    for (std::size_t i = 0; i < length_; ++i) exact += static_cast<double>(ring_[i]);
    sum_ = exact;
}

void MovingAverage::advance(std::size_t count) noexcept {
    assert(isSteadyAt(last_));
    // The pushes would leave the ring and the sum as they are (the exact re-sum finds the same sum).
    index_ = (index_ + count % length_) % length_;
    run_ += count;
}

}  // namespace lathe::dsp
