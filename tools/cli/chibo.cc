// chibo: the command line for the registry, scheduling and supervision.
//
//   chibo [--addr=HOST:PORT] [--token=JWT] [--json] <noun> <verb> [ARGS] [--flag=value ...]
//
// The token comes from --token, else $CHIBO_TOKEN, else the file the
// embedded default writes (<data_dir>/admin.token, --data_dir default "data").
// Tables for people by default, --json for scripts. On error: one line on
// stderr and a non-zero exit (2 for usage, 1 for a failed call).
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/util/json_util.h"

namespace {

namespace v1 = chibo::registry::v1;

constexpr char kUsage[] = R"(chibo — sổ đảng viên / membership registry

Cách dùng / usage:
  chibo [--addr=HOST:PORT] [--token=JWT] [--json] <lệnh> ...

  org create --kind=BASE_CELL --name=... --parent=ID --opened_on=YYYY-MM-DD [--id --code --category --remote]
  org get ID [--as_of=DATE]
  org list PARENT_ID [--subtree --as_of --kind --category --remote_only --include_closed --page_size --page_token]
  org update ID [--name --code --category --remote=true|false] [--etag]
  org close ID --closed_on=DATE [--reason]
  org move ID --to=PARENT_ID --on=DATE [--etag]
  member create --card=... --name=... --cell=ID --admitted_on=DATE [--official_on --sex=MALE|FEMALE --birth_date --citizen_id --phone --id]
  member get ID
  member list UNIT_ID [--subtree --query --standing --status --as_of --page_size --page_token]
  member update ID [--card --name --sex --birth_date --citizen_id --phone] [--etag]
  member events ID
  member official|transfer-out|return|transfer|exempt|unexempt|suspend|unsuspend|remove|expel|death ID --on=DATE
         [--to=CELL_ID --until=DATE --reason=... --partial]
  member position-assign|position-end ID --unit=ID --position=SECRETARY|DEPUTY_SECRETARY|CELL_COMMITTEE_MEMBER|COMMITTEE_MEMBER --on=DATE
  roster CELL_ID --date=DATE
  rules get PROVINCE_ID [--on=DATE]
  rules versions PROVINCE_ID
  rules put PROVINCE_ID --from=DATE --file=rules.json
  audit UNIT_ID [--resource=ID --page_size --page_token]
  meeting list UNIT_ID --from=DATE --to=DATE [--subtree]      (chibo-scheduling, --scheduling_addr)
  calendar CELL_ID [--from --to]        the cell's schedule as iCalendar (.ics) on stdout
  report activity|compliance UNIT_ID PERIOD   (chibo-supervision, --supervision_addr)
         PERIOD: 2025, 2025-H1, 2025-Q3, 2025-06
  token issue --role=admin|secretary|supervisor|viewer|service --org=UNIT_ID [--subject --hours=24 --key_file]

  Mọi lệnh ghi nhận --request_id (mặc định: ngẫu nhiên) để gửi lại an toàn.
  Every write takes --request_id (default: random) so a retry is safe.
)";

struct Args {
  std::vector<std::string> words;
  std::map<std::string, std::string> flags;

  bool Has(const std::string& k) const { return flags.count(k) > 0; }
  std::string Get(const std::string& k, const std::string& def = "") const {
    auto it = flags.find(k);
    return it == flags.end() ? def : it->second;
  }
  bool Bool(const std::string& k) const {
    auto v = Get(k, "false");
    return v == "true" || v == "1" || v == "";
  }
};

[[noreturn]] void UsageError(const std::string& why) {
  std::cerr << "lỗi cú pháp / usage: " << why << "\n(chibo --help)\n";
  std::exit(2);
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string s = argv[i];
    if (absl::StartsWith(s, "--")) {
      s = s.substr(2);
      size_t eq = s.find('=');
      if (eq == std::string::npos) a.flags[s] = "";
      else a.flags[s.substr(0, eq)] = s.substr(eq + 1);
    } else {
      a.words.push_back(s);
    }
  }
  return a;
}

std::string Token(const Args& a) {
  if (a.Has("token")) return a.Get("token");
  if (const char* env = std::getenv("CHIBO_TOKEN"); env && *env) return env;
  auto file = chibo::auth::ReadFileToString(absl::StrCat(a.Get("data_dir", "data"), "/admin.token"));
  if (file.ok()) return std::string(absl::StripAsciiWhitespace(*file));
  return "";
}

std::string Json(const google::protobuf::Message& m) {
  std::string out;
  google::protobuf::util::JsonPrintOptions o;
  o.add_whitespace = true;
  o.preserve_proto_field_names = true;
  (void)google::protobuf::util::MessageToJsonString(m, &out, o);
  return out;
}

// Left-aligned columns, widths by display characters (UTF-8 aware).
void PrintTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  auto width = [](const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  };
  std::vector<size_t> w(header.size());
  for (size_t i = 0; i < header.size(); ++i) w[i] = width(header[i]);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  auto line = [&](const std::vector<std::string>& r) {
    std::string out;
    for (size_t i = 0; i < r.size(); ++i) {
      out += r[i];
      if (i + 1 < r.size()) out += std::string(w[i] - width(r[i]) + 2, ' ');
    }
    std::cout << out << "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
}

std::string Strip(const std::string& enum_name, const std::string& prefix = "") {
  return absl::AsciiStrToLower(absl::StripPrefix(enum_name, prefix));
}

void PrintOrgUnits(const std::vector<const v1::OrgUnit*>& units) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* u : units) {
    rows.push_back({u->id(), u->name(), Strip(v1::OrgUnitKind_Name(u->kind())),
                    Strip(v1::OrgUnitCategory_Name(u->category())), u->parent_id(),
                    u->opened_on(), u->closed_on(), u->remote() ? "x" : ""});
  }
  PrintTable({"ID", "TÊN/NAME", "LOẠI/KIND", "LOẠI HÌNH", "CẤP TRÊN/PARENT", "MỞ/OPENED",
              "GIẢI THỂ/CLOSED", "VÙNG KHÓ"},
             rows);
}

void PrintMembers(const std::vector<const v1::Member*>& members) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* m : members) {
    rows.push_back({m->id(), m->card_number(), m->full_name(),
                    Strip(v1::Standing_Name(m->standing())), Strip(v1::MemberStatus_Name(m->status())),
                    m->home_cell_id(), m->admitted_on(), m->official_on(), m->phone()});
  }
  PrintTable({"ID", "SỐ THẺ/CARD", "HỌ TÊN/NAME", "ĐẢNG VIÊN", "TRẠNG THÁI/STATUS",
              "CHI BỘ/CELL", "VÀO ĐẢNG", "CHÍNH THỨC", "ĐIỆN THOẠI"},
             rows);
}

template <class E>
E ParseEnum(const Args& a, const std::string& flag, bool (*parse)(const std::string&, E*)) {
  E value{};
  if (!a.Has(flag)) return value;
  if (!parse(absl::AsciiStrToUpper(a.Get(flag)), &value)) UsageError(absl::StrCat("--", flag, "=", a.Get(flag)));
  return value;
}

class Cli {
 public:
  Cli(const Args& a) : a_(a) {
    std::string addr = a.Get("addr", std::getenv("CHIBO_REGISTRY_ADDR") ? std::getenv("CHIBO_REGISTRY_ADDR") : "127.0.0.1:50051");
    stub_ = v1::RegistryService::NewStub(chibo::rpc::MakeChannel(addr, "chibo.registry.v1.RegistryService"));
    auto env = [](const char* name, const char* fallback) {
      const char* v = std::getenv(name);
      return std::string(v && *v ? v : fallback);
    };
    scheduling_ = chibo::scheduling::v1::SchedulingService::NewStub(chibo::rpc::MakeChannel(
        a.Get("scheduling_addr", env("CHIBO_SCHEDULING_ADDR", "127.0.0.1:50052")),
        "chibo.scheduling.v1.SchedulingService"));
    supervision_ = chibo::supervision::v1::SupervisionService::NewStub(chibo::rpc::MakeChannel(
        a.Get("supervision_addr", env("CHIBO_SUPERVISION_ADDR", "127.0.0.1:50053")),
        "chibo.supervision.v1.SupervisionService"));
    token_ = Token(a);
  }

  int Run();

 private:
  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto ctx = chibo::rpc::MakeClientContext(token_, absl::Seconds(30));
    return ctx;
  }
  std::string RequestId() {
    if (a_.Has("request_id")) return a_.Get("request_id");
    absl::BitGen gen;
    return absl::StrFormat("cli-%016x", absl::Uniform<uint64_t>(gen));
  }
  const std::string& Word(size_t i, const char* what) {
    if (a_.words.size() <= i) UsageError(absl::StrCat("thiếu ", what, " / missing ", what));
    return a_.words[i];
  }
  // Prints the answer or the error; returns the exit code.
  int Done(const grpc::Status& s, const google::protobuf::Message& m,
           const std::function<void()>& table) {
    if (!s.ok()) {
      absl::Status st = chibo::rpc::FromGrpcStatus(s);
      std::string fields;
      for (const auto& v : chibo::errors::FieldViolationsOf(st)) absl::StrAppend(&fields, " [", v.field, "]");
      std::cerr << "lỗi / error: " << absl::StatusCodeToString(st.code()) << ": " << st.message() << fields << "\n";
      return 1;
    }
    if (a_.Has("json") || !table) std::cout << Json(m) << "\n";
    else table();
    return 0;
  }

  int Org();
  int Member();
  int Roster();
  int Rules();
  int Audit();
  int IssueToken();
  int Meetings();
  int Calendar();
  int Report();

  const Args& a_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::unique_ptr<chibo::scheduling::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<chibo::supervision::v1::SupervisionService::Stub> supervision_;
  std::string token_;
};

int Cli::Org() {
  const std::string& verb = Word(1, "org <verb>");
  v1::OrgUnit out;
  auto print_one = [&] { PrintOrgUnits({&out}); };
  grpc::Status s;
  if (verb == "create") {
    v1::CreateOrgUnitRequest r;
    auto* u = r.mutable_org_unit();
    u->set_id(a_.Get("id"));
    u->set_kind(ParseEnum<v1::OrgUnitKind>(a_, "kind", v1::OrgUnitKind_Parse));
    u->set_category(ParseEnum<v1::OrgUnitCategory>(a_, "category", v1::OrgUnitCategory_Parse));
    u->set_name(a_.Get("name"));
    u->set_code(a_.Get("code"));
    u->set_parent_id(a_.Get("parent"));
    u->set_opened_on(a_.Get("opened_on"));
    u->set_remote(a_.Has("remote") && a_.Bool("remote"));
    r.set_request_id(RequestId());
    s = stub_->CreateOrgUnit(Ctx().get(), r, &out);
  } else if (verb == "get") {
    v1::GetOrgUnitRequest r;
    r.set_id(Word(2, "ID"));
    r.set_as_of(a_.Get("as_of"));
    s = stub_->GetOrgUnit(Ctx().get(), r, &out);
    return Done(s, out, [&] {
      print_one();
      for (const auto& p : out.parent_history())
        std::cout << "  cấp trên/parent " << (p.parent_id().empty() ? "-" : p.parent_id()) << " từ "
                  << p.valid_from() << (p.valid_to().empty() ? "" : " đến " + p.valid_to()) << "\n";
    });
  } else if (verb == "list") {
    v1::ListOrgUnitsRequest r;
    v1::ListOrgUnitsResponse resp;
    r.set_parent_id(Word(2, "PARENT_ID"));
    r.set_subtree(a_.Has("subtree") && a_.Bool("subtree"));
    r.set_as_of(a_.Get("as_of"));
    r.set_kind(ParseEnum<v1::OrgUnitKind>(a_, "kind", v1::OrgUnitKind_Parse));
    r.set_category(ParseEnum<v1::OrgUnitCategory>(a_, "category", v1::OrgUnitCategory_Parse));
    r.set_remote_only(a_.Has("remote_only") && a_.Bool("remote_only"));
    r.set_include_closed(a_.Has("include_closed") && a_.Bool("include_closed"));
    int size = 0;
    if (a_.Has("page_size") && !absl::SimpleAtoi(a_.Get("page_size"), &size)) UsageError("--page_size");
    r.set_page_size(size);
    r.set_page_token(a_.Get("page_token"));
    s = stub_->ListOrgUnits(Ctx().get(), r, &resp);
    return Done(s, resp, [&] {
      std::vector<const v1::OrgUnit*> units;
      for (const auto& u : resp.org_units()) units.push_back(&u);
      PrintOrgUnits(units);
      if (!resp.next_page_token().empty()) std::cout << "--page_token=" << resp.next_page_token() << "\n";
    });
  } else if (verb == "update") {
    v1::UpdateOrgUnitRequest r;
    auto* u = r.mutable_org_unit();
    u->set_id(Word(2, "ID"));
    u->set_etag(a_.Get("etag"));
    if (a_.Has("name")) { u->set_name(a_.Get("name")); r.mutable_update_mask()->add_paths("name"); }
    if (a_.Has("code")) { u->set_code(a_.Get("code")); r.mutable_update_mask()->add_paths("code"); }
    if (a_.Has("category")) {
      u->set_category(ParseEnum<v1::OrgUnitCategory>(a_, "category", v1::OrgUnitCategory_Parse));
      r.mutable_update_mask()->add_paths("category");
    }
    if (a_.Has("remote")) { u->set_remote(a_.Bool("remote")); r.mutable_update_mask()->add_paths("remote"); }
    r.set_request_id(RequestId());
    s = stub_->UpdateOrgUnit(Ctx().get(), r, &out);
  } else if (verb == "close") {
    v1::CloseOrgUnitRequest r;
    r.set_id(Word(2, "ID"));
    r.set_closed_on(a_.Get("closed_on"));
    r.set_reason(a_.Get("reason"));
    r.set_etag(a_.Get("etag"));
    r.set_request_id(RequestId());
    s = stub_->CloseOrgUnit(Ctx().get(), r, &out);
  } else if (verb == "move") {
    v1::MoveOrgUnitRequest r;
    r.set_id(Word(2, "ID"));
    r.set_new_parent_id(a_.Get("to"));
    r.set_effective_on(a_.Get("on"));
    r.set_etag(a_.Get("etag"));
    r.set_request_id(RequestId());
    s = stub_->MoveOrgUnit(Ctx().get(), r, &out);
  } else {
    UsageError(absl::StrCat("org ", verb));
  }
  return Done(s, out, print_one);
}

int Cli::Member() {
  const std::string& verb = Word(1, "member <verb>");
  v1::Member out;
  auto print_one = [&] {
    PrintMembers({&out});
    for (const auto& p : out.positions())
      std::cout << "  chức vụ/position " << Strip(v1::Position_Name(p.position())) << " @ " << p.org_unit_id()
                << " từ " << p.valid_from() << "\n";
  };
  grpc::Status s;
  static const std::map<std::string, std::pair<std::string, decltype(&v1::RegistryService::Stub::MakeOfficial)>> kLifecycle = {
      {"official", {"MakeOfficial", &v1::RegistryService::Stub::MakeOfficial}},
      {"transfer-out", {"StartTemporaryTransfer", &v1::RegistryService::Stub::StartTemporaryTransfer}},
      {"return", {"EndTemporaryTransfer", &v1::RegistryService::Stub::EndTemporaryTransfer}},
      {"transfer", {"TransferMember", &v1::RegistryService::Stub::TransferMember}},
      {"exempt", {"StartExemption", &v1::RegistryService::Stub::StartExemption}},
      {"unexempt", {"EndExemption", &v1::RegistryService::Stub::EndExemption}},
      {"suspend", {"StartSuspension", &v1::RegistryService::Stub::StartSuspension}},
      {"unsuspend", {"EndSuspension", &v1::RegistryService::Stub::EndSuspension}},
      {"remove", {"RemoveMember", &v1::RegistryService::Stub::RemoveMember}},
      {"expel", {"ExpelMember", &v1::RegistryService::Stub::ExpelMember}},
      {"death", {"RecordDeath", &v1::RegistryService::Stub::RecordDeath}},
  };
  if (verb == "create") {
    v1::CreateMemberRequest r;
    auto* m = r.mutable_member();
    m->set_id(a_.Get("id"));
    m->set_card_number(a_.Get("card"));
    m->set_full_name(a_.Get("name"));
    m->set_home_cell_id(a_.Get("cell"));
    m->set_admitted_on(a_.Get("admitted_on"));
    m->set_official_on(a_.Get("official_on"));
    m->set_sex(ParseEnum<v1::Sex>(a_, "sex", v1::Sex_Parse));
    m->set_birth_date(a_.Get("birth_date"));
    m->set_citizen_id(a_.Get("citizen_id"));
    m->set_phone(a_.Get("phone"));
    r.set_request_id(RequestId());
    s = stub_->CreateMember(Ctx().get(), r, &out);
  } else if (verb == "get") {
    v1::GetMemberRequest r;
    r.set_id(Word(2, "ID"));
    s = stub_->GetMember(Ctx().get(), r, &out);
  } else if (verb == "list") {
    v1::ListMembersRequest r;
    v1::ListMembersResponse resp;
    r.set_org_unit_id(Word(2, "UNIT_ID"));
    r.set_subtree(a_.Has("subtree") && a_.Bool("subtree"));
    r.set_as_of(a_.Get("as_of"));
    r.set_query(a_.Get("query"));
    r.set_standing(ParseEnum<v1::Standing>(a_, "standing", v1::Standing_Parse));
    r.set_status(ParseEnum<v1::MemberStatus>(a_, "status", v1::MemberStatus_Parse));
    int size = 0;
    if (a_.Has("page_size") && !absl::SimpleAtoi(a_.Get("page_size"), &size)) UsageError("--page_size");
    r.set_page_size(size);
    r.set_page_token(a_.Get("page_token"));
    s = stub_->ListMembers(Ctx().get(), r, &resp);
    return Done(s, resp, [&] {
      std::vector<const v1::Member*> ms;
      for (const auto& m : resp.members()) ms.push_back(&m);
      PrintMembers(ms);
      if (!resp.next_page_token().empty()) std::cout << "--page_token=" << resp.next_page_token() << "\n";
    });
  } else if (verb == "update") {
    v1::UpdateMemberRequest r;
    auto* m = r.mutable_member();
    m->set_id(Word(2, "ID"));
    m->set_etag(a_.Get("etag"));
    auto set = [&](const char* flag, const char* path, auto setter) {
      if (a_.Has(flag)) {
        (m->*setter)(a_.Get(flag));
        r.mutable_update_mask()->add_paths(path);
      }
    };
    set("card", "card_number", static_cast<void (v1::Member::*)(const std::string&)>(&v1::Member::set_card_number));
    set("name", "full_name", static_cast<void (v1::Member::*)(const std::string&)>(&v1::Member::set_full_name));
    set("birth_date", "birth_date", static_cast<void (v1::Member::*)(const std::string&)>(&v1::Member::set_birth_date));
    set("citizen_id", "citizen_id", static_cast<void (v1::Member::*)(const std::string&)>(&v1::Member::set_citizen_id));
    set("phone", "phone", static_cast<void (v1::Member::*)(const std::string&)>(&v1::Member::set_phone));
    if (a_.Has("sex")) {
      m->set_sex(ParseEnum<v1::Sex>(a_, "sex", v1::Sex_Parse));
      r.mutable_update_mask()->add_paths("sex");
    }
    r.set_request_id(RequestId());
    s = stub_->UpdateMember(Ctx().get(), r, &out);
  } else if (verb == "events") {
    v1::ListMemberEventsRequest r;
    v1::ListMemberEventsResponse resp;
    r.set_member_id(Word(2, "ID"));
    s = stub_->ListMemberEvents(Ctx().get(), r, &resp);
    return Done(s, resp, [&] {
      std::vector<std::vector<std::string>> rows;
      for (const auto& e : resp.events())
        rows.push_back({e.effective_on(), Strip(v1::MemberEventKind_Name(e.kind())), e.from_cell_id(),
                        e.to_cell_id(), e.reason(), e.detail(), e.recorded_by()});
      PrintTable({"NGÀY/DATE", "BIẾN ĐỘNG/EVENT", "TỪ/FROM", "ĐẾN/TO", "LÝ DO/REASON", "CHI TIẾT", "NGƯỜI GHI"}, rows);
    });
  } else if (verb == "position-assign" || verb == "position-end") {
    v1::Position position = ParseEnum<v1::Position>(a_, "position", v1::Position_Parse);
    if (verb == "position-assign") {
      v1::AssignPositionRequest r;
      r.set_member_id(Word(2, "ID"));
      r.set_org_unit_id(a_.Get("unit"));
      r.set_position(position);
      r.set_effective_on(a_.Get("on"));
      r.set_request_id(RequestId());
      s = stub_->AssignPosition(Ctx().get(), r, &out);
    } else {
      v1::EndPositionRequest r;
      r.set_member_id(Word(2, "ID"));
      r.set_org_unit_id(a_.Get("unit"));
      r.set_position(position);
      r.set_effective_on(a_.Get("on"));
      r.set_request_id(RequestId());
      s = stub_->EndPosition(Ctx().get(), r, &out);
    }
  } else if (auto it = kLifecycle.find(verb); it != kLifecycle.end()) {
    v1::MemberLifecycleRequest r;
    r.set_member_id(Word(2, "ID"));
    r.set_effective_on(a_.Get("on"));
    r.set_to_cell_id(a_.Get("to"));
    r.set_ends_on(a_.Get("until"));
    r.set_reason(a_.Get("reason"));
    r.set_partial(a_.Has("partial") && a_.Bool("partial"));
    r.set_etag(a_.Get("etag"));
    r.set_request_id(RequestId());
    s = (stub_.get()->*(it->second.second))(Ctx().get(), r, &out);
  } else {
    UsageError(absl::StrCat("member ", verb));
  }
  return Done(s, out, print_one);
}

int Cli::Roster() {
  v1::GetRosterRequest r;
  v1::Roster out;
  r.set_cell_id(Word(1, "CELL_ID"));
  r.set_date(a_.Get("date"));
  grpc::Status s = stub_->GetRoster(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::cout << "Chi bộ " << out.cell_id() << " ngày " << out.date() << "\n"
              << "  Tổng số/total " << out.total() << " (chính thức/official " << out.official()
              << ", dự bị/probationary " << out.probationary() << ")\n"
              << "  Miễn sinh hoạt/exempted " << out.exempted() << ", tạm vắng/away "
              << out.temporarily_away() << ", đình chỉ/suspended " << out.suspended() << "\n"
              << "  Phải có mặt/expected " << out.expected() << ", sinh hoạt tạm thời/visiting "
              << out.visiting() << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : out.entries())
      rows.push_back({e.member_id(), e.full_name(), Strip(v1::Standing_Name(e.standing())),
                      Strip(v1::Presence_Name(e.presence()))});
    PrintTable({"ID", "HỌ TÊN/NAME", "ĐẢNG VIÊN", "DỰ HỌP/PRESENCE"}, rows);
  });
}

int Cli::Rules() {
  const std::string& verb = Word(1, "rules <verb>");
  if (verb == "get") {
    v1::GetRulebookRequest r;
    v1::RulebookVersion out;
    r.set_province_id(Word(2, "PROVINCE_ID"));
    r.set_on_date(a_.Get("on"));
    return Done(stub_->GetRulebook(Ctx().get(), r, &out), out, nullptr);
  }
  if (verb == "versions") {
    v1::ListRulebookVersionsRequest r;
    v1::ListRulebookVersionsResponse out;
    r.set_province_id(Word(2, "PROVINCE_ID"));
    return Done(stub_->ListRulebookVersions(Ctx().get(), r, &out), out, nullptr);
  }
  if (verb == "put") {
    v1::PutRulebookRequest r;
    v1::RulebookVersion out;
    r.set_province_id(Word(2, "PROVINCE_ID"));
    r.set_effective_from(a_.Get("from"));
    auto text = chibo::auth::ReadFileToString(a_.Get("file"));
    if (!text.ok()) UsageError("--file=rules.json");
    if (!google::protobuf::util::JsonStringToMessage(*text, r.mutable_rules()).ok()) UsageError("--file: not a Rules JSON");
    r.set_request_id(RequestId());
    return Done(stub_->PutRulebook(Ctx().get(), r, &out), out, nullptr);
  }
  UsageError(absl::StrCat("rules ", verb));
}

int Cli::Audit() {
  v1::ListAuditEntriesRequest r;
  v1::ListAuditEntriesResponse out;
  r.set_org_unit_id(Word(1, "UNIT_ID"));
  r.set_resource_id(a_.Get("resource"));
  int size = 0;
  if (a_.Has("page_size") && !absl::SimpleAtoi(a_.Get("page_size"), &size)) UsageError("--page_size");
  r.set_page_size(size);
  r.set_page_token(a_.Get("page_token"));
  grpc::Status s = stub_->ListAuditEntries(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : out.entries())
      rows.push_back({absl::StrCat(e.id()), e.time(), e.actor(), e.method(), e.resource_type(), e.resource_id(), e.request_id()});
    PrintTable({"#", "LÚC/TIME", "NGƯỜI/ACTOR", "THAO TÁC/METHOD", "LOẠI", "ĐỐI TƯỢNG/RESOURCE", "REQUEST"}, rows);
    if (!out.next_page_token().empty()) std::cout << "--page_token=" << out.next_page_token() << "\n";
  });
}

int Cli::IssueToken() {
  chibo::auth::Claims c;
  auto role = chibo::auth::ParseRole(a_.Get("role"));
  if (!role) UsageError("--role=admin|secretary|supervisor|viewer|service");
  if (a_.Get("org").empty()) UsageError("--org=UNIT_ID");
  c.roles = {*role};
  c.scope_org_id = a_.Get("org");
  c.subject = a_.Get("subject", a_.Get("role"));
  c.audience = a_.Get("audience", "chibo");
  int hours = 24;
  if (a_.Has("hours") && !absl::SimpleAtoi(a_.Get("hours"), &hours)) UsageError("--hours");
  c.expires_at = absl::Now() + absl::Hours(hours);
  auto key = chibo::auth::ReadFileToString(a_.Get("key_file", absl::StrCat(a_.Get("data_dir", "data"), "/jwt-hs256.key")));
  if (!key.ok()) {
    std::cerr << "lỗi / error: " << key.status().message() << "\n";
    return 1;
  }
  auto token = chibo::auth::TokenIssuer(std::string(absl::StripAsciiWhitespace(*key))).Issue(c);
  if (!token.ok()) {
    std::cerr << "lỗi / error: " << token.status().message() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

int Cli::Meetings() {
  namespace sv1 = chibo::scheduling::v1;
  if (Word(1, "meeting <verb>") != "list") UsageError(a_.words[1]);
  sv1::ListMeetingsRequest r;
  r.set_org_unit_id(Word(2, "UNIT_ID"));
  r.set_subtree(a_.Has("subtree"));
  r.set_from(a_.Get("from"));
  r.set_to(a_.Get("to"));
  r.set_page_size(1000);
  r.set_page_token(a_.Get("page_token"));
  sv1::ListMeetingsResponse out;
  grpc::Status s = scheduling_->ListMeetings(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : out.meetings()) {
      rows.push_back({m.id(), m.cell_id(), Strip(sv1::MeetingKind_Name(m.kind())), m.starts_at(),
                      m.ends_at().substr(11), Strip(sv1::MeetingStatus_Name(m.status())),
                      m.expected() ? absl::StrFormat("%d/%d", m.present(), m.expected()) : ""});
    }
    PrintTable({"ID", "CHI BỘ/CELL", "LOẠI/KIND", "BẮT ĐẦU/STARTS", "KẾT THÚC", "TRẠNG THÁI", "CÓ MẶT"}, rows);
    if (!out.next_page_token().empty()) std::cout << "… --page_token=" << out.next_page_token() << "\n";
  });
}

int Cli::Calendar() {
  chibo::scheduling::v1::ExportCalendarRequest r;
  r.set_cell_id(Word(1, "CELL_ID"));
  r.set_from(a_.Get("from"));
  r.set_to(a_.Get("to"));
  chibo::scheduling::v1::CalendarExport out;
  grpc::Status s = scheduling_->ExportCalendar(Ctx().get(), r, &out);
  return Done(s, out, [&] { std::cout << out.ics(); });
}

int Cli::Report() {
  namespace pv1 = chibo::supervision::v1;
  const std::string& kind = Word(1, "report activity|compliance");
  pv1::ReportRequest r;
  r.set_org_unit_id(Word(2, "UNIT_ID"));
  r.set_period(Word(3, "PERIOD"));
  auto level_name = [](pv1::SupervisionLevel l) {
    return l == pv1::PROVINCE_LEVEL ? "Cấp tỉnh" : l == pv1::DISTRICT_LEVEL ? "Cấp huyện" : "Cấp cơ sở";
  };
  if (kind == "activity") {
    pv1::ActivityReport out;
    grpc::Status s = supervision_->GetActivityReport(Ctx().get(), r, &out);
    return Done(s, out, [&] {
      std::cout << out.name() << " — " << out.from() << " … " << out.to() << "\n\n" << out.narrative() << "\n\n";
      std::vector<std::vector<std::string>> rows;
      auto add = [&](const std::string& unit, const pv1::LevelActivity& l) {
        rows.push_back({unit, level_name(l.level()), absl::StrCat(l.cells_attended()),
                        absl::StrCat(l.base_cells_attended()), absl::StrCat(l.subordinate_cells_attended()),
                        absl::StrCat(l.committee_meetings_attended()), absl::StrCat(l.thematic_meetings_attended())});
      };
      for (const auto& l : out.levels()) add(out.name(), l);
      for (const auto& c : out.children())
        for (const auto& l : c.levels()) add(c.name(), l);
      PrintTable({"ĐƠN VỊ/UNIT", "CẤP DỰ/LEVEL", "CHI BỘ/CELLS", "CƠ SỞ/BASE", "TRỰC THUỘC/SUB",
                  "HỌP ĐẢNG ỦY", "CHUYÊN ĐỀ"},
                 rows);
    });
  }
  if (kind == "compliance") {
    pv1::ComplianceReport out;
    grpc::Status s = supervision_->GetComplianceReport(Ctx().get(), r, &out);
    return Done(s, out, [&] {
      std::cout << out.name() << " — " << out.from() << " … " << out.to() << "\n";
      std::vector<std::vector<std::string>> rows;
      auto add = [&](const std::string& unit, const pv1::ComplianceFigures& f) {
        rows.push_back({unit, absl::StrCat(f.cells()), absl::StrFormat("%d/%d", f.regular_held(), f.regular_expected()),
                        absl::StrCat(f.thematic_held()), absl::StrFormat("%.1f%%", 100 * f.attendance_rate()),
                        absl::StrFormat("%.2f", f.opinions_per_meeting()), absl::StrFormat("%.0f", f.average_minutes()),
                        absl::StrCat(f.meetings_under_minimum()), absl::StrCat(f.unrecorded_past_meetings())});
      };
      add(out.name(), out.totals());
      for (const auto& c : out.children()) add(c.name(), c.figures());
      PrintTable({"ĐƠN VỊ/UNIT", "CHI BỘ", "ĐỊNH KỲ/REGULAR", "CHUYÊN ĐỀ", "DỰ HỌP/ATTEND", "Ý KIẾN/BUỔI",
                  "PHÚT TB", "DƯỚI TG", "CHƯA GHI"},
                 rows);
    });
  }
  UsageError(kind);
}

int Cli::Run() {
  const std::string& noun = Word(0, "a command");
  if (noun == "org") return Org();
  if (noun == "member") return Member();
  if (noun == "roster") return Roster();
  if (noun == "rules") return Rules();
  if (noun == "audit") return Audit();
  if (noun == "token" && a_.words.size() > 1 && a_.words[1] == "issue") return IssueToken();
  if (noun == "meeting") return Meetings();
  if (noun == "calendar") return Calendar();
  if (noun == "report") return Report();
  UsageError(noun);
}

}  // namespace

int main(int argc, char** argv) {
  Args args = Parse(argc, argv);
  if (args.Has("help") || args.words.empty()) {
    std::cout << kUsage;
    return args.words.empty() && !args.Has("help") ? 2 : 0;
  }
  Cli cli(args);
  return cli.Run();
}
