#include "tools/demo/demo_plan.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace chibo::demo {
namespace {

namespace rv1 = ::chibo::registry::v1;

// Seed 002's counts.
constexpr int kBaseCommittees = 173;
constexpr int kBaseCells = 259;
constexpr int kSubordinateCells = 1992;
constexpr int kMembers = 36872;

struct District {
  const char* id;
  const char* name;
  rv1::OrgUnitCategory category;
  bool mountain;  // remote cells are common there
};

constexpr District kDistricts[] = {
    {"tp-bac-kan", "Đảng bộ thành phố Bắc Kạn", rv1::COMMUNE_WARD, false},
    {"huyen-ba-be", "Đảng bộ huyện Ba Bể", rv1::COMMUNE_WARD, true},
    {"huyen-bach-thong", "Đảng bộ huyện Bạch Thông", rv1::COMMUNE_WARD, true},
    {"huyen-cho-don", "Đảng bộ huyện Chợ Đồn", rv1::COMMUNE_WARD, true},
    {"huyen-cho-moi", "Đảng bộ huyện Chợ Mới", rv1::COMMUNE_WARD, true},
    {"huyen-na-ri", "Đảng bộ huyện Na Rì", rv1::COMMUNE_WARD, true},
    {"huyen-ngan-son", "Đảng bộ huyện Ngân Sơn", rv1::COMMUNE_WARD, true},
    {"huyen-pac-nam", "Đảng bộ huyện Pác Nặm", rv1::COMMUNE_WARD, true},
    {"cong-an-tinh", "Đảng bộ Công an tỉnh", rv1::POLICE, false},
    {"quan-su-tinh", "Đảng bộ Quân sự tỉnh", rv1::ARMED_FORCES, false},
    {"cac-co-quan-tinh", "Đảng bộ Các cơ quan tỉnh", rv1::AGENCY, false},
};
constexpr int kDistrictCount = 11;

const char* kCommunes[] = {"Quang Thuận", "Phương Viên", "Đồng Thắng", "Cao Kỳ", "Yến Lạc",
                           "Bằng Vân", "Nam Mẫu", "Cổ Linh", "Xuân Dương", "Hà Hiệu",
                           "Đôn Phong", "Lãng Ngâm", "Thượng Giáo", "Nông Thượng", "Mỹ Thanh"};
const char* kVillages[] = {"Phiêng An", "Nà Làng", "Bản Pjạc", "Khuổi Tẩu", "Nà Mản", "Cốc Phấy",
                           "Pác Châm", "Bản Chiêng", "Nà Pài", "Lủng Vài", "Khau Ràng", "Pò Đon"};
const char* kFamily[] = {"Nguyễn", "Hoàng", "Nông", "Triệu", "Hà", "Lý", "Ma", "Lục", "Đàm",
                         "Bế", "Lường", "Phùng", "Trần", "Lê", "Dương"};
const char* kMiddleMale[] = {"Văn", "Đức", "Minh", "Quang", "Xuân"};
const char* kMiddleFemale[] = {"Thị", "Thu", "Ngọc", "Hồng", "Thanh"};
const char* kGiven[] = {"An", "Bình", "Cường", "Dung", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai",
                        "Nam", "Ngân", "Phúc", "Sơn", "Thảo", "Tùng", "Việt", "Yến", "Điền", "Tuấn"};

template <size_t N>
const char* Pick(std::mt19937_64& rng, const char* (&list)[N]) {
  return list[rng() % N];
}

std::string Format(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

int Scaled(int n, double scale, int minimum) {
  return std::max(minimum, static_cast<int>(std::lround(n * scale)));
}

// Splits `total` into `parts` near-equal shares, in a random order.
std::vector<int> Split(int total, int parts, std::mt19937_64& rng) {
  std::vector<int> out(parts, total / parts);
  for (int i = 0; i < total % parts; ++i) ++out[i];
  std::shuffle(out.begin(), out.end(), rng);
  return out;
}

}  // namespace

std::mt19937_64 DecisionRng(uint64_t seed, const std::string& what) {
  uint64_t h = 14695981039346656037ull ^ seed;
  for (unsigned char c : what) h = (h ^ c) * 1099511628211ull;
  return std::mt19937_64(h);
}

ProvincePlan PlanProvince(const PlanOptions& options) {
  std::mt19937_64 rng(options.seed);
  // Months of the history before its last; months after its first up to its last.
  const int history_before_last = std::max(0, static_cast<int>(options.last - options.first));
  const int exemption_months = history_before_last;
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  ProvincePlan plan;
  plan.first = options.first;
  plan.last = options.last;
  plan.district_count = kDistrictCount;
  plan.base_committees = Scaled(kBaseCommittees, options.scale, kDistrictCount);
  plan.base_cells = Scaled(kBaseCells, options.scale, kDistrictCount);
  plan.subordinate_cells = Scaled(kSubordinateCells, options.scale, plan.base_committees);
  const int members = Scaled(kMembers, options.scale, 3 * (plan.base_cells + plan.subordinate_cells));

  auto add = [&](std::string id, std::string parent, rv1::OrgUnitKind kind,
                 rv1::OrgUnitCategory category, std::string name, bool remote, int district) {
    PlannedUnit u;
    u.unit.set_id(std::move(id));
    u.unit.set_parent_id(std::move(parent));
    u.unit.set_kind(kind);
    u.unit.set_category(category);
    u.unit.set_name(std::move(name));
    u.unit.set_remote(remote);
    u.unit.set_opened_on("2015-01-01");
    u.district = district;
    plan.units.push_back(std::move(u));
  };
  add("tinh", "", rv1::PROVINCE, rv1::ORG_UNIT_CATEGORY_UNSPECIFIED, "Đảng bộ tỉnh Bắc Kạn (dữ liệu mẫu)",
      false, -1);
  for (int d = 0; d < kDistrictCount; ++d) {
    add(kDistricts[d].id, "tinh", rv1::DIRECT_COMMITTEE, kDistricts[d].category, kDistricts[d].name,
        false, d);
  }
  const std::vector<int> committees_per_district = Split(plan.base_committees, kDistrictCount, rng);
  const std::vector<int> cells_per_district = Split(plan.base_cells, kDistrictCount, rng);
  const std::vector<int> subordinate_per_committee = Split(plan.subordinate_cells, plan.base_committees, rng);
  std::vector<std::string> cell_ids;
  int committee_index = 0;
  for (int d = 0; d < kDistrictCount; ++d) {
    const District& district = kDistricts[d];
    for (int c = 0; c < committees_per_district[d]; ++c, ++committee_index) {
      const std::string id = absl::StrFormat("cs-%02d-%03d", d, c);
      const bool rural = district.category == rv1::COMMUNE_WARD;
      add(id, district.id, rv1::BASE_COMMITTEE, district.category,
          rural ? absl::StrCat("Đảng bộ xã ", Pick(rng, kCommunes), " ", c + 1)
                : absl::StrCat("Đảng bộ cơ sở ", c + 1, " – ", district.name),
          false, d);
      for (int s = 0; s < subordinate_per_committee[committee_index]; ++s) {
        const std::string cell = absl::StrFormat("cb-%02d-%03d-%02d", d, c, s);
        add(cell, id, rv1::SUBORDINATE_CELL, rural ? rv1::RESIDENTIAL : district.category,
            rural ? absl::StrCat("Chi bộ thôn ", Pick(rng, kVillages), " ", s + 1)
                  : absl::StrCat("Chi bộ ", s + 1),
            district.mountain && chance(0.35), d);
        cell_ids.push_back(cell);
      }
    }
    static const rv1::OrgUnitCategory kBaseCellCategories[] = {rv1::SCHOOL, rv1::HEALTH, rv1::AGENCY,
                                                               rv1::ENTERPRISE, rv1::PUBLIC_SERVICE};
    for (int c = 0; c < cells_per_district[d]; ++c) {
      const std::string cell = absl::StrFormat("cbcs-%02d-%03d", d, c);
      const rv1::OrgUnitCategory category = kBaseCellCategories[rng() % 5];
      add(cell, district.id, rv1::BASE_CELL, category,
          absl::StrCat(category == rv1::SCHOOL ? "Chi bộ Trường " : category == rv1::HEALTH ? "Chi bộ Trạm Y tế " : "Chi bộ cơ quan ",
                       c + 1),
          district.mountain && chance(0.2), d);
      cell_ids.push_back(cell);
    }
  }

  // Members: every cell gets at least 3, the rest spread at random.
  std::vector<int> per_cell(cell_ids.size(), 3);
  for (int i = 3 * static_cast<int>(cell_ids.size()); i < members; ++i) ++per_cell[rng() % cell_ids.size()];
  int n = 0;
  for (size_t c = 0; c < cell_ids.size(); ++c) {
    for (int k = 0; k < per_cell[c]; ++k, ++n) {
      PlannedMember p;
      auto& m = p.member;
      const bool female = chance(0.4);
      m.set_id(absl::StrFormat("dv-%05d", n));
      m.set_card_number(absl::StrFormat("BK%06d", 100000 + n));
      m.set_full_name(absl::StrCat(Pick(rng, kFamily), " ", female ? Pick(rng, kMiddleFemale) : Pick(rng, kMiddleMale),
                                   " ", Pick(rng, kGiven)));
      m.set_sex(female ? rv1::FEMALE : rv1::MALE);
      const int birth_year = 1945 + static_cast<int>(rng() % 60);
      m.set_birth_date(absl::StrFormat("%04d-%02d-%02d", birth_year, 1 + rng() % 12, 1 + rng() % 28));
      m.set_home_cell_id(cell_ids[c]);
      const int admitted = std::max(birth_year + 19, 1965 + static_cast<int>(rng() % 60));
      const bool probationary = chance(0.04);
      if (probationary && birth_year >= 1955 && history_before_last > 0) {
        // Admitted during the history (not in its last month, which may be
        // the one in progress); official 12 months on, if that has come.
        // Never one of the elderly, who may be exempted below.
        const absl::CivilMonth month = options.first + static_cast<int>(rng() % history_before_last);
        const absl::CivilDay admitted_on(month.year(), month.month(), 1 + static_cast<int>(rng() % 28));
        m.set_admitted_on(Format(admitted_on));
        const absl::CivilDay official_on(admitted_on.year() + 1, admitted_on.month(), admitted_on.day());
        if (absl::CivilMonth(official_on) < options.last) m.set_official_on(Format(official_on));
      } else {
        const int admitted_year = std::min(admitted, static_cast<int>(options.first.year()) - 2);
        m.set_admitted_on(absl::StrFormat("%04d-%02d-%02d", admitted_year, 1 + rng() % 12, 1 + rng() % 28));
        m.set_official_on(absl::StrFormat("%04d-%s", admitted_year + 1, m.admitted_on().substr(5)));
      }
      if (birth_year < 1955 && chance(0.5) && exemption_months > 0) {
        const absl::CivilMonth month = options.first + 1 + static_cast<int>(rng() % exemption_months);
        p.exempted_from = Format(absl::CivilDay(month));
      }
      plan.members.push_back(std::move(p));
    }
  }
  return plan;
}

}  // namespace chibo::demo
