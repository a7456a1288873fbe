#pragma once
// FFTW's planner (plan creation and destruction) is not thread-safe; only fftw_execute is.
// Every lathe component that makes or destroys an FFTW plan holds this one process-wide lock.

#include <mutex>

namespace lathe {

std::mutex& fftwPlannerMutex() noexcept;

}  // namespace lathe
