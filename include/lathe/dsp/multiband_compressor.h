#pragma once
// Multiband compressor: a Crossover (2..5 bands; LR4 with allpass phase compensation by default,
// or linear-phase) feeding one Compressor per band, then the band sum. With every band at ratio 1
// the output is the crossover's unprocessed sum (flat; an allpass for LR4, a delay for
// linear-phase). Per-band solo plays one processed band alone (for tests and listening).
// Lookahead is shared by all bands (it overrides the per-band value) so bands stay aligned.
// Latency: crossover latency + lookahead. Gain-reduction readouts per band (see Compressor).
// Real-time contract as in stage.h.

#include <array>
#include <string_view>
#include <vector>

#include "lathe/dsp/compressor.h"
#include "lathe/dsp/crossover.h"
#include "lathe/dsp/stage.h"

namespace lathe::dsp {

class MultibandCompressor final : public Stage {
public:
    static constexpr int kMaxBands = Crossover::kMaxBands;

    struct Params {
        int numBands = 3;  // 1..5
        std::array<float, kMaxBands - 1> crossoverHz{120.0f, 2000.0f, 6000.0f, 12000.0f};
        Crossover::Type crossoverType = Crossover::Type::LinkwitzRiley4;
        std::array<Compressor::Params, kMaxBands> bands{};  // first numBands used
        float lookaheadMs = 0.0f;
        int soloBand = -1;  // -1 = all bands
    };

    MultibandCompressor() = default;
    explicit MultibandCompressor(const Params& params) : params_(params) {}

    void setParams(const Params& params) noexcept { params_ = params; }
    [[nodiscard]] const Params& params() const noexcept { return params_; }

    Status prepare(const ProcessSpec& spec) override;
    void reset() noexcept override;
    void process(AudioBlock block) noexcept override;
    [[nodiscard]] int latencyFrames() const noexcept override;
    [[nodiscard]] std::string_view name() const noexcept override { return "multiband_compressor"; }

    [[nodiscard]] float gainReductionDb(int band) const noexcept;
    [[nodiscard]] float maxGainReductionDb(int band) const noexcept;
    [[nodiscard]] const Crossover& crossover() const noexcept { return crossover_; }

private:
    Params params_;
    Crossover crossover_;
    std::vector<Compressor> compressors_;
    std::vector<AudioBuffer> bandBuffers_;
};

}  // namespace lathe::dsp
