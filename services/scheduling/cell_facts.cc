#include "services/scheduling/cell_facts.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/db/change_stamp.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {

void AppendFolded(const FoldedMeeting& m, std::string* out) {
  absl::StrAppend(out, m.month * 100 + m.day, ",", static_cast<int>(m.kind), ",",
                  static_cast<int>(m.status), ",", m.actual_minutes, ",", m.expected, ",",
                  m.present, ",", m.absent_unexcused, ",", m.speakers, ",", m.opinions, ",", m.absence_run, ",",
                  m.self_score, ";");
}

bool ParseFolded(absl::string_view text, std::vector<FoldedMeeting>* out) {
  for (absl::string_view item : absl::StrSplit(text, ';', absl::SkipEmpty())) {
    constexpr int kFields = 11;
    int v[kFields];
    int n = 0;
    for (absl::string_view field : absl::StrSplit(item, ',')) {
      if (n == kFields || !absl::SimpleAtoi(field, &v[n])) return false;
      ++n;
    }
    if (n != kFields) return false;
    FoldedMeeting m;
    m.month = v[0] / 100;
    m.day = v[0] % 100;
    m.kind = static_cast<v1::MeetingKind>(v[1]);
    m.status = static_cast<v1::MeetingStatus>(v[2]);
    m.actual_minutes = v[3];
    m.expected = v[4];
    m.present = v[5];
    m.absent_unexcused = v[6];
    m.speakers = v[7];
    m.opinions = v[8];
    m.absence_run = v[9];
    m.self_score = v[10];
    if (m.month < 1 || m.month > 12 || m.day < 1 || m.day > 31) return false;
    out->push_back(m);
  }
  return true;
}

std::set<int> YearsOf(std::initializer_list<absl::string_view> local_times) {
  std::set<int> years;
  for (absl::string_view t : local_times) {
    int year = 0;
    if (t.size() >= 4 && absl::SimpleAtoi(t.substr(0, 4), &year)) years.insert(year);
  }
  return years;
}

absl::Status Scheduling::FoldCellYears(db::Session& s, absl::string_view cell_id,
                                       const std::set<int>& years, const std::set<int>& if_held) {
  std::set<int> all = years;
  all.insert(if_held.begin(), if_held.end());
  if (all.empty()) return absl::OkStatus();
  const int first_year = *all.begin(), last_year = *all.rbegin();
  auto year_start = [](int y) { return DayStartUnix(absl::StrCat(y, "-01-01")); };
  // One read of the span's meetings and one of its roll calls (from the
  // year before the first on), whatever the number of years folded.
  auto rows = s.Query(sql::kSelectMeetingsToFold, {cell_id, year_start(first_year), year_start(last_year + 1)});
  if (!rows.ok()) return rows.status();
  auto marks = s.Query(sql::kSelectHeldRollCallsOfCell,
                       {cell_id, year_start(first_year - 1), year_start(last_year + 1), int64_t{1}});
  if (!marks.ok()) return marks.status();
  for (int year : all) {
    const int64_t from = year_start(year), to = year_start(year + 1);
    std::vector<const db::Row*> of_year;
    bool held = false;
    for (const db::Row& r : rows->rows) {
      if (r.Int(11) < from || r.Int(11) >= to) continue;
      of_year.push_back(&r);
      held = held || r.Int(2) == v1::HELD || r.Int(2) == v1::MINUTES_APPROVED;
    }
    // A year folded "if held" with none held has no absence runs to change.
    if (!years.count(year) && !held) continue;
    // Absences running into this year's meetings: the roll calls of the
    // cell's held meetings from the year before on, in order.
    std::map<std::string, int> run_of_meeting;
    {
      const int64_t runs_from = year_start(year - 1);
      std::map<std::string, int> run;  // member → absences in a row so far
      for (const db::Row& r : marks->rows) {
        if (r.Int(3) < runs_from || r.Int(3) >= to) continue;
        int& n = run[r.Text(1)];
        n = r.Int(2) == v1::PRESENT ? 0 : n + 1;
        int& most = run_of_meeting[r.Text(0)];
        most = std::max(most, n);
      }
    }
    std::string facts;
    facts.reserve(of_year.size() * 32);
    for (const db::Row* row : of_year) {
      const db::Row& r = *row;
      const std::string& starts = r.Text(0);  // "YYYY-MM-DDTHH:MM"
      FoldedMeeting m;
      m.month = std::stoi(starts.substr(5, 2));
      m.day = std::stoi(starts.substr(8, 2));
      m.kind = static_cast<v1::MeetingKind>(r.Int(1));
      m.status = static_cast<v1::MeetingStatus>(r.Int(2));
      m.actual_minutes = static_cast<int>(r.Int(3));
      m.expected = static_cast<int>(r.Int(4));
      m.present = static_cast<int>(r.Int(5));
      m.absent_unexcused = static_cast<int>(r.Int(6));
      m.speakers = static_cast<int>(r.Int(7));
      m.opinions = static_cast<int>(r.Int(8));
      m.self_score = static_cast<int>(r.Int(10));
      if (auto it = run_of_meeting.find(r.Text(9)); it != run_of_meeting.end()) m.absence_run = it->second;
      AppendFolded(m, &facts);
    }
    if (absl::Status done = s.ExecuteLater(upsert_fold_sql_, {cell_id, static_cast<int64_t>(year),
                                                              static_cast<int64_t>(of_year.size()), facts});
        !done.ok()) {
      return done;
    }
  }
  return absl::OkStatus();
}

absl::Status Scheduling::FoldCellYearsWithMeetings(db::Session& s, absl::string_view cell_id,
                                                    int from, int to) {
  auto rows = s.Query(sql::kSelectYearsWithMeetings,
                      {cell_id, DayStartUnix(absl::StrCat(from, "-01-01")),
                       DayStartUnix(absl::StrCat(to + 1, "-01-01"))});
  if (!rows.ok()) return rows.status();
  std::set<int> years;
  for (const db::Row& r : rows->rows) {
    int year = 0;
    if (absl::SimpleAtoi(r.Text(0), &year)) years.insert(year);
  }
  return FoldCellYears(s, cell_id, years);
}

absl::Status Scheduling::FoldUnfoldedCellYears() {
  auto pairs = db_->Query(sql::kSelectUnfoldedCellYears);
  if (!pairs.ok()) return pairs.status();
  for (const db::Row& r : pairs->rows) {
    const std::string cell = r.Text(0);
    const int year = static_cast<int>(r.Int(1));
    absl::Status st = db_->InTransaction([&](db::Session& s) -> absl::Status {
      if (absl::Status lock = LockCell(s, cell); !lock.ok()) return lock;
      return FoldCellYears(s, cell, {year});
    });
    if (!st.ok()) return st;
  }
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
