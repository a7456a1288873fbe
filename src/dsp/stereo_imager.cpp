#include "lathe/dsp/stereo_imager.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

#include "dsp/kaiser_lowpass.h"
#include "dsp/fft_convolver.h"

namespace lathe::dsp {

namespace {
constexpr double kStopbandDb = 90.0;
constexpr double kTransitionFraction = 0.5;  // transition width as a fraction of the band edge
constexpr double kMinEdgeHz = 20.0;
constexpr double kMaxEdgeFraction = 0.4;  // of the sample rate
constexpr double kGuardLookaheadWindows = 4.0;

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
        if (!(w >= 0.0f && w <= 200.0f)) return fail("stereo imager: width must be in 0..200 %");
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
        kernelTaps_.assign(kernel_.begin(), kernel_.end());
        convolver_ = std::make_unique<FftConvolver>();
        if (auto status = convolver_->prepare(1, kernelTaps_.size()); !status.ok()) return status;
        if (auto status = convolver_->setKernel(0, kernelTaps_); !status.ok()) return status;
        firLatency_ = centre_;
    }
    side_.assign(spec.maxBlockFrames, 0.0f);
    for (auto& line : dryDelay_) line.assign(firLatency_, 0.0f);

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

// Per block: the side (L - R) / 2 through the FIR (zero-latency convolver; its output is the side
// delayed by D). Then per frame. Glossary:
//   side          widened side for this frame (before the guard)
//   dryL, dryR    input delayed by firLatency_ = D; mid and drySide come from them
//   target        side gain that keeps the windowed powers within `allowed` (guard side-chain)
//   guardGain_    moving minimum of target over the lookahead, with release; applied to the
//                 mid / side pair delayed by the lookahead
void StereoImager::process(AudioBlock block) noexcept {
    assert(block.numChannels() == 2);
    float* left = block.channelData(0);
    float* right = block.channelData(1);
    const std::size_t n = block.numFrames();
    assert(n <= side_.size() || scaledDelay_);
    if (!scaledDelay_) {
        for (std::size_t i = 0; i < n; ++i) side_[i] = 0.5f * (left[i] - right[i]);
        float* channels[1] = {side_.data()};
        const AudioBlock sideBlock(channels, 1, n);
        convolver_->process(sideBlock, sideBlock, 0);
    }
    const bool guard = guardActive_;
    const double a = windowCoefficient_, release = releaseCoefficient_;
    double minGain = std::pow(10.0, double(minGuardGainDb_) / 20.0);
    for (std::size_t i = 0; i < n; ++i) {
        const double l = left[i], r = right[i];
        // Plain width: the exact product in double (width 1 reproduces L and R bit for bit).
        double side = scaledDelay_ ? scale_ * (0.5 * (l - r)) : double(side_[i]);

        double dryL = l, dryR = r;
        if (firLatency_ > 0) {
            dryL = dryDelay_[0][dryPosition_];
            dryR = dryDelay_[1][dryPosition_];
            dryDelay_[0][dryPosition_] = left[i];
            dryDelay_[1][dryPosition_] = right[i];
            if (++dryPosition_ == firLatency_) dryPosition_ = 0;
        }
        double mid = 0.5 * (dryL + dryR);

        if (guard) {
            const double drySide = 0.5 * (dryL - dryR);
            midPower_ = a * midPower_ + (1.0 - a) * mid * mid;
            sidePower_ = a * sidePower_ + (1.0 - a) * side * side;
            inputSidePower_ = a * inputSidePower_ + (1.0 - a) * drySide * drySide;
            const double allowed = std::max(midPower_ * floorFactor_, inputSidePower_);
            const double target = sidePower_ <= allowed ? 1.0 : std::sqrt(allowed / sidePower_);
            const double held = -double(negatedTargetHold_.process(-static_cast<float>(target)));
            guardGain_ = held < guardGain_ ? held : release * guardGain_ + (1.0 - release) * held;
            minGain = std::min(minGain, guardGain_);
            if (guardLookahead_ > 0) {
                std::swap(mid, midDelay_[guardPosition_]);
                std::swap(side, sideDelay_[guardPosition_]);
                if (++guardPosition_ == guardLookahead_) guardPosition_ = 0;
            }
            side *= guardGain_;
        }
        left[i] = static_cast<float>(mid + side);
        right[i] = static_cast<float>(mid - side);
    }
    minGuardGainDb_ = static_cast<float>(20.0 * std::log10(minGain));
}

}  // namespace lathe::dsp
