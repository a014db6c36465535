// What both reports share: the subtree as it was at the end of the period,
// which direct child each unit lies under (for drill-down), and the rules.
#ifndef CHIBO_SERVICES_SUPERVISION_REPORT_SUPPORT_H_
#define CHIBO_SERVICES_SUPERVISION_REPORT_SUPPORT_H_

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "chibo/registry/v1/registry.pb.h"

namespace chibo::supervision {

struct Tree {
  std::string root_id;
  std::unordered_map<std::string, registry::v1::OrgUnit> units;  // the subtree, root included
  std::vector<std::string> children;                             // the root's children, by name
  // The root's child that `unit_id` lies under (empty for the root itself
  // and for units outside the subtree).
  std::string ChildOf(const std::string& unit_id) const;
  bool Contains(const std::string& unit_id) const { return units.count(unit_id) > 0; }
  std::string NameOf(const std::string& unit_id) const;
};

Tree MakeTree(const std::string& root_id, const std::vector<registry::v1::OrgUnit>& units);

}  // namespace chibo::supervision

#endif  // CHIBO_SERVICES_SUPERVISION_REPORT_SUPPORT_H_
