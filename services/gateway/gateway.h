// chibo-gateway's HTTP/JSON API over the services' RPCs (protobuf's JSON
// mapping), for the dashboard: reports, their CSV export, the tree and the
// meetings. The caller's bearer token is forwarded to the services, which
// apply their own auth and scope; gRPC errors map to HTTP statuses with the
// same message and field violations.
#ifndef CHIBO_SERVICES_GATEWAY_GATEWAY_H_
#define CHIBO_SERVICES_GATEWAY_GATEWAY_H_

#include <httplib.h>

#include <memory>

#include "chibo/registry/v1/registry.grpc.pb.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "chibo/supervision/v1/supervision.grpc.pb.h"
#include "common/auth/tokens.h"

namespace chibo::gateway {

struct Backends {
  std::shared_ptr<grpc::Channel> registry;
  std::shared_ptr<grpc::Channel> scheduling;
  std::shared_ptr<grpc::Channel> supervision;
};

class Gateway {
 public:
  Gateway(Backends backends, const auth::TokenVerifier* verifier);

  // Adds the API routes (/api/v1/...) and the dashboard (/) to `server`.
  void Register(httplib::Server& server);

 private:
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_;
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> scheduling_;
  std::unique_ptr<supervision::v1::SupervisionService::Stub> supervision_;
  const auth::TokenVerifier* verifier_;
};

// The HTTP status for a gRPC code (400, 401, 403, 404, 409, 503, ...).
int HttpStatusOf(grpc::StatusCode code);

}  // namespace chibo::gateway

#endif  // CHIBO_SERVICES_GATEWAY_GATEWAY_H_
