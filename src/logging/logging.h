// Where authd's log lines go and how they look: AUTHD_LOG_FORMAT=text (the default, for
// people) or json (one object per line, for collectors), at AUTHD_LOG_LEVEL. The access log is
// one line per request, with the request id, method, route, status, duration, user id when
// known, and client address; never a header, body, token or password. Access lines are
// written in batches off the I/O threads (access_log.h); other lines as they are logged.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace authd {

enum class LogFormat { kText, kJson };

// Sets up the process's logger (stderr) in `format` at `level` ("trace" ... "off").
void SetUpLogging(LogFormat format, std::string_view level);

struct AccessRecord {
  std::string_view request_id;
  std::string_view method;
  std::string_view route;  // the matched pattern; empty when nothing matched
  int status = 0;
  std::chrono::microseconds duration{0};
  std::optional<int64_t> user_id;
  std::string_view client;
};

// Formats one access-log line at info level, in the format SetUpLogging chose, and queues it
// (access_log.h): no lock and no system call.
void LogAccess(const AccessRecord& record);

// One line for an event of kind `event` ("audit") whose fields are the JSON object
// `fields` (serialized, so free of line breaks): in JSON, the object with "time", "level" and
// "event" first; in text, "TIME info EVENT {...}". Queued as access lines are.
void LogEventLine(std::string_view event, std::string_view fields);

// A JSON string literal for `text` (quotes included), escaped as RFC 8259 requires.
std::string JsonQuote(std::string_view text);

}  // namespace authd
