#include "lathe/dsp/stereo_imager.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

#include "dsp/kaiser_lowpass.h"
#include "dsp/fft_convolver.h"
#include "dsp/vector_clones.h"
#include "dsp/vector_types.h"

namespace lathe::dsp {

namespace {
constexpr double kStopbandDb = 90.0;
constexpr double kTransitionFraction = 0.5;  // transition width as a fraction of the band edge
constexpr double kMinEdgeHz = 20.0;
constexpr double kMaxEdgeFraction = 0.4;  // of the sample rate
constexpr double kGuardLookaheadWindows = 4.0;
constexpr std::size_t kSidePartitionFrames = 1024;  // FFT partition of the side FIR (and its extra delay)

struct Edge {
    double hz;
    double below, above;  // width (linear) below and above the edge
};
}  // namespace

StereoImager::StereoImager() = default;
StereoImager::StereoImager(const Params& params) : params_(params) {}
StereoImager::~StereoImager() = default;

Status StereoImager::prepare(const ProcessSpec& spec) {
    const Params& p = params_;
    if (spec.numChannels != 2) return fail("stereo imager: needs exactly 2 channels");
    if (!(spec.sampleRate > 0.0)) return fail("stereo imager: sample rate must be positive");
    if (p.numBands < 1 || p.numBands > kMaxBands) return fail("stereo imager: 1 to 5 bands");
    const double lowest = kMinEdgeHz, highest = kMaxEdgeFraction * spec.sampleRate;
    for (int k = 0; k + 1 < p.numBands; ++k) {
        const double f = p.crossoverHz[static_cast<std::size_t>(k)];
        if (!(f >= lowest && f <= highest))
            return fail("stereo imager: crossover " + std::to_string(f) + " Hz outside 20 Hz .. 0.4 x sample rate");
        if (k > 0 && !(f > p.crossoverHz[static_cast<std::size_t>(k - 1)]))
            return fail("stereo imager: crossover frequencies must ascend");
    }
    for (int k = 0; k < p.numBands; ++k) {
        const float w = p.widthPercent[static_cast<std::size_t>(k)];
        if (!(w >= 0.0f && w <= kMaxWidthPercent)) return fail("stereo imager: width must be in 0..200 %");
    }
    if (!(p.bassMonoHz == 0.0f || (p.bassMonoHz >= lowest && p.bassMonoHz <= highest)))
        return fail("stereo imager: bass mono frequency must be 0 (off) or in 20 Hz .. 0.4 x sample rate");
    if (!(p.correlationFloor >= 0.0f && p.correlationFloor <= 0.99f))
        return fail("stereo imager: correlation floor must be in 0..0.99");
    if (!(p.correlationWindowMs > 0.0f) || !(p.guardReleaseMs >= 0.0f))
        return fail("stereo imager: correlation window must be > 0 ms and guard release >= 0 ms");
    spec_ = spec;

    // Width as a step function of frequency, described by its edges.
    auto width = [&](int band) { return double(p.widthPercent[static_cast<std::size_t>(band)]) / 100.0; };
    std::vector<Edge> edges;
    const double bassMono = p.bassMonoHz;
    int bandAtBassMono = 0;
    for (int k = 0; k + 1 < p.numBands; ++k)
        if (p.crossoverHz[static_cast<std::size_t>(k)] <= bassMono) bandAtBassMono = k + 1;
    if (bassMono > 0.0) edges.push_back({bassMono, 0.0, width(bandAtBassMono)});
    for (int k = 0; k + 1 < p.numBands; ++k) {
        const double f = p.crossoverHz[static_cast<std::size_t>(k)];
        if (f > bassMono) edges.push_back({f, width(k), width(k + 1)});
    }
    std::erase_if(edges, [](const Edge& e) { return e.below == e.above; });
    scale_ = width(p.numBands - 1);

    // g = W_top delta(D) + sum_e (W_below - W_above) lowpass_e, every lowpass centred on D.
    std::size_t length = 1;
    for (const Edge& e : edges)
        length = std::max(length, kaiserLowpassLength(kTransitionFraction * e.hz, kStopbandDb, spec.sampleRate));
    centre_ = (length - 1) / 2;
    kernel_.assign(length, 0.0);
    kernel_[centre_] = scale_;
    for (const Edge& e : edges) {
        const std::size_t n = kaiserLowpassLength(kTransitionFraction * e.hz, kStopbandDb, spec.sampleRate);
        const auto lowpass = kaiserLowpass(e.hz, n, kStopbandDb, spec.sampleRate);
        const std::size_t offset = centre_ - (n - 1) / 2;
        for (std::size_t i = 0; i < n; ++i) kernel_[offset + i] += (e.below - e.above) * lowpass[i];
    }
    scaledDelay_ = edges.empty();

    convolver_.reset();
    firLatency_ = 0;
    if (!scaledDelay_) {
        // The convolver runs the taps delayed by one partition (B leading zeros): it then needs no
        // zero-latency head, which at these lengths would cost more than the FFT part.
        kernelTaps_.assign(kernel_.begin(), kernel_.end());
        std::vector<float> delayedTaps(kSidePartitionFrames, 0.0f);
        delayedTaps.insert(delayedTaps.end(), kernelTaps_.begin(), kernelTaps_.end());
        convolver_ = std::make_unique<FftConvolver>();
        if (auto status = convolver_->prepare(1, delayedTaps.size(), 1, kSidePartitionFrames); !status.ok())
            return status;
        if (auto status = convolver_->setKernel(0, delayedTaps); !status.ok()) return status;
        firLatency_ = centre_ + kSidePartitionFrames;
    }
    const std::size_t block = spec.maxBlockFrames;
    side_.assign(block, 0.0f);
    for (auto& line : dryDelay_) line.assign(firLatency_, 0.0f);
    mid_.assign(block, 0.0);
    widened_.assign(block, 0.0);
    widenedPower_.assign(block, 0.0);
    allowedPower_.assign(block, 0.0);
    heldTarget_.assign(block, 0.0f);

    windowCoefficient_ = std::exp(-1000.0 / (double(p.correlationWindowMs) * spec.sampleRate));
    releaseCoefficient_ = p.guardReleaseMs > 0.0f ? std::exp(-1000.0 / (double(p.guardReleaseMs) * spec.sampleRate)) : 0.0;
    // Narrowing cannot lower the correlation below the input's: the guard (and its lookahead
    // latency) is only needed when some band widens.
    double widest = 0.0;
    for (int k = 0; k < p.numBands; ++k) widest = std::max(widest, width(k));
    guardActive_ = p.correlationGuard && widest > 1.0;
    guardLookahead_ = guardActive_ ? std::size_t(std::llround(kGuardLookaheadWindows * p.correlationWindowMs *
                                                              spec.sampleRate / 1000.0))
                                   : 0;
    // Margin for the samples older than the lookahead: their weight in the window is e^-4.
    const double margin = 1.0 - std::pow(windowCoefficient_, double(guardLookahead_));
    floorFactor_ = margin * (1.0 - double(p.correlationFloor)) / (1.0 + double(p.correlationFloor));
    negatedTargetHold_.prepare(guardLookahead_ + 1);
    midDelay_.assign(guardLookahead_, 0.0);
    sideDelay_.assign(guardLookahead_, 0.0);
    latency_ = firLatency_ + guardLookahead_;
    reset();
    return success();
}

void StereoImager::reset() noexcept {
    if (convolver_) convolver_->reset();
    for (auto& line : dryDelay_) std::fill(line.begin(), line.end(), 0.0f);
    dryPosition_ = guardPosition_ = 0;
    negatedTargetHold_.reset();
    std::fill(midDelay_.begin(), midDelay_.end(), 0.0);
    std::fill(sideDelay_.begin(), sideDelay_.end(), 0.0);
    midPower_ = sidePower_ = inputSidePower_ = 0.0;
    guardGain_ = 1.0;
    minGuardGainDb_ = 0.0f;
}

double StereoImager::sideGain(double frequencyHz) const noexcept {
    const double w = 2.0 * std::numbers::pi * frequencyHz / spec_.sampleRate;
    if (scaledDelay_) return scale_;
    double sum = 0.0;
    for (std::size_t n = 0; n < kernelTaps_.size(); ++n)
        sum += double(kernelTaps_[n]) * std::cos(w * (double(n) - double(centre_)));
    return sum;
}

// Per block, in passes (the ones without a recursion vectorise). Glossary:
//   side_         (L - R) / 2 of the input, then the FIR output: the widened side delayed by firLatency_
//   left, right   after the dry delay: the input delayed by firLatency_ (dryL, dryR)
//   mid_          (dryL + dryR) / 2;  widened_  the widened side (before the guard), double
//   widenedPower_ the widened side's windowed power (guard side-chain), then the guard gain per frame
//   allowedPower_ the side power the correlation floor allows
//   heldTarget_   -(side gain that keeps the windowed power within the allowed one), then its moving
//                 maximum over the lookahead (the target's moving minimum, negated)
//   guardGain_    the held target with release; applied to the mid / side pair delayed by the lookahead
void StereoImager::process(AudioBlock block) noexcept { processPasses(block); }

LATHE_VECTOR_CLONES void StereoImager::processPasses(AudioBlock block) noexcept {
    assert(block.numChannels() == 2);
    float* left = block.channelData(0);
    float* right = block.channelData(1);
    const std::size_t n = block.numFrames();
    assert(n <= side_.size());
    if (!scaledDelay_) {
        for (std::size_t i = 0; i < n; ++i) side_[i] = 0.5f * (left[i] - right[i]);
        float* channels[1] = {side_.data()};
        const AudioBlock sideBlock(channels, 1, n);
        convolver_->process(sideBlock, sideBlock, 0);
    }
    double* const mid = mid_.data();
    double* const widened = widened_.data();
    // Plain width: the exact product in double (width 1 reproduces L and R bit for bit).
    if (scaledDelay_)
        for (std::size_t i = 0; i < n; ++i) widened[i] = scale_ * (0.5 * (double(left[i]) - double(right[i])));
    else
        for (std::size_t i = 0; i < n; ++i) widened[i] = side_[i];
    // The dry path: exchange each frame with the delay line's oldest (in runs up to the ring's end).
    if (firLatency_ > 0) {
        std::size_t position = dryPosition_;
        for (std::size_t done = 0; done < n;) {
            const std::size_t run = std::min(n - done, firLatency_ - position);
            std::swap_ranges(left + done, left + done + run, dryDelay_[0].data() + position);
            std::swap_ranges(right + done, right + done + run, dryDelay_[1].data() + position);
            done += run;
            position += run;
            if (position == firLatency_) position = 0;
        }
        dryPosition_ = position;
    }
    for (std::size_t i = 0; i < n; ++i) mid[i] = 0.5 * (double(left[i]) + double(right[i]));

    if (guardActive_) {
        const double a = windowCoefficient_, release = releaseCoefficient_;
        double* const power = widenedPower_.data();
        double* const allowed = allowedPower_.data();
        // Windowed powers (recursions) -> the allowed side power and the widened side's power.
        double midPower = midPower_, sidePower = sidePower_, inputSidePower = inputSidePower_;
        for (std::size_t i = 0; i < n; ++i) {
            const double drySide = 0.5 * (double(left[i]) - double(right[i]));
            midPower = a * midPower + (1.0 - a) * mid[i] * mid[i];
            sidePower = a * sidePower + (1.0 - a) * widened[i] * widened[i];
            inputSidePower = a * inputSidePower + (1.0 - a) * drySide * drySide;
            allowed[i] = std::max(midPower * floorFactor_, inputSidePower);
            power[i] = sidePower;
        }
        midPower_ = midPower;
        sidePower_ = sidePower;
        inputSidePower_ = inputSidePower;
        // Target gain sqrt(allowed / power) where the power is over, else 1 (negated for the hold).
        float* const held = heldTarget_.data();
        bool anyOver = false;
        for (std::size_t i = 0; i < n; ++i) {
            const bool within = power[i] <= allowed[i];
            const double root = std::sqrt(within ? 1.0 : allowed[i] / power[i]);
            held[i] = -static_cast<float>(within ? 1.0 : root);
            anyOver = anyOver || !within;
        }
        // Moving minimum of the target over the lookahead, then the release.
        negatedTargetHold_.process(std::span<const float>(held, n), std::span<float>(held, n));
        double gain = guardGain_;
        bool unity = gain == 1.0 && !anyOver;
        for (std::size_t i = 0; i < n && unity; ++i) unity = held[i] == -1.0f;
        if (!unity) {
            // (At unity the recursion would keep the gain at exactly 1: 1 = r + (1 - r) exactly.)
            // gain = h < gain ? h : release gain + (1 - release) h;  minGain = std::min(minGain, gain),
            // with vector selects (lane 0; see dsp/vector_types.h): the same bits, no branch.
            const Double2 releaseCoefficient{release, release}, releaseInput{1.0 - release, 1.0 - release};
            Double2 g{gain, gain};
            const double startMin = std::pow(10.0, double(minGuardGainDb_) / 20.0);
            Double2 minGain{startMin, startMin};
            for (std::size_t i = 0; i < n; ++i) {
                const double h = -double(held[i]);
                const Double2 target{h, h};
                const Double2 released = releaseCoefficient * g + releaseInput * target;
                g = select(target < g, target, released);
                minGain = select(g < minGain, g, minGain);
                power[i] = g[0];  // now the gain per frame
            }
            guardGain_ = g[0];
            minGuardGainDb_ = static_cast<float>(20.0 * std::log10(minGain[0]));
        }
        // Mid and widened side wait for the lookahead (in runs up to the ring's end), then the gain.
        if (guardLookahead_ > 0) {
            std::size_t position = guardPosition_;
            for (std::size_t done = 0; done < n;) {
                const std::size_t run = std::min(n - done, guardLookahead_ - position);
                std::swap_ranges(mid + done, mid + done + run, midDelay_.data() + position);
                std::swap_ranges(widened + done, widened + done + run, sideDelay_.data() + position);
                done += run;
                position += run;
                if (position == guardLookahead_) position = 0;
            }
            guardPosition_ = position;
        }
        if (!unity)
            for (std::size_t i = 0; i < n; ++i) widened[i] *= power[i];
    }
    for (std::size_t i = 0; i < n; ++i) {
        left[i] = static_cast<float>(mid[i] + widened[i]);
        right[i] = static_cast<float>(mid[i] - widened[i]);
    }
}

}  // namespace lathe::dsp
