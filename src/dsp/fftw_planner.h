#pragma once
// FFTW's planner (plan creation and destruction) is not thread-safe; plan execution is.
// Every lathe component that makes or destroys an FFTW plan (float or double) holds this lock
// while it does, and only in prepare()/design code, never in process().

#include <mutex>

namespace lathe::dsp {

[[nodiscard]] std::mutex& fftwPlannerMutex() noexcept;

}  // namespace lathe::dsp
