#pragma once
// The verdict of `lathe check`: one item per rule, each PASS, WARN or FAIL with the measured figure,
// the threshold it was judged against and a one-line reason. The rules themselves live in
// lathe/check/verdict_rules.h; this header is only the vocabulary shared by the rules, the JSON and
// the HTML report.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lathe::check {

enum class Severity { pass, warn, fail };

/// "PASS", "WARN" or "FAIL".
[[nodiscard]] std::string_view severityName(Severity severity) noexcept;
/// The worse of two severities.
[[nodiscard]] Severity worst(Severity a, Severity b) noexcept;

struct VerdictItem {
    std::string id;        ///< stable key, e.g. "true-peak", "translation-phone"
    std::string category;  ///< loudness, peaks, dynamics, tonal, stereo, housekeeping, translation, codec
    Severity severity = Severity::pass;
    std::optional<double> value;  ///< the figure as a number (null when undefined)
    std::string unit;             ///< "LUFS", "dBTP", "dB", "LU", "s", "Hz", "bit", ...
    std::string figure;           ///< the figure as printed, e.g. "-8.2 LUFS"
    std::string threshold;        ///< what it was judged against, e.g. "-14 LUFS +-1 LU (WARN +-3 LU)"
    std::string reason;           ///< one line a user can act on
};

struct Verdict {
    std::vector<VerdictItem> items;

    /// The worst severity of all items (PASS for an empty verdict).
    [[nodiscard]] Severity overall() const noexcept;
    /// The item with this id, or null.
    [[nodiscard]] const VerdictItem* find(std::string_view id) const noexcept;
    /// Ids of the items with this severity, in order.
    [[nodiscard]] std::vector<std::string> idsWith(Severity severity) const;
};

/// The exit code of `lathe check`: 0 for PASS or WARN, 1 for FAIL.
[[nodiscard]] int exitCodeFor(Severity overall) noexcept;

}  // namespace lathe::check
