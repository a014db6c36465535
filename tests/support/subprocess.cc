#include "tests/support/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <random>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"

extern char** environ;

namespace chibo::testing {
namespace {

[[noreturn]] void Die(std::string_view what) {
  std::fprintf(stderr, "chibo::testing: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               std::strerror(errno));
  std::abort();
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// posix_spawn attributes: own process group, default signal dispositions and
// an empty signal mask (the test process may block or ignore some).
class SpawnAttributes {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&attr_);
    sigset_t none;
    sigemptyset(&none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGQUIT, SIGUSR1, SIGUSR2}) {
      sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigmask(&attr_, &none);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                         POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& argv, FileActions& actions) {
  if (argv.empty()) return absl::InvalidArgumentError("empty command");
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  SpawnAttributes attributes;
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], actions.get(), attributes.get(), args.data(), environ);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot run '", absl::StrJoin(argv, " "), "': ", std::strerror(rc)));
  }
  return pid;
}

}  // namespace

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    return absl::InternalError(absl::StrCat("pipe2: ", std::strerror(errno)));
  }
  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), fds[1], 1);
  posix_spawn_file_actions_adddup2(actions.get(), fds[1], 2);
  absl::StatusOr<pid_t> pid = Spawn(argv, actions);
  close(fds[1]);
  if (!pid.ok()) {
    close(fds[0]);
    return pid.status();
  }
  fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

  CommandResult result;
  const absl::Time deadline = absl::Now() + timeout;
  bool exited = false;
  bool eof = false;
  int wait_status = 0;
  char buffer[4096];
  auto drain = [&]() {
    while (true) {
      ssize_t n = read(fds[0], buffer, sizeof(buffer));
      if (n > 0) {
        result.output.append(buffer, n);
        continue;
      }
      if (n == 0) eof = true;
      if (n < 0 && errno == EINTR) continue;
      return;
    }
  };
  // Read until EOF, or until the command has exited (a daemon it started may
  // keep the pipe open).
  while (!eof && !exited) {
    if (absl::Now() > deadline) {
      kill(*pid, SIGKILL);
      waitpid(*pid, nullptr, 0);
      close(fds[0]);
      return absl::DeadlineExceededError(absl::StrCat("'", absl::StrJoin(argv, " "),
                                                      "' did not finish within ",
                                                      absl::FormatDuration(timeout),
                                                      "; output so far: ", result.output));
    }
    pollfd p{fds[0], POLLIN, 0};
    poll(&p, 1, 20);
    drain();
    pid_t done = waitpid(*pid, &wait_status, WNOHANG);
    if (done == *pid) exited = true;
  }
  drain();
  close(fds[0]);
  if (!exited) {
    while (waitpid(*pid, &wait_status, 0) < 0 && errno == EINTR) {
    }
  }
  result.exit_code = DecodeWaitStatus(wait_status);
  return result;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& output_path) {
  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  if (output_path.empty()) {
    posix_spawn_file_actions_addopen(actions.get(), 1, "/dev/null", O_WRONLY, 0);
  } else {
    posix_spawn_file_actions_addopen(actions.get(), 1, output_path.c_str(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  posix_spawn_file_actions_adddup2(actions.get(), 1, 2);
  absl::StatusOr<pid_t> pid = Spawn(argv, actions);
  if (!pid.ok()) return pid.status();
  return std::unique_ptr<ChildProcess>(new ChildProcess(*pid));
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::IsRunning() {
  if (exited_) return false;
  int status = 0;
  pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == pid_) {
    exited_ = true;
    exit_code_ = DecodeWaitStatus(status);
    return false;
  }
  return done == 0;
}

int ChildProcess::Stop(absl::Duration grace) {
  if (!IsRunning()) return exit_code_;
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + grace;
  while (absl::Now() < deadline) {
    if (!IsRunning()) return exit_code_;
    absl::SleepFor(absl::Milliseconds(5));
  }
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exited_ = true;
  exit_code_ = DecodeWaitStatus(status);
  return exit_code_;
}

int PickFreePort() {
  // Below the kernel's ephemeral range: a port picked there (bind to port 0)
  // and closed again can be taken as the local port of any outgoing
  // connection — another test's client — before the server binds it
  // (seen: a service failing with "address already in use" under ctest -j2).
  int ephemeral_low = 32768;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (std::fscanf(f, "%d", &ephemeral_low) != 1) ephemeral_low = 32768;
    std::fclose(f);
  }
  const int high = std::max(ephemeral_low, 12000) - 1, low = std::max(1024, high - 16000);
  thread_local std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  std::uniform_int_distribution<int> pick(low, high);
  // A port handed out stays reserved for this process's life, against
  // itself and every other test process (ctest -j2): a lock on a file named
  // after it, held until exit. A test that starts the run command binds its
  // ports only after a build of many seconds, in which another test could
  // otherwise pick and bind the same port (seen: a DashboardTest service
  // failing with "port already in use").
  static const std::string reservations = [] {
    std::error_code ec;
    std::filesystem::path dir = std::filesystem::temp_directory_path(ec) / "chibo-test-ports";
    std::filesystem::create_directories(dir, ec);
    return dir.string();
  }();
  auto reserve = [&](int port) {
    const std::string path = absl::StrCat(reservations, "/", port);
    const int lock = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock < 0) return true;  // no reservations here: the bind check alone
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
      close(lock);
      return false;  // held by this or another test process
    }
    return true;  // kept open (and locked) until the process exits
  };
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = pick(random);
    if (!reserve(port)) continue;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) Die("socket");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    const bool free = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    if (free) return port;
  }
  Die("no free port below the ephemeral range");
}

std::string MakeTempDir(std::string_view prefix) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/",
                                     std::string(prefix), "XXXXXX");
  if (mkdtemp(pattern.data()) == nullptr) Die(absl::StrCat("mkdtemp ", pattern));
  return pattern;
}

void RemoveTree(const std::string& path) {
  if (path.empty()) return;
  std::error_code error;
  std::filesystem::remove_all(path, error);
}

}  // namespace chibo::testing
