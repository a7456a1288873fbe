#pragma once
// Runs a command (or the built `lathe` binary, $LATHE_CLI) and captures exit code, stdout and stderr.

#include <filesystem>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace lathe::test {

struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
    [[nodiscard]] std::vector<std::string> errLines() const;
};

// Single-quotes an argument for the shell.
std::string shellQuote(const std::string& text);
inline std::string shellQuote(const char* text) { return shellQuote(std::string(text)); }
inline std::string shellQuote(const std::filesystem::path& path) { return shellQuote(path.string()); }
// Runs `command` through the shell; stderr goes to a file in `dir`.
CliRun runCommand(const TempDir& dir, const std::string& command);
// Runs "$LATHE_CLI <arguments>" (arguments already quoted as needed).
CliRun runLathe(const TempDir& dir, const std::string& arguments);

}  // namespace lathe::test
