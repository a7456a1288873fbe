#pragma once
// Predicts the integrated loudness (ITU-R BS.1770-4) of the true-peak limiter's output as a
// function of its input gain, without running the limiter, so that the loudness iteration of
// masterFile() renders the limiter once, at the predicted gain, instead of searching with renders.
//   prepare()       one pass over the limiter's input: per frame, the reading of the main stage's
//                   detectors (TruePeakLimiter::mainStageDesign); per 10 ms hop, the
//                   K-weighted input's energy and the K-weighting filters' state at its start;
//   predictLufs(g)  the main stage's gain computer (its LimiterGainEnvelope) on the readings scaled
//                   by g gives the gain per frame; the output's K-weighted signal is K(x) + K((gain
//                   - 1) x) (K-weighting is linear): where the gain is not 1, and for 100 ms after
//                   (the filter's decay to 1e-9), both are filtered again (K(x) from its hop's
//                   state) and the hop's energy corrected; then the LoudnessMeter's 400 ms blocks
//                   (10 ms grid, 100 ms step) and gates.
// Left out: the safety stage
// (corrections of thousandths of a dB on few frames, if any) and rounding. Against rendering
// (tests/mastering/limiter_loudness_model_test.cpp): within 0.003 LU while the limiter takes up to
// 0.6 LU, 0.02 LU when it takes 4 LU (the model limits a little less).
// Offline, not a real-time stage. prepare() keeps one float per input frame and a view of the
// input, which must outlive the model's use.

#include <array>
#include <cstdint>
#include <vector>

#include "analysis/k_weighting.h"
#include "analysis/k_weighting_filter.h"
#include "lathe/audio_buffer.h"
#include "lathe/dsp/limiter_gain_envelope.h"
#include "lathe/dsp/true_peak_limiter.h"
#include "lathe/result.h"

namespace lathe::mastering {

class LimiterLoudnessModel {
public:
    // params.inputGainDb is ignored (the gain is predictLufs()'s argument).
    Status prepare(ConstAudioBlock input, double sampleRate, const dsp::TruePeakLimiterParams& params);
    // Integrated loudness of the limiter's output for this input gain; -70 when nothing passes the gates.
    [[nodiscard]] double predictLufs(double inputGainDb);
    // Integrated loudness of the input itself (no gain, no limiter); -70 when nothing passes the gates.
    [[nodiscard]] double inputLufs() const;
    // The input's largest reading by the limiter's main-stage detectors (its true peak as the limiter
    // sees it, 4x oversampled), dBTP; -infinity for silence.
    [[nodiscard]] double peakReadingDbtp() const;
    // Input gain (dB) whose predicted loudness is wantLufs within 0.002 LU (secant from startGainDb,
    // at most 12 dB a step; the best one found after 10 predictions otherwise).
    [[nodiscard]] double solveGainDb(double wantLufs, double startGainDb);
    // A new ceiling for the same limiter (only the level it limits to changes).
    Status setCeilingDbtp(double ceilingDbtp);

private:
    [[nodiscard]] double gatedLufs(const std::vector<double>& hopEnergy, double scale) const;
    // The change of the channel-weighted sum of squares of the K-weighted output over input frames
    // [start, start + count) of one hop, whose gains are gains[0 .. count): K(x) continues from
    // `input` (the state at frame `start`), K((gain - 1) x) from `difference`.
    [[nodiscard]] double outputEnergyChange(analysis::KWeightingState* input, analysis::KWeightingState* difference,
                                            const float* gains, std::size_t start, std::size_t count) const noexcept;

    dsp::TruePeakLimiterParams params_;
    dsp::TruePeakLimiter::MainStageDesign design_;
    dsp::LimiterGainEnvelope envelope_;
    analysis::KWeighting kWeighting_;
    ConstAudioBlock input_;
    double sampleRate_ = 48000.0;
    std::size_t frames_ = 0;
    std::size_t delayFrames_ = 0;               // detector + envelope latency: gain m is for input frame m - delay
    std::size_t tailFrames_ = 0;                // K-weighting decay followed after the gain returns to 1
    std::vector<float> readings_;               // per detector frame (input frame + detector latency)
    std::vector<analysis::KWeightingState> hopStates_;  // per hop, per channel: K-weighting state at its start
    std::vector<double> channelWeights_;
    std::vector<std::int64_t> hopBoundaries_;   // first frame of each 10 ms hop, then the end of the last whole hop
    std::vector<double> unityHopEnergy_;        // per hop: the channel-weighted sum of K(x)^2
    std::vector<double> hopEnergy_;             // scratch for predictLufs()
    std::vector<float> required_, gains_;       // scratch: one chunk
};

}  // namespace lathe::mastering
