#include "lathe/check/bass_harmonics.h"

#include <algorithm>
#include <cmath>
#include <vector>

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

}  // namespace

BassHarmonics measureBassHarmonics(ConstAudioBlock audio, double sampleRate, const BassHarmonicsParams& params) {
    using namespace lathe::dsp;
    BassHarmonics result;
    // Stage 1: anti-alias and decimate to about 4 kHz.
    std::vector<float> mid = midSignal(audio);
    const auto factor1 = std::max<std::size_t>(1, std::size_t(sampleRate / 4000.0));
    const double rate1 = sampleRate / double(factor1);
    if (factor1 > 1) {
        BiquadCascade lowPass = butterworthLowPass(8, 1200.0, sampleRate);
        filter(mid, lowPass);
        mid = decimate(mid, factor1);
    }
    // Fundamental band and harmonic band.
    std::vector<float> fundamental = mid;
    filter(fundamental, butterworthLowPass(4, params.fundamentalMaxHz, rate1));
    std::vector<float> harmonic = std::move(mid);
    BiquadCascade bandPass = butterworthHighPass(4, params.harmonicLowHz, rate1);
    bandPass.append(butterworthLowPass(4, params.harmonicHighHz, rate1));
    filter(harmonic, bandPass);
    for (float& x : harmonic) x = std::abs(x);
    const BiquadCascade envelopeLowPass = butterworthLowPass(4, 150.0, rate1);
    filter(harmonic, envelopeLowPass);
    // The fundamental band gets the same low-pass, so both keep the same group delay.
    filter(fundamental, envelopeLowPass);
    const std::size_t factor2 = 4;
    const double rate2 = rate1 / double(factor2);
    const std::vector<float> s = decimate(fundamental, factor2);
    const std::vector<float> e = decimate(harmonic, factor2);

    double totalEnergy = 0.0;
    for (const float x : fundamental) totalEnergy += double(x) * x;
    const double meanSquare = fundamental.empty() ? 0.0 : totalEnergy / double(fundamental.size());
    result.fundamentalBandDbfs = meanSquare > 0 ? 10.0 * std::log10(meanSquare) : -200.0;
    if (result.fundamentalBandDbfs < -70.0) return result;

    const auto frame = std::max<std::size_t>(16, std::size_t(params.frameSeconds * rate2));
    const auto maxLag = std::max<std::ptrdiff_t>(1, std::ptrdiff_t(std::lround(0.025 * rate2)));
    struct FrameScore {
        double energy;
        double score;
    };
    std::vector<FrameScore> scores;
    std::vector<double> sf(frame), ef(frame + 2 * std::size_t(maxLag));
    for (std::size_t start = std::size_t(maxLag); start + frame + std::size_t(maxLag) <= s.size(); start += frame) {
        double sMean = 0.0, eMean = 0.0;
        for (std::size_t i = 0; i < frame; ++i) sMean += s[start + i];
        for (std::size_t i = 0; i < ef.size(); ++i) eMean += e[start - std::size_t(maxLag) + i];
        sMean /= double(frame);
        eMean /= double(ef.size());
        double sEnergy = 0.0;
        for (std::size_t i = 0; i < frame; ++i) {
            sf[i] = s[start + i] - sMean;
            sEnergy += sf[i] * sf[i];
        }
        for (std::size_t i = 0; i < ef.size(); ++i) ef[i] = e[start - std::size_t(maxLag) + i] - eMean;
        if (sEnergy <= 0.0) continue;
        double best = 0.0;
        for (std::ptrdiff_t lag = 0; lag <= 2 * maxLag; ++lag) {
            double cross = 0.0, eEnergy = 0.0;
            for (std::size_t i = 0; i < frame; ++i) {
                const double ev = ef[i + std::size_t(lag)];
                cross += sf[i] * ev;
                eEnergy += ev * ev;
            }
            if (eEnergy > 0.0) best = std::max(best, std::abs(cross) / std::sqrt(sEnergy * eEnergy));
        }
        scores.push_back({sEnergy, best});
    }
    if (scores.empty()) return result;
    double maxEnergy = 0.0;
    for (const auto& f : scores) maxEnergy = std::max(maxEnergy, f.energy);
    double weighted = 0.0, weights = 0.0;
    for (const auto& f : scores) {
        if (f.energy < maxEnergy * 1e-3) continue;  // 30 dB below the most energetic frame
        weighted += f.energy * f.score;
        weights += f.energy;
    }
    result.coherence = weights > 0 ? weighted / weights : 0.0;
    result.harmonicsPresent = *result.coherence >= params.presentThreshold;
    return result;
}

}  // namespace lathe::check
