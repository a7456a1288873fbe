#include "lathe/dsp/peak_hold.h"

#include <algorithm>
#include <cassert>

namespace lathe::dsp {

Status PeakHold::prepare(std::size_t maxWindowFrames) {
    if (maxWindowFrames < 1) return fail("PeakHold: the window must hold at least one value");
    capacity_ = maxWindowFrames;
    values_.assign(capacity_, 0.0f);
    positions_.assign(capacity_, 0);
    window_ = capacity_;
    reset();
    return success();
}

void PeakHold::setWindow(std::size_t windowFrames) noexcept {
    assert(windowFrames >= 1 && windowFrames <= capacity_);
    window_ = std::clamp<std::size_t>(windowFrames, 1, capacity_);
    reset();
}

void PeakHold::reset(float initialValue) noexcept {
    // One entry stands for the whole (constant) history: it sits at position -1, the newest
    // history slot, so it leaves the window exactly when the last history slot does.
    head_ = 0;
    size_ = 1;
    values_[0] = initialValue;
    positions_[0] = -1;
    position_ = 0;
}

float PeakHold::push(float value) noexcept {
    const std::int64_t now = position_++;
    const std::int64_t oldest = now - static_cast<std::int64_t>(window_) + 1;
    // Expire from the front first, so the new entry always has room (at most window_ entries).
    while (size_ > 0 && positions_[head_] < oldest) {
        head_ = head_ + 1 == capacity_ ? 0 : head_ + 1;
        --size_;
    }
    // Drop from the back every entry the new value dominates: it can never be the maximum again.
    while (size_ > 0) {
        std::size_t tail = head_ + size_ - 1;
        if (tail >= capacity_) tail -= capacity_;
        if (!(values_[tail] <= value)) break;
        --size_;
    }
    std::size_t slot = head_ + size_;
    if (slot >= capacity_) slot -= capacity_;
    values_[slot] = value;
    positions_[slot] = now;
    ++size_;
    return values_[head_];
}

void PeakHold::advance(std::size_t count) noexcept {
    assert(isSteadyAt(values_[head_]));
    // Each push would drop the single entry (equal to it) and put itself in the same slot.
    if (count == 0) return;
    position_ += static_cast<std::int64_t>(count);
    positions_[head_] = position_ - 1;
}

}  // namespace lathe::dsp
