#include "lathe/dsp/true_peak_detector.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "dsp/fir_kernel.h"
#include "dsp/kaiser_sinc.h"

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
// lane by lane the operations of refined() and maxIgnoringNan(), so the results are identical.
using Float4 = float __attribute__((vector_size(16)));
using Int4 = std::int32_t __attribute__((vector_size(16)));

inline Float4 load4(const float* p) noexcept {
    Float4 v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store4(float* p, Float4 v) noexcept { std::memcpy(p, &v, sizeof v); }
inline Float4 abs4(Float4 v) noexcept { return reinterpret_cast<Float4>(reinterpret_cast<Int4>(v) & 0x7fffffff); }
inline Float4 refined4(Float4 a0, Float4 a1, Float4 a2) noexcept {
    const Float4 curvature = 2.0f * a1 - a0 - a2;
    const Float4 slope = a0 - a2;
    const Float4 vertex = a1 + slope * slope / (8.0f * curvature);
    return ((a1 >= a0) & (a1 >= a2) & (curvature > 0.0f)) ? vertex : a1;
}
inline Float4 max4IgnoringNan(Float4 accumulator, Float4 value) noexcept { return value > accumulator ? value : accumulator; }

// peaks[t] = max(peaks[t], refined |y| at the position whose row is `centre`), t in [t0, t1).
void refinePass(const float* left, const float* centre, const float* right, std::size_t t0, std::size_t t1, float* peaks) noexcept {
    std::size_t t = t0;
    for (; t + 4 <= t1; t += 4) {
        const Float4 value = refined4(abs4(load4(left + t)), abs4(load4(centre + t)), abs4(load4(right + t)));
        store4(peaks + t, max4IgnoringNan(load4(peaks + t), value));
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
// The two half-band stages of Interpolation::halfbandCascade (factor 4): stage 1 with the requested
// passband p and attenuation at 2x; stage 2 at 4x, passband (1 - p) / 2 of the 2x rate (all that
// stage 1 lets through, its transition band included), with K2 a multiple of 4 so that its delay
// K2 / 2 (2x samples) is a whole number of base-rate frames.
// Stage 2 is short, so it gets 20 dB more than asked: its passband ripple (which adds to stage 1's)
// then stays a tenth of stage 1's, and the cascade reads like the polyphase filter of the same spec.
constexpr double kStage2ExtraDb = 20.0;
struct Cascade {
    KaiserSincDesign stage1, stage2;
};
Result<Cascade> designCascade(const OversamplerParams& params) {
    if (params.factor != 4) return fail("true-peak detector: the half-band cascade oversamples by 4 only");
    auto stage1 = designKaiserSinc(2, params.passbandFraction, params.stopbandAttenuationDb);
    if (!stage1.ok()) return fail("true-peak detector: " + stage1.error().message);
    auto stage2 = designKaiserSinc(2, 0.5 * (1.0 - params.passbandFraction), params.stopbandAttenuationDb + kStage2ExtraDb, 4);
    if (!stage2.ok()) return fail("true-peak detector: " + stage2.error().message);
    return Cascade{std::move(*stage1), std::move(*stage2)};
}
int cascadeLatency(const Cascade& cascade) { return cascade.stage1.tapsPerPhase / 2 + cascade.stage2.tapsPerPhase / 4; }
}  // namespace

Result<int> TruePeakDetector::naturalLatencyFrames(const ProcessSpec& spec, const OversamplerParams& params, Interpolation interpolation) {
    if (interpolation == Interpolation::halfbandCascade) {
        auto cascade = designCascade(params);
        if (!cascade.ok()) return cascade.error();
        return cascadeLatency(*cascade);
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
    cascade_ = interpolation == Interpolation::halfbandCascade;
    int natural = 0;
    if (cascade_) {
        auto cascade = designCascade(params);
        if (!cascade.ok()) return cascade.error();
        factor_ = 4;
        tapsPerPhase_ = cascade->stage1.tapsPerPhase;
        stage2Half_ = cascade->stage2.tapsPerPhase / 2;
        natural = cascadeLatency(*cascade);
        // Branch 1 of each 2x stage: prototype taps 1, 3, 5, ...; stage 2's split into even and odd.
        stage1Taps_.resize(static_cast<std::size_t>(tapsPerPhase_));
        for (std::size_t j = 0; j < stage1Taps_.size(); ++j) stage1Taps_[j] = static_cast<float>(cascade->stage1.taps[2 * j + 1]);
        stage2Even_.resize(static_cast<std::size_t>(stage2Half_));
        stage2Odd_.resize(static_cast<std::size_t>(stage2Half_));
        for (std::size_t i = 0; i < stage2Even_.size(); ++i) {
            stage2Even_[i] = static_cast<float>(cascade->stage2.taps[4 * i + 1]);
            stage2Odd_[i] = static_cast<float>(cascade->stage2.taps[4 * i + 3]);
        }
        halfRow_.assign(channels * (chunkFrames_ + static_cast<std::size_t>(stage2Half_) + 1), 0.0f);
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
        const auto k = static_cast<std::size_t>(tapsPerPhase_);
        taps_.resize(static_cast<std::size_t>(factor_ - 1) * k);
        for (int p = 1; p < factor_; ++p) {
            const auto taps = design.upsampleBranchTaps(p);
            std::copy(taps.begin(), taps.end(), taps_.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(p - 1) * k));
        }
        stage2Half_ = 0;
        halfRow_.clear();
    }
    latency_ = std::max(natural, minimumLatencyFrames);
    extraDelay_ = latency_ - natural;
    // The cascade computes each run from frame a - 1 and reads stage 1 K2 / 2 + 1 frames further back.
    historyFrames_ = tapsPerPhase_ + (cascade_ ? stage2Half_ + 1 : 0) + extraDelay_;

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

// Rows of the half-band cascade for frames [a - 1, b) of one channel, from its filter input x
// (x[t] readable from t = -historyFrames_ + extraDelay_). With h = K2 / 2 and s = h / 2:
//   r0[t] = x[t - K1 / 2]                       stage 1, whole frames (a pure delay)
//   r2[t] = sum_j c_j x[t - j]                  stage 1, half frames (branch 1, K1 taps)
//   u = r0[0], r2[0], r0[1], r2[1], ...         the 2x sequence; stage 2's branch d = (e_i, o_i)
//   R1[t] = v[2 t]     = sum_i e_i r0[t - i] + o_i r2[t - 1 - i]     (quarter frames)
//   R3[t] = v[2 t + 1] = sum_i e_i r2[t - i] + o_i r0[t - i]         (three-quarter frames)
//   R0[t] = r0[t - s], R2[t] = r2[t - s]        delayed by stage 2's delay, so R0..R3 are the 4x
//                                               sequence at t - K1 / 2 - s + 0, 1/4, 1/2, 3/4.
void TruePeakDetector::cascadeRows(const float* x, std::size_t a, std::size_t b, int channel, const float** rows) noexcept {
    const int h = stage2Half_;
    const auto hs = static_cast<std::size_t>(h);
    const std::size_t lead = hs + 1;  // r2 is needed from frame a - h - 1
    float* half = halfRow_.data() + static_cast<std::size_t>(channel) * (chunkFrames_ + lead);
    float* r2 = half + lead;  // r2[t] for t in [a - h - 1, b)
    firBlock(stage1Taps_.data(), tapsPerPhase_, x + a - lead, r2 + a - lead, b - a + lead);
    const float* r0 = x - tapsPerPhase_ / 2;
    float* r1 = row(channel, 1) + 1;  // slot 0 is frame -1
    float* r3 = row(channel, 3) + 1;
    const std::ptrdiff_t first = static_cast<std::ptrdiff_t>(a) - 1;
    const std::size_t count = b - a + 1;
    firBlock(stage2Even_.data(), h, r0 + first, r1 + first, count);
    firBlock(stage2Odd_.data(), h, r2 + first - 1, r1 + first, count, r1 + first);
    firBlock(stage2Even_.data(), h, r2 + first, r3 + first, count);
    firBlock(stage2Odd_.data(), h, r0 + first, r3 + first, count, r3 + first);
    const std::ptrdiff_t s = h / 2;
    rows[0] = r0 - s;
    rows[1] = r1;
    rows[2] = r2 - s;
    rows[3] = r3;
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
        for (int c = 0; c < numChannels_ && cascade_; ++c) cascadeRows(x[c], a, b, c, rows[c]);
        for (int c = 0; c < numChannels_ && !cascade_; ++c) {
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
        float* raw = rawPeak_.data();
        std::fill(raw + a, raw + b, 0.0f);
        for (int c = 0; c < numChannels_; ++c) {
            const float* previous = rows[c][l - 1] - 1;  // previous[t]: branch L-1 of frame t - 1
            for (std::size_t t = a; t < b; ++t) raw[t] = maxIgnoringNan(raw[t], std::fabs(previous[t]));
            for (int p = 0; p < l; ++p) {
                const float* r = rows[c][p];
                for (std::size_t t = a; t < b; ++t) raw[t] = maxIgnoringNan(raw[t], std::fabs(r[t]));
            }
        }
        for (std::size_t t0 = a; t0 < b; t0 += kScanTile) {
            const std::size_t t1 = std::min(b, t0 + kScanTile);
            float tileMax = 0.0f;
            for (std::size_t t = t0; t < t1; ++t) tileMax = maxIgnoringNan(tileMax, raw[t]);
            // !(<=): an infinite reading is refined too (it stays infinite).
            if (!(kMaxRefinementGain * tileMax <= floor)) {
                for (int c = 0; c < numChannels_; ++c) exactPeaks(l, rows[c], t0, t1, peaks);
            } else {
                std::copy(raw + t0, raw + t1, peaks + t0);
            }
        }
    }

    // The last frame's branches, for the next chunk.
    carryValid_ = computed_[tiles - 1] != 0 && !cascade_;
    if (carryValid_)
        for (int c = 0; c < numChannels_; ++c)
            for (int p = 1; p < l; ++p) carry_[static_cast<std::size_t>(c * (l - 1) + p - 1)] = row(c, p)[n];
    for (int c = 0; c < numChannels_; ++c) {
        float* buffer = input_.data() + static_cast<std::size_t>(c) * stride;
        std::copy(buffer + n, buffer + n + history, buffer);  // keep the last K + e frames
    }
}

}  // namespace lathe::dsp
