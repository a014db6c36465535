#include "services/gateway/transcoder.h"

#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits of any protobuf Message

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/errors/errors.h"
#include "services/gateway/gateway.h"  // IsValidUtf8
#include "google/api/annotations.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"

namespace chibo::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// The field named `name` (proto name or lowerCamel JSON name).
const FieldDescriptor* FieldNamed(const Descriptor& d, absl::string_view name) {
  const std::string n(name);
  if (const FieldDescriptor* f = d.FindFieldByName(n)) return f;
  for (int i = 0; i < d.field_count(); ++i) {
    if (d.field(i)->json_name() == n) return d.field(i);
  }
  return nullptr;
}

// Walks `dotted` down singular message fields of `message`; the last
// field's descriptor and the message holding it, or nullptrs.
std::pair<Message*, const FieldDescriptor*> Resolve(Message& message, absl::string_view dotted) {
  Message* at = &message;
  std::vector<absl::string_view> parts = absl::StrSplit(dotted, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FieldNamed(*at->GetDescriptor(), parts[i]);
    if (f == nullptr) return {nullptr, nullptr};
    if (i + 1 == parts.size()) return {at, f};
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) return {nullptr, nullptr};
    at = at->GetReflection()->MutableMessage(at, f);
  }
  return {nullptr, nullptr};
}

// The same on descriptors only (checking templates at start-up).
bool KnowsPath(const Descriptor& d, absl::string_view dotted) {
  const Descriptor* at = &d;
  std::vector<absl::string_view> parts = absl::StrSplit(dotted, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FieldNamed(*at, parts[i]);
    if (f == nullptr) return false;
    if (i + 1 == parts.size()) return !f->is_repeated() && f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE;
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) return false;
    at = f->message_type();
  }
  return false;
}

absl::StatusOr<std::unique_ptr<HttpBinding>> BindingOf(const google::api::HttpRule& rule,
                                                       const google::protobuf::MethodDescriptor* method,
                                                       std::shared_ptr<grpc::Channel> channel) {
  auto b = std::make_unique<HttpBinding>();
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet: b->http_method = "GET", b->path = rule.get(); break;
    case google::api::HttpRule::kPost: b->http_method = "POST", b->path = rule.post(); break;
    case google::api::HttpRule::kPut: b->http_method = "PUT", b->path = rule.put(); break;
    case google::api::HttpRule::kPatch: b->http_method = "PATCH", b->path = rule.patch(); break;
    case google::api::HttpRule::kDelete: b->http_method = "DELETE", b->path = rule.delete_(); break;
    default:
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": no HTTP method"));
  }
  if (!absl::StartsWith(b->path, "/")) {
    return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": path must start with /"));
  }
  std::vector<std::string> parts = absl::StrSplit(b->path.substr(1), '/');
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string part = parts[i];
    if (i + 1 == parts.size()) {
      // A verb follows the last ':' outside braces.
      const size_t close = part.rfind('}');
      const size_t colon = part.rfind(':');
      if (colon != std::string::npos && (close == std::string::npos || colon > close)) {
        b->verb = part.substr(colon + 1);
        part = part.substr(0, colon);
      }
    }
    HttpBinding::Segment seg;
    if (absl::StartsWith(part, "{") && absl::EndsWith(part, "}")) {
      seg.variable = part.substr(1, part.size() - 2);
      if (!KnowsPath(*method->input_type(), seg.variable)) {
        return absl::InvalidArgumentError(
            absl::StrCat(method->full_name(), ": path variable ", seg.variable, " is not a scalar field"));
      }
    } else if (part.empty() || absl::StrContains(part, "{") || absl::StrContains(part, "}")) {
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": cannot read ", b->path));
    } else {
      seg.literal = part;
    }
    b->segments.push_back(std::move(seg));
  }
  b->body = rule.body();
  if (!b->body.empty() && b->body != "*") {
    const FieldDescriptor* f = FieldNamed(*method->input_type(), b->body);
    if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": body ", b->body, " is not a message field"));
    }
  }
  b->method = method;
  b->full_method = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  b->channel = std::move(channel);
  b->rpc = std::make_unique<grpc::internal::RpcMethod>(b->full_method.c_str(),
                                                       grpc::internal::RpcMethod::NORMAL_RPC, b->channel);
  return b;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Transcoder>> Transcoder::ForServices(
    const std::vector<std::pair<std::string, std::shared_ptr<grpc::Channel>>>& services) {
  auto t = std::make_unique<Transcoder>();
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const auto& [name, channel] : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    if (service == nullptr) return absl::InvalidArgumentError(absl::StrCat("unknown service ", name));
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* m = service->method(i);
      if (!m->options().HasExtension(google::api::http)) continue;
      if (m->client_streaming() || m->server_streaming()) {
        return absl::InvalidArgumentError(absl::StrCat(m->full_name(), ": streaming RPCs are not transcoded"));
      }
      const google::api::HttpRule& rule = m->options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const auto& extra : rule.additional_bindings()) rules.push_back(&extra);
      for (const google::api::HttpRule* r : rules) {
        auto b = BindingOf(*r, m, channel);
        if (!b.ok()) return b.status();
        t->bindings_.push_back(*std::move(b));
      }
    }
  }
  // Two bindings that would match the same requests are a mistake in the protos.
  std::set<std::string> seen;
  for (const auto& b : t->bindings_) {
    std::string shape = b->http_method;
    for (const auto& s : b->segments) absl::StrAppend(&shape, "/", s.variable.empty() ? s.literal : "*");
    absl::StrAppend(&shape, ":", b->verb);
    if (!seen.insert(shape).second) {
      return absl::InvalidArgumentError(absl::StrCat(b->method->full_name(), ": ", b->http_method, " ", b->path,
                                                     " is bound twice"));
    }
  }
  return t;
}

namespace {

// Whether `path` fits `b`'s template (any method), its variables in `vars`.
bool PathFits(const HttpBinding& b, absl::string_view path,
              std::vector<std::pair<std::string, std::string>>* vars) {
  if (!absl::ConsumePrefix(&path, "/")) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '/');
  if (parts.size() != b.segments.size()) return false;
  if (!b.verb.empty()) {
    absl::string_view& last = parts.back();
    if (!absl::ConsumeSuffix(&last, absl::StrCat(":", b.verb))) return false;
  }
  std::vector<std::pair<std::string, std::string>> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const HttpBinding::Segment& s = b.segments[i];
    if (s.variable.empty()) {
      if (parts[i] != s.literal) return false;
    } else {
      // A variable is one non-empty segment without a ':' (that would be a
      // verb this binding does not have).
      if (parts[i].empty() || absl::StrContains(parts[i], ':')) return false;
      found.emplace_back(s.variable, std::string(parts[i]));
    }
  }
  if (vars != nullptr) *vars = std::move(found);
  return true;
}

}  // namespace

const HttpBinding* Transcoder::Match(absl::string_view http_method, absl::string_view path,
                                     std::vector<std::pair<std::string, std::string>>* vars) const {
  if (http_method == "HEAD") http_method = "GET";
  // A literal segment beats a variable: try the bindings with fewer variables first.
  const HttpBinding* best = nullptr;
  size_t best_variables = 0;
  std::vector<std::pair<std::string, std::string>> best_vars;
  for (const auto& b : bindings_) {
    if (b->http_method != http_method) continue;
    std::vector<std::pair<std::string, std::string>> v;
    if (!PathFits(*b, path, &v)) continue;
    if (best == nullptr || v.size() < best_variables) {
      best = b.get(), best_variables = v.size(), best_vars = std::move(v);
    }
  }
  if (best != nullptr && vars != nullptr) *vars = std::move(best_vars);
  return best;
}

std::string Transcoder::MethodsFor(absl::string_view path) const {
  std::set<std::string> methods;
  for (const auto& b : bindings_) {
    if (PathFits(*b, path, nullptr)) methods.insert(b->http_method);
  }
  if (methods.count("GET")) methods.insert("HEAD");
  return absl::StrJoin(methods, ", ");
}

absl::Status SetFieldFromText(Message& message, absl::string_view dotted_path, absl::string_view value) {
  auto [at, f] = Resolve(message, dotted_path);
  const std::string field(dotted_path);
  if (f == nullptr || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return errors::InvalidArgument(field, "tham số không được hỗ trợ / unknown parameter");
  }
  const Reflection* r = at->GetReflection();
  const bool rep = f->is_repeated();
  const auto bad = [&](absl::string_view what) { return errors::InvalidArgument(field, std::string(what)); };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(at, f, std::string(value)) : r->SetString(at, f, std::string(value));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_BOOL:
      if (value != "true" && value != "false") return bad("phải là true hoặc false / must be true or false");
      rep ? r->AddBool(at, f, value == "true") : r->SetBool(at, f, value == "true");
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("phải là số nguyên / must be an integer");
      rep ? r->AddInt32(at, f, n) : r->SetInt32(at, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("phải là số nguyên / must be an integer");
      rep ? r->AddInt64(at, f, n) : r->SetInt64(at, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("phải là số nguyên không âm / must be a non-negative integer");
      rep ? r->AddUInt32(at, f, n) : r->SetUInt32(at, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t n;
      if (!absl::SimpleAtoi(value, &n)) return bad("phải là số nguyên không âm / must be a non-negative integer");
      rep ? r->AddUInt64(at, f, n) : r->SetUInt64(at, f, n);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double n;
      if (!absl::SimpleAtod(value, &n)) return bad("phải là số / must be a number");
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        rep ? r->AddFloat(at, f, static_cast<float>(n)) : r->SetFloat(at, f, static_cast<float>(n));
      } else {
        rep ? r->AddDouble(at, f, n) : r->SetDouble(at, f, n);
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const google::protobuf::EnumValueDescriptor* e = f->enum_type()->FindValueByName(std::string(value));
      int n;
      if (e == nullptr && absl::SimpleAtoi(value, &n)) e = f->enum_type()->FindValueByNumber(n);
      if (e == nullptr) return bad(absl::StrCat("không phải một giá trị của ", f->enum_type()->name(), " / not a value of ",
                                                f->enum_type()->name()));
      rep ? r->AddEnum(at, f, e) : r->SetEnum(at, f, e);
      return absl::OkStatus();
    }
    default:
      return bad("tham số không được hỗ trợ / unknown parameter");
  }
}

absl::StatusOr<std::unique_ptr<Message>> Transcoder::BuildRequest(
    const HttpBinding& binding, absl::string_view body, const std::multimap<std::string, std::string>& query,
    const std::vector<std::pair<std::string, std::string>>& vars) {
  std::unique_ptr<Message> request(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(binding.method->input_type())->New());
  errors::FieldViolations v;
  if (!binding.body.empty()) {
    Message* target = request.get();
    if (binding.body != "*") {
      target = request->GetReflection()->MutableMessage(request.get(),
                                                        FieldNamed(*request->GetDescriptor(), binding.body));
    }
    if (!body.empty()) {
      google::protobuf::util::JsonParseOptions options;
      options.ignore_unknown_fields = false;
      auto parsed = google::protobuf::util::JsonStringToMessage(std::string(body), target, options);
      if (!parsed.ok()) {
        // The parser's message may quote the body: cut on a character
        // boundary, and not at all when the body was not UTF-8.
        std::string message(parsed.message());
        if (message.size() > 200) {
          size_t cut = 200;
          while (cut > 0 && (static_cast<unsigned char>(message[cut]) & 0xC0) == 0x80) --cut;
          message = message.substr(0, cut);
        }
        if (!IsValidUtf8(message)) message = "không đọc được / unreadable";
        v.Add("body", absl::StrCat("JSON không hợp lệ: ", message, " / not a valid JSON request"));
        return v.ToStatus();
      }
    }
  } else if (!body.empty()) {
    v.Add("body", "phương thức này không nhận nội dung / this method takes no body");
    return v.ToStatus();
  }
  std::set<std::string> path_fields;
  for (const auto& [field, value] : vars) path_fields.insert(field);
  for (auto it = query.begin(); it != query.end(); ++it) {
    const std::string& name = it->first;
    if (path_fields.count(name)) {
      v.Add(name, "đã có trong đường dẫn / given in the path");
      continue;
    }
    auto [at, f] = Resolve(*request, name);
    if (binding.body == "*" || f == nullptr) {
      v.Add(name, "tham số không được hỗ trợ / unknown parameter");
      continue;
    }
    if (!f->is_repeated() && query.count(name) > 1) {
      if (it == query.lower_bound(name)) v.Add(name, "chỉ được cho một lần / given more than once");
      continue;
    }
    if (absl::Status s = SetFieldFromText(*request, name, it->second); !s.ok()) {
      for (const auto& fv : errors::FieldViolationsOf(s)) v.Add(fv.field, fv.description);
    }
  }
  for (const auto& [field, value] : vars) {
    if (absl::Status s = SetFieldFromText(*request, field, value); !s.ok()) {
      for (const auto& fv : errors::FieldViolationsOf(s)) v.Add(fv.field, fv.description);
    }
  }
  if (absl::Status s = v.ToStatus(); !s.ok()) return s;
  return request;
}

grpc::Status Transcoder::Call(const HttpBinding& binding, grpc::ClientContext* context, const Message& request,
                              Message* response) {
  return grpc::internal::BlockingUnaryCall<Message, Message>(binding.channel.get(), *binding.rpc, context, request,
                                                            response);
}

std::unique_ptr<Message> Transcoder::NewResponse(const HttpBinding& binding) {
  return std::unique_ptr<Message>(
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(binding.method->output_type())->New());
}

}  // namespace chibo::gateway
