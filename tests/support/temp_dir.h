#pragma once
// A fresh, empty folder per test under $LATHE_TEST_TMP (or the system temp folder), removed afterwards.

#include <filesystem>
#include <string>

namespace lathe::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

private:
    std::filesystem::path path_;
};

// The whole content of a file, as bytes ("" when it cannot be read).
std::string readFile(const std::filesystem::path& path);

}  // namespace lathe::test
