// The request limits: paths of nested violations, defaults, UTF-8, integer
// ranges, the cap on violations and echoed values, and the README's table,
// which must be the one the protos declare.
#include "common/validation/request_limits.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "chibo/options/v1/limits.pb.h"
#include "chibo/registry/v1/registry.pb.h"
#include "chibo/scheduling/v1/scheduling.pb.h"
#include "chibo/supervision/v1/supervision.pb.h"
#include "gtest/gtest.h"

namespace chibo::validation {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
namespace pv1 = ::chibo::supervision::v1;

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : errors::FieldViolationsOf(s)) out.push_back(v.field);
  return out;
}

TEST(RequestLimitsTest, NamesTheNestedFieldOverItsLimit) {
  sv1::RecordMeetingRequest r;
  r.set_id("mt-1");
  for (int i = 0; i < 4; ++i) r.add_tasks()->set_description("Vận động đoàn viên");
  r.mutable_tasks(3)->set_description(std::string(2001, 'x'));
  EXPECT_EQ(Fields(CheckRequestLimits(r)), std::vector<std::string>{"tasks[3].description"});
  r.mutable_tasks(3)->set_description(std::string(2000, 'x'));
  EXPECT_TRUE(CheckRequestLimits(r).ok());
}

TEST(RequestLimitsTest, UnannotatedFieldsGetTheDefaults) {
  sv1::RecordMeetingRequest r;
  r.set_id(std::string(kDefaultMaxBytes + 1, 'i'));
  EXPECT_EQ(Fields(CheckRequestLimits(r)), std::vector<std::string>{"id"});
  pv1::CreateTeamRequest team;
  for (int i = 0; i < 51; ++i) team.mutable_team()->add_member_ids("m");
  EXPECT_EQ(Fields(CheckRequestLimits(team)), std::vector<std::string>{"team.member_ids"});
  sv1::UpdateMeetingRequest update;
  for (int i = 0; i < kDefaultMaxItems + 1; ++i) update.mutable_update_mask()->add_paths("title");
  EXPECT_EQ(Fields(CheckRequestLimits(update)), std::vector<std::string>{"update_mask.paths"});
}

TEST(RequestLimitsTest, StringsMustBeValidUtf8) {
  sv1::RecordMeetingRequest r;
  r.set_resolution("Nghị quyết: tăng cường sinh hoạt chi bộ 🇻🇳");
  EXPECT_TRUE(CheckRequestLimits(r).ok());
  for (const std::string bad : {std::string("\xff\xfe"), std::string("a\xc3"), std::string("\xc0\xaf"),
                                std::string("\xed\xa0\x80"), std::string("\xf4\x90\x80\x80")}) {
    r.set_resolution(bad);
    EXPECT_EQ(Fields(CheckRequestLimits(r)), std::vector<std::string>{"resolution"});
  }
}

TEST(RequestLimitsTest, IntegersStayInTheirRange) {
  pv1::RecordVisitRequest r;
  auto* score = r.mutable_visit()->add_scores();
  score->set_points(2147483647);
  score->set_max_points(2147483647);
  EXPECT_EQ(Fields(CheckRequestLimits(r)),
            (std::vector<std::string>{"visit.scores[0].points", "visit.scores[0].max_points"}));
  score->set_points(20);
  score->set_max_points(-5);
  EXPECT_EQ(Fields(CheckRequestLimits(r)), std::vector<std::string>{"visit.scores[0].max_points"});
  // Zero is proto3's unset: required fields are the domain's to check.
  score->set_max_points(0);
  EXPECT_TRUE(CheckRequestLimits(r).ok());
  score->set_max_points(25);
  EXPECT_TRUE(CheckRequestLimits(r).ok());
}

TEST(RequestLimitsTest, AnErrorCarriesTenViolationsAndACountAndStaysSmall) {
  sv1::RecordMeetingRequest r;
  for (int i = 0; i < 1000; ++i) r.add_attendance()->set_reason(std::string(501, 'r'));
  absl::Status s = CheckRequestLimits(r);
  std::vector<std::string> fields = Fields(s);
  ASSERT_EQ(fields.size(), errors::kMaxViolations + 1);
  EXPECT_EQ(fields.front(), "attendance[0].reason");
  EXPECT_EQ(fields.back(), "…");
  EXPECT_EQ(errors::FieldViolationsOf(s).back().description, "và 990 lỗi khác / and 990 more");
  EXPECT_LT(s.message().size(), 1500u);
  // Long field paths and descriptions are cut too (an update_mask path echoed).
  errors::FieldViolations v;
  for (int i = 0; i < 50; ++i) v.Add(std::string(5000, 'p'), std::string(5000, 'd'));
  absl::Status big = v.ToStatus();
  size_t details = 0;
  for (const auto& fv : errors::FieldViolationsOf(big)) details += fv.field.size() + fv.description.size();
  EXPECT_LT(details + big.message().size(), 6000u);
}

TEST(RequestLimitsTest, EchoedValuesAreCutOnACharacterBoundary) {
  EXPECT_EQ(errors::Echo("cb-1"), "cb-1");
  const std::string long_name(79, 'a');
  const std::string cut = errors::Echo(long_name + "ệệệ");  // ệ is 3 bytes
  EXPECT_EQ(cut, long_name + "…");
}

// The README's limits table, as the protos declare it.
std::string LimitsTable() {
  std::vector<std::string> rows = {"| Trường / field | Giới hạn / limit |", "|---|---|"};
  for (const google::protobuf::FileDescriptor* file :
       {registry::v1::Rules::descriptor()->file(), sv1::Meeting::descriptor()->file(),
        pv1::Visit::descriptor()->file()}) {
    for (int m = 0; m < file->message_type_count(); ++m) {
      const google::protobuf::Descriptor* message = file->message_type(m);
      for (int f = 0; f < message->field_count(); ++f) {
        const google::protobuf::FieldDescriptor* field = message->field(f);
        if (!field->options().HasExtension(options::v1::limits)) continue;
        const EffectiveLimits l = LimitsOf(*field);
        std::string limit;
        if (field->is_repeated()) {
          limit = absl::StrCat("≤ ", l.max_items, " items");
        } else if (field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
          limit = absl::StrCat("≤ ", l.max_bytes, " bytes");
        } else {
          limit = absl::StrCat(l.min_value, "..", l.max_value);
        }
        rows.push_back(absl::StrCat("| `", file->package(), ".", message->name(), ".", field->name(),
                                    "` | ", limit, " |"));
      }
    }
  }
  return absl::StrJoin(rows, "\n");
}

TEST(RequestLimitsTest, TheReadmeTableIsTheOneTheProtosDeclare) {
  std::ifstream in(std::string(CHIBO_SOURCE_DIR) + "/README.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string begin = "<!-- limits:begin -->\n", end = "\n<!-- limits:end -->";
  const size_t from = readme.find(begin), to = readme.find(end);
  ASSERT_NE(from, std::string::npos) << "README.md has no limits table; it should be:\n" << LimitsTable();
  ASSERT_NE(to, std::string::npos);
  EXPECT_EQ(readme.substr(from + begin.size(), to - from - begin.size()), LimitsTable())
      << "update README.md between the limits markers to:\n" << LimitsTable();
}

}  // namespace
}  // namespace chibo::validation
