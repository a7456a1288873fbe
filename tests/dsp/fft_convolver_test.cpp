#include "dsp/fft_convolver.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "support/allocation_counter.h"
#include "util/random.h"

namespace lathe::dsp {
namespace {

std::vector<float> randomSignal(std::size_t frames, std::uint64_t seed) {
    Random random(seed);
    std::vector<float> out(frames);
    for (auto& s : out) s = random.bipolar();
    return out;
}

// Direct-form convolution in double: the reference.
std::vector<double> directConvolution(const std::vector<float>& x, const std::vector<float>& h) {
    std::vector<double> y(x.size(), 0.0);
    for (std::size_t n = 0; n < x.size(); ++n) {
        double sum = 0.0;
        for (std::size_t k = 0; k < h.size() && k <= n; ++k) sum += double(h[k]) * double(x[n - k]);
        y[n] = sum;
    }
    return y;
}

// Runs a mono convolver over x in calls whose sizes are drawn from [1, maxCall] (seeded).
std::vector<float> convolveInCalls(FftConvolver& convolver, const std::vector<float>& x, std::size_t maxCall,
                                   std::uint64_t seed) {
    std::vector<float> y = x;
    Random random(seed);
    for (std::size_t offset = 0; offset < y.size();) {
        const std::size_t n = std::min<std::size_t>(1 + random.next() % maxCall, y.size() - offset);
        float* channel = y.data() + offset;
        convolver.process(ConstAudioBlock(&channel, 1, n), AudioBlock(&channel, 1, n), 0);
        offset += n;
    }
    return y;
}

// Round-off bound for one output of the FFT path against exact convolution. Each output is a sum
// of products (exact to float rounding, relative 2^-24 each) plus the error of a 2B-point forward
// and inverse FFT, which grows like log2(2B) units of rounding relative to the L2 norms involved
// (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., sec. 24.1). We bound it by
//   eps * (log2(2B) + 4) * sum_k |h[k]| * max|x| * 4
// i.e. treating every product as if it carried the full FFT error; the factor 4 covers the
// frequency-domain accumulation over partitions. The measured errors are far below this.
double roundOffBound(const std::vector<float>& h, double maxInput, std::size_t partition) {
    double l1 = 0.0;
    for (float v : h) l1 += std::abs(double(v));
    const double eps = std::numeric_limits<float>::epsilon();
    return eps * (std::log2(2.0 * double(partition)) + 4.0) * l1 * maxInput * 4.0;
}

TEST(FftConvolver, MatchesDirectConvolutionForRandomFiltersAndCallSizes) {
    struct Case {
        std::size_t taps, partition, maxCall;
    };
    const Case cases[] = {{1, 64, 7},     {63, 64, 1},     {64, 64, 300},   {65, 64, 64},  {1000, 64, 4096},
                          {1000, 128, 1}, {4097, 128, 777}, {8191, 128, 4096}, {8191, 256, 33}, {3000, 16, 100}};
    std::uint64_t seed = 10;
    for (const auto& c : cases) {
        SCOPED_TRACE(testing::Message() << c.taps << " taps, partition " << c.partition << ", calls up to " << c.maxCall);
        const auto h = randomSignal(c.taps, ++seed);
        const auto x = randomSignal(3 * c.taps + 5000, ++seed);
        FftConvolver convolver;
        ASSERT_TRUE(convolver.prepare(1, c.taps, 1, c.partition).ok());
        ASSERT_TRUE(convolver.setKernel(0, h).ok());
        const auto y = convolveInCalls(convolver, x, c.maxCall, ++seed);
        const auto reference = directConvolution(x, h);
        const double bound = roundOffBound(h, 1.0, c.partition);
        double worst = 0.0;
        for (std::size_t n = 0; n < y.size(); ++n) worst = std::max(worst, std::abs(double(y[n]) - reference[n]));
        EXPECT_LT(worst, bound);
        RecordProperty("worst_error_" + std::to_string(c.taps), testing::PrintToString(worst));
    }
}

TEST(FftConvolver, CallSizesGiveBitIdenticalOutput) {
    const auto h = randomSignal(5000, 1);
    const auto x = randomSignal(40000, 2);
    FftConvolver reference;
    ASSERT_TRUE(reference.prepare(1, h.size()).ok());
    ASSERT_TRUE(reference.setKernel(0, h).ok());
    const auto one = convolveInCalls(reference, x, 1, 3);  // frame by frame
    for (std::uint64_t seed : {4u, 5u, 6u}) {
        FftConvolver convolver;
        ASSERT_TRUE(convolver.prepare(1, h.size()).ok());
        ASSERT_TRUE(convolver.setKernel(0, h).ok());
        const auto y = convolveInCalls(convolver, x, 4096, seed);
        ASSERT_EQ(0, std::memcmp(one.data(), y.data(), y.size() * sizeof(float)));
    }
}

TEST(FftConvolver, ImpulseResponseIsTheTaps) {
    // The head taps go through the time domain exactly (1 * h + 0 * ...); the others through the FFT.
    const auto h = randomSignal(2000, 7);
    FftConvolver convolver;
    ASSERT_TRUE(convolver.prepare(1, h.size(), 1, 128).ok());
    ASSERT_TRUE(convolver.setKernel(0, h).ok());
    std::vector<float> x(h.size() + 100, 0.0f);
    x[0] = 1.0f;
    const auto y = convolveInCalls(convolver, x, 999, 8);
    for (std::size_t n = 0; n < 128; ++n) ASSERT_EQ(y[n], h[n]) << "head tap " << n;
    const double bound = roundOffBound(h, 1.0, 128);
    for (std::size_t n = 128; n < h.size(); ++n) ASSERT_NEAR(y[n], h[n], bound) << "tap " << n;
    for (std::size_t n = h.size(); n < y.size(); ++n) ASSERT_NEAR(y[n], 0.0, bound) << "after the end, frame " << n;
}

TEST(FftConvolver, TwoKernelsAtOnceEqualEachAlone) {
    const auto h1 = randomSignal(3000, 11);
    const auto h2 = randomSignal(3000, 12);
    const auto x = randomSignal(20000, 13);
    FftConvolver both;
    ASSERT_TRUE(both.prepare(1, 3000, 2).ok());
    ASSERT_TRUE(both.setKernel(0, h1).ok());
    ASSERT_TRUE(both.setKernel(1, h2).ok());
    std::vector<float> a = x, b(x.size());
    float* pa = a.data();
    float* pb = b.data();
    both.processTwo(ConstAudioBlock(&pa, 1, a.size()), AudioBlock(&pa, 1, a.size()), 0, AudioBlock(&pb, 1, b.size()), 1);
    for (const auto& [taps, got] : {std::pair{&h1, &a}, std::pair{&h2, &b}}) {
        FftConvolver alone;
        ASSERT_TRUE(alone.prepare(1, 3000).ok());
        ASSERT_TRUE(alone.setKernel(0, *taps).ok());
        const auto expected = convolveInCalls(alone, x, 4096, 14);
        ASSERT_EQ(0, std::memcmp(expected.data(), got->data(), x.size() * sizeof(float)));
    }
}

TEST(FftConvolver, SwitchingKernelMidStreamIsExactAtOnce) {
    // The input history is filter independent: after a switch, output equals a convolver that
    // always had the new kernel.
    const auto h1 = randomSignal(1500, 21);
    const auto h2 = randomSignal(1500, 22);
    const auto x = randomSignal(12000, 23);
    FftConvolver switching, reference;
    ASSERT_TRUE(switching.prepare(1, 1500, 2, 64).ok());
    ASSERT_TRUE(reference.prepare(1, 1500, 1, 64).ok());
    ASSERT_TRUE(switching.setKernel(0, h1).ok());
    ASSERT_TRUE(switching.setKernel(1, h2).ok());
    ASSERT_TRUE(reference.setKernel(0, h2).ok());
    std::vector<float> y = x;
    float* p = y.data();
    const std::size_t split = 5037;  // mid-partition
    switching.process(ConstAudioBlock(&p, 1, split), AudioBlock(&p, 1, split), 0);
    float* q = y.data() + split;
    switching.process(ConstAudioBlock(&q, 1, y.size() - split), AudioBlock(&q, 1, y.size() - split), 1);
    const auto expected = convolveInCalls(reference, x, 4096, 24);
    ASSERT_EQ(0, std::memcmp(expected.data() + split, y.data() + split, (y.size() - split) * sizeof(float)));
}

TEST(FftConvolver, ResetClearsHistoryAndProcessDoesNotAllocate) {
    const auto h = randomSignal(4000, 31);
    const auto x = randomSignal(9000, 32);
    FftConvolver convolver;
    ASSERT_TRUE(convolver.prepare(2, h.size()).ok());
    ASSERT_TRUE(convolver.setKernel(0, h).ok());
    std::vector<float> left = x, right = x;
    float* channels[2] = {left.data(), right.data()};
    AudioBlock block(channels, 2, x.size());
    test::AllocationCounter counter;
    convolver.process(block, block, 0);
    convolver.reset();
    EXPECT_EQ(counter.count(), 0u);
    std::vector<float> again = x;
    float* p = again.data();
    FftConvolver mono;
    ASSERT_TRUE(mono.prepare(1, h.size()).ok());
    ASSERT_TRUE(mono.setKernel(0, h).ok());
    mono.process(ConstAudioBlock(&p, 1, again.size()), AudioBlock(&p, 1, again.size()), 0);
    EXPECT_EQ(0, std::memcmp(again.data(), left.data(), x.size() * sizeof(float)));
    EXPECT_EQ(0, std::memcmp(again.data(), right.data(), x.size() * sizeof(float)));
    left = x;
    right = x;
    convolver.process(block, block, 0);  // after reset: same as fresh
    EXPECT_EQ(0, std::memcmp(again.data(), left.data(), x.size() * sizeof(float)));
}

TEST(FftConvolver, RejectsBadSettings) {
    FftConvolver convolver;
    EXPECT_FALSE(convolver.prepare(0, 100).ok());
    EXPECT_FALSE(convolver.prepare(1, 0).ok());
    EXPECT_FALSE(convolver.prepare(1, 100, 1, 100).ok());
    ASSERT_TRUE(convolver.prepare(1, 100).ok());
    const std::vector<float> tooLong(101, 0.0f);
    EXPECT_FALSE(convolver.setKernel(0, tooLong).ok());
    EXPECT_FALSE(convolver.setKernel(1, tooLong).ok());
}

}  // namespace
}  // namespace lathe::dsp
