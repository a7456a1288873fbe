#include "lathe/check/playback_systems.h"

#include <array>
#include <cmath>
#include <numbers>

#include "analysis/k_weighting.h"

namespace lathe::check {

using namespace lathe::dsp;

namespace {

AnalogCascade cascade(std::initializer_list<AnalogCascade> parts) {
    AnalogCascade out;
    for (const auto& part : parts) out.append(part);
    return out;
}
AnalogCascade one(const AnalogSection& section) {
    AnalogCascade out;
    out.append(section);
    return out;
}

PlaybackSystem system(std::string id, std::string name, AnalogCascade response, bool mono, double listening,
                      double maxSpl, double noiseAt100, double noiseSlope, std::string description) {
    PlaybackSystem s;
    s.id = std::move(id);
    s.name = std::move(name);
    s.response = response;
    s.monoSum = mono;
    s.listeningSplDb = listening;
    s.maxSplDb = maxSpl;
    s.noiseSplAt100HzDb = noiseAt100;
    s.noiseSlopeDbPerOctave = noiseSlope;
    s.description = std::move(description);
    return s;
}

std::array<PlaybackSystem, 6> makeSystems() {
    constexpr double kQuiet = -100.0;
    return {
        system("phone", "phone speaker",
               cascade({analogButterworthHighPass(4, 350.0), one(analogBell(2500.0, 4.0, 1.2)),
                        analogButterworthLowPass(2, 12000.0)}),
               true, 68.0, 80.0, kQuiet, 0.0,
               "mono micro-speaker: 4th-order high-pass 350 Hz, +4 dB at 2.5 kHz, low-pass 12 kHz; 68 dB SPL (max 80)"),
        system("laptop", "laptop speakers",
               cascade({analogButterworthHighPass(4, 180.0), one(analogBell(1200.0, 3.0, 1.0)),
                        analogButterworthLowPass(2, 15000.0)}),
               false, 70.0, 82.0, kQuiet, 0.0,
               "two small drivers: 4th-order high-pass 180 Hz, +3 dB at 1.2 kHz, low-pass 15 kHz; 70 dB SPL (max 82)"),
        system("earbuds", "earbuds",
               cascade({analogButterworthHighPass(2, 100.0), one(analogBell(3000.0, 5.0, 1.0)),
                        analogButterworthLowPass(2, 16000.0)}),
               false, 75.0, 100.0, kQuiet, 0.0,
               "unsealed earbuds: 2nd-order high-pass 100 Hz (leaky fit), +5 dB at 3 kHz, low-pass 16 kHz; 75 dB SPL"),
        system("car", "car",
               cascade({analogButterworthHighPass(2, 35.0), one(analogLowShelf(60.0, 8.0, kButterworthQ)),
                        one(analogBell(250.0, -4.0, 1.4)), analogButterworthLowPass(2, 14000.0)}),
               false, 78.0, 110.0, 62.0, -6.0,
               "door woofers in a cabin: high-pass 35 Hz, +8 dB cabin gain below 60 Hz, -4 dB at 250 Hz, low-pass 14 kHz; "
               "78 dB SPL; road noise 62 dB SPL at 100 Hz, -6 dB/octave"),
        system("hifi", "hi-fi",
               cascade({analogButterworthHighPass(4, 45.0), analogButterworthLowPass(1, 22000.0)}), false, 80.0, 105.0,
               kQuiet, 0.0, "bookshelf speakers: 4th-order high-pass 45 Hz (ported), low-pass 22 kHz; 80 dB SPL"),
        system("club", "mono club system",
               cascade({analogButterworthHighPass(4, 35.0), one(analogLowShelf(90.0, 6.0, kButterworthQ)),
                        one(analogHighShelf(8000.0, -3.0, kButterworthQ))}),
               true, 100.0, 125.0, 72.0, 0.0,
               "mono PA: high-pass 35 Hz, +6 dB below 90 Hz, -3 dB above 8 kHz; 100 dB SPL; crowd noise 72 dB SPL per band"),
    };
}

}  // namespace

std::span<const PlaybackSystem> playbackSystems() {
    static const auto systems = makeSystems();
    return systems;
}

BiquadCascade PlaybackSystem::digitalResponse(double sampleRate) const noexcept {
    return digitise(response, sampleRate, DesignMethod::matched);
}

double PlaybackSystem::noiseSplDb(double frequencyHz) const noexcept {
    return noiseSplAt100HzDb + noiseSlopeDbPerOctave * std::log2(frequencyHz / 100.0);
}

double PlaybackSystem::lowCornerHz() const noexcept {
    const double reference = responseDb(1000.0);
    // Scan downwards in 1/48-octave steps from 1 kHz for the first point 10 dB below.
    for (double f = 1000.0; f > 5.0; f *= std::exp2(-1.0 / 48.0))
        if (responseDb(f) < reference - 10.0) return f * std::exp2(1.0 / 48.0);
    return 5.0;
}

double kWeightingDb(double frequencyHz) noexcept {
    const double magnitude = std::abs(analysis::kWeightingPrototype().response(frequencyHz));
    return 20.0 * std::log10(std::max(magnitude, 1e-30));
}

double hearingThresholdDbSpl(double frequencyHz) noexcept {
    const double f = std::max(frequencyHz, 10.0) / 1000.0;
    return 3.64 * std::pow(f, -0.8) - 6.5 * std::exp(-0.6 * (f - 3.3) * (f - 3.3)) + 1e-3 * std::pow(f, 4.0);
}

}  // namespace lathe::check
