#include "lathe/dsp/crossover.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numbers>
#include <string>

#include "dsp/linear_phase_crossover.h"
#include "dsp/linkwitz_riley_crossover.h"

namespace lathe::dsp {

Crossover::Crossover() = default;
Crossover::Crossover(const Params& params) : params_(params) {}
Crossover::~Crossover() = default;
Crossover::Crossover(Crossover&&) noexcept = default;
Crossover& Crossover::operator=(Crossover&&) noexcept = default;

Status Crossover::validate(const Params& p, double sampleRate) {
    if (!(sampleRate > 0.0)) return fail("crossover: sample rate must be positive");
    if (p.numBands < 1 || p.numBands > kMaxBands) return fail("crossover: 1 to 5 bands");
    for (int k = 0; k + 1 < p.numBands; ++k) {
        const double f = p.crossoverHz[static_cast<std::size_t>(k)];
        if (!(f >= 20.0 && f <= 0.45 * sampleRate))
            return fail("crossover: frequency " + std::to_string(f) + " Hz outside 20 Hz .. 0.45 x sample rate");
        if (k > 0 && !(f > p.crossoverHz[static_cast<std::size_t>(k - 1)]))
            return fail("crossover: frequencies must ascend");
    }
    if (p.soloBand < -1 || p.soloBand >= p.numBands) return fail("crossover: solo band must be -1 (off) or a band index");
    return success();
}

Status Crossover::prepare(const ProcessSpec& spec) {
    if (auto status = validate(params_, spec.sampleRate); !status.ok()) return status;
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("crossover: bad channel count");
    spec_ = spec;
    std::vector<double> edges;
    for (int k = 0; k + 1 < params_.numBands; ++k) edges.push_back(params_.crossoverHz[static_cast<std::size_t>(k)]);
    linkwitzRiley_.reset();
    linearPhase_.reset();
    if (params_.type == Type::LinearPhase && !edges.empty()) {
        linearPhase_ = std::make_unique<LinearPhaseBandSplitter>();
        if (auto status = linearPhase_->prepare(spec.sampleRate, spec.numChannels, edges); !status.ok()) return status;
    } else {
        linkwitzRiley_ = std::make_unique<LinkwitzRileyBandSplitter>();
        linkwitzRiley_->prepare(spec.sampleRate, spec.numChannels, edges);
    }
    scratch_.clear();
    for (int j = 0; j < params_.numBands; ++j) scratch_.emplace_back(spec.numChannels, spec.maxBlockFrames);
    return success();
}

void Crossover::reset() noexcept {
    if (linkwitzRiley_) linkwitzRiley_->reset();
    if (linearPhase_) linearPhase_->reset();
}

int Crossover::latencyFrames() const noexcept {
    return linearPhase_ ? static_cast<int>(linearPhase_->latencyFrames()) : 0;
}

void Crossover::split(ConstAudioBlock input, std::span<const AudioBlock> bands) noexcept {
    assert(static_cast<int>(bands.size()) == params_.numBands);
    if (linearPhase_) linearPhase_->split(input, bands);
    else linkwitzRiley_->split(input, bands);
}

void Crossover::process(AudioBlock block) noexcept {
    const std::size_t n = block.numFrames();
    std::array<AudioBlock, kMaxBands> bands;
    for (std::size_t j = 0; j < scratch_.size(); ++j) bands[j] = scratch_[j].block().slice(0, n);
    split(block, std::span<const AudioBlock>(bands.data(), scratch_.size()));
    sumBands(std::span<const AudioBlock>(bands.data(), scratch_.size()), block, params_.soloBand);
}

void Crossover::sumBands(std::span<const AudioBlock> bands, AudioBlock output, int soloBand) noexcept {
    const std::size_t n = output.numFrames();
    for (int c = 0; c < output.numChannels(); ++c) {
        float* out = output.channelData(c);
        if (soloBand >= 0) {
            std::copy_n(bands[static_cast<std::size_t>(soloBand)].channelData(c), n, out);
            continue;
        }
        std::fill_n(out, n, 0.0f);
        for (const AudioBlock& band : bands) {
            const float* in = band.channelData(c);
            for (std::size_t i = 0; i < n; ++i) out[i] += in[i];
        }
    }
}

std::complex<double> Crossover::bandResponse(int band, double frequencyHz) const noexcept {
    if (linearPhase_) {
        const double w = 2.0 * std::numbers::pi * frequencyHz / spec_.sampleRate;
        return linearPhase_->bandAmplitude(band, frequencyHz) *
               std::polar(1.0, -w * static_cast<double>(linearPhase_->latencyFrames()));
    }
    return linkwitzRiley_->bandResponse(band, frequencyHz);
}

}  // namespace lathe::dsp
