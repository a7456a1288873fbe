#pragma once
// Each subcommand registers itself on the app and sets `exitCode` when it runs.
// The CLI is a consumer of the public library API only (include/lathe/).

#include <CLI/CLI.hpp>

#include <string>

namespace lathe::cli {

struct CommandContext {
    int exitCode = 0;
};

// Prints one line "lathe: <message>" to stderr and returns `code` (non-zero).
int reportError(const std::string& message, int code = 1);

void registerDemoMixCommand(CLI::App& app, CommandContext& context);
void registerAnalyzeCommand(CLI::App& app, CommandContext& context);
void registerMasterCommand(CLI::App& app, CommandContext& context);
void registerCheckCommand(CLI::App& app, CommandContext& context);
void registerAlbumCommand(CLI::App& app, CommandContext& context);

}  // namespace lathe::cli
