// The roll report (báo cáo đảng số): who is in the roll of the cells below a
// unit on a day, and who joined and left it in a period, on the tree as it
// was. A member is in the roll of unit U on day d when their home cell on d
// (member_cells) was open and stood below U on d, they had been admitted by
// d, and their status on d (the highest of their dated statuses covering d,
// else active) is not removed, expelled or deceased. Exempted, temporarily
// away (still in their home cell's roll) and suspended members are in it.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/clients/org_tree.h"
#include "common/errors/errors.h"
#include "common/time/dates.h"
#include "common/time/period.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {
namespace {

using clients::OrgTree;

struct CellRow {
  std::string cell, from, to;  // to: "" while open (exclusive otherwise)
};
struct StatusRow {
  int status;
  std::string from, to;
};
struct History {
  int sex = 0;
  std::string birth, admitted, official;
  std::vector<CellRow> cells;
  std::vector<StatusRow> statuses;
};

bool Covers(const std::string& from, const std::string& to, const std::string& day) {
  return from <= day && (to.empty() || day < to);
}

const CellRow* CellOn(const History& h, const std::string& day) {
  for (const CellRow& r : h.cells) {
    if (Covers(r.from, r.to, day)) return &r;
  }
  return nullptr;
}

int StatusOn(const History& h, const std::string& day) {
  int status = v1::ACTIVE;
  for (const StatusRow& s : h.statuses) {
    if (Covers(s.from, s.to, day)) status = std::max(status, s.status);
  }
  return status;
}

// The member's home cell on `day` if they are in a roll that day, else null.
const CellRow* InRoll(const History& h, const std::string& day) {
  if (h.admitted.empty() || h.admitted > day || StatusOn(h, day) >= v1::REMOVED) return nullptr;
  return CellOn(h, day);
}

std::string DayText(OrgTree::Day d) { return time::FormatDate(absl::CivilDay(1970, 1, 1) + d); }

int AgeOn(const std::string& birth, const std::string& day) {
  auto b = time::ParseDate(birth);
  auto d = time::ParseDate(day);
  if (!b.ok() || !d.ok()) return -1;
  int age = static_cast<int>(d->year() - b->year());
  if (std::make_pair(d->month(), d->day()) < std::make_pair(b->month(), b->day())) --age;
  return age;
}

constexpr const char* kBands[] = {"≤ 30", "31–40", "41–50", "51–60", "61–70", "> 70", "?"};
int BandOf(int age) {
  if (age < 0) return 6;
  if (age <= 30) return 0;
  if (age > 70) return 5;
  return (age - 1) / 10 - 2;  // 31–40 → 1, …, 61–70 → 4
}

// Counts the roll of a unit and of each of its children in one pass over the
// members: on each day that matters, a member is in the roll of the unit's
// child their cell stood under (or of the unit itself), or of none.
class RollCounter {
 public:
  // `tree_days`: the days in the period on which the tree changed.
  RollCounter(const OrgTree& tree, int root, std::string from, std::string as_of, std::set<std::string> tree_days)
      : t_(tree), root_(root), from_(std::move(from)), as_of_(std::move(as_of)), tree_days_(std::move(tree_days)) {}

  // The figures of the root (key kRoot) and of each child (its index).
  std::map<int, v1::RollFigures> Count(const std::map<std::string, History>& members) const {
    std::map<int, v1::RollFigures> out;
    std::map<int, std::vector<int>> bands;
    const std::string day_before = time::FormatDate(*time::ParseDate(from_) - 1);
    for (const auto& [id, h] : members) {
      // On as_of: the root's roll, and the child's.
      if (const int g = GroupOn(h, as_of_); g != kOut) {
        for (int key : Keys(g)) {
          v1::RollFigures& f = out[key];
          f.set_members(f.members() + 1);
          if (!h.official.empty() && h.official <= as_of_) f.set_official(f.official() + 1);
          else f.set_probationary(f.probationary() + 1);
          switch (StatusOn(h, as_of_)) {
            case v1::EXEMPTED: f.set_exempted(f.exempted() + 1); break;
            case v1::TEMPORARILY_AWAY: f.set_temporarily_away(f.temporarily_away() + 1); break;
            case v1::SUSPENDED: f.set_suspended(f.suspended() + 1); break;
            default: f.set_active(f.active() + 1);
          }
          if (h.sex == v1::MALE) f.set_male(f.male() + 1);
          if (h.sex == v1::FEMALE) f.set_female(f.female() + 1);
          auto& b = bands[key];
          b.resize(7);
          ++b[BandOf(AgeOn(h.birth, as_of_))];
        }
      }
      // Entries and exits: the roll can change only on the days its inputs do.
      std::set<std::string> days = {from_};
      auto add = [&](const std::string& d) {
        if (!d.empty() && d >= from_ && d <= as_of_) days.insert(d);
      };
      add(h.admitted);
      for (const CellRow& r : h.cells) add(r.from), add(r.to);
      for (const StatusRow& st : h.statuses) add(st.from), add(st.to);
      days.insert(tree_days_.begin(), tree_days_.end());
      for (const std::string& d : days) {
        const std::string before = d == from_ ? day_before : time::FormatDate(*time::ParseDate(d) - 1);
        const int was = GroupOn(h, before), is = GroupOn(h, d);
        if (was == is) continue;
        const std::set<int> was_in = KeySet(was), is_in = KeySet(is);
        const CellRow* yesterday = InRoll(h, before);
        const CellRow* today = InRoll(h, d);
        for (int key : is_in) {
          if (was_in.count(key)) continue;
          v1::RollFigures& f = out[key];
          f.set_joined(f.joined() + 1);
          if (yesterday == nullptr) f.set_admitted(f.admitted() + 1);
          else if (yesterday->cell != today->cell) f.set_transferred_in(f.transferred_in() + 1);
          else f.set_moved_in(f.moved_in() + 1);
        }
        for (int key : was_in) {
          if (is_in.count(key)) continue;
          v1::RollFigures& f = out[key];
          f.set_left(f.left() + 1);
          const int status = StatusOn(h, d);
          const CellRow* cell = CellOn(h, d);
          if (status == v1::REMOVED) f.set_removed(f.removed() + 1);
          else if (status == v1::EXPELLED) f.set_expelled(f.expelled() + 1);
          else if (status == v1::DECEASED) f.set_deceased(f.deceased() + 1);
          else if (cell == nullptr || cell->cell != yesterday->cell) f.set_transferred_out(f.transferred_out() + 1);
          else f.set_moved_out(f.moved_out() + 1);
        }
      }
    }
    for (auto& [key, f] : out) {
      auto& b = bands[key];
      b.resize(7);
      for (int i = 0; i < 7; ++i) {
        auto* band = f.add_age_bands();
        band->set_label(kBands[i]);
        band->set_members(b[i]);
      }
    }
    return out;
  }

 private:
  static constexpr int kOut = -3;  // in no roll below the root that day

  // Where the member's roll falls on `day`: the root's child their cell stood
  // under, OrgTree::kRoot (the cell is the root, or stands right below it as
  // its own child: that child), or kOut.
  int GroupOn(const History& h, const std::string& day) const {
    const CellRow* c = InRoll(h, day);
    if (c == nullptr) return kOut;
    const int u = t_.Find(c->cell);
    auto d = OrgTree::ParseDay(day);
    if (u == OrgTree::kNone || !d || !t_.OpenOn(u, *d)) return kOut;
    for (int a = u, below = OrgTree::kRoot; a != OrgTree::kNone; below = a, a = t_.ParentOn(a, *d)) {
      if (a == root_) return below;
    }
    return kOut;
  }
  static std::vector<int> Keys(int group) {
    if (group == kOut) return {};
    if (group == OrgTree::kRoot) return {OrgTree::kRoot};
    return {OrgTree::kRoot, group};
  }
  static std::set<int> KeySet(int group) {
    auto k = Keys(group);
    return {k.begin(), k.end()};
  }

  const OrgTree& t_;
  const int root_;
  const std::string from_, as_of_;
  const std::set<std::string> tree_days_;
};

}  // namespace

absl::Status Registry::GetRollReport(const auth::Claims& caller, const v1::GetRollReportRequest& request,
                                     v1::RollReport* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  auto period = time::ParsePeriod(request.period());
  const std::string today = time::TodayText();
  if (!period.ok()) {
    v.Add("period", std::string(period.status().message()));
  } else if (period->from() > today) {
    v.Add("period", absl::StrCat("chưa bắt đầu (hôm nay ", today, ") / has not begun (today is ", today, ")"));
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.org_unit_id()); !s.ok()) return s;
  auto path = AncestorPath(request.org_unit_id());
  if (!path.ok()) return path.status();
  v1::TreeSnapshot snapshot;
  if (absl::Status s = LoadTreeSnapshot(path->front(), &snapshot); !s.ok()) return s;
  const OrgTree t(std::move(snapshot));
  const int root = t.Find(request.org_unit_id());
  if (root == OrgTree::kNone) return absl::NotFoundError(request.org_unit_id());
  const std::string from = period->from();
  const std::string as_of = std::min(period->to(), today);
  const OrgTree::Day first = *OrgTree::ParseDay(from) - 1, last = *OrgTree::ParseDay(as_of);

  // The cells below the unit on some day from the day before the period to
  // as_of: checked on each day the tree changes in that span.
  std::set<OrgTree::Day> change_days = {first, last};
  for (int u = 0; u < t.size(); ++u) {
    auto add = [&](const std::string& text) {
      if (auto d = OrgTree::ParseDay(text); d && *d > first && *d <= last) change_days.insert(*d);
    };
    add(t.unit(u).opened_on()), add(t.unit(u).closed_on());
    for (const auto& p : t.unit(u).parent_history()) add(p.valid_from()), add(p.valid_to());
  }
  std::set<int> cells;
  for (OrgTree::Day d : change_days) {
    for (int u : t.SubtreeOn(root, d)) {
      if (t.unit(u).kind() == v1::BASE_CELL || t.unit(u).kind() == v1::SUBORDINATE_CELL) cells.insert(u);
    }
  }
  std::map<std::string, History> members;
  const std::vector<int> cell_list(cells.begin(), cells.end());
  constexpr size_t kBatch = 500;
  for (size_t at = 0; at < cell_list.size(); at += kBatch) {
    std::string in;
    db::Params params = {as_of, DayText(first)};
    for (size_t k = 0; k < kBatch && at + k < cell_list.size(); ++k) {
      absl::StrAppend(&in, k ? ", ?" : "?", k + 3);
      params.push_back(t.unit(cell_list[at + k]).id());
    }
    absl::StrAppend(&in, "))");
    auto rows = db_->Query(absl::StrCat(sql::kRollCellRowsPrefix, in), params);
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) {
      History& h = members[r.Text(0)];
      h.cells.push_back({r.Text(1), r.Text(2), r.Text(3)});
      h.sex = static_cast<int>(r.Int(4));
      h.birth = r.Text(5);
      h.admitted = r.Text(6);
      h.official = r.Text(7);
    }
    auto statuses = db_->Query(absl::StrCat(sql::kRollStatusesPrefix, in), params);
    if (!statuses.ok()) return statuses.status();
    for (const db::Row& r : statuses->rows) {
      members[r.Text(0)].statuses.push_back({static_cast<int>(r.Int(1)), r.Text(2), r.Text(3)});
    }
  }
  // A member may appear in two batches: the same rows twice.
  for (auto& [id, h] : members) {
    std::sort(h.cells.begin(), h.cells.end(), [](const CellRow& a, const CellRow& b) { return a.from < b.from; });
    h.cells.erase(std::unique(h.cells.begin(), h.cells.end(),
                              [](const CellRow& a, const CellRow& b) { return a.from == b.from; }),
                  h.cells.end());
    std::sort(h.statuses.begin(), h.statuses.end(), [](const StatusRow& a, const StatusRow& b) {
      return std::tie(a.status, a.from) < std::tie(b.status, b.from);
    });
    h.statuses.erase(std::unique(h.statuses.begin(), h.statuses.end(),
                                 [](const StatusRow& a, const StatusRow& b) {
                                   return a.status == b.status && a.from == b.from;
                                 }),
                     h.statuses.end());
  }

  std::set<std::string> tree_days;
  for (OrgTree::Day d : change_days) {
    if (d > first) tree_days.insert(DayText(d));
  }
  const RollCounter counter(t, root, from, as_of, std::move(tree_days));
  std::map<int, v1::RollFigures> figures = counter.Count(members);
  auto figures_of = [&](int key) {
    v1::RollFigures f = figures[key];
    if (f.age_bands_size() == 0) {
      for (const char* label : kBands) f.add_age_bands()->set_label(label);
    }
    return f;
  };
  response->set_org_unit_id(request.org_unit_id());
  response->set_name(t.unit(root).name());
  response->set_period(period->name);
  response->set_from(from);
  response->set_to(period->to());
  response->set_as_of(as_of);
  *response->mutable_figures() = figures_of(OrgTree::kRoot);
  std::vector<int> children;
  for (int u = 0; u < t.size(); ++u) {
    if (t.ParentOn(u, last) == root && t.OpenOn(u, last)) children.push_back(u);
  }
  std::sort(children.begin(), children.end(), [&](int a, int b) {
    return std::tie(t.unit(a).name(), t.unit(a).id()) < std::tie(t.unit(b).name(), t.unit(b).id());
  });
  for (int c : children) {
    auto* row = response->add_children();
    row->set_org_unit_id(t.unit(c).id());
    row->set_name(t.unit(c).name());
    *row->mutable_figures() = figures_of(c);
  }
  return absl::OkStatus();
}

}  // namespace chibo::registry
