#include "support/cli_run.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

namespace lathe::test {

std::vector<std::string> CliRun::errLines() const {
    std::vector<std::string> lines;
    std::istringstream stream(err);
    for (std::string line; std::getline(stream, line);) lines.push_back(line);
    return lines;
}

std::string shellQuote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

CliRun runCommand(const TempDir& dir, const std::string& command) {
    CliRun run;
    const auto errPath = dir / "stderr.txt";
    const std::string full = command + " 2>" + shellQuote(errPath.string());
    FILE* pipe = popen(full.c_str(), "r");
    if (!pipe) return run;
    char buffer[4096];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) run.out.append(buffer, got);
    const int status = pclose(pipe);
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream errFile(errPath);
    run.err.assign(std::istreambuf_iterator<char>(errFile), std::istreambuf_iterator<char>());
    return run;
}

CliRun runLathe(const TempDir& dir, const std::string& arguments) {
    const char* cli = std::getenv("LATHE_CLI");
    EXPECT_NE(cli, nullptr) << "LATHE_CLI is not set (run through ctest)";
    if (!cli) return {};
    return runCommand(dir, shellQuote(cli) + " " + arguments);
}

}  // namespace lathe::test
