#include "dsp/fftw_planner.h"

namespace lathe::dsp {

std::mutex& fftwPlannerMutex() noexcept {
    static std::mutex mutex;
    return mutex;
}

}  // namespace lathe::dsp
