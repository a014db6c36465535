// JSON-lines logs (spdlog) on stderr: one object per line with time, level,
// service, message and fields such as the call's request id.
#ifndef CHIBO_COMMON_OBSERVABILITY_LOGGING_H_
#define CHIBO_COMMON_OBSERVABILITY_LOGGING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace chibo::observability {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogFields = std::vector<std::pair<absl::string_view, std::string>>;

// Call once at start-up. `level` is debug|info|warn|error.
void InitJsonLogging(absl::string_view service, absl::string_view level = "info");

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

bool LogEnabled(LogLevel level);

std::string JsonEscape(absl::string_view s);

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_LOGGING_H_
