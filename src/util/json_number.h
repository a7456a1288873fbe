#pragma once
// JSON numbers for the reports (internal): a figure that is missing or not finite is null.

#include <cmath>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace lathe {

inline nlohmann::ordered_json optionalNumber(const std::optional<double>& value) {
    if (value && std::isfinite(*value)) return *value;
    return nullptr;
}

inline nlohmann::ordered_json optionalNumbers(const std::vector<std::optional<double>>& values) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& value : values) out.push_back(optionalNumber(value));
    return out;
}

}  // namespace lathe
