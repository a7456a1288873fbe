#pragma once
// Frequency-response checks from an impulse response (FFTW, double precision): the measured
// spectrum of a filter's impulse response compared with its analytic response, and a CSV of the
// curve for when a comparison fails (Signalsmith dsp-doc's getSpectrum idea).

#include <complex>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace lathe::test {

// Bins 0 .. n/2 of the DFT of `signal` (zero-padded or truncated to n frames).
std::vector<std::complex<double>> realSpectrum(std::span<const float> signal, std::size_t n);

struct ResponsePoint {
    double frequencyHz;
    double measuredDb;
    double expectedDb;
};

struct ResponseComparison {
    double worstErrorDb = 0.0;  // largest |measured - expected| in dB among compared bins
    double worstFrequencyHz = 0.0;
    std::size_t binsCompared = 0;
    std::vector<ResponsePoint> curve;  // every compared bin, for the CSV
};

// Compares the DFT of an impulse response (length n = impulse.size()) with expected(f) at the bins
// in [lowHz, highHz] (every bin where they are sparser than 300 per octave, else 300 per octave). Bins where the expected magnitude is below floorDb are compared on an
// absolute scale instead: their error counts as 20 log10(1 + |measured - expected| / 10^(floorDb/20))
// so float round-off deep in a stopband cannot dominate.
ResponseComparison compareImpulseResponse(std::span<const float> impulse, double sampleRate,
                                          const std::function<std::complex<double>(double)>& expected,
                                          double lowHz, double highHz, double floorDb = -80.0);

// Writes "frequency_hz,measured_db,expected_db" rows.
void writeResponseCsv(const std::filesystem::path& path, const std::vector<ResponsePoint>& curve);
// Where a failing comparison leaves its curve: <$LATHE_TEST_TMP or the system temp dir>/filter-curves/
// <name>.csv (kept after the test, unlike TempDir, so it can be plotted). Creates the folder.
std::filesystem::path failureCurvePath(const std::string& name);

}  // namespace lathe::test
