#pragma once
// A one-line status display on stderr that rewrites itself ("\r" + clear to end of line), shown only
// when stderr is a terminal and the user did not ask for quiet; otherwise every call does nothing.

#include <mutex>
#include <string>

namespace lathe::cli {

class StatusLine {
public:
    explicit StatusLine(bool wanted);
    ~StatusLine();  // clears the line
    StatusLine(const StatusLine&) = delete;
    StatusLine& operator=(const StatusLine&) = delete;

    [[nodiscard]] bool active() const noexcept { return active_; }
    void show(const std::string& text);
    void clear();

private:
    bool active_ = false;
    bool shown_ = false;
    std::mutex mutex_;
};

}  // namespace lathe::cli
