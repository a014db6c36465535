#include "tools/cli/labels.h"

#include <map>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace chibo::cli {
namespace {

using Labels = std::map<std::string, std::pair<const char*, const char*>>;  // value → (vi, en)

// Keyed by the enum's short name; the terms of docs and DOMAIN.md.
const std::map<std::string, Labels>& AllLabels() {
  static const auto* all = new std::map<std::string, Labels>{
      {"OrgUnitKind",
       {{"PROVINCE", {"đảng bộ tỉnh", "province"}},
        {"DIRECT_COMMITTEE", {"đảng bộ trực thuộc", "directly subordinate committee"}},
        {"BASE_COMMITTEE", {"đảng bộ cơ sở", "base committee"}},
        {"BASE_CELL", {"chi bộ cơ sở", "base cell"}},
        {"SUBORDINATE_CELL", {"chi bộ trực thuộc", "subordinate cell"}},
        {"PARTY_GROUP", {"tổ đảng", "party group"}}}},
      {"OrgUnitCategory",
       {{"RESIDENTIAL", {"khu dân cư", "residential"}},
        {"COMMUNE_WARD", {"xã, phường", "commune/ward"}},
        {"AGENCY", {"cơ quan", "agency"}},
        {"PUBLIC_SERVICE", {"đơn vị sự nghiệp", "public service"}},
        {"HEALTH", {"y tế", "health"}},
        {"SCHOOL", {"trường học", "school"}},
        {"ENTERPRISE", {"doanh nghiệp", "enterprise"}},
        {"ARMED_FORCES", {"quân sự", "armed forces"}},
        {"POLICE", {"công an", "police"}},
        {"OTHER", {"khác", "other"}}}},
      {"Sex", {{"MALE", {"nam", "male"}}, {"FEMALE", {"nữ", "female"}}}},
      {"Standing", {{"PROBATIONARY", {"dự bị", "probationary"}}, {"OFFICIAL", {"chính thức", "official"}}}},
      {"MemberStatus",
       {{"ACTIVE", {"đang sinh hoạt", "active"}},
        {"EXEMPTED", {"miễn sinh hoạt", "exempted"}},
        {"TEMPORARILY_AWAY", {"sinh hoạt tạm thời nơi khác", "temporarily away"}},
        {"SUSPENDED", {"đình chỉ sinh hoạt", "suspended"}},
        {"REMOVED", {"xóa tên", "removed"}},
        {"EXPELLED", {"khai trừ", "expelled"}},
        {"DECEASED", {"từ trần", "deceased"}}}},
      {"Position",
       {{"SECRETARY", {"bí thư", "secretary"}},
        {"DEPUTY_SECRETARY", {"phó bí thư", "deputy secretary"}},
        {"CELL_COMMITTEE_MEMBER", {"chi ủy viên", "cell committee member"}},
        {"COMMITTEE_MEMBER", {"cấp ủy viên", "committee member"}},
        {"STANDING_COMMITTEE_MEMBER", {"ủy viên ban thường vụ", "standing committee member"}}}},
      {"MemberEventKind",
       {{"ADMITTED", {"kết nạp", "admitted"}},
        {"BECAME_OFFICIAL", {"chuyển chính thức", "became official"}},
        {"TEMPORARY_TRANSFER_OUT", {"chuyển sinh hoạt tạm thời", "temporary transfer out"}},
        {"TEMPORARY_TRANSFER_RETURN", {"trở về sau sinh hoạt tạm thời", "back from temporary transfer"}},
        {"OFFICIAL_TRANSFER", {"chuyển sinh hoạt chính thức", "official transfer"}},
        {"EXEMPTION_STARTED", {"miễn sinh hoạt", "exemption started"}},
        {"EXEMPTION_ENDED", {"hết miễn sinh hoạt", "exemption ended"}},
        {"SUSPENSION_STARTED", {"đình chỉ sinh hoạt", "suspension started"}},
        {"SUSPENSION_ENDED", {"hết đình chỉ sinh hoạt", "suspension ended"}},
        {"REMOVAL", {"xóa tên", "removed"}},
        {"EXPULSION", {"khai trừ", "expelled"}},
        {"DEATH", {"từ trần", "died"}},
        {"POSITION_ASSIGNED", {"nhận chức vụ", "position assigned"}},
        {"POSITION_ENDED", {"thôi chức vụ", "position ended"}}}},
      {"Presence",
       {{"EXPECTED", {"phải có mặt", "expected"}},
        {"EXEMPTED_FROM", {"miễn sinh hoạt", "exempted"}},
        {"AWAY", {"tạm vắng", "away"}},
        {"SUSPENDED_FROM", {"đình chỉ", "suspended"}},
        {"VISITING", {"sinh hoạt tạm thời", "visiting"}}}},
      {"MeetingKind",
       {{"REGULAR", {"định kỳ", "regular"}},
        {"THEMATIC", {"chuyên đề", "thematic"}},
        {"REGULAR_AND_THEMATIC", {"định kỳ kết hợp chuyên đề", "regular and thematic"}},
        {"COMMITTEE", {"họp cấp ủy", "committee"}},
        {"EXTRAORDINARY", {"bất thường", "extraordinary"}}}},
      {"MeetingStatus",
       {{"PLANNED", {"kế hoạch", "planned"}},
        {"HELD", {"đã họp", "held"}},
        {"MINUTES_APPROVED", {"đã duyệt biên bản", "minutes approved"}},
        {"POSTPONED", {"hoãn", "postponed"}},
        {"CANCELLED", {"hủy", "cancelled"}}}},
      {"SupervisionLevel",
       {{"PROVINCE_LEVEL", {"cấp tỉnh", "province level"}},
        {"DISTRICT_LEVEL", {"cấp huyện", "district level"}},
        {"BASE_LEVEL", {"cấp cơ sở", "base level"}}}},
  };
  return *all;
}

const std::pair<const char*, const char*>* Find(const google::protobuf::EnumDescriptor* type,
                                                const std::string& value) {
  auto t = AllLabels().find(type->name());
  if (t == AllLabels().end()) return nullptr;
  auto v = t->second.find(value);
  return v == t->second.end() ? nullptr : &v->second;
}

}  // namespace

std::string Label(const google::protobuf::EnumDescriptor* type, int number, Lang lang) {
  const auto* value = type->FindValueByNumber(number);
  if (!value) return absl::StrCat(number);
  if (number == 0) return "";
  const auto* label = Find(type, std::string(value->name()));
  if (!label) return absl::AsciiStrToLower(value->name());
  return lang == Lang::kEn ? label->second : label->first;
}

std::vector<std::string> EnumValues(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> out;
  for (int i = 0; i < type->value_count(); ++i)
    if (type->value(i)->number() != 0) out.emplace_back(type->value(i)->name());
  return out;
}

std::vector<std::string> EnumLabels(const google::protobuf::EnumDescriptor* type) {
  std::vector<std::string> out;
  for (int i = 0; i < type->value_count(); ++i) {
    const auto* v = type->value(i);
    if (v->number() == 0) continue;
    const auto* label = Find(type, std::string(v->name()));
    out.push_back(label ? absl::StrCat(label->first, " / ", label->second) : "");
  }
  return out;
}

}  // namespace chibo::cli
