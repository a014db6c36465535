// The demo province, decided before anything is loaded: a province shaped
// like Bắc Kạn in seed 002 (11 directly subordinate committees; 432 base
// organizations = 173 base committees + 259 base cells; 1,992 subordinate
// cells; 36,872 members), scaled by `scale`, the same for the same seed.
#ifndef CHIBO_TOOLS_DEMO_DEMO_PLAN_H_
#define CHIBO_TOOLS_DEMO_DEMO_PLAN_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "chibo/registry/v1/registry.pb.h"

namespace chibo::demo {

struct PlanOptions {
  uint64_t seed = 2023;
  double scale = 1.0;  // 1.0 = the full province
};

struct PlannedUnit {
  registry::v1::OrgUnit unit;  // id, parent_id, kind, category, name, remote, opened_on
  int district = -1;           // index of its directly subordinate committee (-1: the province)
};

struct PlannedMember {
  registry::v1::Member member;  // id, card_number, full_name, sex, birth_date, home cell, dates
  std::string exempted_from;    // non-empty: exempted (miễn sinh hoạt) from this date
};

struct ProvincePlan {
  std::vector<PlannedUnit> units;  // parents before children
  std::vector<PlannedMember> members;
  int district_count = 0;
  int base_committees = 0, base_cells = 0, subordinate_cells = 0;
};

// Exemptions fall in `year`.
ProvincePlan PlanProvince(const PlanOptions& options, int year);

// A generator for one decision of the load, from the seed and what it is
// about ("attend/<cell>/<time>"): the same in every process and thread
// order (FNV-1a, unlike absl::Hash, which is salted per process).
std::mt19937_64 DecisionRng(uint64_t seed, const std::string& what);

}  // namespace chibo::demo

#endif  // CHIBO_TOOLS_DEMO_DEMO_PLAN_H_
