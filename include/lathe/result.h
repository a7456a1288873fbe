#pragma once
// Errors as values: library code never prints, exits or throws across its API.
// A configuration or input error comes back as an Error whose message a user can act on.

#include <string>
#include <utility>
#include <variant>

namespace lathe {

struct Error {
    std::string message;
};

struct Ok {};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : state_(std::move(error)) {}  // NOLINT

    [[nodiscard]] bool ok() const noexcept { return std::holds_alternative<T>(state_); }
    explicit operator bool() const noexcept { return ok(); }

    T& value() & { return std::get<T>(state_); }
    const T& value() const& { return std::get<T>(state_); }
    T&& value() && { return std::get<T>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }

    const Error& error() const { return std::get<Error>(state_); }

private:
    std::variant<T, Error> state_;
};

using Status = Result<Ok>;

inline Status success() { return Ok{}; }
inline Error fail(std::string message) { return Error{std::move(message)}; }

}  // namespace lathe
