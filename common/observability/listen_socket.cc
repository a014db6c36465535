#include "common/observability/listen_socket.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace chibo::observability {

void ExclusiveListenSocketOptions(int fd) {
  int yes = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
}

absl::Status ListenFailure(absl::string_view listen) {
  const std::string generic = absl::StrCat("cannot listen on ", listen);
  absl::string_view address = listen;
  absl::ConsumePrefix(&address, "ipv4:");
  absl::ConsumePrefix(&address, "ipv6:");
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return absl::UnavailableError(generic);
  std::string host(address.substr(0, colon));
  const std::string port(address.substr(colon + 1));
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) host = host.substr(1, host.size() - 2);

  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.empty() || host == "*" ? nullptr : host.c_str(), port.c_str(),
                           &hints, &found);
      rc != 0) {
    return absl::UnavailableError(absl::StrCat(generic, ": ", gai_strerror(rc)));
  }
  int error = 0;
  for (addrinfo* a = found; a != nullptr && error == 0; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    ExclusiveListenSocketOptions(fd);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0) error = errno;
    close(fd);
  }
  freeaddrinfo(found);
  if (error == EADDRINUSE) {
    return absl::UnavailableError(absl::StrCat("cổng đang bận / port already in use: ", listen));
  }
  if (error != 0) return absl::UnavailableError(absl::StrCat(generic, ": ", std::strerror(error)));
  return absl::UnavailableError(generic);
}

}  // namespace chibo::observability
