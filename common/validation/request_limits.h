// The size and range limits of every request, checked for every RPC of every
// service before any domain code runs (CallRunner::Unary). Limits are
// declared beside the fields in the .proto files with the option
// (chibo.options.v1.limits); a field without one gets the defaults below.
// A repeated field's elements and nested messages are checked too; field
// paths in the violations read like "meeting.tasks[3].description".
#ifndef CHIBO_COMMON_VALIDATION_REQUEST_LIMITS_H_
#define CHIBO_COMMON_VALIDATION_REQUEST_LIMITS_H_

#include <cstdint>

#include "absl/status/status.h"
#include "common/errors/errors.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace chibo::validation {

inline constexpr int64_t kDefaultMaxBytes = 300;  // a string or bytes field (ids, names, titles)
inline constexpr int32_t kDefaultMaxItems = 100;   // a repeated field
// The largest request a server accepts, and the largest response a client
// accepts (gRPC's own default of 4 MB receive is raised on clients: a page
// of 1,000 recorded meetings can pass it).
inline constexpr int kMaxRequestBytes = 4 << 20;
inline constexpr int kMaxResponseBytes = 64 << 20;

struct EffectiveLimits {
  int64_t max_bytes = 0;   // strings/bytes
  int32_t max_items = 0;   // repeated
  bool has_min = false, has_max = false;
  int64_t min_value = 0, max_value = 0;  // integers
};

// The limits in force for `field`: its annotation, else the defaults.
EffectiveLimits LimitsOf(const google::protobuf::FieldDescriptor& field);

// Adds a violation for each field of `message` (and of its nested messages)
// over its limits, and for any string that is not valid UTF-8.
void CheckLimits(const google::protobuf::Message& message, errors::FieldViolations& violations);

// OK, or INVALID_ARGUMENT naming the fields (at most errors::kMaxViolations).
absl::Status CheckRequestLimits(const google::protobuf::Message& request);

}  // namespace chibo::validation

#endif  // CHIBO_COMMON_VALIDATION_REQUEST_LIMITS_H_
