// What supervision asks of scheduling, over gRPC with the caller's token:
// one meeting, facts of some meetings, and the meeting summary of a subtree and period (what the
// compliance report is made of).
#ifndef CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_
#define CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "chibo/scheduling/v1/scheduling.grpc.pb.h"
#include "common/auth/claims.h"

namespace chibo::clients {

class SchedulingClient {
 public:
  explicit SchedulingClient(std::shared_ptr<grpc::Channel> channel);

  absl::StatusOr<scheduling::v1::Meeting> GetMeeting(const auth::Claims& caller,
                                                     absl::string_view meeting_id);
  // With `known_data_version` (of a summary the caller holds), an answer
  // with not_modified set when that is still current; with
  // `caller_confirms_tree`, one on the tree scheduling holds, which the
  // caller checks against the registry (SummarizeMeetingsRequest).
  absl::StatusOr<scheduling::v1::MeetingSummary> SummarizeMeetings(const auth::Claims& caller,
                                                                   absl::string_view org_id,
                                                                   absl::CivilMonth first,
                                                                   int months,
                                                                   absl::string_view known_data_version = "",
                                                                   bool caller_confirms_tree = false);
  // The same call, with `meanwhile` run while it is in flight (the caller's
  // own lookups overlap it; they must not depend on its answer).
  absl::StatusOr<scheduling::v1::MeetingSummary> SummarizeMeetings(const auth::Claims& caller,
                                                                   absl::string_view org_id,
                                                                   absl::CivilMonth first, int months,
                                                                   absl::string_view known_data_version,
                                                                   bool caller_confirms_tree,
                                                                   absl::FunctionRef<void()> meanwhile);
  // Calls `fn` with each meeting the request matches, page by page (one
  // page held at a time).
  absl::Status ForEachMeeting(const auth::Claims& caller, scheduling::v1::ListMeetingsRequest request,
                              const std::function<void(const scheduling::v1::Meeting&)>& fn);
  // Facts of the meetings in [from, to] under `org_id` (the tree as it was).
  absl::StatusOr<std::vector<scheduling::v1::MeetingFact>> MeetingFactsIn(
      const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
      absl::string_view to);
  // The same, each fact handed to `fn` as it arrives (none kept).
  absl::Status ForEachFactIn(const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
                             absl::string_view to, const std::function<void(const scheduling::v1::MeetingFact&)>& fn);
  // The same, only of the given meetings (any number, asked in batches).
  absl::StatusOr<std::vector<scheduling::v1::MeetingFact>> MeetingFactsOf(
      const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
      absl::string_view to, const std::vector<std::string>& meeting_ids);

 private:
  absl::Status StreamFacts(const auth::Claims& caller,
                           const scheduling::v1::StreamMeetingFactsRequest& request,
                           const std::function<void(const scheduling::v1::MeetingFact&)>& fn);
  std::unique_ptr<scheduling::v1::SchedulingService::Stub> stub_;
};

}  // namespace chibo::clients

#endif  // CHIBO_COMMON_CLIENTS_SCHEDULING_CLIENT_H_
