// absl::Status <-> grpc::Status, keeping google.rpc details (BadRequest,
// ErrorInfo) in the standard `grpc-status-details-bin` trailer.
#ifndef CHIBO_COMMON_RPC_STATUS_MAPPING_H_
#define CHIBO_COMMON_RPC_STATUS_MAPPING_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace chibo::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace chibo::rpc

#endif  // CHIBO_COMMON_RPC_STATUS_MAPPING_H_
