#pragma once
// Integer delay between a signal and a delayed copy of it (a codec's output), by cross-correlation
// computed with FFTW: the lag L in [0, maxLag] maximising sum_n x[a + n] y[a + n + L] over a window
// of up to 32768 frames starting at `from`. Used to align decoded audio with its input.

#include <cstddef>
#include <span>

namespace lathe::check {

[[nodiscard]] std::size_t estimateDelayFrames(std::span<const float> reference, std::span<const float> delayed,
                                              std::size_t maxLag, std::size_t from = 0);

}  // namespace lathe::check
