// Follow-up that escalates (nhắc việc), docs/reminders.md. A scan finds what
// is late in a province today:
//   - a past meeting still PLANNED (minutes not recorded) more than the
//     rulebook's minutes_record_days after its date (the rulebook in force on
//     the meeting's date);
//   - an open recommendation past its due date;
// and raises one reminder per step due: step 0 to the unit's secretary the
// first day late, then one committee higher every reminder_escalate_days,
// up to the province. A reminder is raised once (the unique key of (subject,
// item, step): rescans and replicas scanning together are harmless) and its
// outbox row is written in the same transaction; the webhook sends it
// (reminder_outbox.cc). A reminder whose item is no longer late (recorded,
// followed up, cancelled) is marked resolved on the next scan.
#include <algorithm>
#include <map>
#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/autocommit_session.h"
#include "common/errors/errors.h"
#include "common/paging/page_token.h"
#include "common/time/dates.h"
#include "services/supervision/activity_narrative.h"
#include "services/supervision/supervision.h"
#include "services/supervision/supervision_sql.h"

namespace chibo::supervision {
namespace {

using clients::OrgTree;
using errors::FieldViolations;

constexpr int kDefaultRecordDays = 3;    // Rules.minutes_record_days
constexpr int kDefaultEscalateDays = 7;  // Rules.reminder_escalate_days
// A meeting unrecorded for longer than this is no longer chased.
constexpr int kLookBackDays = 366;

// One item late today.
struct LateItem {
  v1::ReminderSubject subject = v1::REMINDER_SUBJECT_UNSPECIFIED;
  std::string subject_id, visit_id, cell_id, item_date, due_on, text;
  int days_late = 0;
  int escalate_days = kDefaultEscalateDays;
};

std::string ReminderText(const LateItem& item, const std::string& cell_name, int step,
                         const std::string& recipient_name) {
  const std::string who = step == 0 ? "Đề nghị đồng chí bí thư" : "Đề nghị cấp ủy đôn đốc";
  const std::string where =
      step == 0 ? "" : absl::StrCat(" (chuyển lên ", recipient_name, ")");
  if (item.subject == v1::MEETING_NOT_RECORDED) {
    return absl::StrFormat(
        "Nhắc việc%s: cuộc sinh hoạt ngày %s của %s chưa được ghi biên bản, quá hạn %d ngày "
        "(hạn %s). %s cập nhật biên bản.",
        where, VietnameseDate(item.item_date), cell_name, item.days_late, VietnameseDate(item.due_on), who);
  }
  return absl::StrFormat(
      "Nhắc việc%s: kiến nghị «%s» của đoàn dự sinh hoạt đối với %s chưa được thực hiện, quá hạn "
      "%d ngày (hạn %s). %s báo cáo kết quả thực hiện.",
      where, errors::CutText(item.text, 300), cell_name, item.days_late, VietnameseDate(item.due_on), who);
}

std::string ReminderId(v1::ReminderSubject subject, absl::string_view item, int step) {
  return absl::StrCat(subject == v1::MEETING_NOT_RECORDED ? "nb-" : "kn-", step, "-", item);
}

v1::Reminder ReminderFromRow(const db::Row& r) {
  v1::Reminder out;
  out.set_id(r.Text(0));
  out.set_subject(static_cast<v1::ReminderSubject>(r.Int(1)));
  out.set_subject_id(r.Text(2));
  out.set_visit_id(r.Text(3));
  out.set_cell_id(r.Text(4));
  out.set_cell_name(r.Text(5));
  out.set_step(static_cast<int32_t>(r.Int(6)));
  out.set_recipient_org_id(r.Text(7));
  out.set_recipient_name(r.Text(8));
  out.set_item_date(r.Text(9));
  out.set_due_on(r.Text(10));
  out.set_days_late(static_cast<int32_t>(r.Int(11)));
  out.set_raised_on(r.Text(12));
  out.set_text(r.Text(13));
  out.set_resolved_at(r.Text(14));
  out.set_delivery(r.IsNull(15) ? v1::DELIVERY_PENDING : static_cast<v1::DeliveryState>(r.Int(15)));
  out.set_attempts(static_cast<int32_t>(r.Int(16)));
  out.set_delivered_at(r.Text(17));
  out.set_last_error(r.Text(18));
  out.set_recipient_member_id(r.Text(19));
  out.set_recipient_member_name(r.Text(20));
  return out;
}

}  // namespace

absl::StatusOr<Supervision::ReminderScan> Supervision::ScanReminders(const auth::Claims& service_caller,
                                                                     absl::CivilDay today) {
  auto tree = registry_->Tree(service_caller);
  if (!tree.ok()) return tree.status();
  const OrgTree& t = **tree;
  const int root = t.Find(t.province_id());
  if (root == OrgTree::kNone) return absl::NotFoundError(absl::StrCat("không có tỉnh / no province \"", t.province_id(), "\""));
  const OrgTree::Day day = OrgTree::DayOf(today);
  const std::string today_text = time::FormatDate(today);

  // What is late today.
  std::vector<LateItem> late;
  scheduling::v1::ListMeetingsRequest list;
  list.set_org_unit_id(t.province_id());
  list.set_subtree(true);
  list.set_status(scheduling::v1::PLANNED);
  list.set_from(time::FormatDate(today - kLookBackDays));
  list.set_to(time::FormatDate(today - 1));
  // Page by page: a big province has tens of thousands of such meetings.
  absl::Status listed = scheduling_->ForEachMeeting(service_caller, list, [&](const scheduling::v1::Meeting& m) {
    const std::string date = m.starts_at().substr(0, 10);
    auto d = OrgTree::ParseDay(date);
    if (!d) return;
    const registry::v1::Rules& rules = t.RulesOn(*d);
    const int record_days = rules.minutes_record_days() > 0 ? rules.minutes_record_days() : kDefaultRecordDays;
    LateItem item;
    item.subject = v1::MEETING_NOT_RECORDED;
    item.subject_id = m.id();
    item.cell_id = m.cell_id();
    item.item_date = date;
    item.due_on = time::FormatDate(OrgTree::CivilOf(*d + record_days));
    item.days_late = day - (*d + record_days);
    if (rules.reminder_escalate_days() > 0) item.escalate_days = rules.reminder_escalate_days();
    if (item.days_late >= 1) late.push_back(std::move(item));
  });
  if (!listed.ok()) return listed;
  auto recs = db_->Query(sql::kSelectOverdueRecommendations, {today_text});
  if (!recs.ok()) return recs.status();
  for (const db::Row& r : recs->rows) {
    auto due = OrgTree::ParseDay(r.Text(3));
    if (!due || t.Find(r.Text(4)) == OrgTree::kNone) continue;
    LateItem item;
    item.subject = v1::RECOMMENDATION_OVERDUE;
    item.subject_id = r.Text(0);
    item.visit_id = r.Text(1);
    item.text = r.Text(2);
    item.item_date = r.Text(3);
    item.due_on = r.Text(3);
    item.cell_id = r.Text(4);
    item.days_late = day - *due;
    const int escalate = t.RulesOn(*due).reminder_escalate_days();
    if (escalate > 0) item.escalate_days = escalate;
    late.push_back(std::move(item));
  }

  // Whom each recipient's reminders reach, looked up once per scan: a
  // cell's secretary (bí thư chi bộ) among its roll; for a committee, of
  // those sitting on it, a member of its standing committee (ban thường
  // vụ), else a committee member. None recorded, or the registry failing:
  // the reminder goes to the unit alone.
  struct Contact {
    std::string member_id, name, phone;
  };
  std::map<int, Contact> contacts;
  auto secretary_of = [&](int unit) -> const Contact& {
    auto [it, fresh] = contacts.try_emplace(unit);
    if (!fresh) return it->second;
    const std::string& id = t.unit(unit).id();
    auto seated = [&](const registry::v1::Member& m, registry::v1::Position position) {
      for (const auto& held : m.positions()) {
        if (held.org_unit_id() == id && held.position() == position &&
            (held.valid_to().empty() || held.valid_to() > today_text)) {
          return true;
        }
      }
      return false;
    };
    if (clients::IsCell(t.unit(unit).kind())) {
      auto members = registry_->MembersOf(service_caller, id, today_text);
      if (members.ok()) {
        for (const auto& m : *members) {
          if (seated(m, registry::v1::SECRETARY)) it->second = {m.id(), m.full_name(), m.phone()};
        }
      }
    } else if (auto roster = registry_->GetRoster(service_caller, id, today_text); roster.ok()) {
      Contact member;
      for (const auto& e : roster->entries()) {
        auto m = registry_->GetMember(service_caller, e.member_id(), today_text);
        if (!m.ok()) continue;
        if (seated(*m, registry::v1::STANDING_COMMITTEE_MEMBER)) {
          it->second = {m->id(), m->full_name(), m->phone()};
          break;
        }
        if (member.member_id.empty() && seated(*m, registry::v1::COMMITTEE_MEMBER)) {
          member = {m->id(), m->full_name(), m->phone()};
        }
      }
      if (it->second.member_id.empty()) it->second = member;
    }
    return it->second;
  };

  // What is raised and not resolved: one read, not one per reminder. (The
  // resolved ones, most of a province's reminders in time, are not read: an
  // item late again after being resolved finds its reminder by the insert's
  // unique key, at the cost of one contact lookup.)
  auto existing = db_->Query(sql::kSelectProvinceOutstandingReminders, {t.province_id()});
  if (!existing.ok()) return existing.status();
  absl::flat_hash_set<std::string> raised_before;
  raised_before.reserve(existing->rows.size());
  for (const db::Row& r : existing->rows) raised_before.insert(r.Text(0));

  ReminderScan scan;
  scan.outstanding = static_cast<int>(late.size());
  std::set<std::pair<int, std::string>> still_late;
  const std::string now = time::FormatTimestamp(absl::Now());
  for (const LateItem& item : late) {
    still_late.insert({item.subject, item.subject_id});
    const int u = t.Find(item.cell_id);
    if (u == OrgTree::kNone) continue;
    // Up the tree of today (of its last open day, for a unit closed since).
    const OrgTree::Day on = t.OpenOn(u, day) ? day : *OrgTree::ParseDay(item.item_date);
    const int steps = 1 + (item.days_late - 1) / item.escalate_days;
    int recipient = u;
    for (int step = 0; step < steps && recipient != OrgTree::kNone; ++step) {
      if (step > 0) recipient = t.ParentOn(recipient, on);
      if (recipient == OrgTree::kNone || recipient < 0) break;
      const std::string& cell_name = t.unit(u).name();
      const std::string& recipient_name = t.unit(recipient).name();
      const std::string id = ReminderId(item.subject, item.subject_id, step);
      // Only for a reminder not raised yet: the lookup costs registry calls.
      if (raised_before.count(id)) continue;
      const Contact& contact = secretary_of(recipient);
      bool raised = false;
      absl::Status s = db_->InTransaction([&](db::Session& tx) -> absl::Status {
        raised = false;
        auto inserted = tx.Execute(
            sql::kInsertReminder,
            {id, t.province_id(), static_cast<int64_t>(item.subject), item.subject_id, item.visit_id,
             item.cell_id, cell_name, step, t.unit(recipient).id(), recipient_name, item.item_date,
             item.due_on, item.days_late, today_text, ReminderText(item, cell_name, step, recipient_name), now,
             contact.member_id, contact.name});
        if (!inserted.ok()) return inserted.status();
        if (*inserted == 0) return absl::OkStatus();  // raised before
        raised = true;
        return tx.Execute(sql::kInsertReminderOutbox, {id, absl::ToUnixSeconds(absl::Now()), contact.phone}).status();
      });
      if (!s.ok()) return s;
      scan.raised += raised ? 1 : 0;
    }
  }
  // Resolved: no longer late (recorded, followed up, cancelled, or a rule changed).
  for (const db::Row& r : existing->rows) {
    if (still_late.count({static_cast<int>(r.Int(1)), r.Text(2)})) continue;
    auto n = db_->Execute(sql::kResolveReminder, {r.Text(0), now});
    if (!n.ok()) return n.status();
    scan.resolved += static_cast<int>(*n);
  }
  return scan;
}

absl::Status Supervision::ListReminders(const auth::Claims& caller, const v1::ListRemindersRequest& request,
                                        v1::ListRemindersResponse* response) {
  FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  const std::string filter_key =
      absl::StrCat(request.org_unit_id(), "|", request.below(), "|", request.include_resolved());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) return errors::InvalidArgument("page_token", std::string(offset.status().message()));
  auto tree = registry_->Tree(caller);
  if (!tree.ok()) return tree.status();
  const OrgTree& t = **tree;
  if (absl::Status s = clients::RegistryClient::CheckScopeIn(t, caller, request.org_unit_id()); !s.ok()) {
    return s;
  }
  const int root = t.Find(request.org_unit_id());
  const OrgTree::Day today = OrgTree::DayOf(time::Today());
  // Addressed to the unit alone: its own rows (indexed); with those below: the province's, filtered.
  auto rows = request.below()
                  ? db_->Query(sql::kSelectProvinceReminders, {t.province_id(), request.include_resolved()})
                  : db_->Query(sql::kSelectRecipientReminders, {request.org_unit_id(), request.include_resolved()});
  if (!rows.ok()) return rows.status();
  const int size = paging::EffectivePageSize(request.page_size());
  int matched = 0, outstanding = 0;
  for (const db::Row& r : rows->rows) {
    const std::string& recipient = r.Text(7);
    if (recipient != request.org_unit_id()) {
      const int u = t.Find(recipient);
      if (!request.below() || u == OrgTree::kNone || !t.UnderOn(root, u, today)) continue;
    }
    if (r.IsNull(14)) ++outstanding;
    if (matched++ < *offset) continue;
    if (response->reminders_size() < size) {
      *response->add_reminders() = ReminderFromRow(r);
    } else if (response->next_page_token().empty()) {
      response->set_next_page_token(paging::EncodePageToken(*offset + size, filter_key));
    }
  }
  response->set_outstanding(outstanding);
  return absl::OkStatus();
}

absl::Status Supervision::GetReminder(const auth::Claims& caller, const v1::GetReminderRequest& request,
                                      v1::Reminder* response) {
  FieldViolations v;
  v.RequireNonEmpty("id", request.id());
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  auto row = db_->QueryOptionalRow(sql::kSelectReminder, {request.id()});
  if (!row.ok()) return row.status();
  if (!row->has_value()) return absl::NotFoundError(absl::StrCat("không có nhắc việc / no reminder \"", errors::Echo(request.id()), "\""));
  v1::Reminder reminder = ReminderFromRow(**row);
  // Seen by whoever it is addressed to, and by the cell it is about.
  absl::Status s = registry_->CheckScope(caller, reminder.recipient_org_id());
  if (!s.ok() && registry_->CheckScope(caller, reminder.cell_id()).ok()) s = absl::OkStatus();
  if (!s.ok()) return s;
  auto attempts = db_->Query(sql::kSelectReminderDeliveries, {request.id()});
  if (!attempts.ok()) return attempts.status();
  for (const db::Row& r : attempts->rows) {
    v1::DeliveryAttempt* a = reminder.add_delivery_attempts();
    a->set_attempt(static_cast<int32_t>(r.Int(0)));
    a->set_at(r.Text(1));
    a->set_http_status(static_cast<int32_t>(r.Int(2)));
    a->set_error(r.Text(3));
  }
  *response = std::move(reminder);
  return absl::OkStatus();
}

}  // namespace chibo::supervision
