#pragma once
// printf-style formatting into a std::string, for report and error texts (not for hot paths).

#include <cstdio>
#include <string>

namespace lathe {

template <class... Values>
std::string formatText(const char* pattern, Values... values) {
    const int size = std::snprintf(nullptr, 0, pattern, values...);
    if (size <= 0) return {};
    std::string text(static_cast<std::size_t>(size) + 1, '\0');
    std::snprintf(text.data(), text.size(), pattern, values...);
    text.resize(static_cast<std::size_t>(size));
    return text;
}

}  // namespace lathe
