// chibo: the command line for the registry, scheduling and supervision.
//
//   chibo [--addr=HOST:PORT] [--token=JWT] [--json] <noun> <verb> [ARGS] [--flag=value ...]
//
// Every command and the flags it accepts are in one table (Commands() below)
// that drives parsing, validation and --help: an undeclared flag, a value of
// the wrong type or an enum value that does not exist is a usage error.
// The token comes from --token, else $CHIBO_TOKEN, else the file the
// embedded default writes (<data_dir>/admin.token, --data_dir default "data").
// Tables for people by default (enum values as Vietnamese labels, unit names
// next to unit ids; --lang=en or CHIBO_LANG=en for English labels), --json for
// scripts. On error: one line on stderr and a non-zero exit (2 for usage, 1
// for a failed or refused call).
#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"
#include "common/errors/errors.h"
#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"
#include "google/protobuf/util/json_util.h"
#include "tools/cli/labels.h"
#include "tools/cli/spec.h"

namespace {

namespace v1 = chibo::registry::v1;
namespace sv1 = chibo::scheduling::v1;
namespace pv1 = chibo::supervision::v1;
using chibo::cli::CommandSpec;
using chibo::cli::FlagSpec;
using chibo::cli::FlagType;
using chibo::cli::Invocation;
using chibo::cli::Label;
using chibo::cli::Lang;

// The longest token `token issue` signs: 30 days. (The services may cap
// lifetimes on their own; this is the CLI's check of its flag.)
constexpr int kMaxTokenHours = 24 * 30;

// ------------------------------------------------------------ the table

enum Handler {
  kOrgCreate = 1, kOrgGet, kOrgList, kOrgUpdate, kOrgClose, kOrgMove,
  kMemberCreate, kMemberGet, kMemberList, kMemberUpdate, kMemberEvents, kMemberLifecycle,
  kMemberPosition, kRoster, kRulesGet, kRulesVersions, kRulesPut, kAudit, kMeetingList,
  kCalendar, kReport, kTokenIssue,
};

FlagSpec Str(std::string name, std::string help, std::string placeholder = "TEXT") {
  return FlagSpec{.name = std::move(name), .type = FlagType::kString, .help = std::move(help),
                  .placeholder = std::move(placeholder)};
}
FlagSpec Bool(std::string name, std::string help) {
  return FlagSpec{.name = std::move(name), .type = FlagType::kBool, .help = std::move(help)};
}
FlagSpec Date(std::string name, std::string help) {
  return FlagSpec{.name = std::move(name), .type = FlagType::kDate, .help = std::move(help)};
}
FlagSpec Int(std::string name, std::string help, int64_t min, int64_t max) {
  return FlagSpec{.name = std::move(name), .type = FlagType::kInt, .help = std::move(help), .min = min, .max = max};
}
template <class E>
FlagSpec Enum(std::string name, std::string help) {
  const auto* type = google::protobuf::GetEnumDescriptor<E>();
  return FlagSpec{.name = std::move(name), .type = FlagType::kEnum, .help = std::move(help),
                  .values = chibo::cli::EnumValues(type), .labels = chibo::cli::EnumLabels(type)};
}
FlagSpec Required(FlagSpec f) {
  f.required = true;
  return f;
}
FlagSpec NonEmpty(FlagSpec f) {
  f.nonempty = true;
  return f;
}
FlagSpec Clearable(FlagSpec f) {
  f.clearable = true;
  return f;
}

FlagSpec PageSize() { return Int("page_size", "số dòng một trang / rows per page", 1, 1000); }
FlagSpec PageToken() { return Str("page_token", "trang tiếp, từ dòng --page_token= của lần trước / the next page", "TOKEN"); }
FlagSpec Etag() { return Str("etag", "chỉ ghi nếu chưa ai sửa / write only if unchanged since this etag", "ETAG"); }
FlagSpec AsOf() { return Date("as_of", "cây tổ chức vào ngày / the tree as of this date (default today)"); }

// A write: it takes --request_id too.
CommandSpec Write(CommandSpec c) {
  c.flags.push_back(NonEmpty(Str("request_id", "khóa gửi lại an toàn / idempotency key (default: random)", "ID")));
  return c;
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const auto* flags = new std::vector<FlagSpec>{
      NonEmpty(Str("addr", "chibo-registry ($CHIBO_REGISTRY_ADDR, 127.0.0.1:50051)", "HOST:PORT")),
      NonEmpty(Str("scheduling_addr", "chibo-scheduling ($CHIBO_SCHEDULING_ADDR, 127.0.0.1:50052)", "HOST:PORT")),
      NonEmpty(Str("supervision_addr", "chibo-supervision ($CHIBO_SUPERVISION_ADDR, 127.0.0.1:50053)", "HOST:PORT")),
      NonEmpty(Str("token", "JWT (else $CHIBO_TOKEN, else <data_dir>/admin.token)", "JWT")),
      NonEmpty(Str("data_dir", "nơi có admin.token, jwt-hs256.key / where they are (data)", "DIR")),
      Bool("json", "in JSON cho script / print JSON for scripts"),
      FlagSpec{.name = "lang", .type = FlagType::kEnum,
               .help = "nhãn trong bảng / table labels: vi, en (else $CHIBO_LANG, else vi)",
               .values = {"vi", "en"}},
      Bool("help", "cách dùng / usage (chibo <lệnh> --help: a command's flags)"),
  };
  return *flags;
}

const std::vector<CommandSpec>& Commands() {
  static const auto* commands = [] {
    auto* c = new std::vector<CommandSpec>;
    const FlagSpec kind = Enum<v1::OrgUnitKind>("kind", "loại tổ chức / kind of unit");
    const FlagSpec category = Enum<v1::OrgUnitCategory>("category", "loại hình / category");
    const FlagSpec sex = Enum<v1::Sex>("sex", "giới tính / sex");
    // org
    c->push_back(Write({"org", "create", {}, "tạo tổ chức đảng / create an org unit",
                        {Required(kind), Required(Str("name", "tên / name")),
                         NonEmpty(Str("parent", "cấp trên (trừ PROVINCE) / parent unit (all but PROVINCE)", "ID")),
                         Required(Date("opened_on", "ngày thành lập / opened on")),
                         Str("id", "mã định danh [a-z0-9-] 3..63 (default: assigned) / id", "ID"),
                         Str("code", "mã địa phương / local code", "CODE"), category,
                         Bool("remote", "vùng sâu, vùng xa, vùng khó khăn / remote or disadvantaged")},
                        kOrgCreate}));
    c->push_back({"org", "get", {"ID"}, "một tổ chức và lịch sử cấp trên / one unit and its parents over time",
                  {AsOf()}, kOrgGet});
    c->push_back({"org", "list", {"PARENT_ID"}, "các tổ chức trực thuộc / the units under a parent",
                  {Bool("subtree", "cả cây, không chỉ cấp dưới trực tiếp / the whole subtree"), AsOf(), kind, category,
                   Bool("remote_only", "chỉ vùng khó khăn / remote units only"),
                   Bool("include_closed", "cả tổ chức đã giải thể / closed units too"), PageSize(), PageToken()},
                  kOrgList});
    c->push_back(Write({"org", "update", {"ID"}, "sửa tên, mã, loại hình, vùng khó khăn / update a unit",
                        {Str("name", "tên / name"), Str("code", "mã địa phương (trống: xóa) / local code (empty clears)", "CODE"),
                         category, Bool("remote", "vùng khó khăn / remote or disadvantaged"), Etag()},
                        kOrgUpdate}));
    c->push_back(Write({"org", "close", {"ID"}, "giải thể / close a unit",
                        {Required(Date("closed_on", "ngày giải thể / closed on")), Str("reason", "lý do / reason"), Etag()},
                        kOrgClose}));
    c->push_back(Write({"org", "move", {"ID"}, "chuyển sang cấp trên khác / move a unit to another parent",
                        {Required(Str("to", "cấp trên mới / the new parent", "PARENT_ID")),
                         Required(Date("on", "ngày hiệu lực / effective on")), Etag()},
                        kOrgMove,
                        "Từ chối (mã 1) nếu đơn vị đã trực thuộc PARENT_ID vào ngày đó / refused (exit 1) when the "
                        "unit is already under PARENT_ID on that date."}));
    // member
    c->push_back(Write({"member", "create", {}, "thêm đảng viên / add a member",
                        {Required(Str("card", "số thẻ đảng viên / party card number", "CARD")),
                         Required(Str("name", "họ tên / full name")),
                         Required(Str("cell", "chi bộ sinh hoạt / home cell", "CELL_ID")),
                         Required(Date("admitted_on", "ngày vào Đảng / admitted on")),
                         Date("official_on", "ngày chính thức / official on"), sex,
                         Date("birth_date", "ngày sinh / birth date"), Str("citizen_id", "số CCCD / citizen id", "CCCD"),
                         Str("phone", "điện thoại / phone", "PHONE"), Str("id", "mã định danh / id", "ID"),
                         Date("in_cell_since", "sinh hoạt ở chi bộ này từ (mặc định: ngày vào Đảng) / in this cell since "
                                               "(default: admitted_on)")},
                        kMemberCreate}));
    c->push_back({"member", "get", {"ID"}, "một đảng viên / one member",
                  {Date("as_of", "vào ngày / as of this date (default today)")}, kMemberGet});
    c->push_back({"member", "list", {"UNIT_ID"}, "đảng viên của một đơn vị / the members of a unit",
                  {Bool("subtree", "cả cây đơn vị / the whole subtree"),
                   Str("query", "tìm theo tên hoặc số thẻ / search by name or card"),
                   Enum<v1::Standing>("standing", "đảng viên / standing"),
                   Enum<v1::MemberStatus>("status", "trạng thái / status"), AsOf(), PageSize(), PageToken()},
                  kMemberList});
    c->push_back(Write({"member", "update", {"ID"}, "sửa thông tin đảng viên / update a member",
                        {Str("card", "số thẻ / card number", "CARD"), Str("name", "họ tên / full name"), sex,
                         Clearable(Date("birth_date", "ngày sinh (trống: xóa) / birth date (empty clears)")),
                         Str("citizen_id", "số CCCD / citizen id", "CCCD"), Str("phone", "điện thoại / phone", "PHONE"),
                         Etag()},
                        kMemberUpdate}));
    c->push_back({"member", "events", {"ID"}, "các biến động của đảng viên / a member's events", {}, kMemberEvents});
    // Lifecycle events: each takes the flags its request uses, no more.
    struct Lifecycle {
      const char* verb;
      const char* summary;
      bool to, until, partial;
    };
    for (const Lifecycle& l : std::vector<Lifecycle>{
             {"official", "chuyển đảng viên chính thức / becomes official", false, false, false},
             {"transfer-out", "chuyển sinh hoạt tạm thời đi / temporary transfer out", true, true, false},
             {"return", "trở về sau sinh hoạt tạm thời / back from a temporary transfer", false, false, false},
             {"transfer", "chuyển sinh hoạt chính thức / official transfer to another cell", true, false, false},
             {"exempt", "miễn công tác và sinh hoạt đảng / exemption", false, true, true},
             {"unexempt", "hết miễn sinh hoạt / exemption ends", false, false, false},
             {"suspend", "đình chỉ sinh hoạt / suspension", false, true, false},
             {"unsuspend", "hết đình chỉ sinh hoạt / suspension ends", false, false, false},
             {"remove", "xóa tên / removal", false, false, false},
             {"expel", "khai trừ / expulsion", false, false, false},
             {"death", "từ trần / death", false, false, false}}) {
      CommandSpec cmd{"member", l.verb, {"ID"}, l.summary,
                      {Required(Date("on", "ngày hiệu lực / effective on"))}, kMemberLifecycle};
      if (l.to) {
        FlagSpec to = Str("to", std::string(l.until ? "chi bộ nơi đến (nếu có) / host cell (optional)"
                                                    : "chi bộ nhận / the receiving cell"),
                          "CELL_ID");
        cmd.flags.push_back(l.until ? NonEmpty(to) : Required(to));
      }
      if (l.until) {
        FlagSpec until = Date("until", "đến ngày (dự kiến) / expected end");
        // A temporary transfer has a planned end: its length is checked by the rulebook.
        cmd.flags.push_back(std::string(l.verb) == "transfer-out" ? Required(until) : until);
      }
      if (std::string(l.verb) == "transfer-out") {
        cmd.flags.push_back(Bool("for_study", "đi học (đến 24 tháng) / for study (up to 24 months)"));
      }
      if (l.partial) cmd.flags.push_back(Bool("partial", "miễn một phần / partial exemption"));
      cmd.flags.push_back(Str("reason", "lý do / reason"));
      cmd.flags.push_back(Etag());
      c->push_back(Write(std::move(cmd)));
    }
    for (const char* verb : {"position-assign", "position-end"}) {
      c->push_back(Write({"member", verb, {"ID"},
                          std::string(verb) == "position-assign" ? "nhận chức vụ / assign a position"
                                                                 : "thôi chức vụ / end a position",
                          {Required(Str("unit", "đơn vị của chức vụ / the unit of the position", "UNIT_ID")),
                           Required(Enum<v1::Position>("position", "chức vụ / position")),
                           Required(Date("on", "ngày hiệu lực / effective on"))},
                          kMemberPosition}));
    }
    // roster, rules, audit
    c->push_back({"roster", "", {"CELL_ID"}, "đảng số và ai phải dự họp / the roll and who is expected",
                  {Required(Date("date", "vào ngày / on date"))}, kRoster});
    c->push_back({"rules", "get", {"PROVINCE_ID"}, "quy định hiện hành (JSON) / the rulebook in force",
                  {Date("on", "vào ngày / on date (default today)")}, kRulesGet});
    c->push_back({"rules", "versions", {"PROVINCE_ID"}, "các phiên bản quy định / the rulebook's versions", {},
                  kRulesVersions});
    c->push_back(Write({"rules", "put", {"PROVINCE_ID"}, "ghi phiên bản quy định / store a rulebook version",
                        {Required(Date("from", "hiệu lực từ / effective from")),
                         Required(Str("file", "tệp Rules JSON / a Rules JSON file", "rules.json"))},
                        kRulesPut}));
    c->push_back({"audit", "", {"UNIT_ID"}, "ai đã sửa gì / who changed what",
                  {NonEmpty(Str("resource", "chỉ đối tượng này / only this resource", "ID")), PageSize(), PageToken()},
                  kAudit});
    // scheduling, supervision
    c->push_back({"meeting", "list", {"UNIT_ID"}, "các buổi sinh hoạt (chibo-scheduling) / meetings",
                  {Required(Date("from", "từ ngày / from")), Required(Date("to", "đến ngày / to")),
                   Bool("subtree", "cả cây đơn vị / the whole subtree"),
                   Enum<sv1::MeetingStatus>("status", "trạng thái / status"),
                   Int("page_size", "số dòng một trang / rows per page (default 1000)", 1, 1000), PageToken()},
                  kMeetingList});
    c->push_back({"calendar", "", {"CELL_ID"}, "lịch sinh hoạt iCalendar (.ics) ra stdout / the schedule as iCalendar",
                  {Date("from", "từ ngày / from"), Date("to", "đến ngày / to")}, kCalendar});
    for (const char* kind : {"activity", "compliance"}) {
      c->push_back({"report", kind, {"UNIT_ID", "PERIOD"},
                    std::string(kind) == "activity" ? "báo cáo dự sinh hoạt (chibo-supervision) / supervision activity"
                                                    : "báo cáo chấp hành sinh hoạt / meeting compliance",
                    {}, kReport, "PERIOD: 2025, 2025-H1, 2025-Q3, 2025-06"});
    }
    // tokens
    c->push_back({"token", "issue", {}, "ký token cho người khác / sign a token for someone",
                  {Required(FlagSpec{.name = "role", .type = FlagType::kEnum, .help = "vai trò / role",
                                     .values = {"admin", "secretary", "supervisor", "viewer", "service"},
                                     .labels = {"quản trị / admin", "bí thư / secretary",
                                                "người dự sinh hoạt / supervisor", "xem / viewer",
                                                "dịch vụ chibo / another chibo service"}}),
                   Required(Str("org", "phạm vi: cây của đơn vị này / scope: this unit's subtree", "UNIT_ID")),
                   Str("subject", "người dùng (default: the role) / sub", "NAME"),
                   Str("audience", "aud (default chibo)", "AUD"),
                   Int("hours", absl::StrCat("hiệu lực, giờ (mặc định 24, tối đa ", kMaxTokenHours,
                                             " = 30 ngày) / lifetime in hours (default 24, at most 30 days)"),
                       1, kMaxTokenHours),
                   NonEmpty(Str("key_file", "khóa HS256 / the HS256 key (<data_dir>/jwt-hs256.key)", "FILE"))},
                  kTokenIssue});
    return c;
  }();
  return *commands;
}

// ------------------------------------------------------------ output

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

[[noreturn]] void UsageError(const std::string& why) {
  std::cerr << "chibo: " << why << "\n";
  std::exit(2);
}

std::string Env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return std::string(v && *v ? v : fallback);
}

// ------------------------------------------------------------ the commands

class Cli {
 public:
  explicit Cli(const Invocation& a) : a_(a) {
    stub_ = v1::RegistryService::NewStub(chibo::rpc::MakeChannel(
        a.Get("addr", Env("CHIBO_REGISTRY_ADDR", "127.0.0.1:50051")), "chibo.registry.v1.RegistryService"));
    scheduling_ = sv1::SchedulingService::NewStub(chibo::rpc::MakeChannel(
        a.Get("scheduling_addr", Env("CHIBO_SCHEDULING_ADDR", "127.0.0.1:50052")),
        "chibo.scheduling.v1.SchedulingService"));
    supervision_ = pv1::SupervisionService::NewStub(chibo::rpc::MakeChannel(
        a.Get("supervision_addr", Env("CHIBO_SUPERVISION_ADDR", "127.0.0.1:50053")),
        "chibo.supervision.v1.SupervisionService"));
    token_ = Token();
    // --lang wins; $CHIBO_LANG is read leniently (en, en_US.UTF-8, ...).
    lang_ = a.Has("lang") ? (a.Get("lang") == "en" ? Lang::kEn : Lang::kVi)
                          : (absl::StartsWithIgnoreCase(Env("CHIBO_LANG", "vi"), "en") ? Lang::kEn : Lang::kVi);
  }

  int Run();

 private:
  std::string Token() const {
    if (a_.Has("token")) return a_.Get("token");
    if (const char* env = std::getenv("CHIBO_TOKEN"); env && *env) return env;
    auto file = chibo::auth::ReadFileToString(absl::StrCat(a_.Get("data_dir", "data"), "/admin.token"));
    if (file.ok()) return std::string(absl::StripAsciiWhitespace(*file));
    return "";
  }
  std::unique_ptr<grpc::ClientContext> Ctx() { return chibo::rpc::MakeClientContext(token_, absl::Seconds(30)); }
  std::string RequestId() {
    if (a_.Has("request_id")) return a_.Get("request_id");
    absl::BitGen gen;
    return absl::StrFormat("cli-%016x", absl::Uniform<uint64_t>(gen));
  }
  const std::string& Arg(size_t i) const { return a_.args.at(i); }
  const std::string& Verb() const { return a_.command->verb; }
  template <class E>
  E EnumFlag(const std::string& flag, bool (*parse)(const std::string&, E*)) const {
    E value{};
    if (a_.Has(flag)) parse(a_.Get(flag), &value);  // the table checked the name
    return value;
  }
  template <class E>
  std::string L(E value) const {
    return Label(value, lang_);
  }

  // "cb-1 (Chi bộ thôn Nà Pài)": a unit id with its name, read with
  // GetOrgUnit once per id and run; the bare id when it cannot be read.
  std::string Unit(const std::string& id) {
    if (id.empty()) return id;
    auto it = names_.find(id);
    if (it == names_.end()) {
      std::string name;
      if (names_reachable_) {
        v1::GetOrgUnitRequest r;
        r.set_id(id);
        v1::OrgUnit u;
        grpc::Status s = stub_->GetOrgUnit(chibo::rpc::MakeClientContext(token_, absl::Seconds(5)).get(), r, &u);
        if (s.ok()) name = u.name();
        if (s.error_code() == grpc::StatusCode::UNAVAILABLE || s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
          names_reachable_ = false;  // one wait, not one per row
        }
      }
      it = names_.emplace(id, name).first;
    }
    return it->second.empty() ? id : absl::StrCat(id, " (", it->second, ")");
  }
  void Remember(const v1::OrgUnit& u) { names_[u.id()] = u.name(); }

  // Prints the answer or the error; returns the exit code.
  int Done(const grpc::Status& s, const google::protobuf::Message& m, const std::function<void()>& table) {
    if (!s.ok()) {
      absl::Status st = chibo::rpc::FromGrpcStatus(s);
      std::string fields;
      for (const auto& v : chibo::errors::FieldViolationsOf(st)) absl::StrAppend(&fields, " [", v.field, "]");
      std::cerr << "lỗi / error: " << absl::StatusCodeToString(st.code()) << ": " << st.message() << fields << "\n";
      return 1;
    }
    if (a_.Bool("json") || !table) std::cout << Json(m) << "\n";
    else table();
    return 0;
  }

  void PrintOrgUnits(const std::vector<const v1::OrgUnit*>& units) {
    for (const auto* u : units) Remember(*u);
    std::vector<std::vector<std::string>> rows;
    for (const auto* u : units) {
      rows.push_back({u->id(), u->name(), L(u->kind()), L(u->category()), Unit(u->parent_id()), u->opened_on(),
                      u->closed_on(), u->remote() ? "x" : ""});
    }
    PrintTable({"ID", "TÊN/NAME", "LOẠI/KIND", "LOẠI HÌNH", "CẤP TRÊN/PARENT", "MỞ/OPENED", "GIẢI THỂ/CLOSED",
                "VÙNG KHÓ"},
               rows);
  }

  void PrintMembers(const std::vector<const v1::Member*>& members) {
    std::vector<std::vector<std::string>> rows;
    for (const auto* m : members) {
      rows.push_back({m->id(), m->card_number(), m->full_name(), L(m->standing()), L(m->status()),
                      Unit(m->home_cell_id()), m->admitted_on(), m->official_on(), m->phone()});
    }
    PrintTable({"ID", "SỐ THẺ/CARD", "HỌ TÊN/NAME", "ĐẢNG VIÊN", "TRẠNG THÁI/STATUS", "CHI BỘ/CELL", "VÀO ĐẢNG",
                "CHÍNH THỨC", "ĐIỆN THOẠI"},
               rows);
  }

  int OrgCreate();
  int OrgGet();
  int OrgList();
  int OrgUpdate();
  int OrgClose();
  int OrgMove();
  int MemberCreate();
  int MemberGet();
  int MemberList();
  int MemberUpdate();
  int MemberEvents();
  int MemberLifecycle();
  int MemberPosition();
  int Roster();
  int RulesGet();
  int RulesVersions();
  int RulesPut();
  int Audit();
  int IssueToken();
  int Meetings();
  int Calendar();
  int Report();

  int PrintOrgUnit(const grpc::Status& s, const v1::OrgUnit& out) {
    return Done(s, out, [&] { PrintOrgUnits({&out}); });
  }
  int PrintMember(const grpc::Status& s, const v1::Member& out) {
    return Done(s, out, [&] {
      PrintMembers({&out});
      for (const auto& p : out.positions())
        std::cout << "  chức vụ/position " << L(p.position()) << " @ " << Unit(p.org_unit_id()) << " từ "
                  << p.valid_from() << "\n";
    });
  }

  const Invocation& a_;
  Lang lang_ = Lang::kVi;
  std::map<std::string, std::string> names_;  // unit id → name, "" when unreadable
  bool names_reachable_ = true;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
  std::unique_ptr<sv1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<pv1::SupervisionService::Stub> supervision_;
  std::string token_;
};

int Cli::OrgCreate() {
  v1::CreateOrgUnitRequest r;
  auto* u = r.mutable_org_unit();
  u->set_id(a_.Get("id"));
  u->set_kind(EnumFlag<v1::OrgUnitKind>("kind", v1::OrgUnitKind_Parse));
  u->set_category(EnumFlag<v1::OrgUnitCategory>("category", v1::OrgUnitCategory_Parse));
  u->set_name(a_.Get("name"));
  u->set_code(a_.Get("code"));
  u->set_parent_id(a_.Get("parent"));
  u->set_opened_on(a_.Get("opened_on"));
  u->set_remote(a_.Bool("remote"));
  r.set_request_id(RequestId());
  v1::OrgUnit out;
  return PrintOrgUnit(stub_->CreateOrgUnit(Ctx().get(), r, &out), out);
}

int Cli::OrgGet() {
  v1::GetOrgUnitRequest r;
  r.set_id(Arg(0));
  r.set_as_of(a_.Get("as_of"));
  v1::OrgUnit out;
  grpc::Status s = stub_->GetOrgUnit(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    PrintOrgUnits({&out});
    for (const auto& p : out.parent_history())
      std::cout << "  cấp trên/parent " << (p.parent_id().empty() ? "-" : Unit(p.parent_id())) << " từ "
                << p.valid_from() << (p.valid_to().empty() ? "" : " đến " + p.valid_to()) << "\n";
  });
}

int Cli::OrgList() {
  v1::ListOrgUnitsRequest r;
  r.set_parent_id(Arg(0));
  r.set_subtree(a_.Bool("subtree"));
  r.set_as_of(a_.Get("as_of"));
  r.set_kind(EnumFlag<v1::OrgUnitKind>("kind", v1::OrgUnitKind_Parse));
  r.set_category(EnumFlag<v1::OrgUnitCategory>("category", v1::OrgUnitCategory_Parse));
  r.set_remote_only(a_.Bool("remote_only"));
  r.set_include_closed(a_.Bool("include_closed"));
  r.set_page_size(static_cast<int32_t>(a_.Int("page_size", 0)));
  r.set_page_token(a_.Get("page_token"));
  v1::ListOrgUnitsResponse resp;
  grpc::Status s = stub_->ListOrgUnits(Ctx().get(), r, &resp);
  return Done(s, resp, [&] {
    std::vector<const v1::OrgUnit*> units;
    for (const auto& u : resp.org_units()) units.push_back(&u);
    PrintOrgUnits(units);
    if (!resp.next_page_token().empty()) std::cout << "--page_token=" << resp.next_page_token() << "\n";
  });
}

int Cli::OrgUpdate() {
  v1::UpdateOrgUnitRequest r;
  auto* u = r.mutable_org_unit();
  u->set_id(Arg(0));
  u->set_etag(a_.Get("etag"));
  if (a_.Has("name")) { u->set_name(a_.Get("name")); r.mutable_update_mask()->add_paths("name"); }
  if (a_.Has("code")) { u->set_code(a_.Get("code")); r.mutable_update_mask()->add_paths("code"); }
  if (a_.Has("category")) {
    u->set_category(EnumFlag<v1::OrgUnitCategory>("category", v1::OrgUnitCategory_Parse));
    r.mutable_update_mask()->add_paths("category");
  }
  if (a_.Has("remote")) { u->set_remote(a_.Bool("remote")); r.mutable_update_mask()->add_paths("remote"); }
  r.set_request_id(RequestId());
  v1::OrgUnit out;
  return PrintOrgUnit(stub_->UpdateOrgUnit(Ctx().get(), r, &out), out);
}

int Cli::OrgClose() {
  v1::CloseOrgUnitRequest r;
  r.set_id(Arg(0));
  r.set_closed_on(a_.Get("closed_on"));
  r.set_reason(a_.Get("reason"));
  r.set_etag(a_.Get("etag"));
  r.set_request_id(RequestId());
  v1::OrgUnit out;
  return PrintOrgUnit(stub_->CloseOrgUnit(Ctx().get(), r, &out), out);
}

int Cli::OrgMove() {
  const std::string& id = Arg(0);
  const std::string to = a_.Get("to"), on = a_.Get("on");
  // A move to the parent the unit already has on that date would only add a
  // history row: refuse it here, whatever the server would do.
  v1::GetOrgUnitRequest g;
  g.set_id(id);
  g.set_as_of(on);
  v1::OrgUnit current;
  if (stub_->GetOrgUnit(Ctx().get(), g, &current).ok() && current.parent_id() == to) {
    std::cerr << "lỗi / error: " << id << " đã trực thuộc " << to << " vào ngày " << on
              << ", không có gì để chuyển / " << id << " is already under " << to << " on " << on
              << ": nothing to move\n";
    return 1;
  }
  v1::MoveOrgUnitRequest r;
  r.set_id(id);
  r.set_new_parent_id(to);
  r.set_effective_on(on);
  r.set_etag(a_.Get("etag"));
  r.set_request_id(RequestId());
  v1::OrgUnit out;
  return PrintOrgUnit(stub_->MoveOrgUnit(Ctx().get(), r, &out), out);
}

int Cli::MemberCreate() {
  v1::CreateMemberRequest r;
  auto* m = r.mutable_member();
  m->set_id(a_.Get("id"));
  m->set_card_number(a_.Get("card"));
  m->set_full_name(a_.Get("name"));
  m->set_home_cell_id(a_.Get("cell"));
  m->set_admitted_on(a_.Get("admitted_on"));
  m->set_official_on(a_.Get("official_on"));
  m->set_sex(EnumFlag<v1::Sex>("sex", v1::Sex_Parse));
  m->set_birth_date(a_.Get("birth_date"));
  m->set_citizen_id(a_.Get("citizen_id"));
  m->set_phone(a_.Get("phone"));
  r.set_in_cell_since(a_.Get("in_cell_since"));
  r.set_request_id(RequestId());
  v1::Member out;
  return PrintMember(stub_->CreateMember(Ctx().get(), r, &out), out);
}

int Cli::MemberGet() {
  v1::GetMemberRequest r;
  r.set_id(Arg(0));
  r.set_as_of(a_.Get("as_of"));
  v1::Member out;
  return PrintMember(stub_->GetMember(Ctx().get(), r, &out), out);
}

int Cli::MemberList() {
  v1::ListMembersRequest r;
  r.set_org_unit_id(Arg(0));
  r.set_subtree(a_.Bool("subtree"));
  r.set_as_of(a_.Get("as_of"));
  r.set_query(a_.Get("query"));
  r.set_standing(EnumFlag<v1::Standing>("standing", v1::Standing_Parse));
  r.set_status(EnumFlag<v1::MemberStatus>("status", v1::MemberStatus_Parse));
  r.set_page_size(static_cast<int32_t>(a_.Int("page_size", 0)));
  r.set_page_token(a_.Get("page_token"));
  v1::ListMembersResponse resp;
  grpc::Status s = stub_->ListMembers(Ctx().get(), r, &resp);
  return Done(s, resp, [&] {
    std::vector<const v1::Member*> ms;
    for (const auto& m : resp.members()) ms.push_back(&m);
    PrintMembers(ms);
    if (!resp.next_page_token().empty()) std::cout << "--page_token=" << resp.next_page_token() << "\n";
  });
}

int Cli::MemberUpdate() {
  v1::UpdateMemberRequest r;
  auto* m = r.mutable_member();
  m->set_id(Arg(0));
  m->set_etag(a_.Get("etag"));
  using Setter = void (v1::Member::*)(const std::string&);
  auto set = [&](const char* flag, const char* path, Setter setter) {
    if (a_.Has(flag)) {
      (m->*setter)(a_.Get(flag));
      r.mutable_update_mask()->add_paths(path);
    }
  };
  set("card", "card_number", static_cast<Setter>(&v1::Member::set_card_number));
  set("name", "full_name", static_cast<Setter>(&v1::Member::set_full_name));
  set("birth_date", "birth_date", static_cast<Setter>(&v1::Member::set_birth_date));
  set("citizen_id", "citizen_id", static_cast<Setter>(&v1::Member::set_citizen_id));
  set("phone", "phone", static_cast<Setter>(&v1::Member::set_phone));
  if (a_.Has("sex")) {
    m->set_sex(EnumFlag<v1::Sex>("sex", v1::Sex_Parse));
    r.mutable_update_mask()->add_paths("sex");
  }
  r.set_request_id(RequestId());
  v1::Member out;
  return PrintMember(stub_->UpdateMember(Ctx().get(), r, &out), out);
}

int Cli::MemberEvents() {
  v1::ListMemberEventsRequest r;
  r.set_member_id(Arg(0));
  v1::ListMemberEventsResponse resp;
  grpc::Status s = stub_->ListMemberEvents(Ctx().get(), r, &resp);
  return Done(s, resp, [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : resp.events()) {
      std::string detail = e.detail();
      if (v1::Position p; (e.kind() == v1::POSITION_ASSIGNED || e.kind() == v1::POSITION_ENDED) &&
                          v1::Position_Parse(detail, &p)) {
        detail = L(p);
      }
      rows.push_back({e.effective_on(), L(e.kind()), Unit(e.from_cell_id()), Unit(e.to_cell_id()), e.reason(),
                      detail, e.recorded_by()});
    }
    PrintTable({"NGÀY/DATE", "BIẾN ĐỘNG/EVENT", "TỪ/FROM", "ĐẾN/TO", "LÝ DO/REASON", "CHI TIẾT", "NGƯỜI GHI"}, rows);
  });
}

int Cli::MemberLifecycle() {
  using Method = decltype(&v1::RegistryService::Stub::MakeOfficial);
  static const std::map<std::string, Method> kLifecycle = {
      {"official", &v1::RegistryService::Stub::MakeOfficial},
      {"transfer-out", &v1::RegistryService::Stub::StartTemporaryTransfer},
      {"return", &v1::RegistryService::Stub::EndTemporaryTransfer},
      {"transfer", &v1::RegistryService::Stub::TransferMember},
      {"exempt", &v1::RegistryService::Stub::StartExemption},
      {"unexempt", &v1::RegistryService::Stub::EndExemption},
      {"suspend", &v1::RegistryService::Stub::StartSuspension},
      {"unsuspend", &v1::RegistryService::Stub::EndSuspension},
      {"remove", &v1::RegistryService::Stub::RemoveMember},
      {"expel", &v1::RegistryService::Stub::ExpelMember},
      {"death", &v1::RegistryService::Stub::RecordDeath},
  };
  v1::MemberLifecycleRequest r;
  r.set_member_id(Arg(0));
  r.set_effective_on(a_.Get("on"));
  r.set_to_cell_id(a_.Get("to"));
  r.set_ends_on(a_.Get("until"));
  r.set_reason(a_.Get("reason"));
  r.set_partial(a_.Bool("partial"));
  r.set_for_study(a_.Bool("for_study"));
  r.set_etag(a_.Get("etag"));
  r.set_request_id(RequestId());
  v1::Member out;
  return PrintMember((stub_.get()->*kLifecycle.at(Verb()))(Ctx().get(), r, &out), out);
}

int Cli::MemberPosition() {
  const v1::Position position = EnumFlag<v1::Position>("position", v1::Position_Parse);
  v1::Member out;
  grpc::Status s;
  if (Verb() == "position-assign") {
    v1::AssignPositionRequest r;
    r.set_member_id(Arg(0));
    r.set_org_unit_id(a_.Get("unit"));
    r.set_position(position);
    r.set_effective_on(a_.Get("on"));
    r.set_request_id(RequestId());
    s = stub_->AssignPosition(Ctx().get(), r, &out);
  } else {
    v1::EndPositionRequest r;
    r.set_member_id(Arg(0));
    r.set_org_unit_id(a_.Get("unit"));
    r.set_position(position);
    r.set_effective_on(a_.Get("on"));
    r.set_request_id(RequestId());
    s = stub_->EndPosition(Ctx().get(), r, &out);
  }
  return PrintMember(s, out);
}

int Cli::Roster() {
  v1::GetRosterRequest r;
  v1::Roster out;
  r.set_cell_id(Arg(0));
  r.set_date(a_.Get("date"));
  grpc::Status s = stub_->GetRoster(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::cout << "Chi bộ " << Unit(out.cell_id()) << " ngày " << out.date() << "\n"
              << "  Tổng số/total " << out.total() << " (chính thức/official " << out.official()
              << ", dự bị/probationary " << out.probationary() << ")\n"
              << "  Miễn sinh hoạt/exempted " << out.exempted() << ", tạm vắng/away " << out.temporarily_away()
              << ", đình chỉ/suspended " << out.suspended() << "\n"
              << "  Phải có mặt/expected " << out.expected() << ", sinh hoạt tạm thời/visiting " << out.visiting()
              << "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : out.entries())
      rows.push_back({e.member_id(), e.full_name(), L(e.standing()), L(e.presence())});
    PrintTable({"ID", "HỌ TÊN/NAME", "ĐẢNG VIÊN", "DỰ HỌP/PRESENCE"}, rows);
  });
}

int Cli::RulesGet() {
  v1::GetRulebookRequest r;
  v1::RulebookVersion out;
  r.set_province_id(Arg(0));
  r.set_on_date(a_.Get("on"));
  return Done(stub_->GetRulebook(Ctx().get(), r, &out), out, nullptr);
}

int Cli::RulesVersions() {
  v1::ListRulebookVersionsRequest r;
  v1::ListRulebookVersionsResponse out;
  r.set_province_id(Arg(0));
  return Done(stub_->ListRulebookVersions(Ctx().get(), r, &out), out, nullptr);
}

int Cli::RulesPut() {
  v1::PutRulebookRequest r;
  v1::RulebookVersion out;
  r.set_province_id(Arg(0));
  r.set_effective_from(a_.Get("from"));
  auto text = chibo::auth::ReadFileToString(a_.Get("file"));
  if (!text.ok()) UsageError(absl::StrCat("không đọc được / cannot read --file=", a_.Get("file")));
  if (!google::protobuf::util::JsonStringToMessage(*text, r.mutable_rules()).ok()) {
    UsageError(absl::StrCat("--file=", a_.Get("file"), ": không phải Rules JSON / not a Rules JSON"));
  }
  r.set_request_id(RequestId());
  return Done(stub_->PutRulebook(Ctx().get(), r, &out), out, nullptr);
}

int Cli::Audit() {
  v1::ListAuditEntriesRequest r;
  v1::ListAuditEntriesResponse out;
  r.set_org_unit_id(Arg(0));
  r.set_resource_id(a_.Get("resource"));
  r.set_page_size(static_cast<int32_t>(a_.Int("page_size", 0)));
  r.set_page_token(a_.Get("page_token"));
  grpc::Status s = stub_->ListAuditEntries(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& e : out.entries())
      rows.push_back({absl::StrCat(e.id()), e.time(), e.actor(), e.method(), e.resource_type(), e.resource_id(),
                      e.request_id()});
    PrintTable({"#", "LÚC/TIME", "NGƯỜI/ACTOR", "THAO TÁC/METHOD", "LOẠI", "ĐỐI TƯỢNG/RESOURCE", "REQUEST"}, rows);
    if (!out.next_page_token().empty()) std::cout << "--page_token=" << out.next_page_token() << "\n";
  });
}

int Cli::IssueToken() {
  chibo::auth::Claims c;
  c.roles = {*chibo::auth::ParseRole(a_.Get("role"))};  // the table checked the name
  c.scope_org_id = a_.Get("org");
  c.subject = a_.Get("subject", a_.Get("role"));
  c.audience = a_.Get("audience", "chibo");
  c.expires_at = absl::Now() + absl::Hours(a_.Int("hours", 24));
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
  sv1::ListMeetingsRequest r;
  r.set_org_unit_id(Arg(0));
  r.set_subtree(a_.Bool("subtree"));
  r.set_from(a_.Get("from"));
  r.set_to(a_.Get("to"));
  r.set_status(EnumFlag<sv1::MeetingStatus>("status", sv1::MeetingStatus_Parse));
  r.set_page_size(static_cast<int32_t>(a_.Int("page_size", 1000)));
  r.set_page_token(a_.Get("page_token"));
  sv1::ListMeetingsResponse out;
  grpc::Status s = scheduling_->ListMeetings(Ctx().get(), r, &out);
  return Done(s, out, [&] {
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : out.meetings()) {
      rows.push_back({m.id(), Unit(m.cell_id()), L(m.kind()), m.starts_at(),
                      m.ends_at().size() > 11 ? m.ends_at().substr(11) : m.ends_at(), L(m.status()),
                      m.expected() ? absl::StrFormat("%d/%d", m.present(), m.expected()) : ""});
    }
    PrintTable({"ID", "CHI BỘ/CELL", "LOẠI/KIND", "BẮT ĐẦU/STARTS", "KẾT THÚC", "TRẠNG THÁI", "CÓ MẶT"}, rows);
    if (!out.next_page_token().empty()) std::cout << "… --page_token=" << out.next_page_token() << "\n";
  });
}

int Cli::Calendar() {
  sv1::ExportCalendarRequest r;
  r.set_cell_id(Arg(0));
  r.set_from(a_.Get("from"));
  r.set_to(a_.Get("to"));
  sv1::CalendarExport out;
  grpc::Status s = scheduling_->ExportCalendar(Ctx().get(), r, &out);
  return Done(s, out, [&] { std::cout << out.ics(); });
}

int Cli::Report() {
  pv1::ReportRequest r;
  r.set_org_unit_id(Arg(0));
  r.set_period(Arg(1));
  if (Verb() == "activity") {
    pv1::ActivityReport out;
    grpc::Status s = supervision_->GetActivityReport(Ctx().get(), r, &out);
    return Done(s, out, [&] {
      std::cout << out.name() << " — " << out.from() << " … " << out.to() << "\n\n" << out.narrative() << "\n\n";
      std::vector<std::vector<std::string>> rows;
      auto add = [&](const std::string& unit, const pv1::LevelActivity& l) {
        rows.push_back({unit, L(l.level()), absl::StrCat(l.cells_attended()), absl::StrCat(l.base_cells_attended()),
                        absl::StrCat(l.subordinate_cells_attended()), absl::StrCat(l.committee_meetings_attended()),
                        absl::StrCat(l.thematic_meetings_attended())});
      };
      for (const auto& l : out.levels()) add(out.name(), l);
      for (const auto& c : out.children())
        for (const auto& l : c.levels()) add(c.name(), l);
      PrintTable({"ĐƠN VỊ/UNIT", "CẤP DỰ/LEVEL", "CHI BỘ/CELLS", "CƠ SỞ/BASE", "TRỰC THUỘC/SUB", "HỌP ĐẢNG ỦY",
                  "CHUYÊN ĐỀ"},
                 rows);
    });
  }
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
    PrintTable({"ĐƠN VỊ/UNIT", "CHI BỘ", "ĐỊNH KỲ/REGULAR", "CHUYÊN ĐỀ", "DỰ HỌP/ATTEND", "Ý KIẾN/BUỔI", "PHÚT TB",
                "DƯỚI TG", "CHƯA GHI"},
               rows);
  });
}

int Cli::Run() {
  switch (a_.command->handler) {
    case kOrgCreate: return OrgCreate();
    case kOrgGet: return OrgGet();
    case kOrgList: return OrgList();
    case kOrgUpdate: return OrgUpdate();
    case kOrgClose: return OrgClose();
    case kOrgMove: return OrgMove();
    case kMemberCreate: return MemberCreate();
    case kMemberGet: return MemberGet();
    case kMemberList: return MemberList();
    case kMemberUpdate: return MemberUpdate();
    case kMemberEvents: return MemberEvents();
    case kMemberLifecycle: return MemberLifecycle();
    case kMemberPosition: return MemberPosition();
    case kRoster: return Roster();
    case kRulesGet: return RulesGet();
    case kRulesVersions: return RulesVersions();
    case kRulesPut: return RulesPut();
    case kAudit: return Audit();
    case kMeetingList: return Meetings();
    case kCalendar: return Calendar();
    case kReport: return Report();
    case kTokenIssue: return IssueToken();
  }
  UsageError("lệnh chưa có mã chạy / command has no handler");
}

}  // namespace

int main(int argc, char** argv) {
  chibo::cli::ParseResult parsed =
      chibo::cli::Parse(Commands(), GlobalFlags(), std::vector<std::string>(argv + 1, argv + argc));
  if (parsed.exit_code >= 0) {
    std::cout << parsed.out;
    std::cerr << parsed.err;
    return parsed.exit_code;
  }
  Cli cli(parsed.invocation);
  return cli.Run();
}
