#pragma once
// Linear-phase FIR equaliser from an arbitrary magnitude curve (tonal matching, corrective curves).
//
// prepare() designs the filter for the sample rate (designLinearPhaseFir, fir_design.h: frequency
// sampling, optional fractional-octave smoothing, Kaiser or Blackman-Harris window, automatic or
// fixed odd length N) and convolves with it through FftConvolver: zero-latency uniformly
// partitioned overlap-save on FFTW plans made in prepare() (FFTW_ESTIMATE: same bits every run).
// Latency: (N - 1) / 2 frames (the filter's own, exactly constant group delay; the convolution
// adds none). Every channel gets the same filter.
//
// Curve changes: setCurve() designs the new filter (allocates; call it off the audio thread, one
// caller at a time) at the prepared sample rate and length, so latency never changes, and loads it
// into a second kernel slot. The next process() call starts a linear crossfade over crossfadeMs from
// the old filter's output to the new one's; both filters see the same input history, so the mix is
// itself a linear-phase filter at every instant and the new filter's output is exact from its first
// frame. While a change is pending or fading, setCurve() returns an error (retry later); reset()
// completes any change at once. The hand-over uses one atomic state word, no locks in process().
//
// Real-time contract (stage.h): prepare() and setCurve() allocate; reset() and process() never
// allocate, lock, log or throw.

#include <atomic>
#include <memory>
#include <mutex>

#include "lathe/audio_buffer.h"
#include "lathe/dsp/fir_design.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

class FftConvolver;

struct LinearPhaseEqParams {
    FirDesignParams design;
    double crossfadeMs = 50.0;  // curve changes through setCurve()
};

class LinearPhaseEq final : public Stage {
public:
    explicit LinearPhaseEq(LinearPhaseEqParams params = {});
    ~LinearPhaseEq() override;
    LinearPhaseEq(const LinearPhaseEq&) = delete;
    LinearPhaseEq& operator=(const LinearPhaseEq&) = delete;

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "linear-phase EQ"; }

    // Designs `design` (its lengthFrames is ignored: the prepared length is kept) and hands it to the
    // audio thread. Errors: not prepared, design errors, or a previous change still in progress.
    Status setCurve(const FirDesignParams& design);
    // The design in use after prepare() or the last successful setCurve() (null before prepare()).
    // Not synchronised with setCurve(): read it from the thread that calls setCurve().
    [[nodiscard]] const FirDesign* design() const noexcept { return design_.get(); }

private:
    enum CurveState : int { kIdle = 0, kPending = 1, kFading = 2 };

    LinearPhaseEqParams params_;
    ProcessSpec spec_{};
    std::unique_ptr<FirDesign> design_;
    std::unique_ptr<FftConvolver> convolver_;
    AudioBuffer fadeScratch_;               // the outgoing filter's output during a crossfade
    std::mutex setCurveMutex_;              // serialises setCurve() callers (never taken by process())
    std::atomic<int> curveState_{kIdle};    // kIdle -> kPending (setCurve) -> kFading -> kIdle (process)
    std::atomic<int> activeKernel_{0};      // written by the audio thread only
    int latencyFrames_ = 0;                 // fixed at prepare(): setCurve() keeps the length
    int fadingKernel_ = 1;
    std::size_t fadeFrames_ = 1;
    std::size_t fadePosition_ = 0;
};

}  // namespace lathe::dsp
