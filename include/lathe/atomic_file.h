#pragma once
// Writes a whole text file atomically: a temporary file in the destination folder, renamed into place.
// A failed write leaves nothing behind; the paths in `protectedPaths` (a run's inputs) are never replaced.

#include <filesystem>
#include <string_view>
#include <vector>

#include "lathe/result.h"

namespace lathe {

Status writeTextFileAtomically(const std::filesystem::path& path, std::string_view text,
                               const std::vector<std::filesystem::path>& protectedPaths = {});

}  // namespace lathe
