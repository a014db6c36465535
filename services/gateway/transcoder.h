// HTTP/JSON → gRPC, read from the protos: every RPC that declares a
// `google.api.http` option (proto/google/api/annotations.proto) becomes an
// HTTP route, the way Envoy's gRPC-JSON transcoder and grpc-gateway do it.
// A new RPC needs an annotation, not C++.
//
//   rpc RecordMeeting(RecordMeetingRequest) returns (Meeting) {
//     option (google.api.http) = { post: "/api/v1/meetings/{id}:record" body: "*" };
//   }
//
// The request message is filled from, in order: the JSON body (the whole
// message for body "*", one field for body "<field>"), then the query
// parameters (each names a field, dotted for nested ones, repeated for
// repeated fields), then the path's variables, which win. The answer is the
// response message in protobuf's JSON mapping (lowerCamel names, every field
// printed). Path templates: literal segments and `{field}` (one segment, a
// dotted field path allowed), the last segment optionally ending in `:verb`.
#ifndef CHIBO_SERVICES_GATEWAY_TRANSCODER_H_
#define CHIBO_SERVICES_GATEWAY_TRANSCODER_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/rpc_method.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace chibo::gateway {

// One HTTP binding of one RPC.
struct HttpBinding {
  std::string http_method;  // GET, POST, PUT, PATCH, DELETE
  std::string path;         // the template as written
  // Segments of the path: a literal, or a variable (field path) when
  // `variable` is set.
  struct Segment {
    std::string literal;
    std::string variable;
  };
  std::vector<Segment> segments;
  std::string verb;  // after ':' in the last segment, or empty
  std::string body;  // "*", a field name, or empty
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string full_method;  // "/chibo.scheduling.v1.SchedulingService/RecordMeeting"
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::internal::RpcMethod> rpc;
};

class Transcoder {
 public:
  // The bindings of every annotated unary method of each service (full name
  // → the channel serving it). INVALID_ARGUMENT for a template it cannot
  // read or a field it does not know (a mistake in the protos).
  static absl::StatusOr<std::unique_ptr<Transcoder>> ForServices(
      const std::vector<std::pair<std::string, std::shared_ptr<grpc::Channel>>>& services);

  // The binding for `http_method` and `path` (its variables in `vars`), or
  // nullptr.
  const HttpBinding* Match(absl::string_view http_method, absl::string_view path,
                           std::vector<std::pair<std::string, std::string>>* vars) const;
  // The HTTP methods some binding accepts for `path` ("GET, POST"), empty
  // when none: a 405 names them, an unknown path is a 404.
  std::string MethodsFor(absl::string_view path) const;

  // The request of `binding` from a JSON body, the query parameters and
  // the path's variables. INVALID_ARGUMENT naming each field (or
  // parameter) that is unknown, given twice, or not of its field's type.
  static absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
      const HttpBinding& binding, absl::string_view body,
      const std::multimap<std::string, std::string>& query,
      const std::vector<std::pair<std::string, std::string>>& vars);

  // Calls the RPC; `response` must be of the method's output type.
  static grpc::Status Call(const HttpBinding& binding, grpc::ClientContext* context,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response);
  // An empty message of the method's output type.
  static std::unique_ptr<google::protobuf::Message> NewResponse(const HttpBinding& binding);

  const std::vector<std::unique_ptr<HttpBinding>>& bindings() const { return bindings_; }

 private:
  std::vector<std::unique_ptr<HttpBinding>> bindings_;
};

// Sets the field at `dotted_path` (proto or JSON names, nested through
// singular messages) of `message` from its text form: strings as they are,
// integers in decimal, booleans true/false, enums by name or number; a
// repeated field gets one more element. INVALID_ARGUMENT naming the path.
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view dotted_path,
                              absl::string_view value);

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_TRANSCODER_H_
