#include "lathe/analysis/loudness_meter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "analysis/k_weighting.h"
#include "analysis/k_weighting_filter.h"
#include "analysis/loudness_gating.h"
#include "analysis/loudness_history.h"
#include "analysis/loudness_range.h"
#include "analysis/loudness_units.h"

namespace lathe::analysis {
namespace {

constexpr double kMinSampleRate = 8000.0;
constexpr double kMaxSampleRate = 384000.0;
constexpr double kSurroundWeight = 1.41;  // BS.1770-4 Table 3: +1.5 dB

}  // namespace

double loudnessChannelWeight(int channel, int numChannels) noexcept {
    if (channel < 0 || channel >= numChannels) return 0.0;
    switch (numChannels) {
        case 4:  // L R Ls Rs
            return channel >= 2 ? kSurroundWeight : 1.0;
        case 5:  // L R C Ls Rs
            return channel >= 3 ? kSurroundWeight : 1.0;
        case 6:  // L R C LFE Ls Rs
        case 7:  // L R C LFE Ls Rs Cs
        case 8:  // L R C LFE Ls Rs Lb Rb
            if (channel == 3) return 0.0;
            return (channel == 4 || channel == 5) ? kSurroundWeight : 1.0;
        default:  // mono, stereo, L R C: all front channels
            return 1.0;
    }
}

// Everything the meter keeps. Per 10 ms hop the K-weighted sums of squares of each channel
// accumulate in sumSquares; at the hop boundary they are weighted into one sub-block energy and
// pushed into the windows, which give the momentary and short-term sums.
struct LoudnessMeter::State {
    double sampleRate = 48000.0;
    int numChannels = 0;
    LoudnessMeterOptions options;
    bool monoFold = false;
    KWeighting kWeighting;
    HopGrid grid;
    std::array<double, kMaxChannels> weights{};
    std::array<int, kMaxChannels> activeChannels{};  // channels with a non-zero weight
    int numActive = 0;

    std::array<KWeightingState, kMaxChannels> filters{};
    std::array<double, kMaxChannels> sumSquares{};  // current hop, per channel
    double midSumSquares = 0.0;                     // current hop, sum of (yL + yR)^2
    std::int64_t frames = 0;                        // frames processed
    std::int64_t hopEnd = 0;                        // frame at which the current hop ends

    LoudnessWindows windows;
    LoudnessWindows monoWindows;
    double maxMomentaryEnergy = -1.0;  // < 0: no complete window yet
    double maxShortTermEnergy = -1.0;
    std::vector<double> gatingBlocks;      // 400 ms block energies passing the absolute gate
    std::vector<double> monoGatingBlocks;
    std::vector<double> shortTermValues;   // every 100 ms, passing the absolute gate (for LRA)
    std::vector<float> momentarySeries;
    std::vector<float> shortTermSeries;

    void clear() noexcept {
        filters.fill(KWeightingState{});
        sumSquares.fill(0.0);
        midSumSquares = 0.0;
        frames = 0;
        hopEnd = grid.boundary(1);
        windows.reset();
        monoWindows.reset();
        maxMomentaryEnergy = -1.0;
        maxShortTermEnergy = -1.0;
        gatingBlocks.clear();
        monoGatingBlocks.clear();
        shortTermValues.clear();
        momentarySeries.clear();
        shortTermSeries.clear();
    }

    void filterSegment(ConstAudioBlock block, std::size_t offset, std::size_t count) noexcept {
        int i = 0;
        for (; i + 1 < numActive; i += 2) {
            const int a = activeChannels[static_cast<std::size_t>(i)];
            const int b = activeChannels[static_cast<std::size_t>(i + 1)];
            kWeightSumSquaresPair(kWeighting, filters[static_cast<std::size_t>(a)], filters[static_cast<std::size_t>(b)],
                                  block.channelData(a) + offset, block.channelData(b) + offset, count,
                                  sumSquares[static_cast<std::size_t>(a)], sumSquares[static_cast<std::size_t>(b)],
                                  (monoFold && i == 0) ? &midSumSquares : nullptr);
        }
        if (i < numActive) {
            const int a = activeChannels[static_cast<std::size_t>(i)];
            kWeightSumSquares(kWeighting, filters[static_cast<std::size_t>(a)], block.channelData(a) + offset, count,
                              sumSquares[static_cast<std::size_t>(a)]);
        }
    }

    void finishHop() noexcept {
        double energy = 0.0;
        for (int i = 0; i < numActive; ++i) {
            const auto c = static_cast<std::size_t>(activeChannels[static_cast<std::size_t>(i)]);
            energy += weights[c] * sumSquares[c];
            sumSquares[c] = 0.0;
            filters[c].flushTiny();
        }
        // Non-finite input leaves the filter state at +-Inf or NaN; make every such window NaN.
        if (!std::isfinite(energy)) energy = std::numeric_limits<double>::quiet_NaN();
        windows.push(energy);
        const std::int64_t hop = windows.hops();
        const double momentary = windows.momentarySum() / double(grid.windowFrames(hop, kMomentaryHops));
        const double shortTerm = windows.shortTermSum() / double(grid.windowFrames(hop, kShortTermHops));
        const bool momentaryComplete = hop >= kMomentaryHops;
        const bool shortTermComplete = hop >= kShortTermHops;
        if (momentaryComplete && std::isfinite(momentary) && momentary > maxMomentaryEnergy)
            maxMomentaryEnergy = momentary;
        if (shortTermComplete && std::isfinite(shortTerm) && shortTerm > maxShortTermEnergy)
            maxShortTermEnergy = shortTerm;
        const bool gatingHop = hop % kGatingStepHops == 0;
        if (gatingHop && momentaryComplete && passesAbsoluteGate(momentary)) gatingBlocks.push_back(momentary);
        if (gatingHop && shortTermComplete && passesAbsoluteGate(shortTerm)) shortTermValues.push_back(shortTerm);

        if (monoFold) {
            // M = (L + R) / 2 on both speakers: 2 * mean(((yL + yR) / 2)^2) = mean((yL + yR)^2) / 2.
            monoWindows.push(std::isfinite(midSumSquares) ? 0.5 * midSumSquares : std::numeric_limits<double>::quiet_NaN());
            midSumSquares = 0.0;
            if (gatingHop && momentaryComplete) {
                const double mono = monoWindows.momentarySum() / double(grid.windowFrames(hop, kMomentaryHops));
                if (passesAbsoluteGate(mono)) monoGatingBlocks.push_back(mono);
            }
        }
        if (options.recordSeries) {
            momentarySeries.push_back(float(energyToLufs(momentary)));
            shortTermSeries.push_back(float(energyToLufs(shortTerm)));
        }
        hopEnd = grid.boundary(hop + 1);
    }
};

LoudnessMeter::LoudnessMeter() = default;
LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(const LoudnessMeter& other)
    : state_(other.state_ ? std::make_unique<State>(*other.state_) : nullptr) {}
LoudnessMeter& LoudnessMeter::operator=(const LoudnessMeter& other) {
    if (this != &other) state_ = other.state_ ? std::make_unique<State>(*other.state_) : nullptr;
    return *this;
}
LoudnessMeter::LoudnessMeter(LoudnessMeter&& other) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&& other) noexcept = default;

Status LoudnessMeter::prepare(double sampleRate, int numChannels, const LoudnessMeterOptions& options) {
    if (!(sampleRate >= kMinSampleRate && sampleRate <= kMaxSampleRate))
        return fail("loudness meter: sample rate " + std::to_string(sampleRate) +
                    " Hz is outside the supported 8000 to 384000 Hz");
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("loudness meter: " + std::to_string(numChannels) + " channels; 1 to " +
                    std::to_string(kMaxChannels) + " are supported");

    auto state = std::make_unique<State>();
    State& s = *state;
    s.sampleRate = sampleRate;
    s.numChannels = numChannels;
    s.options = options;
    s.monoFold = options.measureMonoFold && numChannels == 2;
    s.kWeighting = designKWeighting(sampleRate);
    s.grid = HopGrid(sampleRate);
    for (int c = 0; c < numChannels; ++c) {
        s.weights[static_cast<std::size_t>(c)] = loudnessChannelWeight(c, numChannels);
        if (s.weights[static_cast<std::size_t>(c)] > 0.0) s.activeChannels[static_cast<std::size_t>(s.numActive++)] = c;
    }

    if (options.expectedFrames > 0) {
        const auto hops = static_cast<std::size_t>(double(options.expectedFrames) / sampleRate * kHopsPerSecond) + 2;
        const std::size_t blocks = hops / kGatingStepHops + 2;
        s.gatingBlocks.reserve(blocks);
        s.shortTermValues.reserve(blocks);
        if (s.monoFold) s.monoGatingBlocks.reserve(blocks);
        if (options.recordSeries) {
            s.momentarySeries.reserve(hops);
            s.shortTermSeries.reserve(hops);
        }
    }
    s.clear();
    state_ = std::move(state);
    return success();
}

void LoudnessMeter::reset() noexcept {
    if (state_) state_->clear();
}

void LoudnessMeter::process(ConstAudioBlock block) noexcept {
    if (!state_ || block.numChannels() != state_->numChannels) return;
    State& s = *state_;
    const std::size_t total = block.numFrames();
    std::size_t offset = 0;
    while (offset < total) {
        const auto untilHopEnd = static_cast<std::size_t>(s.hopEnd - s.frames);
        const std::size_t count = std::min(total - offset, untilHopEnd);
        s.filterSegment(block, offset, count);
        offset += count;
        s.frames += static_cast<std::int64_t>(count);
        if (s.frames == s.hopEnd) s.finishHop();
    }
}

LoudnessResult LoudnessMeter::result() const {
    LoudnessResult r;
    if (!state_) return r;
    const State& s = *state_;
    r.integratedLufs = gatedLoudnessLufs(s.gatingBlocks);
    if (const auto range = loudnessRange(s.shortTermValues)) r.loudnessRangeLu = range->rangeLu;
    if (s.maxMomentaryEnergy > 0.0) r.maxMomentaryLufs = energyToLufs(s.maxMomentaryEnergy);
    if (s.maxShortTermEnergy > 0.0) r.maxShortTermLufs = energyToLufs(s.maxShortTermEnergy);
    if (s.monoFold) r.monoFoldIntegratedLufs = gatedLoudnessLufs(s.monoGatingBlocks);
    r.seriesHopSeconds = 1.0 / kHopsPerSecond;
    r.momentaryLufs = s.momentarySeries;
    r.shortTermLufs = s.shortTermSeries;
    return r;
}

}  // namespace lathe::analysis
