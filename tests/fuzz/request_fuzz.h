// The shared driver of the request fuzzers (one per service): every request
// message type of the service's RPCs goes through CheckRequestLimits, as
// CallRunner does before any domain code, and then — when the limits pass —
// into the service's own domain class on a temp SQLite database, as the
// caller the input names.
//
// Input (text, so seeds are readable): the first line is
//   <Method> [<caller>]
// with <caller> one of the service's callers (default: the province admin),
// the rest is the request in protobuf text format. An unknown method name
// picks a method by its bytes. A custom mutator (proto_mutator.h) changes
// the request by reflection, and sometimes the method or the caller.
//
// Properties checked for every input:
// - CheckRequestLimits answers OK or INVALID_ARGUMENT with at most
//   errors::kMaxViolations violations and a few kilobytes of message;
// - the domain call answers one of the codes a bad request may get
//   (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION,
//   PERMISSION_DENIED, OUT_OF_RANGE, ABORTED) or OK — never INTERNAL,
//   UNKNOWN, DATA_LOSS, UNIMPLEMENTED, RESOURCE_EXHAUSTED or UNAVAILABLE;
//   its errors are short too;
// - ASan/UBSan see nothing, and no call hangs (libFuzzer -timeout).
#ifndef CHIBO_TESTS_FUZZ_REQUEST_FUZZ_H_
#define CHIBO_TESTS_FUZZ_REQUEST_FUZZ_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace chibo::fuzz {

struct Method {
  std::string name;
  const google::protobuf::Message* request_prototype = nullptr;
  // The domain call as `caller` (an index into Service::callers); null:
  // limits only.
  std::function<absl::Status(int caller, const google::protobuf::Message& request)> call;
};

struct Service {
  // A method of it missing from `methods` is added at start-up with limits
  // only (and named on stderr), so a new RPC is never left unfuzzed.
  const google::protobuf::ServiceDescriptor* descriptor = nullptr;
  std::vector<Method> methods;
  // Services whose every method is added here with limits only (no domain
  // call), e.g. the registry's AccountService, whose Argon2id hashing would
  // cost 0.1 s an input.
  std::vector<const google::protobuf::ServiceDescriptor*> limits_only;
  std::vector<std::string> callers;  // names; the first is the default
  std::vector<std::string> words;    // ids and values worth trying in strings
  // Called every `reset_every` domain calls (and before the first): puts
  // the database back to its seeded state so it does not grow without end.
  std::function<void()> reset;
  int reset_every = 2000;
};

// The service `full_name` ("chibo.registry.v1.RegistryService") of the
// generated descriptors; aborts when there is none.
const google::protobuf::ServiceDescriptor* ServiceNamed(const std::string& full_name);

// Defined by each service's fuzzer: built once, on the first input.
Service* MakeService();

}  // namespace chibo::fuzz

#endif  // CHIBO_TESTS_FUZZ_REQUEST_FUZZ_H_
