// lathe: audio mastering engine, command-line front end.
#include <cstdio>
#include <iostream>

#include "commands.h"

namespace lathe::cli {
int reportError(const std::string& message, int code) {
    std::fprintf(stderr, "lathe: %s\n", message.c_str());
    return code;
}
}  // namespace lathe::cli

int main(int argc, char** argv) {
    CLI::App app{"lathe: audio mastering engine"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "lathe 0.1.0");
    lathe::cli::CommandContext context;
    lathe::cli::registerDemoMixCommand(app, context);
    lathe::cli::registerAnalyzeCommand(app, context);
    lathe::cli::registerMasterCommand(app, context);
    lathe::cli::registerCheckCommand(app, context);
    lathe::cli::registerAlbumCommand(app, context);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;  // usage errors: exit 2
    }
    return context.exitCode;
}
