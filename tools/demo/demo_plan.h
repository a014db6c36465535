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

#include "absl/time/civil_time.h"
#include "chibo/registry/v1/registry.pb.h"

namespace chibo::demo {

struct PlanOptions {
  uint64_t seed = 2023;
  double scale = 1.0;  // 1.0 = the full province
  // The demo's history: its months from `first` to `last` (the month in
  // progress, or the last one recorded).
  absl::CivilMonth first = absl::CivilMonth(2025, 1);
  absl::CivilMonth last = absl::CivilMonth(2025, 12);
};

struct PlannedUnit {
  registry::v1::OrgUnit unit;  // id, parent_id, kind, category, name, remote, opened_on
  int district = -1;           // index of its directly subordinate committee (-1: the province)
};

struct PlannedMember {
  // id, card_number, full_name, sex, birth_date, home cell, admitted_on and
  // (once 12 months have passed, within the history) official_on.
  registry::v1::Member member;
  std::string exempted_from;    // non-empty: exempted (miễn sinh hoạt) from this date
};

struct ProvincePlan {
  std::vector<PlannedUnit> units;  // parents before children
  std::vector<PlannedMember> members;
  int district_count = 0;
  int base_committees = 0, base_cells = 0, subordinate_cells = 0;
  absl::CivilMonth first, last;  // the history's months (PlanOptions)
};

// The same for the same options. Dates fall in the history: admissions of
// probationary members in its months before `last`, exemptions (for age) on
// the first of a month after `first` up to `last`; everyone else was
// admitted at least two years before it began.
ProvincePlan PlanProvince(const PlanOptions& options);

// A generator for one decision of the load, from the seed and what it is
// about ("attend/<cell>/<time>"): the same in every process and thread
// order (FNV-1a, unlike absl::Hash, which is salted per process).
std::mt19937_64 DecisionRng(uint64_t seed, const std::string& what);

}  // namespace chibo::demo

#endif  // CHIBO_TOOLS_DEMO_DEMO_PLAN_H_
