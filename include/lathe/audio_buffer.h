#pragma once
// Planar float audio: an owning AudioBuffer and non-owning block views.
// A view holds up to kMaxChannels channel pointers inline, so slicing a block never allocates.

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>
#include <span>
#include <vector>

namespace lathe {

inline constexpr int kMaxChannels = 8;

template <class Sample>
class BasicAudioBlock {
public:
    BasicAudioBlock() = default;
    BasicAudioBlock(Sample* const* channels, int numChannels, std::size_t numFrames) noexcept
        : numChannels_(numChannels), numFrames_(numFrames) {
        assert(numChannels >= 0 && numChannels <= kMaxChannels);
        for (int c = 0; c < numChannels; ++c) channels_[static_cast<std::size_t>(c)] = channels[c];
    }
    // A const view of a mutable block.
    template <class Other>
        requires std::is_same_v<const Other, Sample> && (!std::is_same_v<Other, Sample>)
    BasicAudioBlock(const BasicAudioBlock<Other>& other) noexcept  // NOLINT: implicit by design
        : numChannels_(other.numChannels()), numFrames_(other.numFrames()) {
        for (int c = 0; c < numChannels_; ++c) channels_[static_cast<std::size_t>(c)] = other.channelData(c);
    }

    [[nodiscard]] int numChannels() const noexcept { return numChannels_; }
    [[nodiscard]] std::size_t numFrames() const noexcept { return numFrames_; }
    [[nodiscard]] Sample* channelData(int c) const noexcept { return channels_[static_cast<std::size_t>(c)]; }
    [[nodiscard]] std::span<Sample> channel(int c) const noexcept { return {channelData(c), numFrames_}; }

    // Frames [offset, offset + count) of every channel.
    [[nodiscard]] BasicAudioBlock slice(std::size_t offset, std::size_t count) const noexcept {
        assert(offset + count <= numFrames_);
        BasicAudioBlock out = *this;
        out.numFrames_ = count;
        for (int c = 0; c < numChannels_; ++c) out.channels_[static_cast<std::size_t>(c)] += offset;
        return out;
    }

private:
    std::array<Sample*, kMaxChannels> channels_{};
    int numChannels_ = 0;
    std::size_t numFrames_ = 0;
};

using AudioBlock = BasicAudioBlock<float>;
using ConstAudioBlock = BasicAudioBlock<const float>;

// Owning planar float buffer. Allocates only in the constructor and resize().
class AudioBuffer {
public:
    AudioBuffer() = default;
    AudioBuffer(int numChannels, std::size_t numFrames) { resize(numChannels, numFrames); }

    void resize(int numChannels, std::size_t numFrames) {
        assert(numChannels >= 0 && numChannels <= kMaxChannels);
        channels_.assign(static_cast<std::size_t>(numChannels), std::vector<float>(numFrames, 0.0f));
        numFrames_ = numFrames;
    }
    void clear() noexcept {
        for (auto& ch : channels_) std::fill(ch.begin(), ch.end(), 0.0f);
    }

    [[nodiscard]] int numChannels() const noexcept { return static_cast<int>(channels_.size()); }
    [[nodiscard]] std::size_t numFrames() const noexcept { return numFrames_; }
    [[nodiscard]] std::span<float> channel(int c) noexcept { return channels_[static_cast<std::size_t>(c)]; }
    [[nodiscard]] std::span<const float> channel(int c) const noexcept { return channels_[static_cast<std::size_t>(c)]; }

    [[nodiscard]] AudioBlock block() noexcept {
        std::array<float*, kMaxChannels> ptrs{};
        for (int c = 0; c < numChannels(); ++c) ptrs[static_cast<std::size_t>(c)] = channels_[static_cast<std::size_t>(c)].data();
        return {ptrs.data(), numChannels(), numFrames_};
    }
    [[nodiscard]] ConstAudioBlock block() const noexcept {
        std::array<const float*, kMaxChannels> ptrs{};
        for (int c = 0; c < numChannels(); ++c) ptrs[static_cast<std::size_t>(c)] = channels_[static_cast<std::size_t>(c)].data();
        return {ptrs.data(), numChannels(), numFrames_};
    }

private:
    std::vector<std::vector<float>> channels_;
    std::size_t numFrames_ = 0;
};

}  // namespace lathe
