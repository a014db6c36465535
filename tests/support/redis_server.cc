#include "tests/support/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace chibo::testing {
namespace {

constexpr absl::Duration kStartTimeout = absl::Seconds(10);

// One PING over a plain socket (no hiredis needed here): true on "+PONG".
bool PingOnce(int port, absl::Duration timeout) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv = absl::ToTimeval(timeout);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    constexpr std::string_view kPing = "PING\r\n";
    if (send(fd, kPing.data(), kPing.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(kPing.size())) {
      char buf[16] = {};
      size_t got = 0;
      while (got < 7) {
        ssize_t n = recv(fd, buf + got, sizeof(buf) - 1 - got, 0);
        if (n <= 0) break;
        got += static_cast<size_t>(n);
      }
      ok = std::string_view(buf, got).substr(0, 5) == "+PONG";
    }
  }
  close(fd);
  return ok;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  absl::Status last;
  // A picked port can be taken by someone else before redis binds it: retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::unique_ptr<RedisServer> server(
        new RedisServer(MakeTempDir("chibo-redis-"), PickFreePort()));
    last = server->Launch();
    if (last.ok()) return server;
  }
  return last;
}

RedisServer::~RedisServer() {
  Kill();
  RemoveTree(dir_);
}

std::string RedisServer::url() const { return absl::StrCat("redis://127.0.0.1:", port_); }

absl::Status RedisServer::Launch() {
  const std::string log = dir_ + "/redis.log";
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      {"redis-server", "--port", absl::StrCat(port_), "--bind", "127.0.0.1", "--save", "",
       "--appendonly", "no", "--dir", dir_, "--daemonize", "no"},
      log);
  if (!child.ok()) return child.status();
  process_ = *std::move(child);
  paused_ = false;
  const absl::Time deadline = absl::Now() + kStartTimeout;
  while (absl::Now() < deadline) {
    if (PingOnce(port_, absl::Milliseconds(500))) return absl::OkStatus();
    if (!process_->IsRunning()) {
      int code = process_->Stop();
      process_.reset();
      return absl::UnavailableError(absl::StrCat("redis-server on port ", port_,
                                                 " exited with code ", code, "; see ", log));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  Kill();
  return absl::DeadlineExceededError(
      absl::StrCat("redis-server on port ", port_, " did not answer PING; see ", log));
}

void RedisServer::Kill() {
  if (process_ == nullptr) return;
  if (process_->IsRunning()) kill(process_->pid(), SIGKILL);
  process_->Stop();  // reaps it
  process_.reset();
  paused_ = false;
}

absl::Status RedisServer::Restart() {
  Kill();
  // The old server's sockets may linger briefly; redis binds with
  // SO_REUSEADDR, but retry a few times in case the port is still busy.
  absl::Status status;
  for (int attempt = 0; attempt < 20; ++attempt) {
    status = Launch();
    if (status.ok()) return status;
    absl::SleepFor(absl::Milliseconds(100));
  }
  return status;
}

void RedisServer::Pause() {
  if (process_ == nullptr || paused_) return;
  kill(process_->pid(), SIGSTOP);
  paused_ = true;
}

void RedisServer::Resume() {
  if (process_ == nullptr || !paused_) return;
  kill(process_->pid(), SIGCONT);
  paused_ = false;
}

bool RedisServer::Ping() const {
  if (process_ == nullptr || paused_) return false;
  return PingOnce(port_, absl::Milliseconds(500));
}

}  // namespace chibo::testing
