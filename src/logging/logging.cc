#include "logging/logging.h"

#include <fmt/format.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "util/time_format.h"

namespace authd {
namespace {

std::atomic<LogFormat> g_format{LogFormat::kText};

// Payloads of access lines in JSON mode start with this marker and carry their fields as
// JSON members; the formatter puts them at the top level of the line's object.
constexpr std::string_view kFieldsMarker = "\x1e";

class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                            msg.time.time_since_epoch()).count();
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    fmt::format_to(std::back_inserter(dest), R"({{"time":"{}","level":"{}",)",
                   FormatIsoUtc(micros), spdlog::level::to_string_view(msg.level));
    if (payload.starts_with(kFieldsMarker)) {
      dest.append(payload.substr(kFieldsMarker.size()));
    } else {
      const std::string quoted = JsonQuote(payload);
      fmt::format_to(std::back_inserter(dest), R"("message":{})", quoted);
    }
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
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  }
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(std::string(level)));
}

void LogAccess(const AccessRecord& r) {
  if (!spdlog::should_log(spdlog::level::info)) return;
  const double ms = static_cast<double>(r.duration.count()) / 1000.0;
  const std::string_view route = r.route.empty() ? "-" : r.route;
  if (g_format.load() == LogFormat::kJson) {
    std::string fields = fmt::format(
        R"("event":"access","request_id":{},"method":{},"route":{},"status":{},"duration_ms":{:.3f},"user_id":{},"client":{})",
        JsonQuote(r.request_id), JsonQuote(r.method), JsonQuote(route), r.status, ms,
        r.user_id ? std::to_string(*r.user_id) : "null", JsonQuote(r.client));
    spdlog::info("{}{}", kFieldsMarker, fields);
  } else {
    // The method is Beast-validated token characters and the route is ours, so no value
    // here can hold a space or a line break.
    spdlog::info("access request_id={} method={} route={} status={} duration_ms={:.3f} user_id={} client={}",
                 r.request_id, r.method, route, r.status, ms,
                 r.user_id ? std::to_string(*r.user_id) : "-", r.client);
  }
}

}  // namespace authd
