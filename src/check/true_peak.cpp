#include "check/true_peak.h"

#include <cmath>

#include "lathe/check/intersample_overs.h"

namespace lathe::check {

// Until the analysis true-peak meter is on main: the 4x oversampled peak of the overs scan.
double truePeakLinear(ConstAudioBlock audio, double sampleRate) {
    const OversScan scan = scanOvers(audio, sampleRate, 1e9, 0);
    return std::pow(10.0, scan.oversampledPeakDbfs / 20.0);
}

}  // namespace lathe::check
