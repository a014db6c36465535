// The audit trail, read back: entries about a unit's subtree, newest first.
#include "absl/strings/str_cat.h"
#include "common/errors/errors.h"
#include "common/paging/page_token.h"
#include "common/time/dates.h"
#include "services/registry/registry.h"
#include "services/registry/registry_sql.h"

namespace chibo::registry {

absl::Status Registry::ListAuditEntries(const auth::Claims& caller,
                                        const v1::ListAuditEntriesRequest& request,
                                        v1::ListAuditEntriesResponse* response) {
  errors::FieldViolations v;
  v.RequireNonEmpty("org_unit_id", request.org_unit_id());
  if (!paging::IsValidPageSize(request.page_size())) v.Add("page_size", "không âm / must be ≥ 0");
  const std::string filter_key = absl::StrCat(request.org_unit_id(), "|", request.resource_id());
  auto offset = paging::DecodePageToken(request.page_token(), filter_key);
  if (!offset.ok()) v.Add("page_token", "không hợp lệ / not a token of this query");
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  if (absl::Status s = CheckScope(caller, request.org_unit_id()); !s.ok()) return s;

  const int page_size = paging::EffectivePageSize(request.page_size());
  auto rows = db_->Query(sql::kListAudit, {request.org_unit_id(), request.resource_id(),
                                           static_cast<int64_t>(page_size + 1), *offset,
                                           time::TodayText()});
  if (!rows.ok()) return rows.status();
  for (size_t i = 0; i < rows->rows.size() && i < static_cast<size_t>(page_size); ++i) {
    const db::Row& r = rows->rows[i];
    auto* e = response->add_entries();
    e->set_id(r.Int(0));
    e->set_time(r.Text(1));
    e->set_actor(r.Text(2));
    e->set_method(r.Text(3));
    e->set_resource_type(r.Text(4));
    e->set_resource_id(r.Text(5));
    e->set_org_unit_id(r.Text(6));
    e->set_request_id(r.Text(7));
    e->set_before_json(r.Text(8));
    e->set_after_json(r.Text(9));
  }
  if (rows->rows.size() > static_cast<size_t>(page_size)) {
    response->set_next_page_token(paging::EncodePageToken(*offset + page_size, filter_key));
  }
  return absl::OkStatus();
}

}  // namespace chibo::registry
