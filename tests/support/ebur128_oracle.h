#pragma once
// libebur128 as an independent oracle for a file lathe wrote: integrated loudness and true peak.

#include <filesystem>

namespace lathe::test {

struct Ebur128Measurement {
    double integratedLufs = 0.0;
    double truePeakDbtp = 0.0;
};

Ebur128Measurement measureWithLibebur128(const std::filesystem::path& path);

}  // namespace lathe::test
