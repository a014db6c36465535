// Resource ids and etags shared by every service (AIP-122, AIP-154).
#ifndef CHIBO_COMMON_RESOURCE_RESOURCE_H_
#define CHIBO_COMMON_RESOURCE_RESOURCE_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace chibo::resource {

// A new random id: `prefix` then 16 lower-case hex digits, e.g. "mb-3f9a…".
std::string NewId(absl::string_view prefix);

// A new id that sorts by creation: `prefix`, the time in milliseconds (11
// hex digits), then 36 random bits (9 hex digits). For rows made in bulk and
// written together later (a cell's meetings, made in one call, recorded in
// one batch): they sit side by side in every index keyed by their id, so
// writing them dirties a few pages instead of one per row. Not for secrets.
std::string NewTimeOrderedId(absl::string_view prefix);

// Client-chosen ids: 2..63 of [a-z0-9-], starting with a letter or digit.
bool IsValidId(absl::string_view id);

// The etag of a stored version: "v<version>".
std::string EtagOf(int64_t version);

// The version an etag of EtagOf names; 0 for anything else.
int64_t VersionOfEtag(absl::string_view etag);

// True when `etag` is empty (no check asked) or names `version`.
bool EtagMatches(absl::string_view etag, int64_t version);

}  // namespace chibo::resource

#endif  // CHIBO_COMMON_RESOURCE_RESOURCE_H_
