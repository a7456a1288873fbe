#include "lathe/dsp/true_peak_detector.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/fir_kernel.h"
#include "dsp/vector_types.h"
#include "lathe/dsp/halfband_cascade.h"

namespace lathe::dsp {

namespace {

using detail::accumulateFirOne;
using detail::firBlock;

constexpr std::size_t kChunkFrames = 512;  // frames per pass: the branch rows stay in L1 cache
constexpr std::size_t kScanTile = 16;      // frames per decision to refine exactly
// Bounds the parabola's vertex over the raw maximum (at most 9 / 8 of it), with room for rounding.
constexpr float kMaxRefinementGain = 1.25f;

// |y| at an oversampled position with magnitudes a0, a1, a2 (left, centre, right): when a1 is a
// local maximum with positive curvature, the vertex of the parabola through the three. The
// arithmetic is fixed (float, this order; the vertex is computed either way, so the loops below
// vectorise): readings are bit-identical whatever path computes them.
inline float refined(float a0, float a1, float a2) noexcept {
    const float curvature = 2.0f * a1 - a0 - a2;
    const float slope = a0 - a2;
    const float vertex = a1 + slope * slope / (8.0f * curvature);
    return ((a1 >= a0) & (a1 >= a2) & (curvature > 0.0f)) ? vertex : a1;
}

inline float maxIgnoringNan(float accumulator, float value) noexcept { return value > accumulator ? value : accumulator; }

// The same on four frames at once (GCC/Clang vector extensions, lowered to the baseline ISA):
// lane by lane the operations of refined() and maxIgnoringNan() (larger4, dsp/vector_types.h), so
// the results are identical.
inline Float4 abs4(Float4 v) noexcept { return reinterpret_cast<Float4>(reinterpret_cast<Int4>(v) & 0x7fffffff); }
inline Float4 refined4(Float4 a0, Float4 a1, Float4 a2) noexcept {
    const Float4 curvature = 2.0f * a1 - a0 - a2;
    const Float4 slope = a0 - a2;
    const Float4 vertex = a1 + slope * slope / (8.0f * curvature);
    return ((a1 >= a0) & (a1 >= a2) & (curvature > 0.0f)) ? vertex : a1;
}

// peaks[t] = max(peaks[t], refined |y| at the position whose row is `centre`), t in [t0, t1).
void refinePass(const float* left, const float* centre, const float* right, std::size_t t0, std::size_t t1, float* peaks) noexcept {
    std::size_t t = t0;
    for (; t + 4 <= t1; t += 4) {
        const Float4 value = refined4(abs4(load4(left + t)), abs4(load4(centre + t)), abs4(load4(right + t)));
        store4(peaks + t, larger4(load4(peaks + t), value));
    }
    for (; t < t1; ++t) peaks[t] = maxIgnoringNan(peaks[t], refined(std::fabs(left[t]), std::fabs(centre[t]), std::fabs(right[t])));
}

// Exact readings of one channel for frames [t0, t1), folded into peaks[] (the channel maximum).
// rows[p][t] is branch p at frame t, readable for t in [t0 - 1, t1). The oversampled sequence of
// frame t is rows[0][t], ..., rows[L-1][t]; the frame's reading is the largest of the refined values
// at positions (t-1, L-1), (t, 0) .. (t, L-2) and the raw value at (t, L-1) (whose refinement needs
// the next frame and counts there). NaN values never win (as in a max that ignores them).
void exactPeaks(int l, const float* const* rows, std::size_t t0, std::size_t t1, float* peaks) noexcept {
    refinePass(rows[l - 2] - 1, rows[l - 1] - 1, rows[0], t0, t1, peaks);  // (t-1, L-1)
    refinePass(rows[l - 1] - 1, rows[0], rows[1], t0, t1, peaks);          // (t, 0)
    for (int p = 1; p + 1 < l; ++p) refinePass(rows[p - 1], rows[p], rows[p + 1], t0, t1, peaks);
    const float* last = rows[l - 1];
    for (std::size_t t = t0; t < t1; ++t) peaks[t] = maxIgnoringNan(peaks[t], std::fabs(last[t]));
}

}  // namespace

namespace {
Result<HalfbandCascade> designCascade(const OversamplerParams& params) {
    if (params.factor != HalfbandCascade::kFactor) return fail("true-peak detector: the half-band cascade oversamples by 4 only");
    HalfbandCascade cascade;
    if (auto status = cascade.prepare(params.passbandFraction, params.stopbandAttenuationDb); !status.ok())
        return fail("true-peak detector: " + status.error().message);
    return cascade;
}
}  // namespace

Result<int> TruePeakDetector::naturalLatencyFrames(const ProcessSpec& spec, const OversamplerParams& params, Interpolation interpolation) {
    if (interpolation == Interpolation::halfbandCascade) {
        auto cascade = designCascade(params);
        if (!cascade.ok()) return cascade.error();
        return cascade->latencyFrames();
    }
    Oversampler probe;
    ProcessSpec small = spec;
    small.maxBlockFrames = 1;
    if (auto status = probe.prepare(small, params); !status.ok()) return status.error();
    return static_cast<int>(std::ceil(probe.upsampleLatencyFrames()));
}

Status TruePeakDetector::prepare(const ProcessSpec& spec, const OversamplerParams& params, int minimumLatencyFrames,
                                 Interpolation interpolation) {
    if (params.factor < 2) return fail("true-peak detector: the oversampling factor must be at least 2");
    numChannels_ = spec.numChannels;
    chunkFrames_ = std::min(spec.maxBlockFrames, kChunkFrames);
    const auto channels = static_cast<std::size_t>(numChannels_);
    interpolation_ = interpolation;
    int natural = 0, history = 0, span = 0;  // the filter's delay, input it reads back, input a reading depends on
    if (interpolation_ == Interpolation::halfbandCascade) {
        auto cascade = designCascade(params);
        if (!cascade.ok()) return cascade.error();
        cascade_ = std::move(*cascade);
        factor_ = HalfbandCascade::kFactor;
        tapsPerPhase_ = 0;
        natural = cascade_.latencyFrames();
        history = cascade_.historyFrames();
        span = cascade_.spanFrames();
        halfRow_.assign(channels * (chunkFrames_ + cascade_.halfRowLead()), 0.0f);
        taps_.clear();
    } else {
        Oversampler design;
        ProcessSpec small = spec;
        small.maxBlockFrames = 1;
        if (auto status = design.prepare(small, params); !status.ok()) return status;
        factor_ = design.factor();
        tapsPerPhase_ = design.tapsPerPhase();
        // Branch 0 is the input delayed by K / 2 frames; the parabola looks one oversampled sample back.
        natural = static_cast<int>(std::ceil(design.upsampleLatencyFrames()));
        history = span = tapsPerPhase_;
        const auto k = static_cast<std::size_t>(tapsPerPhase_);
        taps_.resize(static_cast<std::size_t>(factor_ - 1) * k);
        for (int p = 1; p < factor_; ++p) {
            const auto taps = design.upsampleBranchTaps(p);
            std::copy(taps.begin(), taps.end(), taps_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(p - 1) * k));
        }
        halfRow_.clear();
    }
    latency_ = std::max(natural, minimumLatencyFrames);
    extraDelay_ = latency_ - natural;
    historyFrames_ = history + extraDelay_;
    spanFrames_ = span + extraDelay_;

    const auto branches = static_cast<std::size_t>(factor_ - 1);
    input_.assign(channels * (static_cast<std::size_t>(historyFrames_) + chunkFrames_), 0.0f);
    rows_.assign(channels * branches * (chunkFrames_ + 1), 0.0f);
    carry_.assign(channels * branches, 0.0f);
    rawPeak_.assign(chunkFrames_, 0.0f);
    computed_.assign((chunkFrames_ + kSkipTileFrames - 1) / kSkipTileFrames, 0);
    reset();
    return success();
}

void TruePeakDetector::reset() noexcept {
    std::fill(input_.begin(), input_.end(), 0.0f);
    std::fill(carry_.begin(), carry_.end(), 0.0f);  // the branches of silence
    carryValid_ = true;
}

float* TruePeakDetector::row(int channel, int branch) noexcept {
    const auto index = static_cast<std::size_t>(channel) * static_cast<std::size_t>(factor_ - 1) + static_cast<std::size_t>(branch - 1);
    return rows_.data() + index * (chunkFrames_ + 1);
}

void TruePeakDetector::process(ConstAudioBlock block, std::span<float> peaks, float floor) noexcept {
    for (std::size_t offset = 0; offset < block.numFrames(); offset += chunkFrames_) {
        const std::size_t n = std::min(chunkFrames_, block.numFrames() - offset);
        processChunk(block.slice(offset, n), peaks.data() + offset, floor, nullptr);
    }
}

void TruePeakDetector::process(ConstAudioBlock block, std::span<float> peaks, float floor, std::span<const std::uint8_t> needed) noexcept {
    for (std::size_t offset = 0; offset < block.numFrames(); offset += chunkFrames_) {
        const std::size_t n = std::min(chunkFrames_, block.numFrames() - offset);
        processChunk(block.slice(offset, n), peaks.data() + offset, floor, needed.data() + offset);
    }
}

void TruePeakDetector::processChunk(ConstAudioBlock block, float* peaks, float floor, const std::uint8_t* needed) noexcept {
    const std::size_t n = block.numFrames();
    const int l = factor_;
    const int k = tapsPerPhase_;
    const auto history = static_cast<std::size_t>(historyFrames_);
    const std::size_t stride = history + chunkFrames_;
    std::fill_n(peaks, n, 0.0f);
    if (n == 0) return;

    // Which skip tiles to compute.
    const std::size_t tiles = (n + kSkipTileFrames - 1) / kSkipTileFrames;
    for (std::size_t tile = 0; tile < tiles; ++tile) {
        const std::size_t t0 = tile * kSkipTileFrames, t1 = std::min(n, t0 + kSkipTileFrames);
        std::uint8_t any = needed == nullptr ? 1 : 0;
        if (needed != nullptr)
            for (std::size_t t = t0; t < t1; ++t) any |= needed[t];
        computed_[tile] = any != 0 ? 1 : 0;
    }

    // Per channel: append the chunk to the input history; x[t] is the filter's input at frame t
    // (the input e frames earlier), readable from t = -K.
    const float* x[kMaxChannels];
    for (int c = 0; c < numChannels_; ++c) {
        float* buffer = input_.data() + static_cast<std::size_t>(c) * stride;
        std::copy_n(block.channelData(c), n, buffer + history);
        x[c] = buffer + history - static_cast<std::size_t>(extraDelay_);
    }

    for (std::size_t tile = 0; tile < tiles;) {
        if (!computed_[tile]) {
            ++tile;
            continue;
        }
        std::size_t last = tile;
        while (last + 1 < tiles && computed_[last + 1]) ++last;
        const std::size_t a = tile * kSkipTileFrames, b = std::min(n, (last + 1) * kSkipTileFrames);
        tile = last + 1;

        // Branch rows for frames [a, b), plus frame a - 1 (the left neighbours of frame a).
        const float* rows[kMaxChannels][16];
        for (int c = 0; c < numChannels_; ++c) {
            if (interpolation_ == Interpolation::halfbandCascade) {
                float* half = halfRow_.data() + static_cast<std::size_t>(c) * (chunkFrames_ + cascade_.halfRowLead());
                cascade_.rows(x[c], a, b, half, row(c, 1) + 1, row(c, 3) + 1, rows[c]);
                continue;
            }
            rows[c][0] = x[c] - k / 2;
            for (int p = 1; p < l; ++p) {
                float* r = row(c, p) + 1;  // r[t]: frame t; r[-1] is slot 0
                const float* taps = taps_.data() + static_cast<std::size_t>(p - 1) * static_cast<std::size_t>(k);
                firBlock(taps, k, x[c] + a, r + a, b - a);
                if (a == 0 && carryValid_)
                    r[-1] = carry_[static_cast<std::size_t>(c * (l - 1) + p - 1)];
                else if (p >= l - 2)  // only the last two branches of frame a - 1 are looked at
                    r[static_cast<std::ptrdiff_t>(a) - 1] = accumulateFirOne(0.0f, taps, k, x[c] + a - 1);
                rows[c][p] = r;
            }
        }

        // Raw maxima over the channels, then exact readings where they could pass the floor.
        // One pass, four frames at a time; per frame the maxima are taken in the order channel,
        // then branch L-1 of the frame before, then branches 0 .. L-1 (as the scalar tail does).
        float* raw = rawPeak_.data();
        std::size_t t = a;
        for (; t + 4 <= b; t += 4) {
            Float4 m = {0.0f, 0.0f, 0.0f, 0.0f};
            for (int c = 0; c < numChannels_; ++c) {
                m = larger4(m, abs4(load4(rows[c][l - 1] - 1 + t)));
                for (int p = 0; p < l; ++p) m = larger4(m, abs4(load4(rows[c][p] + t)));
            }
            store4(raw + t, m);
        }
        for (; t < b; ++t) {
            float m = 0.0f;
            for (int c = 0; c < numChannels_; ++c) {
                m = maxIgnoringNan(m, std::fabs(rows[c][l - 1][t - 1]));
                for (int p = 0; p < l; ++p) m = maxIgnoringNan(m, std::fabs(rows[c][p][t]));
            }
            raw[t] = m;
        }
        for (std::size_t t0 = a; t0 < b; t0 += kScanTile) {
            const std::size_t t1 = std::min(b, t0 + kScanTile);
            // raw[] is never NaN (NaN values never win above), so the order of the maxima is free:
            // four lanes, then across them.
            Float4 lanes = {0.0f, 0.0f, 0.0f, 0.0f};
            std::size_t u = t0;
            for (; u + 4 <= t1; u += 4) lanes = larger4(lanes, load4(raw + u));
            float tileMax = std::max(std::max(lanes[0], lanes[1]), std::max(lanes[2], lanes[3]));
            for (; u < t1; ++u) tileMax = maxIgnoringNan(tileMax, raw[u]);
            // !(<=): an infinite reading is refined too (it stays infinite).
            if (!(kMaxRefinementGain * tileMax <= floor)) {
                for (int c = 0; c < numChannels_; ++c) exactPeaks(l, rows[c], t0, t1, peaks);
            } else {
                std::copy(raw + t0, raw + t1, peaks + t0);
            }
        }
    }

    // The last frame's branches, for the next chunk.
    carryValid_ = computed_[tiles - 1] != 0 && interpolation_ == Interpolation::polyphase;
    if (carryValid_)
        for (int c = 0; c < numChannels_; ++c)
            for (int p = 1; p < l; ++p) carry_[static_cast<std::size_t>(c * (l - 1) + p - 1)] = row(c, p)[n];
    for (int c = 0; c < numChannels_; ++c) {
        float* buffer = input_.data() + static_cast<std::size_t>(c) * stride;
        std::copy(buffer + n, buffer + n + history, buffer);  // keep the last K + e frames
    }
}

}  // namespace lathe::dsp
