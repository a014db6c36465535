#include "common/clients/scheduling_client.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "common/rpc/client.h"
#include "common/rpc/pending_call.h"
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

absl::Status SchedulingClient::ForEachMeeting(const auth::Claims& caller, sv1::ListMeetingsRequest request,
                                              const std::function<void(const sv1::Meeting&)>& fn) {
  request.set_page_size(1000);
  do {
    sv1::ListMeetingsResponse page;
    grpc::Status s = stub_->ListMeetings(rpc::MakeCallerContext(caller, kCallTimeout).get(),
                                         request, &page);
    if (!s.ok()) return rpc::FromGrpcStatus(s);
    for (const sv1::Meeting& m : page.meetings()) fn(m);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

namespace {

sv1::SummarizeMeetingsRequest SummaryRequest(absl::string_view org_id, absl::CivilMonth first, int months,
                                             absl::string_view known_data_version, bool caller_confirms_tree) {
  sv1::SummarizeMeetingsRequest request;
  request.set_org_unit_id(std::string(org_id));
  request.set_first_month(absl::StrFormat("%04d-%02d", first.year(), first.month()));
  request.set_months(months);
  request.set_known_data_version(std::string(known_data_version));
  request.set_caller_confirms_tree(caller_confirms_tree);
  return request;
}

}  // namespace

absl::StatusOr<sv1::MeetingSummary> SchedulingClient::SummarizeMeetings(
    const auth::Claims& caller, absl::string_view org_id, absl::CivilMonth first, int months,
    absl::string_view known_data_version, bool caller_confirms_tree) {
  const sv1::SummarizeMeetingsRequest request =
      SummaryRequest(org_id, first, months, known_data_version, caller_confirms_tree);
  sv1::MeetingSummary summary;
  grpc::Status s = stub_->SummarizeMeetings(rpc::MakeCallerContext(caller, kCallTimeout).get(),
                                            request, &summary);
  if (!s.ok()) return rpc::FromGrpcStatus(s);
  return summary;
}

absl::StatusOr<sv1::MeetingSummary> SchedulingClient::SummarizeMeetings(
    const auth::Claims& caller, absl::string_view org_id, absl::CivilMonth first, int months,
    absl::string_view known_data_version, bool caller_confirms_tree, absl::FunctionRef<void()> meanwhile) {
  const sv1::SummarizeMeetingsRequest request =
      SummaryRequest(org_id, first, months, known_data_version, caller_confirms_tree);
  rpc::PendingCall<sv1::MeetingSummary> call(rpc::MakeCallerContext(caller, kCallTimeout),
                                             [&](auto* ctx, auto* cq) {
                                               return stub_->AsyncSummarizeMeetings(ctx, request, cq);
                                             });
  meanwhile();
  if (const grpc::Status& s = call.Wait(); !s.ok()) return rpc::FromGrpcStatus(s);
  return std::move(call.response());
}

absl::Status SchedulingClient::StreamFacts(const auth::Claims& caller,
                                          const sv1::StreamMeetingFactsRequest& request,
                                          const std::function<void(const sv1::MeetingFact&)>& fn) {
  auto ctx = rpc::MakeCallerContext(caller, kCallTimeout);
  auto reader = stub_->StreamMeetingFacts(ctx.get(), request);
  sv1::MeetingFact fact;
  while (reader->Read(&fact)) fn(fact);
  grpc::Status s = reader->Finish();
  return s.ok() ? absl::OkStatus() : rpc::FromGrpcStatus(s);
}

absl::StatusOr<std::vector<sv1::MeetingFact>> SchedulingClient::MeetingFactsIn(
    const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
    absl::string_view to) {
  sv1::StreamMeetingFactsRequest request;
  request.set_org_unit_id(std::string(org_id));
  request.set_from(std::string(from));
  request.set_to(std::string(to));
  std::vector<sv1::MeetingFact> facts;
  if (absl::Status s = StreamFacts(caller, request, [&](const sv1::MeetingFact& f) { facts.push_back(f); }); !s.ok()) {
    return s;
  }
  return facts;
}

absl::Status SchedulingClient::ForEachFactIn(const auth::Claims& caller, absl::string_view org_id,
                                             absl::string_view from, absl::string_view to,
                                             const std::function<void(const sv1::MeetingFact&)>& fn) {
  sv1::StreamMeetingFactsRequest request;
  request.set_org_unit_id(std::string(org_id));
  request.set_from(std::string(from));
  request.set_to(std::string(to));
  return StreamFacts(caller, request, fn);
}

absl::StatusOr<std::vector<sv1::MeetingFact>> SchedulingClient::MeetingFactsOf(
    const auth::Claims& caller, absl::string_view org_id, absl::string_view from,
    absl::string_view to, const std::vector<std::string>& meeting_ids) {
  constexpr size_t kPerCall = 1000;  // StreamMeetingFactsRequest.meeting_ids' limit
  std::vector<sv1::MeetingFact> facts;
  for (size_t at = 0; at < meeting_ids.size(); at += kPerCall) {
    sv1::StreamMeetingFactsRequest request;
    request.set_org_unit_id(std::string(org_id));
    request.set_from(std::string(from));
    request.set_to(std::string(to));
    for (size_t k = at; k < std::min(meeting_ids.size(), at + kPerCall); ++k) {
      request.add_meeting_ids(meeting_ids[k]);
    }
    if (absl::Status s = StreamFacts(caller, request, [&](const sv1::MeetingFact& f) { facts.push_back(f); });
        !s.ok()) {
      return s;
    }
  }
  return facts;
}

}  // namespace chibo::clients
