// Long-term one-third-octave spectrum and spectral tilt (see include/lathe/analysis/third_octave_spectrum.h).
#include "lathe/analysis/third_octave_spectrum.h"

#include <fftw3.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <string>

#include "dsp/fftw_planner.h"

namespace lathe::analysis {

const std::array<ThirdOctaveBand, kThirdOctaveBandCount>& thirdOctaveBands() noexcept {
    static const auto bands = [] {
        std::array<ThirdOctaveBand, kThirdOctaveBandCount> out{};
        constexpr int kFirstBandIndex = -17;  // 1000 * 10^(-17/10) = 19.95 Hz, nominal 20 Hz
        const double halfBand = std::pow(10.0, 1.0 / 20.0);
        for (std::size_t b = 0; b < out.size(); ++b) {
            const double centre = 1000.0 * std::pow(10.0, double(kFirstBandIndex + int(b)) / 10.0);
            out[b] = {kThirdOctaveCentresHz[b], centre, centre / halfBand, centre * halfBand};
        }
        return out;
    }();
    return bands;
}

std::optional<double> spectralTiltDbPerOctave(std::span<const std::optional<double>> bandDb, double sampleRate) {
    const auto& bands = thirdOctaveBands();
    if (bandDb.size() != bands.size()) return std::nullopt;
    const double nyquist = sampleRate / 2.0;
    double sumX = 0, sumY = 0, sumXX = 0, sumXY = 0;
    int count = 0;
    for (std::size_t b = 0; b < bands.size(); ++b) {
        const auto& band = bands[b];
        if (band.nominalHz < ThirdOctaveSpectrum::kTiltLowHz || band.nominalHz > ThirdOctaveSpectrum::kTiltHighHz) continue;
        if (!bandDb[b]) return std::nullopt;
        const double width = std::min(band.upperHz, nyquist) - band.lowerHz;
        const double x = std::log2(band.centreHz);
        const double y = *bandDb[b] - 10.0 * std::log10(width);  // density per Hz
        sumX += x;
        sumY += y;
        sumXX += x * x;
        sumXY += x * y;
        ++count;
    }
    const double n = count;
    const double denominator = n * sumXX - sumX * sumX;
    if (count < 2 || denominator <= 0) return std::nullopt;
    return (n * sumXY - sumX * sumY) / denominator;
}

namespace {

struct FloatBuffer {
    float* data = nullptr;
    explicit FloatBuffer(std::size_t size) : data(static_cast<float*>(fftwf_malloc(sizeof(float) * size))) {}
    FloatBuffer(const FloatBuffer&) = delete;
    FloatBuffer& operator=(const FloatBuffer&) = delete;
    ~FloatBuffer() { fftwf_free(data); }
};

struct ComplexBuffer {
    fftwf_complex* data = nullptr;
    explicit ComplexBuffer(std::size_t size)
        : data(static_cast<fftwf_complex*>(fftwf_malloc(sizeof(fftwf_complex) * size))) {}
    ComplexBuffer(const ComplexBuffer&) = delete;
    ComplexBuffer& operator=(const ComplexBuffer&) = delete;
    ~ComplexBuffer() { fftwf_free(data); }
};

}  // namespace

// Glossary: N fftSize, H hop (N: frames do not overlap; N/4 with overlap 4); history holds the last `filled` samples of mid and side;
// power accumulates |X_k|^2 over frames; windowEnergy accumulates sum w^2 over the samples framed.
struct ThirdOctaveSpectrum::State {
    State(double rate, int channels, std::size_t size, std::size_t hopSize)
        : sampleRate(rate), numChannels(channels), fftSize(size), hop(hopSize), window(size),
          midHistory(size, 0.0f), sideHistory(channels >= 2 ? size : 0, 0.0f), frame(size), spectrum(size / 2 + 1),
          midPower(size / 2 + 1, 0.0), sidePower(channels >= 2 ? size / 2 + 1 : 0, 0.0) {
        for (std::size_t i = 0; i < fftSize; ++i)
            window[i] = float(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(fftSize)));
        for (float w : window) fullFrameWindowEnergy += double(w) * double(w);
        std::lock_guard lock(dsp::fftwPlannerMutex());
        plan = fftwf_plan_dft_r2c_1d(int(fftSize), frame.data, spectrum.data, FFTW_ESTIMATE);
    }
    ~State() {
        std::lock_guard lock(dsp::fftwPlannerMutex());
        if (plan) fftwf_destroy_plan(plan);
    }
    State(const State&) = delete;
    State& operator=(const State&) = delete;

    void analyse(const std::vector<float>& history, std::size_t validSamples, std::vector<double>& power) noexcept {
        for (std::size_t i = 0; i < validSamples; ++i) frame.data[i] = history[i] * window[i];
        std::fill(frame.data + validSamples, frame.data + fftSize, 0.0f);
        fftwf_execute(plan);
        for (std::size_t k = 0; k < power.size(); ++k) {
            const double re = spectrum.data[k][0];
            const double im = spectrum.data[k][1];
            power[k] += re * re + im * im;
        }
    }

    void analyseFrame(std::size_t validSamples) noexcept {
        analyse(midHistory, validSamples, midPower);
        if (numChannels >= 2) analyse(sideHistory, validSamples, sidePower);
        if (validSamples == fftSize) {
            windowEnergy += fullFrameWindowEnergy;
        } else {
            for (std::size_t i = 0; i < validSamples; ++i) windowEnergy += double(window[i]) * double(window[i]);
        }
        ++framesAnalysed;
    }

    [[nodiscard]] std::vector<std::optional<double>> bandLevels(const std::vector<double>& power) const {
        const auto& bands = thirdOctaveBands();
        std::vector<std::optional<double>> out(bands.size());
        if (windowEnergy <= 0) return out;
        const double binHz = sampleRate / double(fftSize);
        const double nyquist = sampleRate / 2.0;
        const std::size_t nyquistBin = fftSize / 2;
        // Mean square per bin: one-sided, so every bin but DC and Nyquist counts twice.
        const double scale = 1.0 / (double(fftSize) * windowEnergy);
        for (std::size_t b = 0; b < bands.size(); ++b) {
            const auto& band = bands[b];
            if (band.centreHz >= nyquist) continue;
            const double upper = std::min(band.upperHz, nyquist);
            const auto firstBin = static_cast<std::size_t>(std::max(1.0, std::floor(band.lowerHz / binHz + 0.5)));
            const auto lastBin = std::min(nyquistBin, static_cast<std::size_t>(std::floor(upper / binHz + 0.5)));
            double bandPower = 0;
            for (std::size_t k = firstBin; k <= lastBin; ++k) {
                const double binLow = (double(k) - 0.5) * binHz;
                const double binHigh = std::min((double(k) + 0.5) * binHz, nyquist);
                const double overlap = std::min(binHigh, upper) - std::max(binLow, band.lowerHz);
                if (overlap <= 0) continue;
                const double binPower = power[k] * scale * (k == nyquistBin ? 1.0 : 2.0);
                bandPower += binPower * overlap / (binHigh - binLow);
            }
            if (bandPower > 0) out[b] = 10.0 * std::log10(2.0 * bandPower);
        }
        return out;
    }

    double sampleRate;
    int numChannels;
    std::size_t fftSize;
    std::size_t hop;
    std::vector<float> window;
    double fullFrameWindowEnergy = 0;
    std::vector<float> midHistory;
    std::vector<float> sideHistory;
    std::size_t filled = 0;
    FloatBuffer frame;
    ComplexBuffer spectrum;
    fftwf_plan plan = nullptr;
    std::vector<double> midPower;
    std::vector<double> sidePower;
    double windowEnergy = 0;
    std::int64_t framesAnalysed = 0;
};

ThirdOctaveSpectrum::ThirdOctaveSpectrum() = default;
ThirdOctaveSpectrum::ThirdOctaveSpectrum(ThirdOctaveSpectrum&&) noexcept = default;
ThirdOctaveSpectrum& ThirdOctaveSpectrum::operator=(ThirdOctaveSpectrum&&) noexcept = default;
ThirdOctaveSpectrum::~ThirdOctaveSpectrum() = default;

std::size_t ThirdOctaveSpectrum::fftSizeFor(double sampleRate) noexcept {
    constexpr double kMaxBinHz = 1.5;
    const auto minimum = static_cast<std::size_t>(std::ceil(sampleRate / kMaxBinHz));
    return std::max<std::size_t>(4096, std::bit_ceil(minimum));
}

Status ThirdOctaveSpectrum::prepare(double sampleRate, int numChannels, int overlap) {
    if (!(sampleRate > 0)) return fail("third-octave spectrum: sample rate must be positive");
    if (overlap != 1 && overlap != 4) return fail("third-octave spectrum: overlap must be 1 or 4");
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("third-octave spectrum: unsupported channel count " + std::to_string(numChannels));
    const std::size_t fftSize = fftSizeFor(sampleRate);
    state_ = std::make_unique<State>(sampleRate, numChannels, fftSize, fftSize / std::size_t(overlap));
    if (!state_->plan || !state_->frame.data || !state_->spectrum.data) {
        state_.reset();
        return fail("third-octave spectrum: cannot set up an FFT of " + std::to_string(fftSizeFor(sampleRate)) + " points");
    }
    return success();
}

void ThirdOctaveSpectrum::reset() noexcept {
    auto& s = *state_;
    s.filled = 0;
    std::fill(s.midPower.begin(), s.midPower.end(), 0.0);
    std::fill(s.sidePower.begin(), s.sidePower.end(), 0.0);
    s.windowEnergy = 0;
    s.framesAnalysed = 0;
}

void ThirdOctaveSpectrum::process(ConstAudioBlock block) noexcept {
    auto& s = *state_;
    const bool stereo = s.numChannels >= 2;
    const float* left = block.channelData(0);
    const float* right = stereo ? block.channelData(1) : nullptr;
    std::size_t offset = 0;
    while (offset < block.numFrames()) {
        const std::size_t count = std::min(s.fftSize - s.filled, block.numFrames() - offset);
        float* mid = s.midHistory.data() + s.filled;
        if (stereo) {
            float* side = s.sideHistory.data() + s.filled;
            for (std::size_t i = 0; i < count; ++i) {
                const float l = left[offset + i];
                const float r = right[offset + i];
                mid[i] = 0.5f * (l + r);
                side[i] = 0.5f * (l - r);
            }
        } else {
            std::copy(left + offset, left + offset + count, mid);
        }
        s.filled += count;
        offset += count;
        if (s.filled == s.fftSize) {
            s.analyseFrame(s.fftSize);
            if (s.hop < s.fftSize) {  // overlapping frames keep the last N - H samples
                std::copy(s.midHistory.begin() + std::ptrdiff_t(s.hop), s.midHistory.end(), s.midHistory.begin());
                if (stereo) std::copy(s.sideHistory.begin() + std::ptrdiff_t(s.hop), s.sideHistory.end(), s.sideHistory.begin());
            }
            s.filled = s.fftSize - s.hop;
        }
    }
}

ThirdOctaveSpectrumResult ThirdOctaveSpectrum::finish() {
    auto& s = *state_;
    // Samples past the last frame's first half have not been framed yet (all of them if no frame was).
    const bool pending = s.framesAnalysed == 0 ? s.filled > 0 : s.filled > s.fftSize - s.hop;
    if (pending) {
        s.analyseFrame(s.filled);
        s.filled = 0;
    }
    ThirdOctaveSpectrumResult out;
    out.midDb = s.bandLevels(s.midPower);
    if (s.numChannels >= 2) out.sideDb = s.bandLevels(s.sidePower);
    out.tiltDbPerOctave = spectralTiltDbPerOctave(out.midDb, s.sampleRate);
    return out;
}

}  // namespace lathe::analysis
