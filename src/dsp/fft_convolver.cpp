#include "dsp/fft_convolver.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <mutex>
#include <string>

#include "dsp/vector_clones.h"

namespace lathe::dsp {

namespace {
bool isPowerOfTwo(std::size_t n) noexcept { return n != 0 && (n & (n - 1)) == 0; }
}  // namespace

std::size_t FftConvolver::defaultPartitionFrames(std::size_t filterFrames) noexcept {
    // Balances the head (B multiply-adds per frame) against the spectral part (about N/B complex
    // multiply-adds per frame): B ~ sqrt(N), at least 64. 8191 taps -> 128, 32767 -> 256.
    std::size_t partition = 64;
    while (partition * partition < filterFrames && partition < 8192) partition *= 2;
    return partition;
}

Status FftConvolver::prepare(int numChannels, std::size_t maxFilterFrames, int numKernels, std::size_t partitionFrames) {
    if (numChannels < 1 || numChannels > kMaxChannels)
        return fail("FFT convolver: channel count must lie in [1, " + std::to_string(kMaxChannels) + "]");
    if (maxFilterFrames < 1 || maxFilterFrames > (std::size_t{1} << 24))
        return fail("FFT convolver: filter length must lie in [1, 2^24] taps");
    if (numKernels < 1 || numKernels > 4) return fail("FFT convolver: between 1 and 4 kernel slots");
    if (partitionFrames == 0) partitionFrames = defaultPartitionFrames(maxFilterFrames);
    if (!isPowerOfTwo(partitionFrames) || partitionFrames < 16 || partitionFrames > 8192)
        return fail("FFT convolver: partition size must be a power of two in [16, 8192]");

    partition_ = partitionFrames;
    bins_ = partition_ + 1;
    maxFilter_ = maxFilterFrames;
    partitions_ = maxFilter_ > partition_ ? (maxFilter_ - partition_ + partition_ - 1) / partition_ : 0;
    numChannels_ = numChannels;
    const std::size_t fftSize = 2 * partition_;
    const std::size_t spectrumFloats = std::max<std::size_t>(1, partitions_ * bins_);

    bool allocated = true;
    auto check = [&allocated](const auto& buffer) { allocated = allocated && buffer != nullptr; };
    kernels_.clear();
    kernels_.resize(std::size_t(numKernels));
    for (auto& kernel : kernels_) {
        check(kernel.headReversed = allocateFftwf<float>(partition_));
        check(kernel.re = allocateFftwf<float>(spectrumFloats));
        check(kernel.im = allocateFftwf<float>(spectrumFloats));
        kernel.tail.resize(std::size_t(numChannels));
        for (auto& tail : kernel.tail) check(tail = allocateFftwf<float>(partition_));
    }
    channels_.clear();
    channels_.resize(std::size_t(numChannels));
    for (auto& channel : channels_) {
        check(channel.window = allocateFftwf<float>(fftSize));
        check(channel.re = allocateFftwf<float>(spectrumFloats));
        check(channel.im = allocateFftwf<float>(spectrumFloats));
    }
    check(spectrum_ = allocateFftwf<fftwf_complex>(bins_));
    check(accumulateRe_ = allocateFftwf<float>(bins_));
    check(accumulateIm_ = allocateFftwf<float>(bins_));
    check(timeScratch_ = allocateFftwf<float>(fftSize));
    check(headScratch_ = allocateFftwf<float>(partition_));
    check(kernelSpectrum_ = allocateFftwf<fftwf_complex>(bins_));
    check(kernelTime_ = allocateFftwf<float>(fftSize));
    if (!allocated) return fail("FFT convolver: out of memory");
    {
        // All buffers come from fftwf_malloc, so they share the alignment these plans assume and the
        // new-array execute functions may be used on any of them.
        const std::lock_guard lock(fftwPlannerMutex());
        forward_.reset(fftwf_plan_dft_r2c_1d(int(fftSize), timeScratch_.get(), spectrum_.get(), FFTW_ESTIMATE));
        inverse_.reset(fftwf_plan_dft_c2r_1d(int(fftSize), spectrum_.get(), timeScratch_.get(), FFTW_ESTIMATE));
    }
    if (!forward_ || !inverse_) return fail("FFT convolver: FFTW could not plan a " + std::to_string(fftSize) + "-point FFT");
    reset();
    return success();
}

Status FftConvolver::setKernel(int kernelIndex, std::span<const float> taps) {
    if (kernelIndex < 0 || std::size_t(kernelIndex) >= kernels_.size()) return fail("FFT convolver: no such kernel slot");
    if (taps.size() > maxFilter_) return fail("FFT convolver: the filter is longer than prepared for");
    Kernel& kernel = kernels_[std::size_t(kernelIndex)];
    const std::size_t b = partition_;
    auto tap = [&taps](std::size_t i) { return i < taps.size() ? taps[i] : 0.0f; };
    kernel.headSilent = true;
    for (std::size_t m = 0; m < b; ++m) {
        kernel.headReversed[m] = tap(b - 1 - m);
        kernel.headSilent = kernel.headSilent && kernel.headReversed[m] == 0.0f;
    }
    const float scale = 1.0f / float(2 * b);  // exact: a power of two
    for (std::size_t p = 0; p < partitions_; ++p) {
        for (std::size_t m = 0; m < b; ++m) kernelTime_[m] = tap(b + p * b + m) * scale;
        std::fill(kernelTime_.get() + b, kernelTime_.get() + 2 * b, 0.0f);
        fftwf_execute_dft_r2c(forward_.get(), kernelTime_.get(), kernelSpectrum_.get());
        for (std::size_t k = 0; k < bins_; ++k) {
            kernel.re[p * bins_ + k] = kernelSpectrum_[k][0];
            kernel.im[p * bins_ + k] = kernelSpectrum_[k][1];
        }
    }
    kernel.tailBlock = ~std::uint64_t{0};  // stale: recomputed before its next use
    return success();
}

void FftConvolver::reset() noexcept {
    const std::size_t spectrumFloats = std::max<std::size_t>(1, partitions_ * bins_);
    for (auto& channel : channels_) {
        std::fill(channel.window.get(), channel.window.get() + 2 * partition_, 0.0f);
        std::fill(channel.re.get(), channel.re.get() + spectrumFloats, 0.0f);
        std::fill(channel.im.get(), channel.im.get() + spectrumFloats, 0.0f);
    }
    position_ = 0;
    newest_ = 0;
    blockIndex_ = 0;
    ++epoch_;  // every kernel's cached tail is stale now; kernels themselves are not touched
}

LATHE_VECTOR_CLONES void FftConvolver::computeTail(Kernel& kernel) noexcept {
    const std::size_t b = partition_;
    for (std::size_t c = 0; c < channels_.size(); ++c) {
        float* const tail = kernel.tail[c].get();
        if (partitions_ == 0) {
            std::fill(tail, tail + b, 0.0f);
            continue;
        }
        const Channel& channel = channels_[c];
        float* __restrict accumulateRe = accumulateRe_.get();
        float* __restrict accumulateIm = accumulateIm_.get();
        std::fill(accumulateRe, accumulateRe + bins_, 0.0f);
        std::fill(accumulateIm, accumulateIm + bins_, 0.0f);
        // Tail of output block j = IFFT( sum_p X[j-1-p] G[p] ); the newest spectrum is X[j-1].
        for (std::size_t p = 0; p < partitions_; ++p) {
            const std::size_t slot = (newest_ + partitions_ - p) % partitions_;
            const float* __restrict xRe = channel.re.get() + slot * bins_;
            const float* __restrict xIm = channel.im.get() + slot * bins_;
            const float* __restrict gRe = kernel.re.get() + p * bins_;
            const float* __restrict gIm = kernel.im.get() + p * bins_;
            for (std::size_t k = 0; k < bins_; ++k) {
                accumulateRe[k] += xRe[k] * gRe[k] - xIm[k] * gIm[k];
                accumulateIm[k] += xRe[k] * gIm[k] + xIm[k] * gRe[k];
            }
        }
        for (std::size_t k = 0; k < bins_; ++k) {
            spectrum_[k][0] = accumulateRe[k];
            spectrum_[k][1] = accumulateIm[k];
        }
        fftwf_execute_dft_c2r(inverse_.get(), spectrum_.get(), timeScratch_.get());
        std::memcpy(tail, timeScratch_.get() + b, b * sizeof(float));  // overlap-save: keep the second half
    }
    kernel.tailBlock = blockIndex_;
    kernel.tailEpoch = epoch_;
}

void FftConvolver::completeBlock() noexcept {
    const std::size_t b = partition_;
    if (partitions_ > 0) {
        const std::size_t slot = (newest_ + 1) % partitions_;
        for (auto& channel : channels_) {
            fftwf_execute_dft_r2c(forward_.get(), channel.window.get(), spectrum_.get());
            float* re = channel.re.get() + slot * bins_;
            float* im = channel.im.get() + slot * bins_;
            for (std::size_t k = 0; k < bins_; ++k) {
                re[k] = spectrum_[k][0];
                im[k] = spectrum_[k][1];
            }
        }
        newest_ = slot;
    }
    for (auto& channel : channels_) std::memcpy(channel.window.get(), channel.window.get() + b, b * sizeof(float));
    position_ = 0;
    ++blockIndex_;
}

LATHE_VECTOR_CLONES void FftConvolver::run(ConstAudioBlock input, const AudioBlock* outputs, const int* kernelIndices,
                                           int count) noexcept {
    const std::size_t b = partition_;
    const std::size_t frames = input.numFrames();
    for (std::size_t done = 0; done < frames;) {
        for (int r = 0; r < count; ++r) {
            Kernel& kernel = kernels_[std::size_t(kernelIndices[r])];
            if (kernel.tailBlock != blockIndex_ || kernel.tailEpoch != epoch_) computeTail(kernel);
        }
        const std::size_t chunk = std::min(b - position_, frames - done);
        for (int c = 0; c < numChannels_; ++c)
            std::memcpy(channels_[std::size_t(c)].window.get() + b + position_, input.channelData(c) + done, chunk * sizeof(float));
        for (int r = 0; r < count; ++r) {
            const Kernel& kernel = kernels_[std::size_t(kernelIndices[r])];
            for (int c = 0; c < numChannels_; ++c) {
                if (kernel.headSilent) {
                    // The head's sum would be +0 exactly: out = +0 + tail, as below.
                    const float* tail = kernel.tail[std::size_t(c)].get() + position_;
                    float* out = outputs[r].channelData(c) + done;
                    for (std::size_t i = 0; i < chunk; ++i) out[i] = 0.0f + tail[i];
                    continue;
                }
                // Head: out[i] = sum_m headReversed[m] * window[position + 1 + i + m], summed in m order
                // for every i, so the bits do not depend on how the frames were split into calls.
                float* __restrict accumulate = headScratch_.get();
                const float* window = channels_[std::size_t(c)].window.get() + position_ + 1;
                std::fill(accumulate, accumulate + chunk, 0.0f);
                for (std::size_t m = 0; m < b; ++m) {
                    const float coefficient = kernel.headReversed[m];
                    const float* __restrict source = window + m;
                    for (std::size_t i = 0; i < chunk; ++i) accumulate[i] += coefficient * source[i];
                }
                const float* tail = kernel.tail[std::size_t(c)].get() + position_;
                float* out = outputs[r].channelData(c) + done;
                for (std::size_t i = 0; i < chunk; ++i) out[i] = accumulate[i] + tail[i];
            }
        }
        position_ += chunk;
        done += chunk;
        if (position_ == b) completeBlock();
    }
}

void FftConvolver::process(ConstAudioBlock input, AudioBlock output, int kernel) noexcept {
    run(input, &output, &kernel, 1);
}

void FftConvolver::processTwo(ConstAudioBlock input, AudioBlock outputA, int kernelA, AudioBlock outputB,
                              int kernelB) noexcept {
    const AudioBlock outputs[2] = {outputA, outputB};
    const int kernels[2] = {kernelA, kernelB};
    run(input, outputs, kernels, 2);
}

}  // namespace lathe::dsp
