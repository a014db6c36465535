// Listening sockets that refuse a port already taken. gRPC (by default) and
// cpp-httplib set SO_REUSEPORT, with which a second process binds a port
// another already serves and the kernel splits connections between them:
// two versions serve side by side, and stopping "the" server stops one.
#ifndef CHIBO_COMMON_OBSERVABILITY_LISTEN_SOCKET_H_
#define CHIBO_COMMON_OBSERVABILITY_LISTEN_SOCKET_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace chibo::observability {

// For httplib::Server::set_socket_options: SO_REUSEADDR (restart over
// TIME_WAIT) but not SO_REUSEPORT.
void ExclusiveListenSocketOptions(int fd);

// Why listening on `listen` (HOST:PORT, [V6]:PORT) failed, to log before
// exiting: UNAVAILABLE "cổng đang bận / port already in use: <listen>" when
// another socket holds the port, else the system's reason (found by trying
// to bind it once more).
absl::Status ListenFailure(absl::string_view listen);

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_LISTEN_SOCKET_H_
