// Meeting series (lịch sinh hoạt cố định): an RRULE whose occurrences are
// materialized as meetings, all in one transaction, up to a date.
#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/journal/journaled_write.h"
#include "common/resource/resource.h"
#include "common/time/dates.h"
#include "services/scheduling/meeting_rows.h"
#include "services/scheduling/recurrence.h"
#include "services/scheduling/cell_facts.h"
#include "services/scheduling/scheduling.h"
#include "services/scheduling/scheduling_sql.h"

namespace chibo::scheduling {
namespace {

using errors::FieldViolations;

v1::MeetingSeries SeriesFromRow(const db::Row& r) {
  v1::MeetingSeries s;
  s.set_id(r.Text(0));
  s.set_cell_id(r.Text(1));
  s.set_kind(static_cast<v1::MeetingKind>(r.Int(2)));
  s.set_title(r.Text(3));
  s.set_rrule(r.Text(4));
  s.set_first_start(r.Text(5));
  s.set_duration_minutes(static_cast<int32_t>(r.Int(6)));
  s.set_place(r.Text(7));
  s.set_materialized_until(r.Text(8));
  s.set_etag(resource::EtagOf(r.Int(9)));
  return s;
}

absl::Status NotFoundSeries(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("không có lịch / no meeting series \"", id, "\""));
}

absl::StatusOr<v1::MeetingSeries> ReadSeries(db::Session& s, absl::string_view id) {
  auto row = s.QueryOptionalRow(sql::kSelectSeries, {id});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return NotFoundSeries(id);
  return SeriesFromRow(**row);
}

// The longest window one call may materialize.
constexpr int kMaxOccurrences = 2000;

}  // namespace

// What Materialize does with an occurrence that would overlap another
// meeting of the cell: refuse the write (a caller asked for it), or leave
// that occurrence out (the horizon pass: the cell already meets then).
enum class OnOverlap { kRefuse, kSkip };

struct Materialized {
  int added = 0, skipped = 0;
};

// The occurrences of `series` up to `until` (at most kMaxOccurrences).
static absl::StatusOr<std::vector<absl::CivilMinute>> Occurrences(const v1::MeetingSeries& series,
                                                                 absl::CivilDay until) {
  auto starts = ExpandRrule(series.rrule(), *time::ParseLocalMinute(series.first_start()), until,
                            kMaxOccurrences);
  if (!starts.ok()) return errors::InvalidArgument("series.rrule", std::string(starts.status().message()));
  // In order and each once, whatever the expansion gave: the overlap check
  // of a new series reads the span from the first to the last.
  std::sort(starts->begin(), starts->end());
  starts->erase(std::unique(starts->begin(), starts->end()), starts->end());
  return starts;
}

// Inserts the occurrences of `series` on days after `after` up to `until`
// that do not exist yet, each checked against the cell's other meetings.
// Occurrences on or before `after` are never touched (moved, postponed or
// recorded meetings stay as they are). `starts`: the series' Occurrences up
// to `until` when the caller expanded them before its transaction (the rule
// needs no database), else expanded here; `new_series`: made in this
// transaction, so none of its occurrences exists yet. `check_overlap` gets
// the new meeting's id too.
static absl::StatusOr<Materialized> Materialize(
    db::Session& s, const v1::MeetingSeries& series, absl::CivilDay after, absl::CivilDay until,
    const std::function<absl::Status(int64_t, int64_t, const std::string&)>& check_overlap, OnOverlap on_overlap,
    const std::vector<absl::CivilMinute>* starts = nullptr, bool new_series = false) {
  std::vector<absl::CivilMinute> expanded;
  if (starts == nullptr) {
    auto occurrences = Occurrences(series, until);
    if (!occurrences.ok()) return occurrences.status();
    expanded = *std::move(occurrences);
    starts = &expanded;
  }
  Materialized done;
  for (const absl::CivilMinute start : *starts) {
    if (absl::CivilDay(start) <= after) continue;
    const std::string starts_at = time::FormatLocalMinute(start);
    if (!new_series) {  // a series made in this transaction has no meetings yet
      auto existing = s.QueryOptionalRow(sql::kSelectOccurrence, {series.id(), starts_at});
      if (!existing.ok()) return existing.status();
      if (existing->has_value()) continue;
    }
    const std::string ends_at =
        time::FormatLocalMinute(start + series.duration_minutes());
    const std::string id = resource::NewTimeOrderedId("mt");
    if (absl::Status st = check_overlap(ToUnix(starts_at), ToUnix(ends_at), id); !st.ok()) {
      if (on_overlap == OnOverlap::kSkip && absl::IsFailedPrecondition(st)) {
        ++done.skipped;
        continue;
      }
      return st;
    }
    if (absl::Status st = InsertMeeting(s, id, series.cell_id(), series.id(),
                                        starts_at, series.kind(), series.title(), starts_at,
                                        ends_at, series.place());
        !st.ok()) {
      return st;
    }
    ++done.added;
  }
  return done;
}

absl::CivilDay AddMonths(absl::CivilDay day, int months) {
  const absl::CivilMonth month = absl::CivilMonth(day) + months;
  const int last = (absl::CivilDay(month + 1) - 1).day();
  return absl::CivilDay(month.year(), month.month(), std::min(day.day(), last));
}

absl::CivilDay HorizonDay(absl::CivilDay today, int months) {
  return std::min(AddMonths(today, months), today + 365 * kMaxPlanYearsAhead);
}

absl::CivilDay HorizonEnd(absl::CivilDay today, int months) {
  const absl::CivilDay month_end = absl::CivilDay(absl::CivilMonth(AddMonths(today, months)) + 1) - 1;
  return std::min(month_end, today + 365 * kMaxPlanYearsAhead);
}

absl::Status Scheduling::CreateSeries(const auth::Claims& caller,
                                      const v1::CreateSeriesRequest& request,
                                      v1::MeetingSeries* response) {
  v1::MeetingSeries in = request.series();
  FieldViolations v;
  if (!in.id().empty() && !resource::IsValidId(in.id())) {
    v.Add("series.id", "2–63 ký tự a-z, 0-9, - / 2..63 of [a-z0-9-]");
  }
  v.RequireNonEmpty("series.cell_id", in.cell_id());
  CheckKind(v, "series.kind", in.kind());
  if (absl::Status s = ValidateRrule(in.rrule()); !s.ok()) v.Add("series.rrule", std::string(s.message()));
  if (!time::IsValidLocalMinute(in.first_start())) {
    v.Add("series.first_start", "giờ địa phương YYYY-MM-DDTHH:MM / local time YYYY-MM-DDTHH:MM");
  }
  if (in.duration_minutes() < 1 || in.duration_minutes() > 24 * 60) {
    v.Add("series.duration_minutes", "1..1440");
  }
  v.CheckLength("series.title", in.title(), 300);
  v.CheckLength("series.place", in.place(), 300);
  v.CheckDate("materialize_until", request.materialize_until(), false);
  if (!in.materialized_until().empty()) v.Add("series.materialized_until", "chỉ đọc / output only");
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const absl::CivilDay first_day(*time::ParseLocalMinute(in.first_start()));
  // By default the rolling horizon (at least the first occurrence).
  const absl::CivilDay until = request.materialize_until().empty()
                                   ? std::max(HorizonEnd(time::Today(), horizon_months_), first_day)
                                   : *time::ParseDate(request.materialize_until());
  if (until < first_day) return errors::InvalidArgument("materialize_until", "trước first_start / before first_start");
  // The first start must itself be an occurrence (RFC 5545 counts DTSTART as
  // one, so a calendar app would show it even if the rule skips its day).
  auto first = ExpandRrule(in.rrule(), *time::ParseLocalMinute(in.first_start()), first_day, 1);
  if (first.ok() && (first->empty() || time::FormatLocalMinute(first->front()) != in.first_start())) {
    return errors::InvalidArgument("series.first_start",
                                   "không phải một buổi của RRULE / is not an occurrence of the rule");
  }
  auto tree = TreeInScope(caller, in.cell_id());
  if (!tree.ok()) return tree.status();
  if (absl::Status st = CheckMeetingDay(**tree, in.cell_id(), first_day, "series.first_start"); !st.ok()) return st;
  if (absl::Status st = CheckPlanHorizon(until, "materialize_until"); !st.ok()) return st;
  if (in.id().empty()) in.set_id(resource::NewId("ls"));
  if (in.title().empty()) in.set_title(DefaultTitle(in.kind()));
  in.set_materialized_until(time::FormatDate(until));
  // Expanded before the transaction: the writer's turn is for the database.
  auto starts = Occurrences(in, until);
  if (!starts.ok()) return starts.status();

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "CreateSeries", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, in.cell_id()); !st.ok()) return st;
        auto inserted = s.Execute(sql::kInsertSeries,
                                  {in.id(), in.cell_id(), static_cast<int64_t>(in.kind()),
                                   in.title(), in.rrule(), in.first_start(),
                                   static_cast<int64_t>(in.duration_minutes()), in.place(),
                                   in.materialized_until(), NowText()});
        if (!inserted.ok()) {
          return absl::IsAlreadyExists(inserted.status())
                     ? errors::InvalidArgument("series.id", "đã tồn tại / already exists")
                     : inserted.status();
        }
        // The cell's live meetings of the series' span, read once; each
        // occurrence is checked against them and the occurrences before it.
        struct Taken {
          int64_t from, to;
          std::string id, starts_at, ends_at;
        };
        std::vector<Taken> taken;
        if (!starts->empty()) {
          const int64_t span_from = time::LocalMinuteToUnix(starts->front());
          const int64_t span_to = time::LocalMinuteToUnix(starts->back() + in.duration_minutes());
          if (absl::Status st = ForEachLiveMeetingBetween(
                  s, in.cell_id(), span_from, span_to,
                  [&](const db::Row& r) { taken.push_back({r.Int(3), r.Int(4), r.Text(0), r.Text(1), r.Text(2)}); });
              !st.ok()) {
            return st;
          }
        }
        auto check_overlap = [&](int64_t from, int64_t to, const std::string& id) -> absl::Status {
          for (const Taken& t : taken) {
            if (t.from < to && t.to > from) return OverlapsMeeting(in.cell_id(), t.id, t.starts_at, t.ends_at);
          }
          taken.push_back({from, to, id, time::FormatLocalMinute(time::UnixToLocalMinute(from)),
                           time::FormatLocalMinute(time::UnixToLocalMinute(to))});
          return absl::OkStatus();
        };
        if (auto done = Materialize(s, in, first_day - 1, until, check_overlap, OnOverlap::kRefuse, &*starts,
                                    /*new_series=*/true);
            !done.ok()) {
          return done.status();
        }
        if (absl::Status st = FoldCellYearsWithMeetings(s, in.cell_id(), first_day.year(), until.year());
            !st.ok()) {
          return st;
        }
        auto loaded = ReadSeries(s, in.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"MeetingSeries", in.id(), in.cell_id(), "", journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::Status Scheduling::ExtendSeries(const auth::Claims& caller,
                                      const v1::ExtendSeriesRequest& request,
                                      v1::MeetingSeries* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  v.CheckDate("materialize_until", request.materialize_until(), true);
  if (!journal::IsValidRequestId(request.request_id())) v.Add("request_id", "tối đa 128 ký tự / at most 128 printable characters");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession read(*db_);
  auto current = ReadSeries(read, request.id());
  if (!current.ok()) return current.status();
  if (absl::Status st = registry_->CheckScope(caller, current->cell_id()); !st.ok()) return st;
  const absl::CivilDay until = *time::ParseDate(request.materialize_until());
  if (absl::Status st = CheckPlanHorizon(until, "materialize_until"); !st.ok()) return st;

  return journal::RunJournaledWrite(
      *db_, {caller.subject, "ExtendSeries", request.request_id()}, request, response,
      [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
        if (absl::Status st = LockCell(s, current->cell_id()); !st.ok()) return st;
        auto before = ReadSeries(s, request.id());
        if (!before.ok()) return before.status();
        if (request.materialize_until() > before->materialized_until()) {
          if (auto done = Materialize(s, *before, *time::ParseDate(before->materialized_until()), until,
                                      [&](int64_t from, int64_t to, const std::string&) {
                                        return CheckNoOverlap(s, before->cell_id(), from, to, "");
                                      },
                                      OnOverlap::kRefuse);
              !done.ok()) {
            return done.status();
          }
          auto done = s.Execute(sql::kUpdateSeriesMaterialized,
                                {request.id(), request.materialize_until(), NowText()});
          if (!done.ok()) return done.status();
          const int from_year = std::stoi(before->materialized_until().substr(0, 4));
          if (absl::Status st = FoldCellYearsWithMeetings(s, before->cell_id(), from_year, until.year());
              !st.ok()) {
            return st;
          }
        }
        auto loaded = ReadSeries(s, request.id());
        if (!loaded.ok()) return loaded.status();
        *response = *loaded;
        note = {"MeetingSeries", request.id(), before->cell_id(), journal::ToJson(*before),
                journal::ToJson(*response)};
        return absl::OkStatus();
      });
}

absl::StatusOr<Scheduling::HorizonPass> Scheduling::ExtendSeriesToHorizon(
    absl::CivilDay today, const std::function<bool()>& stopping) {
  HorizonPass pass;
  const std::string short_of = time::FormatDate(HorizonDay(today, horizon_months_));
  const absl::CivilDay target = HorizonEnd(today, horizon_months_);
  const std::string target_text = time::FormatDate(target);
  // The series to look at, read first (in pages) so no statement stays open
  // while each is written.
  std::vector<std::string> ids;
  constexpr int64_t kPage = 1000;
  for (std::string after;;) {
    auto rows = db_->Query(sql::kSelectSeriesShortOf, {short_of, after, kPage});
    if (!rows.ok()) return rows.status();
    for (const db::Row& r : rows->rows) ids.push_back(r.Text(0));
    if (static_cast<int64_t>(rows->rows.size()) < kPage) break;
    after = ids.back();
  }
  pass.series_short = static_cast<int>(ids.size());
  // A body that finds nothing to do ends its transaction with this, so no
  // audit row is written for it.
  const absl::Status nothing_to_do = absl::CancelledError("at the horizon already");
  for (const std::string& id : ids) {
    if (stopping && stopping()) break;
    v1::ExtendSeriesRequest request;
    request.set_id(id);
    request.set_materialize_until(target_text);
    v1::MeetingSeries response;
    Materialized done;
    absl::Status st = journal::RunJournaledWrite(
        *db_, {"chibo-scheduling", "ExtendSeriesToHorizon", ""}, request, &response,
        [&](db::Session& s, google::protobuf::Message*, journal::AuditNote& note) -> absl::Status {
          done = {};  // the body runs again when the transaction is retried
          auto series = ReadSeries(s, id);
          if (!series.ok()) return series.status();
          if (absl::Status lock = LockCell(s, series->cell_id()); !lock.ok()) return lock;
          // Read again under the cell's lock: another replica may have
          // extended it meanwhile.
          auto before = ReadSeries(s, id);
          if (!before.ok()) return before.status();
          if (before->materialized_until() >= short_of) return nothing_to_do;
          const absl::CivilDay from = *time::ParseDate(before->materialized_until());
          auto materialized = Materialize(s, *before, from, target,
                                          [&](int64_t from_unix, int64_t to_unix, const std::string&) {
                                            return CheckNoOverlap(s, before->cell_id(), from_unix, to_unix, "");
                                          },
                                          OnOverlap::kSkip);
          if (!materialized.ok()) return materialized.status();
          done = *materialized;
          auto updated = s.Execute(sql::kUpdateSeriesMaterialized, {id, target_text, NowText()});
          if (!updated.ok()) return updated.status();
          if (done.added > 0) {
            if (absl::Status fold = FoldCellYearsWithMeetings(s, before->cell_id(), from.year(), target.year());
                !fold.ok()) {
              return fold;
            }
          }
          auto loaded = ReadSeries(s, id);
          if (!loaded.ok()) return loaded.status();
          response = *loaded;
          note = {"MeetingSeries", id, before->cell_id(), journal::ToJson(*before), journal::ToJson(*loaded)};
          return absl::OkStatus();
        });
    if (st.ok()) {
      ++pass.extended;
      pass.meetings_added += done.added;
      pass.occurrences_skipped += done.skipped;
    } else if (st != nothing_to_do) {
      ++pass.failed;
      if (pass.failures.size() < 20) pass.failures.emplace_back(id, st);
    }
  }
  return pass;
}

absl::Status Scheduling::GetSeries(const auth::Claims& caller, const v1::GetSeriesRequest& request,
                                   v1::MeetingSeries* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  db::AutocommitSession s(*db_);
  auto series = ReadSeries(s, request.id());
  if (!series.ok()) return series.status();
  if (absl::Status st = registry_->CheckScope(caller, series->cell_id()); !st.ok()) return st;
  *response = *std::move(series);
  return absl::OkStatus();
}

absl::Status Scheduling::ListSeries(const auth::Claims& caller,
                                    const v1::ListSeriesRequest& request,
                                    v1::ListSeriesResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("cell_id", request.cell_id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = registry_->CheckScope(caller, request.cell_id()); !s.ok()) return s;
  auto rows = db_->Query(sql::kSelectSeriesOfCell, {request.cell_id()});
  if (!rows.ok()) return rows.status();
  for (const db::Row& r : rows->rows) *response->add_series() = SeriesFromRow(r);
  return absl::OkStatus();
}

}  // namespace chibo::scheduling
