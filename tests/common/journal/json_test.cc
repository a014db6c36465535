// journal::ToJson prints what protobuf's JSON printer prints (proto field
// names, enums by name, 64-bit integers as strings, defaults left out), and
// what it prints reads back as the same message.
#include "common/journal/journaled_write.h"

#include <cmath>
#include <limits>

#include "chibo/registry/v1/registry.pb.h"
#include "chibo/scheduling/v1/scheduling.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace chibo::journal {
namespace {

namespace sv1 = ::chibo::scheduling::v1;

std::string ProtobufJson(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out, options).ok());
  return out;
}

template <class M>
M ReadBack(const std::string& json) {
  M m;
  auto st = google::protobuf::util::JsonStringToMessage(json, &m);
  EXPECT_TRUE(st.ok()) << st << ": " << json;
  return m;
}

sv1::Meeting Recorded() {
  sv1::Meeting m;
  m.set_id("mt-3f9a");
  m.set_cell_id("cb-1");
  m.set_kind(sv1::REGULAR);
  m.set_title("Sinh hoạt chi bộ thường kỳ tháng 3");
  m.set_starts_at("2026-03-03T19:30");
  m.set_status(sv1::HELD);
  m.set_speakers(3);
  m.set_opinions(7);
  m.set_resolution("Nghị quyết: \"hoàn thành\" kế hoạch\nquý I");
  m.set_self_score(85);
  m.set_expected(3);
  m.set_present(2);
  m.set_attendance_rate(2.0 / 3);
  m.set_etag("v7");
  m.add_guests()->set_name("Đồng chí Bí thư Đảng ủy xã");
  auto* a = m.add_attendance();
  a->set_member_id("m1");
  a->set_mark(sv1::PRESENT);
  a->set_member_name("Nguyễn Văn m1");
  a = m.add_attendance();
  a->set_member_id("m2");
  a->set_mark(sv1::ABSENT_EXCUSED);
  a->set_reason("ốm");
  return m;
}

TEST(JournalJsonTest, PrintsWhatProtobufPrints) {
  const sv1::Meeting m = Recorded();
  EXPECT_EQ(ToJson(m), ProtobufJson(m));
  EXPECT_EQ(ToJson(sv1::Meeting()), "{}");
  EXPECT_EQ(ToJson(sv1::Meeting()), ProtobufJson(sv1::Meeting()));
}

TEST(JournalJsonTest, ReadsBackAsTheSameMessage) {
  sv1::Meeting m = Recorded();
  m.set_title(std::string("tab\there, bell\x07, backslash \\ and quote \"", 41));
  m.set_attendance_rate(0.1 + 0.2);  // needs 17 digits
  const std::string json = ToJson(m);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ReadBack<sv1::Meeting>(json), m)) << json;
  m.set_attendance_rate(std::numeric_limits<double>::quiet_NaN());
  EXPECT_NE(ToJson(m).find("\"attendance_rate\":\"NaN\""), std::string::npos);
}

TEST(JournalJsonTest, SixtyFourBitIntegersAreStringsNegativesAndUnknownEnumsNumbers) {
  registry::v1::MemberEvent e;
  e.set_id(9007199254740993);  // beyond a double's integers
  e.set_member_id("dv-1");
  EXPECT_EQ(ToJson(e), ProtobufJson(e));
  EXPECT_NE(ToJson(e).find("\"id\":\"9007199254740993\""), std::string::npos);
  sv1::Meeting m;
  m.set_speakers(-4);
  m.set_status(static_cast<sv1::MeetingStatus>(99));  // a number no name has
  EXPECT_EQ(ToJson(m), ProtobufJson(m));
}

}  // namespace
}  // namespace chibo::journal
