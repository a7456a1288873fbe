// The process-wide FFTW planner lock (see fftw_planner_mutex.h).
#include "util/fftw_planner_mutex.h"

namespace lathe {

std::mutex& fftwPlannerMutex() noexcept {
    static std::mutex mutex;
    return mutex;
}

}  // namespace lathe
