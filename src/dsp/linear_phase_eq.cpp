#include "lathe/dsp/linear_phase_eq.h"

#include <algorithm>
#include <cmath>

#include "dsp/fft_convolver.h"

namespace lathe::dsp {

LinearPhaseEq::LinearPhaseEq(LinearPhaseEqParams params) : params_(std::move(params)) {}

LinearPhaseEq::~LinearPhaseEq() = default;

Status LinearPhaseEq::prepare(const ProcessSpec& spec) {
    if (!(spec.sampleRate > 0.0)) return fail("linear-phase EQ: the sample rate must be positive");
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels) return fail("linear-phase EQ: unsupported channel count");
    if (spec.maxBlockFrames < 1) return fail("linear-phase EQ: maxBlockFrames must be at least 1");
    if (!(params_.crossfadeMs >= 0.0 && params_.crossfadeMs <= 10000.0))
        return fail("linear-phase EQ: crossfadeMs must lie in [0, 10000]");
    auto designed = designLinearPhaseFir(params_.design, spec.sampleRate);
    if (!designed) return designed.error();
    auto convolver = std::make_unique<FftConvolver>();
    const auto length = std::size_t(designed->length());
    if (auto status = convolver->prepare(spec.numChannels, length, 2); !status) return status;
    if (auto status = convolver->setKernel(0, designed->taps()); !status) return status;

    const std::lock_guard lock(setCurveMutex_);
    spec_ = spec;
    design_ = std::make_unique<FirDesign>(std::move(designed.value()));
    latencyFrames_ = design_->latencyFrames();
    convolver_ = std::move(convolver);
    fadeScratch_.resize(spec.numChannels, spec.maxBlockFrames);
    fadeFrames_ = std::max<std::size_t>(1, std::size_t(std::llround(params_.crossfadeMs * 1e-3 * spec.sampleRate)));
    activeKernel_.store(0, std::memory_order_relaxed);
    fadingKernel_ = 1;
    fadePosition_ = 0;
    curveState_.store(kIdle, std::memory_order_release);
    reset();
    return success();
}

Status LinearPhaseEq::setCurve(const FirDesignParams& design) {
    const std::lock_guard lock(setCurveMutex_);
    if (!convolver_) return fail("linear-phase EQ: setCurve() before prepare()");
    FirDesignParams fixedLength = design;
    fixedLength.lengthFrames = design_->length();
    auto designed = designLinearPhaseFir(fixedLength, spec_.sampleRate);
    if (!designed) return designed.error();
    // Only an idle stage has a free slot: the audio thread reads the active one, and the other one
    // too while fading.
    if (curveState_.load(std::memory_order_acquire) != kIdle)
        return fail("linear-phase EQ: the previous curve change is still in progress; try again after the crossfade");
    const int freeSlot = 1 - activeKernel_.load(std::memory_order_relaxed);
    if (auto status = convolver_->setKernel(freeSlot, designed->taps()); !status) return status;
    design_ = std::make_unique<FirDesign>(std::move(designed.value()));
    curveState_.store(kPending, std::memory_order_release);
    return success();
}

void LinearPhaseEq::reset() noexcept {
    if (!convolver_) return;
    if (curveState_.load(std::memory_order_acquire) == kPending)
        activeKernel_.store(1 - activeKernel_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    fadePosition_ = 0;
    curveState_.store(kIdle, std::memory_order_release);
    convolver_->reset();
}

int LinearPhaseEq::latencyFrames() const noexcept { return latencyFrames_; }

void LinearPhaseEq::process(AudioBlock block) noexcept {
    if (!convolver_) return;
    const int state = curveState_.load(std::memory_order_acquire);
    int active = activeKernel_.load(std::memory_order_relaxed);
    if (state == kPending) {
        fadingKernel_ = active;
        active = 1 - active;
        activeKernel_.store(active, std::memory_order_relaxed);
        fadePosition_ = 0;
        curveState_.store(kFading, std::memory_order_relaxed);
    }
    std::size_t done = 0;
    if (curveState_.load(std::memory_order_relaxed) == kFading) {
        const std::size_t frames = std::min(block.numFrames(), fadeFrames_ - fadePosition_);
        const AudioBlock part = block.slice(0, frames);
        const AudioBlock old = fadeScratch_.block().slice(0, frames);
        convolver_->processTwo(part, part, active, old, fadingKernel_);
        for (int c = 0; c < block.numChannels(); ++c) {
            float* out = part.channelData(c);
            const float* outgoing = old.channelData(c);
            for (std::size_t i = 0; i < frames; ++i) {
                const float mix = float(double(fadePosition_ + i + 1) / double(fadeFrames_));
                out[i] = outgoing[i] + mix * (out[i] - outgoing[i]);
            }
        }
        fadePosition_ += frames;
        done = frames;
        if (fadePosition_ == fadeFrames_) curveState_.store(kIdle, std::memory_order_release);
    }
    if (done < block.numFrames()) {
        const AudioBlock rest = block.slice(done, block.numFrames() - done);
        convolver_->process(rest, rest, active);
    }
}

}  // namespace lathe::dsp
