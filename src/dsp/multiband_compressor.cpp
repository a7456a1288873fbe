#include "lathe/dsp/multiband_compressor.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace lathe::dsp {

Status MultibandCompressor::prepare(const ProcessSpec& spec) {
    Crossover::Params split;
    split.numBands = params_.numBands;
    split.crossoverHz = params_.crossoverHz;
    split.type = params_.crossoverType;
    if (auto status = Crossover::validate(split, spec.sampleRate); !status.ok()) return status;
    if (params_.soloBand < -1 || params_.soloBand >= params_.numBands)
        return fail("multiband compressor: solo band must be -1 (off) or a band index");
    crossover_.setParams(split);
    if (auto status = crossover_.prepare(spec); !status.ok()) return status;

    compressors_.clear();
    bandBuffers_.clear();
    for (int j = 0; j < params_.numBands; ++j) {
        Compressor::Params band = params_.bands[static_cast<std::size_t>(j)];
        band.lookaheadMs = params_.lookaheadMs;
        compressors_.emplace_back(band);
        if (auto status = compressors_.back().prepare(spec); !status.ok())
            return fail("multiband compressor, band " + std::to_string(j + 1) + ": " + status.error().message);
        bandBuffers_.emplace_back(spec.numChannels, spec.maxBlockFrames);
    }
    return success();
}

void MultibandCompressor::reset() noexcept {
    crossover_.reset();
    for (auto& compressor : compressors_) compressor.reset();
}

int MultibandCompressor::latencyFrames() const noexcept {
    return crossover_.latencyFrames() + (compressors_.empty() ? 0 : compressors_.front().latencyFrames());
}

float MultibandCompressor::gainReductionDb(int band) const noexcept {
    return compressors_[static_cast<std::size_t>(band)].gainReductionDb();
}

float MultibandCompressor::maxGainReductionDb(int band) const noexcept {
    return compressors_[static_cast<std::size_t>(band)].maxGainReductionDb();
}

void MultibandCompressor::process(AudioBlock block) noexcept {
    const std::size_t n = block.numFrames();
    const std::size_t numBands = compressors_.size();
    std::array<AudioBlock, kMaxBands> bands;
    for (std::size_t j = 0; j < numBands; ++j) bands[j] = bandBuffers_[j].block().slice(0, n);
    crossover_.split(block, std::span<const AudioBlock>(bands.data(), numBands));
    // Compressor::process() per band, with the bands' attack/release detectors in one loop (their
    // recursions overlap): the same bits as processing each band alone.
    if (n > 0) {
        std::array<SmoothPeakDetector*, 2 * kMaxBands> detectors{};
        std::array<double*, 2 * kMaxBands> reductions{};
        std::array<double*, 2 * kMaxBands> scratch{};
        std::array<Compressor*, 2 * kMaxBands> owners{};
        std::size_t count = 0;
        for (std::size_t j = 0; j < numBands; ++j) {
            Compressor& compressor = compressors_[j];
            compressor.analyse(bands[j]);
            for (int path = 0; path < compressor.numPaths_; ++path) {
                Compressor::DetectorPath& d = compressor.paths_[static_cast<std::size_t>(path)];
                detectors[count] = &d.smoother;
                reductions[count] = d.gain.data();
                scratch[count] = d.detectorScratch.data();
                owners[count] = &compressor;
                ++count;
            }
        }
        std::array<double, 2 * kMaxBands> largest{};
        SmoothPeakDetector::processTogether(std::span(detectors.data(), count), std::span(reductions.data(), count),
                                            std::span(scratch.data(), count), n, largest.data());
        for (std::size_t k = 0; k < count; ++k) owners[k]->noteReduction(largest[k]);
        for (std::size_t j = 0; j < numBands; ++j) compressors_[j].finish(bands[j]);
    }
    Crossover::sumBands(std::span<const AudioBlock>(bands.data(), numBands), block, params_.soloBand);
}

}  // namespace lathe::dsp
