#pragma once
// RAII owners for FFTW memory and plans. Buffers come from fftw(f)_malloc, so they have the SIMD
// alignment FFTW's new-array execute functions require. Plans are made and destroyed under
// fftwPlannerMutex() (FFTW's planner is not thread-safe); executing them needs no lock.

#include <fftw3.h>

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <memory>
#include <mutex>

#include "dsp/fftw_planner.h"

namespace lathe::dsp {

struct FftwFree {
    void operator()(void* p) const noexcept { fftw_free(p); }
};
struct FftwfFree {
    void operator()(void* p) const noexcept { fftwf_free(p); }
};
struct FftwPlanDestroy {
    void operator()(fftw_plan p) const noexcept {
        const std::lock_guard lock(fftwPlannerMutex());
        fftw_destroy_plan(p);
    }
};
struct FftwfPlanDestroy {
    void operator()(fftwf_plan p) const noexcept {
        const std::lock_guard lock(fftwPlannerMutex());
        fftwf_destroy_plan(p);
    }
};

template <class T>
using FftwBuffer = std::unique_ptr<T[], FftwFree>;
template <class T>
using FftwfBuffer = std::unique_ptr<T[], FftwfFree>;
using FftwPlan = std::unique_ptr<std::remove_pointer_t<fftw_plan>, FftwPlanDestroy>;
using FftwfPlan = std::unique_ptr<std::remove_pointer_t<fftwf_plan>, FftwfPlanDestroy>;

// Zero-initialised aligned arrays (a null pointer for count 0 or out of memory).
template <class T>
    requires std::is_trivially_copyable_v<T>
FftwBuffer<T> allocateFftw(std::size_t count) {
    if (count == 0) return FftwBuffer<T>(nullptr);
    auto* p = static_cast<T*>(fftw_malloc(sizeof(T) * count));
    if (p != nullptr) std::memset(static_cast<void*>(p), 0, sizeof(T) * count);
    return FftwBuffer<T>(p);
}
template <class T>
    requires std::is_trivially_copyable_v<T>
FftwfBuffer<T> allocateFftwf(std::size_t count) {
    if (count == 0) return FftwfBuffer<T>(nullptr);
    auto* p = static_cast<T*>(fftwf_malloc(sizeof(T) * count));
    if (p != nullptr) std::memset(static_cast<void*>(p), 0, sizeof(T) * count);
    return FftwfBuffer<T>(p);
}

}  // namespace lathe::dsp
