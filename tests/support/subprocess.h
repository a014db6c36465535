// Process helpers for tests that start real servers (redis-server, a
// throwaway PostgreSQL): run a command to completion, keep a server running
// for the length of a test, pick a free port, make and remove temp dirs.
//
//   auto dir = MakeTempDir("redis-");
//   int port = PickFreePort();
//   auto server = ChildProcess::Start(
//       {"redis-server", "--port", std::to_string(port), "--dir", dir},
//       dir + "/redis.log");
//   ...                      // ~ChildProcess stops it: SIGTERM, then SIGKILL
//   RemoveTree(dir);
#ifndef CHIBO_TESTS_SUPPORT_SUBPROCESS_H_
#define CHIBO_TESTS_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace chibo::testing {

struct CommandResult {
  int exit_code = 0;   // 128 + signal number if the command was killed
  std::string output;  // stdout and stderr, interleaved
  bool ok() const { return exit_code == 0; }
};

// Runs `argv` (argv[0] is looked up in PATH), with stdin from /dev/null, and
// waits for it. An error status only when it cannot be started or outlives
// `timeout` (it is then killed); a non-zero exit is reported in exit_code.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout = absl::Seconds(120));

// A long-running child in its own process group. Stopping it signals exactly
// that child (not its group, not anything by name), so start the server
// binary itself rather than through `sh -c`, or its own children outlive it.
class ChildProcess {
 public:
  // Starts `argv` (looked up in PATH) with stdin from /dev/null and
  // stdout/stderr appended to `output_path` (discarded when empty).
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const std::string& output_path = "");

  ~ChildProcess();  // Stop()
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  // False once the child has exited (reaps it).
  bool IsRunning();

  // Sends SIGTERM, waits up to `grace`, then SIGKILL, and reaps the child.
  // Returns its exit code (128 + signal when killed). Idempotent.
  int Stop(absl::Duration grace = absl::Seconds(5));

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_;
  bool exited_ = false;
  int exit_code_ = 0;
};

// A TCP port on 127.0.0.1 that was free a moment ago: a random one below the
// kernel's ephemeral range (so no outgoing connection takes it meanwhile),
// tried by bind and closed. Another test may still pick it before the caller
// binds it, with a chance of about one in 16,000.
int PickFreePort();

// Creates a fresh directory $TMPDIR/<prefix>XXXXXX (mode 0700) and returns its
// path. Crashes if that fails: a test cannot go on without it.
std::string MakeTempDir(std::string_view prefix);

// Removes `path` and everything under it; missing paths are fine.
void RemoveTree(const std::string& path);

}  // namespace chibo::testing

#endif  // CHIBO_TESTS_SUPPORT_SUBPROCESS_H_
