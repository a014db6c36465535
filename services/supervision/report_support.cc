#include "services/supervision/report_support.h"

#include <algorithm>

namespace chibo::supervision {

Tree MakeTree(const std::string& root_id, const std::vector<registry::v1::OrgUnit>& units) {
  Tree t;
  t.root_id = root_id;
  for (const auto& u : units) t.units[u.id()] = u;
  for (const auto& u : units) {
    if (u.id() != root_id && u.parent_id() == root_id) t.children.push_back(u.id());
  }
  std::sort(t.children.begin(), t.children.end(), [&](const std::string& a, const std::string& b) {
    return t.units[a].name() < t.units[b].name();
  });
  return t;
}

std::string Tree::ChildOf(const std::string& unit_id) const {
  std::string id = unit_id;
  for (int depth = 0; depth < 64; ++depth) {
    auto it = units.find(id);
    if (it == units.end() || id == root_id) return "";
    if (it->second.parent_id() == root_id) return id;
    id = it->second.parent_id();
  }
  return "";
}

std::string Tree::NameOf(const std::string& unit_id) const {
  auto it = units.find(unit_id);
  return it == units.end() ? unit_id : it->second.name();
}

}  // namespace chibo::supervision
