// parseMatchAmounts(): "eq=100,loudness=100,width=100,dynamics=50" -> MatchAmounts (see reference.h).
#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include "lathe/mastering/reference.h"

namespace lathe::mastering {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

Result<MatchAmounts> parseMatchAmounts(const std::string& text) {
    struct Aspect {
        std::string_view name;
        double MatchAmounts::*amount;
        bool seen;
    };
    std::array<Aspect, 4> aspects{{{"eq", &MatchAmounts::eq, false},
                                   {"loudness", &MatchAmounts::loudness, false},
                                   {"width", &MatchAmounts::width, false},
                                   {"dynamics", &MatchAmounts::dynamics, false}}};
    const std::string kUsage = " (expected ASPECT=PERCENT items such as eq=100,loudness=100,width=100,dynamics=50)";
    MatchAmounts amounts;
    if (trim(text).empty()) return fail("match amounts are empty" + kUsage);
    std::string_view rest = text;
    while (true) {
        const auto comma = rest.find(',');
        const std::string_view item = trim(rest.substr(0, comma));
        const std::string quoted = "'" + std::string(item) + "'";
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) return fail("match amount " + quoted + " has no '='" + kUsage);
        const std::string_view key = trim(item.substr(0, equals));
        std::string_view value = trim(item.substr(equals + 1));
        if (!value.empty() && value.back() == '%') value.remove_suffix(1);
        Aspect* aspect = nullptr;
        for (auto& a : aspects)
            if (a.name == key) aspect = &a;
        if (!aspect) return fail("match amount " + quoted + ": unknown aspect (eq, loudness, width, dynamics)");
        if (aspect->seen) return fail("match amount " + quoted + ": " + std::string(key) + " given twice");
        double percent = 0.0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), percent);
        if (value.empty() || ec != std::errc() || end != value.data() + value.size() || !std::isfinite(percent))
            return fail("match amount " + quoted + ": not a number of percent");
        if (percent < 0.0 || percent > 100.0) return fail("match amount " + quoted + ": out of range (0 to 100 %)");
        amounts.*(aspect->amount) = percent / 100.0;
        aspect->seen = true;
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return amounts;
}

}  // namespace lathe::mastering
