// What supervision asks of scheduling, over gRPC with the caller's token:
// one meeting, the per-meeting facts of a subtree and period, and the
// subtree's data version (which keys report caches).
#ifndef CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_
#define CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "common/auth/claims.h"

namespace chibo::clients {

class SchedulingClient {
 public:
  explicit SchedulingClient(std::shared_ptr<grpc::Channel> channel);

  absl::StatusOr<scheduling::v1::Meeting> GetMeeting(const auth::Claims& caller,
                                                     absl::string_view meeting_id);
  absl::StatusOr<std::vector<scheduling::v1::MeetingFact>> MeetingFacts(
      const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
      absl::string_view to);
  absl::StatusOr<std::string> DataVersion(const auth::Claims& caller, absl::string_view org_id);

 private:
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> stub_;
};

}  // namespace chibo::clients

#endif  // CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_
