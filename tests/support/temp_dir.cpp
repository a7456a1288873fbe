#include "support/temp_dir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace lathe::test {

TempDir::TempDir() {
    const char* base = std::getenv("LATHE_TEST_TMP");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path();
    std::filesystem::create_directories(root);
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "lathe";
    if (info) name = std::string(info->test_suite_name()) + "." + info->name();
    for (auto& ch : name)
        if (ch == '/') ch = '_';
    std::string pattern = (root / (name + ".XXXXXX")).string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace lathe::test
