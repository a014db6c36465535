#include "absl/strings/string_view.h"
#include "common/observability/logging.h"

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace chibo::observability {
namespace {

std::string& MutableServiceName() {
  static std::string* name = new std::string("chibo");
  return *name;
}

spdlog::logger& Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("chibo-json");
    l->set_pattern("%v");
    l->flush_on(spdlog::level::warn);
    return l;
  }();
  return *logger;
}

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return spdlog::level::debug;
    case LogLevel::kInfo: return spdlog::level::info;
    case LogLevel::kWarn: return spdlog::level::warn;
    case LogLevel::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

std::string JsonEscape(absl::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) absl::StrAppendFormat(&out, "\\u%04x", c);
        else out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

void InitJsonLogging(absl::string_view service, absl::string_view level) {
  MutableServiceName() = std::string(service);
  Logger().set_level(spdlog::level::from_str(std::string(level)));
}

bool LogEnabled(LogLevel level) { return Logger().should_log(ToSpd(level)); }

std::string ServiceName() { return MutableServiceName(); }

namespace {

std::string FormatLine(LogLevel level, absl::string_view message, const LogFields& fields) {
  static constexpr const char* kNames[] = {"debug", "info", "warn", "error"};
  std::string line = absl::StrCat(
      "{\"ts\":\"", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
      "\",\"level\":\"", kNames[static_cast<int>(level)], "\",\"service\":\"",
      JsonEscape(MutableServiceName()), "\",\"msg\":\"", JsonEscape(message), "\"");
  for (const auto& [k, v] : fields) absl::StrAppend(&line, ",\"", k, "\":\"", JsonEscape(v), "\"");
  line += "}";
  return line;
}

}  // namespace

void Log(LogLevel level, absl::string_view message, const LogFields& fields) {
  if (!LogEnabled(level)) return;
  Logger().log(ToSpd(level), FormatLine(level, message, fields));
}

void LogAlways(absl::string_view message, const LogFields& fields) {
  // Passed to spdlog at its highest level so no threshold drops it (and it
  // is flushed at once); the line itself says info.
  Logger().log(spdlog::level::critical, FormatLine(LogLevel::kInfo, message, fields));
}

}  // namespace chibo::observability
