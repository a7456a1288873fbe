#include "lathe/check/bass_harmonics.h"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>
#include <vector>

#include "dsp/fftw_memory.h"
#include "lathe/dsp/biquad.h"
#include "lathe/dsp/biquad_design.h"

namespace lathe::check {

namespace {

std::vector<float> midSignal(ConstAudioBlock audio) {
    std::vector<float> mid(audio.numFrames());
    if (audio.numChannels() == 0) return mid;
    if (audio.numChannels() == 1) {
        std::copy(audio.channel(0).begin(), audio.channel(0).end(), mid.begin());
        return mid;
    }
    const auto left = audio.channel(0), right = audio.channel(1);
    for (std::size_t i = 0; i < mid.size(); ++i) mid[i] = 0.5f * (left[i] + right[i]);
    return mid;
}

std::vector<float> decimate(const std::vector<float>& in, std::size_t factor) {
    std::vector<float> out(in.size() / factor);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = in[i * factor];
    return out;
}

void filter(std::vector<float>& signal, const dsp::BiquadCascade& cascade) {
    dsp::BiquadFilter f(cascade);
    f.process(signal);
}

double median(std::vector<double> values) {
    if (values.empty()) return 0.0;
    const auto middle = values.begin() + std::ptrdiff_t(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    return *middle;
}

// Power spectrum of a frame (Hann window) with FFTW; bins [0, size / 2].
class FramePower {
public:
    explicit FramePower(std::size_t size)
        : size_(size), input_(dsp::allocateFftw<double>(size)), output_(dsp::allocateFftw<fftw_complex>(size / 2 + 1)),
          window_(size) {
        const std::lock_guard lock(dsp::fftwPlannerMutex());
        plan_.reset(fftw_plan_dft_r2c_1d(int(size), input_.get(), output_.get(), FFTW_ESTIMATE));
        for (std::size_t i = 0; i < size; ++i) window_[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(size));
    }
    // frame: `count` samples (<= size), mean removed here; zero-padded to size.
    std::vector<double> operator()(const float* frame, std::size_t count) {
        double mean = 0.0;
        for (std::size_t i = 0; i < count; ++i) mean += frame[i];
        mean /= double(std::max<std::size_t>(1, count));
        for (std::size_t i = 0; i < size_; ++i) input_[i] = i < count ? (double(frame[i]) - mean) * window_[i] : 0.0;
        fftw_execute(plan_.get());
        std::vector<double> power(size_ / 2 + 1);
        for (std::size_t k = 0; k < power.size(); ++k) power[k] = output_[k][0] * output_[k][0] + output_[k][1] * output_[k][1];
        return power;
    }

private:
    std::size_t size_;
    dsp::FftwBuffer<double> input_;
    dsp::FftwBuffer<fftw_complex> output_;
    std::vector<double> window_;
    dsp::FftwPlan plan_;
};

}  // namespace

BassHarmonics measureBassHarmonics(ConstAudioBlock audio, double sampleRate, const BassHarmonicsParams& params) {
    using namespace lathe::dsp;
    BassHarmonics result;
    // Anti-alias and decimate to about 4 kHz.
    std::vector<float> mid = midSignal(audio);
    const auto factor1 = std::max<std::size_t>(1, std::size_t(sampleRate / 4000.0));
    const double rate1 = sampleRate / double(factor1);
    if (factor1 > 1) {
        filter(mid, butterworthLowPass(8, 1200.0, sampleRate));
        mid = decimate(mid, factor1);
    }
    std::vector<float> fundamental = mid;
    filter(fundamental, butterworthLowPass(4, params.fundamentalMaxHz, rate1));
    std::vector<float> harmonic = std::move(mid);
    BiquadCascade bandPass = butterworthHighPass(4, params.harmonicLowHz, rate1);
    bandPass.append(butterworthLowPass(4, params.harmonicHighHz, rate1));
    filter(harmonic, bandPass);
    for (float& x : harmonic) x = std::abs(x);
    filter(harmonic, butterworthLowPass(4, 180.0, rate1));

    double energy = 0.0;
    for (const float x : fundamental) energy += double(x) * x;
    const double meanSquare = fundamental.empty() ? 0.0 : energy / double(fundamental.size());
    result.fundamentalBandDbfs = meanSquare > 0 ? 10.0 * std::log10(meanSquare) : -200.0;
    if (result.fundamentalBandDbfs < -70.0) return result;

    constexpr std::size_t kFactor2 = 4;
    const double rate2 = rate1 / double(kFactor2);
    const std::vector<float> s = decimate(fundamental, kFactor2);
    const std::vector<float> e = decimate(harmonic, kFactor2);
    const auto frame = std::max<std::size_t>(64, std::size_t(params.frameSeconds * rate2));
    std::size_t fftSize = 1;
    while (fftSize < frame) fftSize *= 2;
    const double binHz = rate2 / double(fftSize);
    const auto firstBin = std::size_t(std::ceil(30.0 / binHz));
    const auto lastBin = std::min(fftSize / 2 - 2, std::size_t(params.fundamentalMaxHz / binHz));
    if (lastBin <= firstBin + 4 || s.size() < frame) return result;

    FramePower power(fftSize);
    double notes = 0.0, supported = 0.0;
    for (std::size_t start = 0; start + frame <= s.size(); start += frame) {
        const std::vector<double> sp = power(s.data() + start, frame);
        const std::vector<double> ep = power(e.data() + start, frame);
        const double sMedian = median(std::vector<double>(sp.begin() + std::ptrdiff_t(firstBin), sp.begin() + std::ptrdiff_t(lastBin) + 1));
        const double eMedian = median(std::vector<double>(ep.begin() + std::ptrdiff_t(firstBin), ep.begin() + std::ptrdiff_t(lastBin) + 1));
        double strongest = 0.0;
        for (std::size_t k = firstBin; k <= lastBin; ++k) strongest = std::max(strongest, sp[k]);
        if (strongest <= 0.0) continue;
        for (std::size_t k = firstBin; k <= lastBin; ++k) {
            const bool peak = sp[k] >= sp[k - 1] && sp[k] >= sp[k + 1] && sp[k] >= sp[k - 2] && sp[k] >= sp[k + 2];
            if (!peak || sp[k] < 10.0 * sMedian || sp[k] < strongest * 1e-3) continue;
            notes += sp[k];
            const double envelope = std::max({ep[k - 1], ep[k], ep[k + 1]});
            if (envelope >= 10.0 * eMedian) supported += sp[k];
        }
    }
    if (notes <= 0.0) return result;
    result.coherence = supported / notes;
    result.harmonicsPresent = *result.coherence >= params.presentThreshold;
    return result;
}

}  // namespace lathe::check
