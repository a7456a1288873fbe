#pragma once
// Small deterministic random source (xoshiro128+ seeded by splitmix64): the same seed gives the
// same sequence on every platform and build, which dither, the demo mix and tests rely on.

#include <cstdint>

namespace lathe {

class Random {
public:
    explicit Random(std::uint64_t seed = 0x5eed) noexcept { reseed(seed); }

    void reseed(std::uint64_t seed) noexcept {
        for (auto& word : state_) {
            seed += 0x9E3779B97F4A7C15ull;  // splitmix64
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            word = static_cast<std::uint32_t>(z ^ (z >> 31));
        }
    }

    std::uint32_t next() noexcept {
        const std::uint32_t result = state_[0] + state_[3];
        const std::uint32_t t = state_[1] << 9;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = (state_[3] << 11) | (state_[3] >> 21);
        return result;
    }

    // Uniform in [0, 1) with 24 bits of resolution.
    float uniform() noexcept { return float(next() >> 8) * (1.0f / 16777216.0f); }
    // Uniform in [-1, 1).
    float bipolar() noexcept { return uniform() * 2.0f - 1.0f; }
    // Triangular PDF in (-1, 1): the sum of two independent uniforms (TPDF dither, 2 LSB peak to peak).
    float triangular() noexcept { return uniform() - uniform(); }

private:
    std::uint32_t state_[4] = {};
};

}  // namespace lathe
