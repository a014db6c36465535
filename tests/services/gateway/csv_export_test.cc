// The reports' CSV: a BOM for spreadsheet programs, Vietnamese headers, one
// row per organization and level, quoting where the text needs it.
#include "services/gateway/csv_export.h"

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "services/gateway/gateway.h"

namespace chibo::gateway {
namespace {

namespace v1 = ::chibo::supervision::v1;

TEST(CsvExportTest, ActivityRowsPerLevelWithChildren) {
  v1::ActivityReport r;
  r.set_org_unit_id("tinh");
  r.set_name("Đảng bộ tỉnh Bắc Kạn");
  auto* l = r.add_levels();
  l->set_level(v1::PROVINCE_LEVEL);
  l->set_cells_attended(68);
  l->set_base_cells_attended(2);
  l->set_subordinate_cells_attended(66);
  l->set_committee_meetings_attended(25);
  l->set_thematic_meetings_attended(6);
  l->mutable_most_cells_by_one()->set_cells(10);
  l->mutable_fewest_cells_by_one()->set_cells(3);
  auto* child = r.add_children();
  child->set_org_unit_id("huyen-a");
  child->set_name("Huyện \"A\", miền núi");
  *child->add_levels() = *l;
  const std::string csv = ActivityCsv(r);
  ASSERT_EQ(csv.substr(0, 3), "\xEF\xBB\xBF");
  std::vector<std::string> lines = absl::StrSplit(csv.substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_TRUE(absl::StartsWith(lines[0], "Mã tổ chức,Tổ chức,Cấp dự,Số chi bộ được dự")) << lines[0];
  EXPECT_EQ(lines[1], "tinh,Đảng bộ tỉnh Bắc Kạn,Cấp tỉnh,68,2,66,0,25,6,10,3,0");
  EXPECT_EQ(lines[2], "huyen-a,\"Huyện \"\"A\"\", miền núi\",Cấp tỉnh,68,2,66,0,25,6,10,3,0");
}

TEST(CsvExportTest, ComplianceFiguresAsPercentAndMinutes) {
  v1::ComplianceReport r;
  r.set_org_unit_id("xa-1");
  r.set_name("Đảng bộ xã");
  auto* f = r.mutable_totals();
  f->set_cells(3);
  f->set_regular_expected(18);
  f->set_regular_held(9);
  f->set_attendance_rate(0.975);
  f->set_high_attendance_share(0.9);
  f->set_opinions_per_meeting(2.9);
  f->set_average_minutes(119);
  std::vector<std::string> lines = absl::StrSplit(ComplianceCsv(r).substr(3), "\r\n", absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "xa-1,Đảng bộ xã,3,18,9,0,0,0,97.5,90.0,2.90,119,0");
}

TEST(GatewayTest, GrpcCodesMapToHttpStatuses) {
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::INVALID_ARGUMENT), 400);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAUTHENTICATED), 401);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::PERMISSION_DENIED), 403);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::NOT_FOUND), 404);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::FAILED_PRECONDITION), 412);
  EXPECT_EQ(HttpStatusOf(grpc::StatusCode::UNAVAILABLE), 503);
}

}  // namespace
}  // namespace chibo::gateway
