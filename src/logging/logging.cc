#include "logging/logging.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <memory>

#include "logging/access_log.h"
#include "util/time_format.h"

namespace authd {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            msg.time.time_since_epoch()).count();
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    fmt::format_to(std::back_inserter(dest), R"({{"time":"{}","level":"{}",)",
                   FormatIsoUtc(micros), spdlog::level::to_string_view(msg.level));
    const std::string quoted = JsonQuote(payload);
    fmt::format_to(std::back_inserter(dest), R"("message":{})", quoted);
    dest.append(std::string_view("}\n"));
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonFormatter>();
  }
};

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) out += fmt::format("\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void SetUpLogging(LogFormat format, std::string_view level) {
  g_format = format;
  auto logger = spdlog::stderr_color_mt("authd");
  if (format == LogFormat::kJson) {
    logger->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    // UTC, as the access lines (formatted by AppendTextTime below).
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v", spdlog::pattern_time_type::utc);
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

namespace {

// "2026-11-30T10:56:03.230+00:00", spdlog's text pattern in UTC; the seconds are formatted
// once a second per thread.
void AppendTextTime(std::string& out, std::chrono::system_clock::time_point now) {
  thread_local time_t cached_second = -1;
  thread_local char cached[24];
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const time_t second = static_cast<time_t>(millis / 1000);
  if (second != cached_second) {
    std::tm tm{};
    gmtime_r(&second, &tm);
    std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
    cached_second = second;
  }
  out.append(cached);
  fmt::format_to(std::back_inserter(out), ".{:03}+00:00", millis % 1000);
}

}  // namespace

void LogEventLine(std::string_view event, std::string_view fields) {
  if (!spdlog::should_log(spdlog::level::info) || fields.size() < 2 || fields.front() != '{') return;
  const auto now = std::chrono::system_clock::now();
  std::string line;
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    fmt::format_to(std::back_inserter(line), R"({{"time":"{}","level":"info","event":{})",
                   FormatIsoUtc(micros), JsonQuote(event));
    if (fields.size() > 2) line += ',';
    line.append(fields.substr(1));
  } else {
    AppendTextTime(line, now);
    fmt::format_to(std::back_inserter(line), " info {} {}", event, fields);
  }
  line += '\n';
  AppendAccessLine(line);
}

void LogAccess(const AccessRecord& r) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  const double ms = static_cast<double>(r.duration.count()) / 1000.0;
  const std::string_view route = r.route.empty() ? "-" : r.route;
  const auto now = std::chrono::system_clock::now();
  thread_local std::string line;  // keeps its capacity: no allocation per request
  line.clear();
  auto out = std::back_inserter(line);
  if (g_format.load(std::memory_order_relaxed) == LogFormat::kJson) {
    const auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
    fmt::format_to(
        out,
        R"({{"time":"{}","level":"info","event":"access","request_id":{},"method":{},"route":{},"status":{},"duration_ms":{:.3f},"user_id":{},"client":{}}})"
        "\n",
        FormatIsoUtc(micros), JsonQuote(r.request_id), JsonQuote(r.method), JsonQuote(route),
        r.status, ms, r.user_id ? std::to_string(*r.user_id) : "null", JsonQuote(r.client));
  } else {
    // The method is Beast-validated token characters and the route is ours, so no value
    // here can hold a space or a line break.
    AppendTextTime(line, now);
    fmt::format_to(out,
                   " info access request_id={} method={} route={} status={} duration_ms={:.3f} "
                   "user_id={} client={}\n",
                   r.request_id, r.method, route, r.status, ms,
                   r.user_id ? std::to_string(*r.user_id) : "-", r.client);
  }
  AppendAccessLine(line);
}

}  // namespace authd
