#include "dsp/fir_kernel.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "util/random.h"

using lathe::dsp::detail::FirPath;
using lathe::dsp::detail::firBlockWith;

// Differential test of the FIR kernel: the AVX tiles, the SSE tiles and the scalar twin must give
// bit-identical outputs for any tap count, run length and starting value (the oversampler's and the
// meter's block-size invariance rest on it), and must not write outside [0, count).
TEST(FirKernel, AllPathsAreBitIdenticalAndStayInBounds) {
    lathe::Random random(99);
    const float guard = 12345.0f;
    for (int taps : {1, 2, 7, 30, 66, 129}) {
        std::vector<float> h(static_cast<std::size_t>(taps));
        for (float& v : h) v = random.bipolar();
        for (std::size_t count : {0u, 1u, 31u, 32u, 33u, 63u, 64u, 65u, 100u, 129u, 1000u}) {
            std::vector<float> input(static_cast<std::size_t>(taps) + count + 8);
            for (float& v : input) v = random.bipolar();
            const float* x = input.data() + taps;  // x[-taps] .. readable
            std::vector<float> init(count);
            for (float& v : init) v = random.bipolar();
            for (bool withInit : {false, true}) {
                std::vector<std::vector<float>> results;
                for (FirPath path : {FirPath::scalar, FirPath::sse, FirPath::avx}) {
                    std::vector<float> out(count + 16, guard);
                    if (withInit) std::copy(init.begin(), init.end(), out.begin() + 8);
                    // In-place accumulation when withInit (out == init), as the decimator uses it.
                    firBlockWith(path, h.data(), taps, x, out.data() + 8, count, withInit ? out.data() + 8 : nullptr);
                    for (std::size_t i = 0; i < 8; ++i) ASSERT_EQ(out[i], guard);
                    for (std::size_t i = count + 8; i < out.size(); ++i) ASSERT_EQ(out[i], guard);
                    results.push_back(out);
                }
                for (std::size_t r = 1; r < results.size(); ++r)
                    ASSERT_EQ(std::memcmp(results[0].data(), results[r].data(), results[0].size() * sizeof(float)), 0)
                        << "path " << r << " taps " << taps << " count " << count << " init " << withInit;
                // And the value is the FIR (against a double-precision evaluation).
                for (std::size_t t = 0; t < count; ++t) {
                    double expected = withInit ? init[t] : 0.0;
                    for (int j = 0; j < taps; ++j) expected += double(h[std::size_t(j)]) * double(x[std::ptrdiff_t(t) - j]);
                    ASSERT_NEAR(results[0][t + 8], expected, 1e-5 * taps);
                }
            }
        }
    }
    std::cout << "[ figures  ] fastest FIR path on this CPU: "
              << (lathe::dsp::detail::fastestFirPath() == FirPath::avx ? "AVX" : "SSE") << "\n";
}
