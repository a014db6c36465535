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

void AppendRollCall(absl::string_view member_id, int mark, std::string* out) {
  absl::StrAppend(out, member_id, ":", mark, ";");
}

absl::Status Scheduling::FoldCellYears(db::Session& s, absl::string_view cell_id,
                                       const std::set<int>& years, const std::set<int>& if_held) {
  std::set<int> all = years;
  all.insert(if_held.begin(), if_held.end());
  if (all.empty()) return absl::OkStatus();
  const int first_year = *all.begin(), last_year = *all.rbegin();
  auto year_start = [](int y) { return DayStartUnix(absl::StrCat(y, "-01-01")); };
  // One read: every meeting of the years surely folded, and the held
  // meetings (with their roll calls) from the year before the first on.
  // Column 12 is the roll call.
  const int64_t all_from = years.empty() ? 0 : year_start(*years.begin());
  const int64_t all_to = years.empty() ? 0 : year_start(*years.rbegin() + 1);
  auto rows = s.Query(sql::kSelectMeetingsToFold, {cell_id, year_start(first_year - 1),
                                                   year_start(last_year + 1), all_from, all_to});
  if (!rows.ok()) return rows.status();
  std::vector<const db::Row*> held_rows;  // held meetings in start order, what the runs are read from
  for (const db::Row& r : rows->rows) {
    if (r.Int(2) == v1::HELD || r.Int(2) == v1::MINUTES_APPROVED) held_rows.push_back(&r);
  }
  for (int year : all) {
    const int64_t from = year_start(year), to = year_start(year + 1);
    bool held = false;
    for (const db::Row* r : held_rows) held = held || (r->Int(11) >= from && r->Int(11) < to);
    // A year folded "if held" with none held has no absence runs to change.
    if (!years.count(year) && !held) continue;
    // The year's meetings: read above when its whole span was, else now
    // (a year folded only because it has held meetings).
    absl::StatusOr<db::ResultSet> whole;
    const std::vector<db::Row>* year_rows = &rows->rows;
    if (from < all_from || to > all_to) {
      whole = s.Query(sql::kSelectMeetingsToFold, {cell_id, from, to, from, to});
      if (!whole.ok()) return whole.status();
      year_rows = &whole->rows;
    }
    std::vector<const db::Row*> of_year;
    for (const db::Row& r : *year_rows) {
      if (r.Int(11) >= from && r.Int(11) < to) of_year.push_back(&r);
    }
    // Absences running into this year's meetings: the roll calls of the
    // cell's held meetings from the year before on, in order.
    std::map<std::string, int> run_of_meeting;
    {
      const int64_t runs_from = year_start(year - 1);
      std::map<std::string, int, std::less<>> run;  // member → absences in a row so far
      for (const db::Row* r : held_rows) {
        if (r->Int(11) < runs_from || r->Int(11) >= to) continue;
        int most = 0;
        for (absl::string_view item : absl::StrSplit(r->Text(12), ';', absl::SkipEmpty())) {
          const size_t colon = item.rfind(':');
          int mark = 0;
          if (colon == absl::string_view::npos || !absl::SimpleAtoi(item.substr(colon + 1), &mark)) continue;
          const absl::string_view member = item.substr(0, colon);
          auto it = run.find(member);
          if (it == run.end()) it = run.emplace(std::string(member), 0).first;
          it->second = mark == v1::PRESENT ? 0 : it->second + 1;
          most = std::max(most, it->second);
        }
        run_of_meeting[r->Text(9)] = most;
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

absl::Status Scheduling::FillMissingRollCalls() {
  // A few hundred meetings at a time, each chunk in one transaction, so an
  // upgraded province's attendance is never all in memory at once. Each
  // pass fills what it read, so the next reads the rest.
  constexpr int64_t kChunk = 500;
  for (;;) {
    auto ids = db_->Query(sql::kSelectMeetingsMissingRollCalls, {kChunk});
    if (!ids.ok()) return ids.status();
    if (ids->rows.empty()) return absl::OkStatus();
    std::map<std::string, std::string> roll_calls;  // meeting → its roll call
    std::string marks_sql = sql::kSelectExpectedMarksOfMeetingsPrefix;
    db::Params params;
    for (const db::Row& r : ids->rows) {
      roll_calls[r.Text(0)];
      params.push_back(r.Text(0));
      absl::StrAppend(&marks_sql, params.size() > 1 ? ", ?" : "?", params.size());
    }
    marks_sql += ") ORDER BY meeting_id, member_id";
    auto marks = db_->Query(marks_sql, params);
    if (!marks.ok()) return marks.status();
    for (const db::Row& r : marks->rows) {
      auto it = roll_calls.find(r.Text(0));
      if (it != roll_calls.end()) AppendRollCall(r.Text(1), static_cast<int>(r.Int(2)), &it->second);
    }
    absl::Status st = db_->InTransaction([&](db::Session& s) -> absl::Status {
      for (const auto& [meeting, roll_call] : roll_calls) {
        if (auto done = s.Execute(sql::kSetMissingRollCall, {meeting, roll_call}); !done.ok()) return done.status();
      }
      return absl::OkStatus();
    });
    if (!st.ok()) return st;
  }
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
