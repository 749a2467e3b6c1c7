// Status and StatusOr: expected failures as values (in the spirit of absl::Status).
// Nothing on the request path throws; a failure travels up as a Status and is turned into
// an HTTP answer in exactly one place (api/error_response.cc).
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace authd {

enum class StatusCode {
  kOk,
  kInvalidArgument,    // the caller's input is wrong
  kNotFound,           // the thing asked for does not exist
  kAlreadyExists,      // a unique value is taken (username)
  kUnauthenticated,    // credentials missing or wrong
  kPermissionDenied,   // authenticated, but not allowed
  kResourceExhausted,  // a limit was hit (queue full, too many requests)
  kUnavailable,        // a dependency is down or busy; retrying may help
  kFailedPrecondition, // the system is not in a state to do this (schema too new)
  kInternal,           // a bug or an unexpected failure
  kWouldBlock,         // asked to answer from memory only, and that needs the database
};

const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status WouldBlock(std::string m) { return {StatusCode::kWouldBlock, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
inline Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }

// Either a value or a non-OK Status. Default-constructed, it holds an Internal error, so that
// it can travel through asynchronous completion handlers that need a default value.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr() : v_(Status(StatusCode::kInternal, "uninitialized")) {}
  StatusOr(Status s) : v_(std::move(s)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT
  StatusOr(T value) : v_(std::move(value)) {}                                     // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace authd

// Returns early from the enclosing function when `expr` is not OK.
#define AUTHD_RETURN_IF_ERROR(expr)        \
  do {                                     \
    ::authd::Status _st = (expr);          \
    if (!_st.ok()) return _st;             \
  } while (0)
