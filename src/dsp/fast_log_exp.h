#pragma once
// Natural logarithm and exponential in double precision for per-frame gain computers (internal).
// Branch-free, no table, no library call: loops over a block of them auto-vectorise (SSE2 lanes),
// where std::log / std::exp are opaque calls of ~20 cycles each. The series are textbook ones; their
// coefficients are computed here (1/(2k+1), 1/k!), not pasted. Deterministic: plain IEEE double
// operations in a fixed order (the build uses no -ffast-math and no FP contraction).
//
// The accuracy is chosen for gain computers, whose result scales float audio (resolution 6e-8): about
// 1e-12, four orders of magnitude below that, at the lowest polynomial degrees that give it.
// fastLog(x), for x a positive, normal, finite double:
//   x = 2^e m with m in [sqrt(1/2), sqrt(2)) (found from the bits: adding bits(1) - bits(sqrt(1/2))
//   carries into the exponent field exactly when the mantissa is >= sqrt(2));
//   ln m = 2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ... + s^12/13), s = (m - 1)/(m + 1), |s| <= 0.1716,
//   s^2 <= 0.0295; the omitted terms sum to less than 2 |s| 0.0295^7 / 15 / (1 - 0.0295) < 4.7e-13;
//   ln x = e ln2 + ln m. Tested bound (tests/dsp/fast_log_exp_test.cpp, against a long-double
//   reference over the whole normal range): 5e-13 absolute + 4e-16 relative.
// fastExp(y), for |y| <= 700 (larger magnitudes are clamped to +-700):
//   k = round(y / ln2) (by the 1.5 x 2^52 shift), r = y - k ln2 (Cody-Waite: ln2 in two parts, k ln2_hi
//   exact), |r| <= ln2 / 2; exp r by its Taylor series to r^10/10!; the omitted terms are below
//   (ln2/2)^11 / 11! (1.02) = 2.2e-13 absolute, 3.1e-13 relative to exp(r) >= 1/sqrt2; 2^k is added
//   to the exponent bits. Tested bound: 3.5e-13 relative.
// Both polynomials are evaluated by Estrin's scheme (see estrin below).
// Outside the stated domains the result is unspecified but the code has no undefined behaviour
// (NaN or infinity in gives some double out; callers that can see them guard).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <utility>

namespace lathe::dsp::fastmath {

namespace detail {
inline constexpr int kLogTerms = 7;   // s^0 .. s^12 in the atanh series
inline constexpr int kExpTerms = 11;  // r^0 .. r^10 in the Taylor series

inline constexpr std::uint64_t kExponentMask = 0x7ffull << 52;
inline constexpr std::uint64_t kOneBits = std::bit_cast<std::uint64_t>(1.0);
// bits(1) - bits(sqrt(1/2)): added to x's bits, it carries into the exponent iff the mantissa >= sqrt2.
inline constexpr std::uint64_t kSqrtHalfOffset = kOneBits - std::bit_cast<std::uint64_t>(std::numbers::sqrt2 / 2);
inline constexpr double kTwo52 = 4503599627370496.0;       // 2^52
inline constexpr double kRoundShift = 1.5 * kTwo52;        // y + 1.5 2^52 rounds y to an integer
// ln 2 split so that k * kLn2High is exact for |k| < 2^20: the top 21 bits of ln 2's mantissa, then
// the next 53 (from the long-double constant, so that k ln2 is good to far below an ulp of r).
inline constexpr double kLn2High =
    std::bit_cast<double>(std::bit_cast<std::uint64_t>(std::numbers::ln2) & ~0xffffffffull);
inline constexpr double kLn2Low = static_cast<double>(std::numbers::ln2_v<long double> - kLn2High);
inline constexpr double kExpLimit = 700.0;

// 1/(2k + 1) and 1/k!, each rounded once from exact integers (k! is exact in double up to 18!).
inline constexpr std::array<double, kLogTerms> kLogCoefficients = [] {
    std::array<double, kLogTerms> c{};
    for (int k = 0; k < kLogTerms; ++k) c[std::size_t(k)] = 1.0 / double(2 * k + 1);
    return c;
}();
inline constexpr std::array<double, kExpTerms> kExpCoefficients = [] {
    std::array<double, kExpTerms> c{};
    double factorial = 1.0;
    for (int k = 0; k < kExpTerms; ++k) {
        if (k > 1) factorial *= double(k);
        c[std::size_t(k)] = 1.0 / factorial;
    }
    return c;
}();

// c[0] + c[1] x + c[2] x^2 + ... by Estrin's scheme: pairs c[2i] + c[2i+1] x, then the same on the
// pairs with x^2, and so on. Its dependency chain is about 2 log2(N) operations instead of Horner's
// 2N, which is what limits a vectorised loop of these (each lane's chain is long; the lanes of
// different iterations overlap only as far as the scheduler looks ahead). Written out by templates,
// so no loop is left for the vectoriser.
template <std::size_t N, std::size_t I>
[[gnu::always_inline]] inline double pairTerm(const std::array<double, N>& c, double x) noexcept {
    if constexpr (2 * I + 1 < N) return c[2 * I] + c[2 * I + 1] * x;
    else return c[2 * I];
}

template <std::size_t N>
[[gnu::always_inline]] inline double estrin(const std::array<double, N>& c, double x) noexcept {
    if constexpr (N == 1) {
        return c[0];
    } else {
        const auto pairs = [&]<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<double, (N + 1) / 2>{pairTerm<N, I>(c, x)...};
        }(std::make_index_sequence<(N + 1) / 2>{});
        return estrin(pairs, x * x);
    }
}
}  // namespace detail

[[gnu::always_inline]] inline double fastLog(double x) noexcept {
    using namespace detail;
    const auto bits = std::bit_cast<std::uint64_t>(x);
    const std::uint64_t shifted = bits + kSqrtHalfOffset;
    const std::uint64_t biasedExponent = shifted >> 52;  // e + 1023
    // m = x / 2^e: replace the exponent field (unsigned arithmetic wraps; exact for normal x).
    const double m = std::bit_cast<double>(bits - (shifted & kExponentMask) + kOneBits);
    // e as a double without an integer conversion: 2^52 + (e + 1023), exactly, minus 2^52 + 1023.
    const double e = std::bit_cast<double>(std::bit_cast<std::uint64_t>(kTwo52) | biasedExponent) - (kTwo52 + 1023.0);
    const double s = (m - 1.0) / (m + 1.0);
    const double z = s * s;
    return e * std::numbers::ln2 + 2.0 * s * estrin(kLogCoefficients, z);
}

[[gnu::always_inline]] inline double fastExp(double y) noexcept {
    using namespace detail;
    y = y < -kExpLimit ? -kExpLimit : y;
    y = y > kExpLimit ? kExpLimit : y;
    const double shifted = y * std::numbers::log2e + kRoundShift;
    const double k = shifted - kRoundShift;
    const double r = (y - k * kLn2High) - k * kLn2Low;
    const double series = estrin(kExpCoefficients, r);
    // k as a two's-complement integer in the low bits of `shifted`; add it to series' exponent.
    const std::uint64_t kBits = std::bit_cast<std::uint64_t>(shifted) - std::bit_cast<std::uint64_t>(kRoundShift);
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(series) + (kBits << 52));
}

}  // namespace lathe::dsp::fastmath
