#include "lathe/dsp/parametric_eq.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <string>

#include "dsp/biquad_kernels.h"
#include "dsp/vector_clones.h"

namespace lathe::dsp {

namespace {

constexpr int kControlInterval = 16;  // samples between re-designs during a glide
constexpr std::size_t kChunkFrames = 256;
constexpr std::size_t kHistorySize = 2 * BiquadCascade::kMaxSections + 2;
enum Pool : std::size_t { kSounding = 0, kIncoming = 1 };

bool sameSpec(const EqBand& a, bool activeA, const EqBand& b, bool activeB) noexcept {
    if (activeA != activeB) return false;
    return !activeA || a == b;
}

BiquadCascade lerp(const BiquadCascade& start, const BiquadCascade& step, double t) noexcept {
    BiquadCascade out = start;
    for (int k = 0; k < start.numSections; ++k) {
        auto& c = out.sections[static_cast<std::size_t>(k)];
        const auto& d = step.sections[static_cast<std::size_t>(k)];
        c = {c.b0 + d.b0 * t, c.b1 + d.b1 * t, c.b2 + d.b2 * t, c.a1 + d.a1 * t, c.a2 + d.a2 * t};
    }
    return out;
}

// Per-sample increment from a to b over kControlInterval samples.
BiquadCascade stepBetween(const BiquadCascade& a, const BiquadCascade& b) noexcept {
    BiquadCascade out = a;
    constexpr double scale = 1.0 / kControlInterval;
    for (int k = 0; k < a.numSections; ++k) {
        const auto& x = a.sections[static_cast<std::size_t>(k)];
        const auto& y = b.sections[static_cast<std::size_t>(k)];
        out.sections[static_cast<std::size_t>(k)] = {(y.b0 - x.b0) * scale, (y.b1 - x.b1) * scale,
                                                     (y.b2 - x.b2) * scale, (y.a1 - x.a1) * scale,
                                                     (y.a2 - x.a2) * scale};
    }
    return out;
}

// Static cascade on planar channels (input and output may be the same), channel pairs side by side.
template <bool Wide, class In, class Out>
[[gnu::always_inline]] inline void runStatic(const BiquadCascade& cascade, const In* const* input, Out* const* output,
                                             double* const* histories, int channels, std::size_t frames) noexcept {
    kernels::dispatch(cascade.numSections, [&](auto n) __attribute__((always_inline)) {
        constexpr int N = decltype(n)::value;
        const BiquadCoefficients* c = cascade.sections.data();
        int ch = 0;
        for (; ch + 1 < channels; ch += 2)
            kernels::cascadePair<N, Wide>(c, histories[ch], histories[ch + 1], input[ch], input[ch + 1], output[ch],
                                    output[ch + 1], frames);
        if (ch < channels) kernels::cascadeMono<N>(c, histories[ch], input[ch], output[ch], frames);
    });
}

void runStatic(const BiquadCascade& cascade, double* const* data, double* const* histories, int channels,
               std::size_t frames) noexcept {
    runStatic<false, double, double>(cascade, data, data, histories, channels, frames);
}

// What an identity cascade's DF-I history would be after these frames (every section's input and
// output history equals the input's), so a band can be skipped while flat and still start a
// glide from a correct history.
void trackIdentityHistory(double* history, int numSections, const double* data, std::size_t frames) noexcept {
    double last1, last2;
    if (frames >= 2) {
        last1 = data[frames - 1];
        last2 = data[frames - 2];
    } else {
        last2 = history[0];
        last1 = data[0];
    }
    for (int k = 0; k <= numSections; ++k) {
        history[2 * k] = last1;
        history[2 * k + 1] = last2;
    }
}

}  // namespace

ParametricEq::ParametricEq(ParametricEqSettings settings) : settings_(settings) {}

Status ParametricEq::setBands(std::span<const EqBand> bands) {
    if (bands.size() > static_cast<std::size_t>(kMaxBands))
        return fail("parametric EQ: at most " + std::to_string(kMaxBands) + " bands (got " +
                    std::to_string(bands.size()) + ")");
    for (std::size_t i = 0; i < bands.size(); ++i) {
        const Status status = validate(bands[i]);
        if (!status.ok()) return fail("parametric EQ band " + std::to_string(i + 1) + ": " + status.error().message);
    }
    std::copy(bands.begin(), bands.end(), requested_.begin());
    numRequested_ = bands.size();
    for (int i = 0; i < kMaxBands; ++i) {
        Slot& slot = slots_[static_cast<std::size_t>(i)];
        const bool active = static_cast<std::size_t>(i) < bands.size();
        const EqBand target = active ? bands[static_cast<std::size_t>(i)] : slot.target;
        if (sameSpec(target, active, slot.target, slot.targetActive)) continue;
        slot.target = target;
        slot.targetActive = active;
        if (prepared_) beginTransition(i);
    }
    return success();
}

std::complex<double> ParametricEq::response(double frequencyHz) const noexcept {
    std::complex<double> h = 1.0;
    for (std::size_t i = 0; i < numRequested_; ++i)
        h *= design(requested_[i], sampleRate_, settings_.method).response(frequencyHz, sampleRate_);
    return h;
}

Status ParametricEq::prepare(const ProcessSpec& spec) {
    if (!(spec.sampleRate > 0.0) || !std::isfinite(spec.sampleRate))
        return fail("parametric EQ: sample rate must be positive (got " + std::to_string(spec.sampleRate) + ")");
    if (spec.numChannels < 1 || spec.numChannels > kMaxChannels)
        return fail("parametric EQ: 1 to " + std::to_string(kMaxChannels) + " channels (got " +
                    std::to_string(spec.numChannels) + ")");
    if (!(settings_.smoothingMs >= 0.0) || settings_.smoothingMs > 10000.0)
        return fail("parametric EQ: smoothingMs must be within 0 .. 10000 (got " +
                    std::to_string(settings_.smoothingMs) + ")");
    sampleRate_ = spec.sampleRate;
    numChannels_ = spec.numChannels;
    const int samples = static_cast<int>(std::lround(settings_.smoothingMs * 1e-3 * sampleRate_));
    transitionSamples_ = samples == 0 ? 0 : kControlInterval * std::max(1, (samples + kControlInterval - 1) / kControlInterval);
    histories_.assign(2 * kMaxBands * static_cast<std::size_t>(numChannels_) * kHistorySize, 0.0);
    scratch_.assign(3 * static_cast<std::size_t>(numChannels_) * kChunkFrames, 0.0);
    fusedHistories_.assign(static_cast<std::size_t>(numChannels_) * kHistorySize, 0.0);
    prepared_ = true;
    reset();
    return success();
}

void ParametricEq::reset() noexcept {
    std::fill(histories_.begin(), histories_.end(), 0.0);
    for (int i = 0; i < kMaxBands; ++i) settle(i);
    consistentFrames_ = kFramesToConsistency;  // all-zero histories are consistent
}

double* ParametricEq::history(std::size_t pool, int slot, int channel) noexcept {
    const std::size_t index =
        ((pool * kMaxBands + static_cast<std::size_t>(slot)) * static_cast<std::size_t>(numChannels_) +
         static_cast<std::size_t>(channel)) *
        kHistorySize;
    return histories_.data() + index;
}

BiquadCascade ParametricEq::designFor(const EqBand& band, bool active) const noexcept {
    return active ? design(band, sampleRate_, settings_.method) : BiquadCascade{};
}

void ParametricEq::settle(int index) noexcept {
    consistentFrames_ = 0;
    Slot& slot = slots_[static_cast<std::size_t>(index)];
    slot.sounding = slot.target;
    slot.soundingActive = slot.targetActive;
    slot.filter = designFor(slot.target, slot.targetActive);
    slot.mode = Mode::idle;
    slot.pending = false;
}

// Parameters of a glide at fraction u of its way.
namespace {
EqBand glideSpec(const EqBand& shape, double logF, double gainDb, double logQ) noexcept {
    EqBand out = shape;
    out.frequencyHz = std::exp(logF);
    out.gainDb = gainDb;
    out.q = std::exp(logQ);
    return out;
}
}  // namespace

void ParametricEq::designSegment(Slot& slot) const noexcept {
    // Coefficients at the END of the current segment; the segment starts from slot.glide.segmentStart.
    Glide& g = slot.glide;
    const double u = double(g.segment + 1) / double(g.totalSegments);
    const EqBand spec = glideSpec(slot.sounding, g.startLogFrequency + (g.endLogFrequency - g.startLogFrequency) * u,
                                  g.startGainDb + (g.endGainDb - g.startGainDb) * u,
                                  g.startLogQ + (g.endLogQ - g.startLogQ) * u);
    const BiquadCascade end = design(spec, sampleRate_, settings_.method);
    g.segmentStep = stepBetween(g.segmentStart, end);
    g.position = 0;
    slot.filter = end;  // what the band sounds like when this segment ends
}

void ParametricEq::beginTransition(int index) noexcept {
    consistentFrames_ = 0;
    Slot& slot = slots_[static_cast<std::size_t>(index)];
    if (slot.mode == Mode::crossfade) {
        slot.pending = true;  // applied when the crossfade ends
        return;
    }
    if (transitionSamples_ == 0) {
        settle(index);
        return;
    }
    // Where the band is now: a glide in progress is frozen at its current point.
    BiquadCascade now = slot.filter;
    EqBand from = slot.sounding;
    bool fromActive = slot.soundingActive;
    if (slot.mode == Mode::glide) {
        const Glide& g = slot.glide;
        now = lerp(g.segmentStart, g.segmentStep, double(g.position));
        const double u = (double(g.segment) + double(g.position) / kControlInterval) / double(g.totalSegments);
        from = glideSpec(slot.sounding, g.startLogFrequency + (g.endLogFrequency - g.startLogFrequency) * u,
                         g.startGainDb + (g.endGainDb - g.startGainDb) * u, g.startLogQ + (g.endLogQ - g.startLogQ) * u);
        fromActive = true;
    }
    const EqBand& to = slot.target;
    const bool toActive = slot.targetActive;
    if (!fromActive && !toActive) {
        settle(index);
        return;
    }

    // A glide needs the same filter shape at both ends. A gain type switched on or off glides from
    // or to 0 dB with the other end's frequency and Q.
    EqBand glideFrom = from, glideTo = to;
    bool canGlide = false;
    if (fromActive && toActive)
        canGlide = from.type == to.type && sectionCount(from) == sectionCount(to);
    else if (fromActive && hasGain(from.type)) {
        glideTo = from;
        glideTo.gainDb = 0.0;
        canGlide = true;
    } else if (toActive && hasGain(to.type)) {
        glideFrom = to;
        glideFrom.gainDb = 0.0;
        canGlide = true;
    }

    if (canGlide) {
        Glide& g = slot.glide;
        g.startLogFrequency = std::log(glideFrom.frequencyHz);
        g.startGainDb = glideFrom.gainDb;
        g.startLogQ = std::log(glideFrom.q);
        g.endLogFrequency = std::log(glideTo.frequencyHz);
        g.endGainDb = glideTo.gainDb;
        g.endLogQ = std::log(glideTo.q);
        g.segment = 0;
        g.totalSegments = transitionSamples_ / kControlInterval;
        // A band that was off starts from the identity with its own section count.
        g.segmentStart = fromActive ? now : design(glideFrom, sampleRate_, settings_.method);
        slot.sounding = glideTo;
        slot.soundingActive = true;  // until the glide ends (then: toActive)
        slot.mode = Mode::glide;
        designSegment(slot);
        return;
    }

    // Crossfade from the frozen current filter to the new one. The incoming filter's history starts
    // as an identity filter's would (its input history is the band's recent input).
    slot.filter = now;
    slot.incoming = designFor(to, toActive);
    for (int c = 0; c < numChannels_; ++c) {
        const double* sounding = history(kSounding, index, c);
        double* incoming = history(kIncoming, index, c);
        for (std::size_t k = 0; k < kHistorySize; k += 2) {
            incoming[k] = sounding[0];
            incoming[k + 1] = sounding[1];
        }
    }
    slot.fadePosition = 0;
    slot.mode = Mode::crossfade;
}

void ParametricEq::processSlot(int index, std::size_t frames) noexcept {
    Slot& slot = slots_[static_cast<std::size_t>(index)];
    const std::size_t stride = kChunkFrames;
    double* data[kMaxChannels];
    double* histories[kMaxChannels];
    for (int c = 0; c < numChannels_; ++c) {
        data[c] = scratch_.data() + static_cast<std::size_t>(c) * stride;
        histories[c] = history(kSounding, index, c);
    }
    std::size_t done = 0;
    while (done < frames) {
        const std::size_t remaining = frames - done;
        double* at[kMaxChannels];
        for (int c = 0; c < numChannels_; ++c) at[c] = data[c] + done;

        if (slot.mode == Mode::idle) {
            if (slot.filter.isIdentity()) {
                const int sections = std::max(slot.filter.numSections, 1);
                for (int c = 0; c < numChannels_; ++c) trackIdentityHistory(histories[c], sections, at[c], remaining);
            } else {
                runStatic(slot.filter, at, histories, numChannels_, remaining);
            }
            return;
        }

        if (slot.mode == Mode::glide) {
            Glide& g = slot.glide;
            const std::size_t length = std::min<std::size_t>(remaining, std::size_t(kControlInterval - g.position));
            for (int c = 0; c < numChannels_; ++c)
                kernels::cascadeMonoRamp(g.segmentStart.sections.data(), g.segmentStep.sections.data(),
                                         g.segmentStart.numSections, double(g.position), histories[c], at[c], at[c],
                                         length);
            g.position += static_cast<int>(length);
            done += length;
            if (g.position == kControlInterval) {
                g.segmentStart = slot.filter;  // the exact design at the segment's end
                if (++g.segment == g.totalSegments) {
                    slot.mode = Mode::idle;
                    if (!slot.targetActive && slot.sounding.gainDb == 0.0 && hasGain(slot.sounding.type)) {
                        // Faded a gain band out: it is off now (its identity filter keeps tracking).
                        slot.sounding = slot.target;
                        slot.soundingActive = false;
                    } else {
                        slot.soundingActive = true;
                    }
                    if (slot.pending) {
                        slot.pending = false;
                        beginTransition(index);
                    }
                } else {
                    designSegment(slot);
                }
            }
            continue;
        }

        // Crossfade: out = A(x) + (B(x) - A(x)) * t, t rising linearly from 0 to 1.
        const std::size_t length =
            std::min<std::size_t>(remaining, std::size_t(transitionSamples_ - slot.fadePosition));
        double* outgoing[kMaxChannels];
        double* incomingData[kMaxChannels];
        double* incomingHistories[kMaxChannels];
        for (int c = 0; c < numChannels_; ++c) {
            outgoing[c] = scratch_.data() + (static_cast<std::size_t>(numChannels_) + c) * stride;
            incomingData[c] = scratch_.data() + (2 * static_cast<std::size_t>(numChannels_) + c) * stride;
            incomingHistories[c] = history(kIncoming, index, c);
            std::copy_n(at[c], length, outgoing[c]);
            std::copy_n(at[c], length, incomingData[c]);
        }
        if (slot.filter.isIdentity()) {
            for (int c = 0; c < numChannels_; ++c)
                trackIdentityHistory(histories[c], std::max(slot.filter.numSections, 1), outgoing[c], length);
        } else {
            runStatic(slot.filter, outgoing, histories, numChannels_, length);
        }
        if (slot.incoming.isIdentity()) {
            for (int c = 0; c < numChannels_; ++c)
                trackIdentityHistory(incomingHistories[c], std::max(slot.incoming.numSections, 1), incomingData[c],
                                     length);
        } else {
            runStatic(slot.incoming, incomingData, incomingHistories, numChannels_, length);
        }
        const double scale = 1.0 / double(transitionSamples_);
        for (int c = 0; c < numChannels_; ++c)
            for (std::size_t i = 0; i < length; ++i) {
                const double t = double(slot.fadePosition + static_cast<int>(i)) * scale;
                at[c][i] = outgoing[c][i] + (incomingData[c][i] - outgoing[c][i]) * t;
            }
        slot.fadePosition += static_cast<int>(length);
        done += length;
        if (slot.fadePosition == transitionSamples_) {
            slot.filter = slot.incoming;
            slot.sounding = slot.target;
            slot.soundingActive = slot.targetActive;
            for (int c = 0; c < numChannels_; ++c)
                std::copy_n(incomingHistories[c], kHistorySize, histories[c]);
            slot.mode = Mode::idle;
            if (slot.pending) {
                slot.pending = false;
                beginTransition(index);
            }
        }
    }
}

void ParametricEq::processSlots(AudioBlock block, std::size_t offset, std::size_t n) noexcept {
    for (int c = 0; c < numChannels_; ++c) {
        const float* x = block.channelData(c) + offset;
        double* d = scratch_.data() + static_cast<std::size_t>(c) * kChunkFrames;
        for (std::size_t i = 0; i < n; ++i) d[i] = x[i];
    }
    for (int i = 0; i < kMaxBands; ++i) processSlot(i, n);  // flat or absent bands only track history
    for (int c = 0; c < numChannels_; ++c) {
        float* y = block.channelData(c) + offset;
        const double* d = scratch_.data() + static_cast<std::size_t>(c) * kChunkFrames;
        for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<float>(d[i]);
    }
}

// Every slot idle, histories consistent (see consistentFrames_): the sounding sections of all bands
// run as one cascade per group of up to kMaxSections sections, so one loop over the frames carries
// several recursions at once instead of one pass per band. Between groups the signal stays in
// double (scratch), as between bands in processSlots(); the arithmetic per section is the same, so
// the output is bit-identical to processSlots().
template <bool Wide>
[[gnu::always_inline]] inline void ParametricEq::processFusedKernels(AudioBlock block, std::size_t offset,
                                                                     std::size_t n) noexcept {
    const auto channels = static_cast<std::size_t>(numChannels_);
    // Groups of consecutive sounding slots: [first, last) with at most kMaxSections sections.
    int groupStart[kMaxBands], groupEnd[kMaxBands];
    int groups = 0, sections = 0;
    for (int i = 0; i < kMaxBands; ++i) {
        const BiquadCascade& filter = slots_[static_cast<std::size_t>(i)].filter;
        if (filter.isIdentity()) continue;
        if (groups == 0 || sections + filter.numSections > BiquadCascade::kMaxSections) {
            groupStart[groups] = i;
            ++groups;
            sections = 0;
        }
        groupEnd[groups - 1] = i + 1;
        sections += filter.numSections;
    }
    assert(groups > 0);

    const float* blockIn[kMaxChannels];
    float* blockOut[kMaxChannels];
    double* between[kMaxChannels];
    double* fusedHistory[kMaxChannels];
    for (int c = 0; c < numChannels_; ++c) {
        blockIn[c] = block.channelData(c) + offset;
        blockOut[c] = block.channelData(c) + offset;
        between[c] = scratch_.data() + static_cast<std::size_t>(c) * kChunkFrames;
        fusedHistory[c] = fusedHistories_.data() + static_cast<std::size_t>(c) * kHistorySize;
    }
    for (int g = 0; g < groups; ++g) {
        // Gather: the group's input history, then each section's output history.
        BiquadCascade cascade;
        for (std::size_t c = 0; c < channels; ++c) {
            const double* first = history(kSounding, groupStart[g], int(c));
            fusedHistory[c][0] = first[0];
            fusedHistory[c][1] = first[1];
        }
        for (int i = groupStart[g]; i < groupEnd[g]; ++i) {
            const BiquadCascade& filter = slots_[static_cast<std::size_t>(i)].filter;
            if (filter.isIdentity()) continue;
            for (std::size_t c = 0; c < channels; ++c)
                std::copy_n(history(kSounding, i, int(c)) + 2, 2 * filter.numSections,
                            fusedHistory[c] + 2 + 2 * cascade.numSections);
            cascade.append(filter);
        }
        const bool first = g == 0, last = g == groups - 1;
        if (first && last) runStatic<Wide, float, float>(cascade, blockIn, blockOut, fusedHistory, numChannels_, n);
        else if (first) runStatic<Wide, float, double>(cascade, blockIn, between, fusedHistory, numChannels_, n);
        else if (last) runStatic<Wide, double, float>(cascade, between, blockOut, fusedHistory, numChannels_, n);
        else runStatic<Wide, double, double>(cascade, between, between, fusedHistory, numChannels_, n);
        // Scatter back into the bands' own histories.
        int at = 0;
        for (int i = groupStart[g]; i < groupEnd[g]; ++i) {
            const BiquadCascade& filter = slots_[static_cast<std::size_t>(i)].filter;
            if (filter.isIdentity()) continue;
            for (std::size_t c = 0; c < channels; ++c)
                std::copy_n(fusedHistory[c] + 2 * at, 2 * filter.numSections + 2, history(kSounding, i, int(c)));
            at += filter.numSections;
        }
    }
    // Flat bands track the history of the signal passing them: the preceding band's output history
    // (or the input's, before the first sounding band), as trackIdentityHistory() would.
    for (std::size_t c = 0; c < channels; ++c) {
        const double* passing = history(kSounding, groupStart[0], int(c));  // its input history, updated
        double boundary[2] = {passing[0], passing[1]};
        for (int i = 0; i < kMaxBands; ++i) {
            const BiquadCascade& filter = slots_[static_cast<std::size_t>(i)].filter;
            double* h = history(kSounding, i, int(c));
            if (filter.isIdentity()) {
                for (int k = 0; k <= std::max(filter.numSections, 1); ++k) {
                    h[2 * k] = boundary[0];
                    h[2 * k + 1] = boundary[1];
                }
            } else {
                boundary[0] = h[2 * filter.numSections];
                boundary[1] = h[2 * filter.numSections + 1];
            }
        }
    }
}

// Compiled twice: for the baseline with the two-lane kernels and, where the machine has AVX2, with
// the four-lane ones (see biquad_kernels.h and vector_clones.h).
void ParametricEq::processFused(AudioBlock block, std::size_t offset, std::size_t n) noexcept {
#if LATHE_HAVE_AVX2_DISPATCH
    if (cpuHasAvx2()) {
        processFusedAvx2(block, offset, n);
        return;
    }
#endif
    processFusedKernels<false>(block, offset, n);
}

#if LATHE_HAVE_AVX2_DISPATCH
LATHE_TARGET_AVX2 void ParametricEq::processFusedAvx2(AudioBlock block, std::size_t offset, std::size_t n) noexcept {
    processFusedKernels<true>(block, offset, n);
}
#endif

void ParametricEq::process(AudioBlock block) noexcept {
    assert(prepared_);
    assert(block.numChannels() == numChannels_);
    if (!prepared_) return;
    const std::size_t frames = block.numFrames();
    for (std::size_t offset = 0; offset < frames; offset += kChunkFrames) {
        const std::size_t n = std::min(kChunkFrames, frames - offset);
        bool anyActive = false, allIdle = true;
        for (const Slot& slot : slots_) {
            anyActive = anyActive || slot.mode != Mode::idle || !slot.filter.isIdentity();
            allIdle = allIdle && slot.mode == Mode::idle;
        }
        if (!anyActive) {
            // Flat: the output is the input. Keep every band's history current for a later glide.
            for (int i = 0; i < kMaxBands; ++i) {
                const int sections = std::max(slots_[static_cast<std::size_t>(i)].filter.numSections, 1);
                for (int c = 0; c < numChannels_; ++c) {
                    const float* x = block.channelData(c) + offset;
                    const double last[2] = {n >= 2 ? double(x[n - 2]) : history(kSounding, i, c)[0], double(x[n - 1])};
                    trackIdentityHistory(history(kSounding, i, c), sections, last, 2);
                }
            }
            consistentFrames_ = std::min(consistentFrames_ + n, kFramesToConsistency);
            continue;
        }
        if (!allIdle) {
            processSlots(block, offset, n);
            consistentFrames_ = 0;  // a band may have changed in this chunk: count again from here
            continue;
        }
        // Static bands: band by band until the histories are consistent, then fused.
        const std::size_t bandByBand = std::min(n, kFramesToConsistency - consistentFrames_);
        if (bandByBand > 0) processSlots(block, offset, bandByBand);
        consistentFrames_ += bandByBand;
        if (bandByBand < n) processFused(block, offset + bandByBand, n - bandByBand);
    }
}

}  // namespace lathe::dsp
