#include "lathe/check/verdict.h"

namespace lathe::check {

std::string_view severityName(Severity severity) noexcept {
    switch (severity) {
        case Severity::pass: return "PASS";
        case Severity::warn: return "WARN";
        case Severity::fail: return "FAIL";
    }
    return "FAIL";
}

Severity worst(Severity a, Severity b) noexcept { return static_cast<int>(a) >= static_cast<int>(b) ? a : b; }

Severity Verdict::overall() const noexcept {
    Severity result = Severity::pass;
    for (const auto& item : items) result = worst(result, item.severity);
    return result;
}

const VerdictItem* Verdict::find(std::string_view id) const noexcept {
    for (const auto& item : items)
        if (item.id == id) return &item;
    return nullptr;
}

std::vector<std::string> Verdict::idsWith(Severity severity) const {
    std::vector<std::string> ids;
    for (const auto& item : items)
        if (item.severity == severity) ids.push_back(item.id);
    return ids;
}

int exitCodeFor(Severity overall) noexcept { return overall == Severity::fail ? 1 : 0; }

}  // namespace lathe::check
