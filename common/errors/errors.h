// Errors with google.rpc details (AIP-193), carried inside absl::Status as
// payloads so domain code stays free of gRPC. Only the gRPC adapter turns
// them into grpc::Status (common/rpc/status_mapping.h).
#ifndef CHIBO_COMMON_ERRORS_ERRORS_H_
#define CHIBO_COMMON_ERRORS_ERRORS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/status/status.h"

namespace chibo::errors {

inline constexpr absl::string_view kDomain = "chibo.gov.vn";
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";
inline constexpr absl::string_view kErrorInfoTypeUrl = "type.googleapis.com/google.rpc.ErrorInfo";

struct FieldViolation {
  std::string field;        // path in the request, e.g. "member.admitted_on"
  std::string description;  // Vietnamese first, English after " / "
};

// At most this many violations travel in one error's details, then one
// saying how many more were found; the message names the first few. Each
// violation's field and description are cut to a few hundred bytes. So an
// error stays under ~5 KB of trailers whatever the request (gRPC clients
// refuse trailers over 8 KB by default, and some hang above that).
inline constexpr size_t kMaxViolations = 10;
inline constexpr size_t kViolationsInMessage = 3;
inline constexpr size_t kMaxFieldBytes = 120;
inline constexpr size_t kMaxDescriptionBytes = 240;
// Echoed input (an id, a value) is cut to this many bytes, on a UTF-8 boundary.
inline constexpr size_t kMaxEchoBytes = 80;

// `value` as it may appear inside an error message: at most kMaxEchoBytes,
// cut on a character boundary and marked "…" when cut.
std::string Echo(absl::string_view value);

// Collects field violations while validating a request; `ToStatus()` is OK
// when there are none, else INVALID_ARGUMENT naming the offending fields
// (kMaxViolations in the details, then a count of the others).
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  // Adds a violation when `value` is empty.
  void RequireNonEmpty(std::string field, absl::string_view value);
  // A civil date "YYYY-MM-DD"; empty is allowed unless `required`.
  void CheckDate(std::string field, absl::string_view value, bool required);
  // At most `max` bytes of text.
  void CheckLength(std::string field, absl::string_view value, size_t max);
  bool empty() const { return violations_.empty(); }
  // Every violation found, kept or not.
  size_t count() const { return violations_.size() + dropped_; }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
  size_t dropped_ = 0;
};

// `value` cut to at most `max` bytes at a character boundary, "…" after a cut.
std::string CutText(absl::string_view value, size_t max);

absl::Status InvalidArgument(std::string field, std::string description);

// Attaches google.rpc.ErrorInfo (reason in UPPER_SNAKE_CASE, domain kDomain).
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           const std::map<std::string, std::string>& metadata = {});

// `status` about one item of a list in a bigger request (a batch): its
// violated fields become "<prefix>.<field>" (a violation of no field names
// the prefix alone), any other error says "<prefix>: " before its message;
// the code and the other details stay.
absl::Status AboutItem(const absl::Status& status, absl::string_view prefix);

// Reads back what the helpers above attached (for tests and clients).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);
std::string ErrorReasonOf(const absl::Status& status);

}  // namespace chibo::errors

#endif  // CHIBO_COMMON_ERRORS_ERRORS_H_
