#include "tests/fuzz/request_fuzz.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/errors/errors.h"
#include "common/observability/logging.h"
#include "common/validation/request_limits.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/message.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/proto_mutator.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace chibo::fuzz {
namespace {

using google::protobuf::Message;
using google::protobuf::TextFormat;

class Quiet : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, int, const std::string&) override {}
  void AddWarning(int, int, const std::string&) override {}
};

Service& TheService() {
  static Service* service = [] {
    // Protobuf's own complaints (invalid UTF-8 while serializing, ...) are
    // expected here by the thousand.
    google::protobuf::SetLogHandler([](google::protobuf::LogLevel, const char*, int,
                                       const std::string&) {});
    // The served registry and scheduling log every call at info.
    observability::InitJsonLogging("fuzz", "error");
    Service* s = MakeService();
    for (const auto* d : s->limits_only) {
      for (int i = 0; i < d->method_count(); ++i) {
        s->methods.push_back({d->method(i)->name(),
                              google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                                  d->method(i)->input_type()),
                              nullptr});
      }
    }
    // A method of the service missing from the table is still fuzzed, for
    // its limits only, and said at start-up: add it to the fuzzer's table.
    for (int i = 0; s->descriptor != nullptr && i < s->descriptor->method_count(); ++i) {
      const auto* m = s->descriptor->method(i);
      bool found = false;
      for (const Method& method : s->methods) {
        if (method.name == m->name()) {
          found = true;
          FUZZ_CHECK(method.request_prototype->GetDescriptor() == m->input_type(),
                     "%s takes %s", m->name().c_str(), m->input_type()->full_name().c_str());
        }
      }
      if (!found) {
        std::fprintf(stderr, "fuzz: %s is not in the fuzzer's table: its limits only\n",
                     m->full_name().c_str());
        s->methods.push_back(
            {m->name(), google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->input_type()),
             nullptr});
      }
    }
    return s;
  }();
  return *service;
}

struct Parsed {
  size_t method = 0;
  int caller = 0;
  std::unique_ptr<Message> request;
};

bool Parse(const Service& service, absl::string_view input, Parsed* out) {
  const size_t eol = input.find('\n');
  const absl::string_view head = input.substr(0, eol);
  const absl::string_view body = eol == absl::string_view::npos ? "" : input.substr(eol + 1);
  std::vector<absl::string_view> words = absl::StrSplit(head, ' ', absl::SkipEmpty());
  const absl::string_view name = words.empty() ? "" : words[0];
  out->method = service.methods.size();
  for (size_t i = 0; i < service.methods.size(); ++i) {
    if (service.methods[i].name == name) out->method = i;
  }
  if (out->method == service.methods.size()) {
    uint32_t h = 0;
    for (unsigned char c : name) h = h * 31 + c;
    out->method = h % service.methods.size();
  }
  out->caller = 0;
  if (words.size() > 1) {
    for (size_t i = 0; i < service.callers.size(); ++i) {
      if (service.callers[i] == words[1]) out->caller = static_cast<int>(i);
    }
  }
  out->request.reset(service.methods[out->method].request_prototype->New());
  TextFormat::Parser parser;
  Quiet quiet;
  parser.RecordErrorsTo(&quiet);
  parser.AllowPartialMessage(true);
  return parser.ParseFromString(std::string(body), out->request.get());
}

std::string Print(const Service& service, const Parsed& p) {
  std::string text;
  TextFormat::Printer printer;
  printer.SetUseUtf8StringEscaping(false);
  printer.PrintToString(*p.request, &text);
  return absl::StrCat(service.methods[p.method].name, " ", service.callers[p.caller], "\n", text);
}

void CheckShortError(const absl::Status& status, absl::string_view what) {
  // kMaxViolations of them, and one more saying how many were left out.
  FUZZ_CHECK(errors::FieldViolationsOf(status).size() <= errors::kMaxViolations + 1,
             "%s: %zu violations", std::string(what).c_str(),
             errors::FieldViolationsOf(status).size());
  size_t detail_bytes = status.message().size();
  status.ForEachPayload([&](absl::string_view, const absl::Cord& payload) {
    detail_bytes += payload.size();
  });
  FUZZ_CHECK(detail_bytes < 16 * 1024, "%s: %zu bytes of error", std::string(what).c_str(),
             detail_bytes);
}

bool ExpectedDomainCode(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

}  // namespace

const google::protobuf::ServiceDescriptor* ServiceNamed(const std::string& full_name) {
  const auto* d = google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
  FUZZ_CHECK(d != nullptr, "no service %s", full_name.c_str());
  return d;
}

}  // namespace chibo::fuzz

using namespace chibo::fuzz;  // NOLINT: the libFuzzer entry points below

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Service& service = TheService();
  // CHIBO_FUZZ_DEBUG=1: say what each input did (for checking seeds).
  static const bool debug = std::getenv("CHIBO_FUZZ_DEBUG") != nullptr;
  Parsed p;
  if (!Parse(service, absl::string_view(reinterpret_cast<const char*>(data), size), &p)) {
    if (debug) std::fprintf(stderr, "fuzz: not a request (text format)\n");
    return -1;
  }
  const Method& method = service.methods[p.method];
  const absl::Status limits = chibo::validation::CheckRequestLimits(*p.request);
  FUZZ_CHECK(limits.ok() || limits.code() == absl::StatusCode::kInvalidArgument,
             "%s limits: %s", method.name.c_str(), limits.ToString().c_str());
  CheckShortError(limits, method.name + " limits");
  if (debug && !limits.ok()) {
    std::fprintf(stderr, "fuzz: %s limits: %s\n", method.name.c_str(), limits.ToString().c_str());
  }
  if (!limits.ok() || !method.call) return 0;

  static int calls = 0;
  if (service.reset && calls++ % service.reset_every == 0) service.reset();
  const absl::Status status = method.call(p.caller, *p.request);
  FUZZ_CHECK(ExpectedDomainCode(status.code()), "%s as %s: %s\nrequest: %s", method.name.c_str(),
             service.callers[p.caller].c_str(), status.ToString().c_str(),
             p.request->ShortDebugString().c_str());
  CheckShortError(status, method.name);
  if (debug) {
    std::fprintf(stderr, "fuzz: %s as %s: %s\n", method.name.c_str(),
                 service.callers[p.caller].c_str(), status.ToString().c_str());
  }
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  Service& service = TheService();
  Parsed p;
  std::mt19937 rng(seed);
  // Now and then bytes as bytes (what no reflection would write), and
  // whatever does not parse.
  if (rng() % 8 == 0 ||
      !Parse(service, absl::string_view(reinterpret_cast<const char*>(data), size), &p)) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  if (rng() % 16 == 0) {
    p.method = rng() % service.methods.size();
    std::string text;
    p.request->SerializeToString(&text);
    p.request.reset(service.methods[p.method].request_prototype->New());
    p.request->ParsePartialFromString(text);  // what the fields mean there, if anything
  } else if (rng() % 16 == 0) {
    p.caller = static_cast<int>(rng() % service.callers.size());
  } else {
    ProtoMutator mutator(seed, &service.words);
    const int changes = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < changes; ++i) mutator.Mutate(p.request.get());
  }
  const std::string out = Print(service, p);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
