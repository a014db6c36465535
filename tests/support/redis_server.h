// A throwaway redis-server for tests: a free 127.0.0.1 port, no persistence,
// a temp dir for its files and log. Killed and cleaned up on destruction.
//
//   auto redis = RedisServer::Start();
//   ASSERT_TRUE(redis.ok()) << redis.status();
//   options.url = (*redis)->url();   // redis://127.0.0.1:<port>
//   (*redis)->Kill();                // Redis "crashes"
//   ASSERT_TRUE((*redis)->Restart().ok());  // back, same port, empty
#ifndef CHIBO_TESTS_SUPPORT_REDIS_SERVER_H_
#define CHIBO_TESTS_SUPPORT_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/support/subprocess.h"

namespace chibo::testing {

class RedisServer {
 public:
  // Starts redis-server (from PATH) and waits until it answers PING.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Start();

  ~RedisServer();  // kills the server, removes the temp dir
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // redis://127.0.0.1:<port>

  // SIGKILLs exactly the server process this object started and reaps it.
  // Idempotent.
  void Kill();
  // Starts a fresh (empty) server on the same port after Kill(); kills the
  // running one first if there is one. Waits until it answers PING.
  absl::Status Restart();

  // SIGSTOP / SIGCONT: the server keeps its sockets but stops answering,
  // which is how a "slow" Redis looks to a client.
  void Pause();
  void Resume();

  // Whether it answers PING right now.
  bool Ping() const;

 private:
  RedisServer(std::string dir, int port) : dir_(std::move(dir)), port_(port) {}
  absl::Status Launch();

  std::string dir_;
  int port_;
  std::unique_ptr<ChildProcess> process_;
  bool paused_ = false;
};

}  // namespace chibo::testing

#endif  // CHIBO_TESTS_SUPPORT_REDIS_SERVER_H_
