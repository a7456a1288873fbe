#include "lathe/analysis/true_peak_meter.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <string>

#include "dsp/fir_kernel.h"

namespace lathe::analysis {

namespace {


// Interpolator: passband to 0.48 fs, 60 dB (0.1 % ripple), 4x as a half-band cascade: the true-peak
// limiter's detection filter (dsp/true_peak_limiter.cpp).
constexpr double kPassbandFraction = 0.48;
constexpr double kStopbandDb = 60.0;
constexpr int kFactor = dsp::HalfbandCascade::kFactor;  // L
constexpr std::size_t kChunkFrames = 512;      // frames per pass: the branch rows stay in L1 cache
constexpr std::size_t kScanTile = 16;          // frames per pruning test
// The vertex of the parabola through a local maximum b of |y| and neighbours a, c <= b (all >= 0) is
// at most b + b / 8 (reached for a = b, c = 0). Positions below peak / 1.25 cannot raise the reading.
constexpr double kMaxRefinementGain = 1.25;

double refinedPeak(double left, double centre, double right) noexcept {
    const double curvature = left - 2.0 * centre + right;
    if (!(curvature < 0.0)) return centre;  // flat (or non-finite): the sample itself
    const double offset = 0.5 * (left - right) / curvature;  // in [-1/2, 1/2] oversampled samples
    return centre - 0.25 * (left - right) * offset;
}

// rows[p][t]: branch p (oversampled position t * L + p) at base frame t; readable for t in [-1, n]
// for branch 0 and [-1, n) for the others. Returns |y| at (t, p), refined if it is a local maximum.
double positionPeak(const float* const* rows, int factor, std::ptrdiff_t t, int p) noexcept {
    const double centre = std::fabs(rows[p][t]);
    const double left = std::fabs(p > 0 ? rows[p - 1][t] : rows[factor - 1][t - 1]);
    const double right = std::fabs(p + 1 < factor ? rows[p + 1][t] : rows[0][t + 1]);
    if (centre >= left && centre >= right) return refinedPeak(left, centre, right);
    return centre;
}

}  // namespace

Status TruePeakMeter::prepare(double sampleRate, int numChannels, std::size_t maxBlockFrames) {
    TruePeakMeterOptions options;
    options.maxBlockFrames = maxBlockFrames;
    return prepare(sampleRate, numChannels, options);
}

Status TruePeakMeter::prepare(double sampleRate, int numChannels, const TruePeakMeterOptions& options) {
    if (!(sampleRate >= 1000.0 && sampleRate <= 1e6))
        return fail("true-peak meter: sample rate must lie in [1 kHz, 1 MHz], got " + std::to_string(sampleRate));
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("true-peak meter: channel count must be 1 to " + std::to_string(kMaxChannels) + ", got " +
                    std::to_string(numChannels));
    if (!(options.countAboveLinear >= 0.0))
        return fail("true-peak meter: countAboveLinear must be >= 0 (0 turns counting off)");
    if (auto status = cascade_.prepare(kPassbandFraction, kStopbandDb); !status.ok())
        return fail("true-peak meter: " + status.error().message);
    historyFrames_ = cascade_.historyFrames();
    // Every frame from the end on whose rows still read an input frame (plus one to spare).
    tailFrames_ = static_cast<std::size_t>(historyFrames_) + 1;
    numChannels_ = numChannels;
    countAboveLinear_ = static_cast<float>(options.countAboveLinear);

    const auto history = static_cast<std::size_t>(historyFrames_);
    const auto channels = static_cast<std::size_t>(numChannels);
    history_.assign(channels * (history + kChunkFrames), 0.0f);
    branches_.assign(2 * (kChunkFrames + 1), 0.0f);
    const std::size_t halfLead = cascade_.halfRowLead();
    half_.assign(halfLead + kChunkFrames, 0.0f);
    framePeak_.assign(kChunkFrames, 0.0f);
    tailInput_.assign(history + tailFrames_ + 1, 0.0f);
    tailBranches_.assign(2 * (tailFrames_ + 1), 0.0f);
    tailHalf_.assign(halfLead + tailFrames_, 0.0f);
    peak_.assign(channels, 0.0);
    count_.assign(channels, 0);
    return success();
}

void TruePeakMeter::computeRows(const float* x, std::size_t n, float* branches, std::size_t stride, float* half,
                                const float** rows) const noexcept {
    cascade_.rows(x, 0, n, half, branches + 1, branches + stride + 1, rows);
}

void TruePeakMeter::reset() noexcept {
    std::fill(history_.begin(), history_.end(), 0.0f);
    std::fill(peak_.begin(), peak_.end(), 0.0);
    std::fill(count_.begin(), count_.end(), 0);
}

void TruePeakMeter::process(ConstAudioBlock block) noexcept {
    assert(block.numChannels() == numChannels_);
    const std::size_t frames = block.numFrames();
    for (std::size_t offset = 0; offset < frames; offset += kChunkFrames) {
        const std::size_t n = std::min(kChunkFrames, frames - offset);
        for (int c = 0; c < numChannels_; ++c) processChunk(c, block.channelData(c) + offset, n);
    }
}

// Glossary: x = input frames of this chunk (x[-H .. -1] the previous ones, H = historyFrames_);
// rows[p][t] = branch p of the oversampled signal at frame t, i.e. y[t L + p] delayed; framePeak[t] =
// max_p |rows[p][t]|; peak = this channel's reading so far (never above the final reading).
void TruePeakMeter::processChunk(int channel, const float* input, std::size_t n) noexcept {
    const int l = kFactor;
    const auto history = static_cast<std::size_t>(historyFrames_);
    float* buffer = history_.data() + static_cast<std::size_t>(channel) * (history + kChunkFrames);
    std::copy(input, input + n, buffer + history);
    const float* x = buffer + history;

    const float* rows[kFactor];
    computeRows(x, n, branches_.data(), kChunkFrames + 1, half_.data(), rows);

    float* framePeak = framePeak_.data();
    for (std::size_t t = 0; t < n; ++t) framePeak[t] = std::fabs(rows[0][t]);
    for (int p = 1; p < l; ++p) {
        const float* row = rows[p];
        for (std::size_t t = 0; t < n; ++t) {
            const float a = std::fabs(row[t]);
            framePeak[t] = a > framePeak[t] ? a : framePeak[t];  // NaN never wins
        }
    }

    double peak = peak_[static_cast<std::size_t>(channel)];
    for (std::size_t t0 = 0; t0 < n; t0 += kScanTile) {
        const std::size_t end = std::min(n, t0 + kScanTile);
        float tileMax = 0.0f;
        for (std::size_t t = t0; t < end; ++t) tileMax = framePeak[t] > tileMax ? framePeak[t] : tileMax;
        if (tileMax > peak) peak = tileMax;  // a raw sample never exceeds the refined maximum
        if (double(tileMax) * kMaxRefinementGain < peak) continue;
        for (std::size_t t = t0; t < end; ++t) {
            if (double(framePeak[t]) * kMaxRefinementGain < peak) continue;
            for (int p = 0; p < l; ++p) {
                const double value = positionPeak(rows, l, static_cast<std::ptrdiff_t>(t), p);
                if (value > peak) peak = value;
            }
        }
    }
    peak_[static_cast<std::size_t>(channel)] = peak;

    if (countAboveLinear_ > 0.0f) {
        std::int32_t above = 0;
        for (int p = 0; p < l; ++p) {
            const float* row = rows[p];
            for (std::size_t t = 0; t < n; ++t) above += std::fabs(row[t]) > countAboveLinear_ ? 1 : 0;
        }
        count_[static_cast<std::size_t>(channel)] += above;
    }
    std::copy(buffer + n, buffer + n + history, buffer);  // keep the last K frames
}

// The filter's tail: frames N .. N + K - 1 of the oversampled signal (N = frames processed) still
// depend on the last input frames. They are computed here, as if silence followed, with the same
// arithmetic (the scalar twin), so the reading equals that of process()-ing K more zero frames.
double TruePeakMeter::channelPeakWithTail(int channel, std::int64_t* countOut) const noexcept {
    const int l = kFactor;
    const auto history = static_cast<std::size_t>(historyFrames_);
    const float* buffer = history_.data() + static_cast<std::size_t>(channel) * (history + kChunkFrames);
    std::fill(tailInput_.begin(), tailInput_.end(), 0.0f);  // the last input frames, then silence
    std::copy(buffer, buffer + history, tailInput_.begin());
    const float* x = tailInput_.data() + history;
    const float* rows[kFactor];
    computeRows(x, tailFrames_, tailBranches_.data(), tailFrames_ + 1, tailHalf_.data(), rows);
    const auto k = static_cast<int>(tailFrames_);
    double peak = peak_[static_cast<std::size_t>(channel)];
    std::int64_t above = count_[static_cast<std::size_t>(channel)];
    for (int t = 0; t < k; ++t)
        for (int p = 0; p < l; ++p) {
            const double value = positionPeak(rows, l, t, p);
            if (value > peak) peak = value;
            if (countAboveLinear_ > 0.0f && std::fabs(rows[p][t]) > countAboveLinear_) ++above;
        }
    if (countOut) *countOut = above;
    return peak;
}

int TruePeakMeter::oversamplingFactor() const noexcept { return kFactor; }

double TruePeakMeter::truePeakLinear() const noexcept {
    double peak = 0.0;
    for (int c = 0; c < numChannels_; ++c) peak = std::max(peak, channelPeakWithTail(c, nullptr));
    return peak;
}

double TruePeakMeter::truePeakDbtp() const noexcept {
    const double peak = truePeakLinear();
    if (peak <= 0.0) return -std::numeric_limits<double>::infinity();
    return 20.0 * std::log10(peak);
}

std::vector<double> TruePeakMeter::channelTruePeakLinear() const {
    std::vector<double> peaks(static_cast<std::size_t>(numChannels_));
    for (int c = 0; c < numChannels_; ++c) peaks[static_cast<std::size_t>(c)] = channelPeakWithTail(c, nullptr);
    return peaks;
}

std::int64_t TruePeakMeter::countAbove() const noexcept {
    std::int64_t total = 0;
    for (int c = 0; c < numChannels_; ++c) {
        std::int64_t above = 0;
        (void)channelPeakWithTail(c, &above);
        total += above;
    }
    return total;
}

}  // namespace lathe::analysis
