#include "absl/strings/string_view.h"
#include "common/errors/errors.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/time/dates.h"
#include "google/rpc/error_details.pb.h"

namespace chibo::errors {

namespace {

// `value` cut to at most `max` bytes on a character boundary, "…" marking a cut.
}  // namespace

std::string CutText(absl::string_view value, size_t max) {
  if (value.size() <= max) return std::string(value);
  size_t cut = max;
  // Back up over UTF-8 continuation bytes (10xxxxxx) to a character start.
  while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(value.substr(0, cut), "…");
}

std::string Echo(absl::string_view value) { return CutText(value, kMaxEchoBytes); }

void FieldViolations::Add(std::string field, std::string description) {
  if (violations_.size() >= kMaxViolations) {
    ++dropped_;
    return;
  }
  // Whatever a caller put in them, one violation stays a few hundred bytes.
  violations_.push_back({CutText(field, kMaxFieldBytes), CutText(description, kMaxDescriptionBytes)});
}

void FieldViolations::RequireNonEmpty(std::string field, absl::string_view value) {
  if (value.empty()) Add(std::move(field), "bắt buộc / required");
}

void FieldViolations::CheckDate(std::string field, absl::string_view value, bool required) {
  if (value.empty()) {
    if (required) Add(std::move(field), "bắt buộc / required");
    return;
  }
  if (!time::ParseDate(value).ok()) {
    Add(std::move(field), "không phải ngày YYYY-MM-DD / not a date YYYY-MM-DD");
  } else if (!time::IsValidDate(value)) {
    Add(std::move(field), absl::StrCat("năm phải từ ", time::kMinYear, " đến ", time::kMaxYear,
                                       " / the year must be within ", time::kMinYear, "..", time::kMaxYear));
  }
}

void FieldViolations::CheckLength(std::string field, absl::string_view value, size_t max) {
  if (value.size() > max) {
    Add(std::move(field), absl::StrCat("quá dài, tối đa ", max, " / longer than ", max));
  }
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  google::rpc::BadRequest bad;
  std::vector<std::string> parts;
  for (const auto& v : violations_) {
    auto* fv = bad.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    // The message names the first few; the details carry all that are kept.
    if (parts.size() < kViolationsInMessage) parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  if (dropped_ > 0) {
    auto* fv = bad.add_field_violations();
    fv->set_field("…");
    fv->set_description(absl::StrCat("và ", dropped_, " lỗi khác / and ", dropped_, " more"));
  }
  if (count() > parts.size()) {
    const size_t more = count() - parts.size();
    parts.push_back(absl::StrCat("và ", more, " lỗi khác / and ", more, " more"));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad.SerializeAsString()));
  return status;
}

absl::Status InvalidArgument(std::string field, std::string description) {
  FieldViolations v;
  v.Add(std::move(field), std::move(description));
  return v.ToStatus();
}

absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kDomain));
  for (const auto& [k, v] : metadata) (*info.mutable_metadata())[k] = v;
  status.SetPayload(kErrorInfoTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  auto payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return out;
  google::rpc::BadRequest bad;
  if (!bad.ParseFromString(std::string(*payload))) return out;
  for (const auto& fv : bad.field_violations()) out.push_back({fv.field(), fv.description()});
  return out;
}

std::string ErrorReasonOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorInfoTypeUrl);
  if (!payload) return "";
  google::rpc::ErrorInfo info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

absl::Status AboutItem(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  absl::Status out;
  if (status.GetPayload(kBadRequestTypeUrl)) {
    FieldViolations v;
    for (const FieldViolation& fv : FieldViolationsOf(status)) {
      if (fv.field == "…") continue;  // the count of the dropped ones is made again
      v.Add(fv.field.empty() ? std::string(prefix) : absl::StrCat(prefix, ".", fv.field), fv.description);
    }
    out = v.ToStatus();
  } else {
    out = absl::Status(status.code(), absl::StrCat(prefix, ": ", status.message()));
  }
  status.ForEachPayload([&](absl::string_view url, const absl::Cord& payload) {
    if (url != kBadRequestTypeUrl) out.SetPayload(url, payload);
  });
  return out;
}

}  // namespace chibo::errors
