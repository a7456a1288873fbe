#include "support/impulse_spectrum.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>

namespace lathe::test {

std::vector<std::complex<double>> realSpectrum(std::span<const float> signal, std::size_t n) {
    std::vector<double> input(n, 0.0);
    std::copy_n(signal.begin(), std::min(n, signal.size()), input.begin());
    std::vector<std::complex<double>> output(n / 2 + 1);
    fftw_plan plan = fftw_plan_dft_r2c_1d(static_cast<int>(n), input.data(),
                                          reinterpret_cast<fftw_complex*>(output.data()), FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);
    return output;
}

ResponseComparison compareImpulseResponse(std::span<const float> impulse, double sampleRate,
                                          const std::function<std::complex<double>(double)>& expected,
                                          double lowHz, double highHz, double floorDb) {
    const std::size_t n = impulse.size();
    const auto spectrum = realSpectrum(impulse, n);
    const double floor = std::pow(10.0, floorDb / 20.0);
    ResponseComparison result;
    // Every bin up to 300 per octave, then log-spaced bins (300 per octave): dense enough for any
    // filter shape here, and it keeps analytic evaluation affordable for long impulse responses.
    const double perOctave = std::pow(2.0, 1.0 / 300.0);
    for (std::size_t k = std::max<std::size_t>(1, std::size_t(std::ceil(lowHz * double(n) / sampleRate)));
         k < spectrum.size(); k = std::max(k + 1, std::size_t(double(k) * perOctave))) {
        const double f = double(k) * sampleRate / double(n);
        if (f > highHz) break;
        const std::complex<double> h = expected(f);
        const double measured = std::abs(spectrum[k]), wanted = std::abs(h);
        double error;
        if (wanted >= floor)
            error = std::abs(20.0 * std::log10(measured / wanted));
        else
            error = 20.0 * std::log10(1.0 + std::abs(spectrum[k] - h) / floor);
        result.curve.push_back({f, 20.0 * std::log10(measured), 20.0 * std::log10(wanted)});
        ++result.binsCompared;
        if (!(error <= result.worstErrorDb)) {  // also catches NaN
            result.worstErrorDb = error;
            result.worstFrequencyHz = f;
        }
    }
    return result;
}

void writeResponseCsv(const std::filesystem::path& path, const std::vector<ResponsePoint>& curve) {
    std::ofstream out(path);
    out << "frequency_hz,measured_db,expected_db\n";
    out.precision(10);
    for (const auto& p : curve) out << p.frequencyHz << ',' << p.measuredDb << ',' << p.expectedDb << '\n';
}

std::filesystem::path failureCurvePath(const std::string& name) {
    const char* base = std::getenv("LATHE_TEST_TMP");
    const std::filesystem::path folder =
        (base ? std::filesystem::path(base) : std::filesystem::temp_directory_path()) / "filter-curves";
    std::filesystem::create_directories(folder);
    std::string file = name;
    for (auto& ch : file)
        if (ch == '/' || ch == ' ') ch = '_';
    return folder / (file + ".csv");
}

}  // namespace lathe::test
