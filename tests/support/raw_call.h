// Calls a unary method by name with raw request bytes, bypassing the typed
// stubs: how the contract tests walk every method of a service descriptor.
#ifndef CHIBO_TESTS_SUPPORT_RAW_CALL_H_
#define CHIBO_TESTS_SUPPORT_RAW_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

namespace chibo::testing {

// `method` is "/package.Service/Method".
grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& request_bytes, grpc::ClientContext* context);

}  // namespace chibo::testing

#endif  // CHIBO_TESTS_SUPPORT_RAW_CALL_H_
