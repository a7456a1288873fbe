#include "status_line.h"

#include <unistd.h>

#include <cstdio>

namespace lathe::cli {

StatusLine::StatusLine(bool wanted) : active_(wanted && isatty(fileno(stderr)) == 1) {}

StatusLine::~StatusLine() { clear(); }

void StatusLine::show(const std::string& text) {
    if (!active_) return;
    std::lock_guard lock(mutex_);
    std::fprintf(stderr, "\r%s\033[K", text.c_str());
    std::fflush(stderr);
    shown_ = true;
}

void StatusLine::clear() {
    if (!active_) return;
    std::lock_guard lock(mutex_);
    if (!shown_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
}

}  // namespace lathe::cli
