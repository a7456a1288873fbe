#include "mastering/limiter_loudness_model.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "analysis/k_weighting.h"
#include "analysis/k_weighting_filter.h"
#include "analysis/loudness_gating.h"
#include "analysis/loudness_history.h"
#include "lathe/analysis/loudness_meter.h"
#include "lathe/dsp/denormals.h"
#include "lathe/dsp/true_peak_detector.h"

namespace lathe::mastering {

namespace {
constexpr std::size_t kChunkFrames = 4096;
constexpr double kTailSeconds = 0.1;  // the K-weighting's slowest pole (38 Hz high pass) decays 1e-9 in it

using Double2 = double __attribute__((vector_size(16)));
using Float4 = float __attribute__((vector_size(16)));

// Two channels' K-weighting filters side by side (the two recursions overlap): the arithmetic of
// analysis::kWeightStep() in each lane.
struct PairFilter {
    Double2 b0, b1, b2, a1, a2, h1, h2;  // coefficients, in both lanes
    Double2 x1, x2, s1, s2, y1, y2;      // state (see KWeightingState)

    explicit PairFilter(const analysis::KWeighting& k) noexcept
        : b0{k.shelf.b0, k.shelf.b0}, b1{k.shelf.b1, k.shelf.b1}, b2{k.shelf.b2, k.shelf.b2}, a1{k.shelf.a1, k.shelf.a1},
          a2{k.shelf.a2, k.shelf.a2}, h1{k.highPass.a1, k.highPass.a1}, h2{k.highPass.a2, k.highPass.a2}, x1{}, x2{}, s1{}, s2{},
          y1{}, y2{} {}
    void load(const analysis::KWeightingState& a, const analysis::KWeightingState& b) noexcept {
        x1 = Double2{a.x1, b.x1}, x2 = Double2{a.x2, b.x2}, s1 = Double2{a.s1, b.s1}, s2 = Double2{a.s2, b.s2};
        y1 = Double2{a.y1, b.y1}, y2 = Double2{a.y2, b.y2};
    }
    void store(analysis::KWeightingState& a, analysis::KWeightingState& b) const noexcept {
        b = {x1[1], x2[1], s1[1], s2[1], y1[1], y2[1]};
        a = {x1[0], x2[0], s1[0], s2[0], y1[0], y2[0]};  // after b: a may be b (a lone channel)
    }
    Double2 step(Double2 x) noexcept {
        const Double2 s = (((b0 * x + b1 * x1) + b2 * x2) - a2 * s2) - a1 * s1;
        const Double2 y = (((s - (s1 + s1)) + s2) - h2 * y2) - h1 * y1;
        x2 = x1, x1 = x, s2 = s1, s1 = s, y2 = y1, y1 = y;
        return y;
    }
};

// Channels in pairs (a lone last channel pairs with itself, its twin lane unweighted).
struct ChannelPair {
    std::size_t a, b;
    bool lone;
};
ChannelPair channelPair(int first, int channels) noexcept {
    const auto a = static_cast<std::size_t>(first);
    const bool lone = first + 1 >= channels;
    return {a, lone ? a : a + 1, lone};
}
}  // namespace

Status LimiterLoudnessModel::prepare(ConstAudioBlock input, double sampleRate, const dsp::TruePeakLimiterParams& params) {
    const int channels = input.numChannels();
    const dsp::ProcessSpec spec{sampleRate, channels, kChunkFrames};
    auto design = dsp::TruePeakLimiter::mainStageDesign(params, spec);
    if (!design.ok()) return design.error();
    params_ = params;
    design_ = *design;
    if (auto status = envelope_.prepare(design_.envelope); !status.ok()) return status;
    dsp::TruePeakLimiter::MainStageDetection detection;
    if (auto status = detection.prepare(spec, design_); !status.ok()) return status;
    input_ = input;
    sampleRate_ = sampleRate;
    frames_ = input.numFrames();
    const auto detectorLatency = static_cast<std::size_t>(design_.detectorLatencyFrames);
    delayFrames_ = detectorLatency + static_cast<std::size_t>(envelope_.latencyFrames());
    tailFrames_ = static_cast<std::size_t>(kTailSeconds * sampleRate);
    const dsp::ScopedFlushDenormals noDenormals;

    // The main stage's readings (as in the limiter: the larger of its two detectors) of the input
    // followed by the detectors' latency of silence, so every input frame has one.
    readings_.assign(frames_ + detectorLatency, 0.0f);
    const AudioBuffer silence(channels, std::min(kChunkFrames, std::max<std::size_t>(detectorLatency, 1)));
    auto detect = [&](ConstAudioBlock block, std::size_t offset) {
        detection.process(block, {readings_.data() + offset, block.numFrames()});
    };
    for (std::size_t offset = 0; offset < frames_; offset += kChunkFrames)
        detect(input.slice(offset, std::min(kChunkFrames, frames_ - offset)), offset);
    for (std::size_t offset = frames_; offset < readings_.size(); offset += silence.numFrames())
        detect(ConstAudioBlock(silence.block()).slice(0, std::min(silence.numFrames(), readings_.size() - offset)), offset);

    // The K-weighted input's energy per 10 ms hop of the LoudnessMeter's grid, and the filters'
    // state at the start of each hop (flushed there of values below 1e-30, as in the meter).
    kWeighting_ = analysis::designKWeighting(sampleRate);
    const analysis::HopGrid grid(sampleRate);
    const auto channelCount = static_cast<std::size_t>(channels);
    channelWeights_.assign(channelCount, 0.0);
    for (int c = 0; c < channels; ++c) channelWeights_[static_cast<std::size_t>(c)] = analysis::loudnessChannelWeight(c, channels);
    std::vector<analysis::KWeightingState> filters(channelCount);
    hopBoundaries_.assign(1, 0);
    hopStates_.clear();
    unityHopEnergy_.clear();
    for (std::int64_t hop = 1; grid.boundary(hop) <= static_cast<std::int64_t>(frames_); ++hop) {
        const auto begin = static_cast<std::size_t>(hopBoundaries_.back());
        const auto end = static_cast<std::size_t>(grid.boundary(hop));
        hopBoundaries_.push_back(static_cast<std::int64_t>(end));
        hopStates_.insert(hopStates_.end(), filters.begin(), filters.end());
        double energy = 0.0;
        for (int c = 0; c < channels; c += 2) {
            const auto pair = channelPair(c, channels);
            PairFilter filter(kWeighting_);
            filter.load(filters[pair.a], filters[pair.b]);
            const float* xa = input.channelData(c) + begin;
            const float* xb = input.channelData(int(pair.b)) + begin;
            Double2 sum = {0.0, 0.0};
            for (std::size_t i = 0; i < end - begin; ++i) {
                const Double2 y = filter.step(Double2{double(xa[i]), double(xb[i])});
                sum += y * y;
            }
            filter.store(filters[pair.a], filters[pair.b]);
            energy += channelWeights_[pair.a] * sum[0] + (pair.lone ? 0.0 : channelWeights_[pair.b] * sum[1]);
        }
        for (auto& filter : filters) filter.flushTiny();
        unityHopEnergy_.push_back(energy);
    }
    required_.assign(kChunkFrames, 1.0f);
    gains_.assign(kChunkFrames, 1.0f);
    return success();
}

double LimiterLoudnessModel::predictLufs(double inputGainDb) {
    const double gain = std::pow(10.0, inputGainDb / 20.0);
    const auto gainFloat = static_cast<float>(gain);
    const float target = design_.targetLinear;
    std::array<analysis::KWeightingState, kMaxChannels> difference{};  // K((gain - 1) x), per channel
    const dsp::ScopedFlushDenormals noDenormals;
    envelope_.reset();
    hopEnergy_ = unityHopEnergy_;
    const auto wholeHopFrames = static_cast<std::size_t>(hopBoundaries_.back());
    // Gain m (envelope output m) is for input frame m - delayFrames_.
    const std::size_t total = frames_ + delayFrames_;
    std::size_t hop = 0;
    std::size_t tailEnd = 0;  // the K-weighting of the gain's last deviation from 1 is followed up to here
    const auto channelCount = static_cast<std::size_t>(input_.numChannels());
    std::array<analysis::KWeightingState, kMaxChannels> input{};  // K(x), valid at inputPosition
    std::size_t inputPosition = 0;
    for (std::size_t m0 = 0; m0 < total; m0 += kChunkFrames) {
        const std::size_t n = std::min(kChunkFrames, total - m0);
        // The limiter's requiredGain() (a vectorisable form: the quotient is only kept above the target).
        const std::size_t available = m0 < readings_.size() ? std::min(n, readings_.size() - m0) : 0;
        const float* readings = readings_.data() + m0;
        float* required = required_.data();
        std::size_t i = 0;
        for (; i + 4 <= available; i += 4) {
            Float4 peak;
            std::memcpy(&peak, readings + i, sizeof peak);
            peak *= gainFloat;
            const Float4 quotient = target / peak;
            const Float4 gains = peak > target ? quotient : Float4{1.0f, 1.0f, 1.0f, 1.0f};
            std::memcpy(required + i, &gains, sizeof gains);
        }
        for (; i < available; ++i) {
            const float peak = gainFloat * readings[i];
            required[i] = peak > target ? target / peak : 1.0f;
        }
        std::fill(required + available, required + n, 1.0f);
        envelope_.process(required_.data(), gains_.data(), n);

        // This chunk's input frames [s0, s1): their gains are gains_[s - s0 + i0].
        const std::size_t i0 = m0 < delayFrames_ ? delayFrames_ - m0 : 0;
        if (i0 >= n) continue;
        const std::size_t s0 = m0 + i0 - delayFrames_;
        const std::size_t s1 = std::min(wholeHopFrames, m0 + n - delayFrames_);
        if (s0 >= s1) continue;
        const float* g = gains_.data() + i0;  // g[s - s0]
        std::size_t first = s1, last = s1;
        for (std::size_t s = s0; s < s1; ++s)
            if (g[s - s0] != 1.0f) {
                if (first == s1) first = s;
                last = s;
            }
        // K((gain - 1) x) is filtered from the first frame whose gain is not 1 (or on, while the last
        // one's tail lasts) to the tail of the last one.
        const std::size_t begin = tailEnd > s0 ? s0 : first;
        if (last != s1) tailEnd = last + tailFrames_ + 1;
        const std::size_t end = std::min(s1, tailEnd);
        for (std::size_t u = begin; u < end;) {
            while (static_cast<std::int64_t>(u) >= hopBoundaries_[hop + 1]) ++hop;
            const auto hopStart = static_cast<std::size_t>(hopBoundaries_[hop]);
            const std::size_t v = std::min(end, static_cast<std::size_t>(hopBoundaries_[hop + 1]));
            if (u == hopStart || inputPosition != u) {
                // K(x) from the hop's start: its stored state, then up to u (a gain of exactly 1
                // leaves the energy unchanged: only the filter advances).
                std::copy_n(hopStates_.begin() + static_cast<std::ptrdiff_t>(hop * channelCount), channelCount, input.begin());
                if (u > hopStart) (void)outputEnergyChange(input.data(), nullptr, nullptr, hopStart, u - hopStart);
            }
            hopEnergy_[hop] += outputEnergyChange(input.data(), difference.data(), g + (u - s0), u, v - u);
            inputPosition = v;
            u = v;
        }
        if (tailEnd <= s1) difference.fill({});  // the tail has died away (or there was none)
    }
    return gatedLufs(hopEnergy_, gain * gain);
}

double LimiterLoudnessModel::outputEnergyChange(analysis::KWeightingState* input, analysis::KWeightingState* difference,
                                                const float* gains, std::size_t start, std::size_t count) const noexcept {
    // Sum over frames and channels of weight * ((K(x) + K(d))^2 - K(x)^2), d = (gain - 1) x. With no
    // difference filter, only K(x) advances (and 0 is returned).
    const int channels = input_.numChannels();
    double total = 0.0;
    for (int c = 0; c < channels; c += 2) {
        const auto pair = channelPair(c, channels);
        const float* xa = input_.channelData(c) + start;
        const float* xb = input_.channelData(int(pair.b)) + start;
        PairFilter kx(kWeighting_);
        kx.load(input[pair.a], input[pair.b]);
        if (difference == nullptr) {
            for (std::size_t i = 0; i < count; ++i) (void)kx.step(Double2{double(xa[i]), double(xb[i])});
            kx.store(input[pair.a], input[pair.b]);
            continue;
        }
        PairFilter kd(kWeighting_);
        kd.load(difference[pair.a], difference[pair.b]);
        Double2 sum = {0.0, 0.0};
        for (std::size_t i = 0; i < count; ++i) {
            const Double2 x = {double(xa[i]), double(xb[i])};
            const double deviation = static_cast<double>(gains[i]) - 1.0;
            const Double2 y = kx.step(x);
            const Double2 e = kd.step(deviation * x);
            sum += e * (2.0 * y + e);
        }
        kx.store(input[pair.a], input[pair.b]);
        kd.store(difference[pair.a], difference[pair.b]);
        total += channelWeights_[pair.a] * sum[0] + (pair.lone ? 0.0 : channelWeights_[pair.b] * sum[1]);
    }
    return total;
}

double LimiterLoudnessModel::gatedLufs(const std::vector<double>& hopEnergy, double scale) const {
    // The meter's gating blocks: 40 hops, every 10 hops.
    std::vector<double> blocks;
    const std::size_t hops = hopEnergy.size();
    const auto window = static_cast<std::size_t>(analysis::kMomentaryHops);
    for (std::size_t k = window; k <= hops; k += static_cast<std::size_t>(analysis::kGatingStepHops)) {
        double sum = 0.0;
        for (std::size_t j = k - window; j < k; ++j) sum += hopEnergy[j];
        const auto frames = static_cast<double>(hopBoundaries_[k] - hopBoundaries_[k - window]);
        const double energy = scale * sum / frames;
        if (analysis::passesAbsoluteGate(energy)) blocks.push_back(energy);
    }
    return analysis::gatedLoudnessLufs(blocks).value_or(analysis::kAbsoluteGateLufs);
}

double LimiterLoudnessModel::inputLufs() const { return gatedLufs(unityHopEnergy_, 1.0); }

double LimiterLoudnessModel::peakReadingDbtp() const {
    float largest = 0.0f;
    for (const float reading : readings_) largest = std::max(largest, reading);
    return largest > 0.0f ? 20.0 * std::log10(double(largest)) : -std::numeric_limits<double>::infinity();
}

double LimiterLoudnessModel::solveGainDb(double wantLufs, double startGainDb) {
    constexpr double kToleranceLu = 0.002;
    constexpr int kMaxPredictions = 10;
    double gain = startGainDb, lufs = predictLufs(gain);
    double bestGain = gain, bestError = std::abs(lufs - wantLufs);
    double previousGain = gain, previousLufs = lufs;
    for (int k = 1; k < kMaxPredictions && bestError >= kToleranceLu; ++k) {
        // Unit slope first (no limiting), then the secant; the limiter only flattens the curve.
        double slope = 1.0;
        if (k > 1 && std::abs(gain - previousGain) > 1e-9) {
            const double secant = (lufs - previousLufs) / (gain - previousGain);
            if (secant > 0.05) slope = secant;
        }
        const double next = std::clamp(gain + (wantLufs - lufs) / slope, gain - 12.0, gain + 12.0);
        previousGain = gain, previousLufs = lufs;
        gain = next;
        lufs = predictLufs(gain);
        if (std::abs(lufs - wantLufs) < bestError) bestGain = gain, bestError = std::abs(lufs - wantLufs);
    }
    return bestGain;
}

Status LimiterLoudnessModel::setCeilingDbtp(double ceilingDbtp) {
    params_.ceilingDbtp = ceilingDbtp;
    auto design = dsp::TruePeakLimiter::mainStageDesign(params_, {sampleRate_, 1, kChunkFrames});
    if (!design.ok()) return design.error();
    design_.targetLinear = design->targetLinear;
    return success();
}

}  // namespace lathe::mastering
