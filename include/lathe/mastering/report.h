#pragma once
// The master report: before/after analyses, the target, every stage's settings with reasons, the
// guardrail decisions, the loudness iterations, warnings and timing. Schema: docs/master-report.schema.json.

#include <filesystem>

#include <nlohmann/json.hpp>

#include "lathe/mastering/master.h"
#include "lathe/result.h"

namespace lathe::mastering {

[[nodiscard]] nlohmann::ordered_json toJson(const MasterReport& report);
// Writes toJson(report) atomically (temporary file + rename); refuses the report's input path.
Status writeReportJson(const MasterReport& report, const std::filesystem::path& path);

}  // namespace lathe::mastering
