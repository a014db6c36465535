// What this binary is: the version it was built from (`git describe` of the
// source tree at build time, "unknown" outside a checkout), reported by the
// start-up log line and by chibo_build_info on /metrics.
#ifndef CHIBO_COMMON_OBSERVABILITY_BUILD_INFO_H_
#define CHIBO_COMMON_OBSERVABILITY_BUILD_INFO_H_

#include "absl/strings/string_view.h"

namespace chibo::observability {

absl::string_view BuildVersion();

// Sets chibo_build_info{service=,version=} 1 on the global metrics.
void PublishBuildInfo(absl::string_view service);

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_BUILD_INFO_H_
