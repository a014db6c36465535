// JSON-lines logs (spdlog) on stderr: one object per line with time, level,
// service, message and fields such as the call's request id.
#ifndef CHIBO_COMMON_OBSERVABILITY_LOGGING_H_
#define CHIBO_COMMON_OBSERVABILITY_LOGGING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace chibo::observability {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

using LogFields = std::vector<std::pair<absl::string_view, std::string>>;

// Call once at start-up. `level` is debug|info|warn|error.
void InitJsonLogging(absl::string_view service, absl::string_view level = "info");

void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

// Logs at info whatever --log_level says: the one start-up line an operator
// needs even from a service running at warn.
void LogAlways(absl::string_view message, const LogFields& fields = {});

bool LogEnabled(LogLevel level);

// The service name InitJsonLogging was given ("chibo" before).
std::string ServiceName();

std::string JsonEscape(absl::string_view s);

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_LOGGING_H_
