#include "common/clients/scheduling_client.h"

#include "common/rpc/client.h"
#include "common/rpc/status_mapping.h"

namespace chibo::clients {
namespace {

namespace sv1 = ::chibo::scheduling::v1;
constexpr absl::Duration kCallTimeout = absl::Seconds(30);

}  // namespace

SchedulingClient::SchedulingClient(std::shared_ptr<grpc::Channel> channel)
    : stub_(sv1::SchedulingService::NewStub(channel)) {}

absl::StatusOr<sv1::Meeting> SchedulingClient::GetMeeting(const auth::Claims& caller,
                                                          absl::string_view meeting_id) {
  sv1::GetMeetingRequest request;
  request.set_id(std::string(meeting_id));
  sv1::Meeting meeting;
  grpc::Status s = stub_->GetMeeting(rpc::MakeCallerContext(caller, kCallTimeout).get(),
                                     request, &meeting);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return meeting;
}

absl::StatusOr<std::vector<sv1::MeetingFact>> SchedulingClient::MeetingFacts(
    const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
    absl::string_view to) {
  sv1::StreamMeetingFactsRequest request;
  request.set_org_unit_id(std::string(org_id));
  request.set_from(std::string(from));
  request.set_to(std::string(to));
  auto ctx = rpc::MakeCallerContext(caller, kCallTimeout);
  auto reader = stub_->StreamMeetingFacts(ctx.get(), request);
  std::vector<sv1::MeetingFact> facts;
  for (sv1::MeetingFact fact; reader->Read(&fact);) facts.push_back(std::move(fact));
  grpc::Status s = reader->Finish();
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return facts;
}

absl::StatusOr<std::string> SchedulingClient::DataVersion(const auth::Claims& caller,
                                                          absl::string_view org_id) {
  sv1::GetDataVersionRequest request;
  request.set_org_unit_id(std::string(org_id));
  sv1::DataVersion version;
  grpc::Status s = stub_->GetDataVersion(rpc::MakeCallerContext(caller, kCallTimeout).get(),
                                         request, &version);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return version.version();
}

}  // namespace chibo::clients
