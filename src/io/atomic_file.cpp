#include "lathe/atomic_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace lathe {
namespace fs = std::filesystem;

Status writeTextFileAtomically(const fs::path& path, std::string_view text, const std::vector<fs::path>& protectedPaths) {
    std::error_code ec;
    for (const auto& input : protectedPaths)
        if (fs::exists(path, ec) && fs::exists(input, ec) && fs::equivalent(path, input, ec))
            return fail(path.string() + ": refusing to overwrite an input file; choose another output path");
    fs::path dir = path.parent_path();
    if (dir.empty()) dir = ".";
    if (!fs::is_directory(dir, ec)) return fail(path.string() + ": output folder does not exist");
    std::string pattern = (dir / ("." + path.filename().string() + ".lathe-tmp-XXXXXX")).string();
    const int fd = mkstemp(pattern.data());
    if (fd < 0) return fail(path.string() + ": cannot create a file in the output folder (" + std::strerror(errno) + ")");
    fchmod(fd, 0644);
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n <= 0) {
            close(fd);
            fs::remove(pattern, ec);
            return fail(path.string() + ": write failed (" + std::strerror(errno) + ")");
        }
        written += std::size_t(n);
    }
    if (close(fd) != 0) {
        fs::remove(pattern, ec);
        return fail(path.string() + ": write failed");
    }
    fs::rename(pattern, path, ec);
    if (ec) {
        fs::remove(pattern, ec);
        return fail(path.string() + ": could not move the finished file into place");
    }
    return success();
}

}  // namespace lathe
