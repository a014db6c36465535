#include "tests/support/postgres_cluster.h"

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/support/subprocess.h"

namespace chibo::testing {
namespace {

constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";

absl::Status CommandFailed(const std::vector<std::string>& argv, const CommandResult& result) {
  return absl::InternalError(absl::StrCat("'", absl::StrJoin(argv, " "), "' exited with ",
                                          result.exit_code, ": ", result.output));
}

absl::Status Run(const std::vector<std::string>& argv, absl::Duration timeout = absl::Seconds(60)) {
  absl::StatusOr<CommandResult> result = RunCommand(argv, timeout);
  if (!result.ok()) return result.status();
  if (!result->ok()) return CommandFailed(argv, *result);
  return absl::OkStatus();
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresCluster>> PostgresCluster::Start() {
  const char* env_bin = std::getenv("CHIBO_PG_BIN");
  const std::string bin_dir = env_bin != nullptr && *env_bin != '\0' ? env_bin : kDefaultBinDir;
  if (access((bin_dir + "/initdb").c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("no PostgreSQL binaries in ", bin_dir, " (set CHIBO_PG_BIN)"));
  }
  const bool as_postgres_user = geteuid() == 0;
  std::unique_ptr<PostgresCluster> cluster(
      new PostgresCluster(MakeTempDir("chibo-pg-"), as_postgres_user));
  cluster->bin_dir_ = bin_dir;
  if (as_postgres_user) {
    const passwd* user = getpwnam("postgres");
    if (user == nullptr) {
      return absl::FailedPreconditionError(
          "running as root but there is no 'postgres' user to run the server as");
    }
    if (chown(cluster->dir_.c_str(), user->pw_uid, user->pw_gid) != 0) {
      return absl::InternalError(absl::StrCat("chown ", cluster->dir_, " failed"));
    }
  }

  if (absl::Status s = Run(cluster->AsServerUser(
          {cluster->bin("initdb"), "-D", cluster->data_dir(), "-U", "postgres", "--auth=trust",
           "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"}));
      !s.ok()) {
    return s;
  }
  {
    std::ofstream conf(cluster->data_dir() + "/postgresql.conf", std::ios::app);
    conf << "\n# chibo test cluster\n"
         << "listen_addresses = '127.0.0.1'\n"
         << "unix_socket_directories = '" << cluster->dir_ << "'\n"
         << "fsync = off\n"
         << "synchronous_commit = off\n"
         << "full_page_writes = off\n"
         << "max_connections = 200\n";
    // Extra settings for profiling a run, e.g.
    // CHIBO_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'".
    if (const char* extra = std::getenv("CHIBO_PG_EXTRA_CONF")) conf << extra << "\n";
    if (!conf) return absl::InternalError("cannot append to postgresql.conf");
  }

  const std::string log = cluster->dir_ + "/server.log";
  absl::Status last_error;
  for (int attempt = 0; attempt < 3; ++attempt) {
    cluster->port_ = PickFreePort();
    cluster->running_ = true;  // from here on the destructor stops it
    last_error = Run(cluster->AsServerUser({cluster->bin("pg_ctl"), "-D", cluster->data_dir(),
                                            "-l", log, "-o",
                                            absl::StrCat("-p ", cluster->port_), "-w", "-t",
                                            "30", "start"}));
    if (last_error.ok()) {
      // pg_ctl -w already waited; confirm the TCP listener answers.
      const absl::Time deadline = absl::Now() + absl::Seconds(15);
      while (absl::Now() < deadline) {
        absl::StatusOr<CommandResult> ready =
            RunCommand({cluster->bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p",
                        absl::StrCat(cluster->port_), "-U", "postgres", "-t", "2"});
        if (ready.ok() && ready->ok()) return cluster;
        absl::SleepFor(absl::Milliseconds(20));
      }
      last_error = absl::DeadlineExceededError("server started but pg_isready never succeeded");
    }
    // Likely the port was taken in between; stop whatever half-started.
    cluster->Stop();
  }
  return absl::Status(last_error.code(), absl::StrCat(last_error.message(),
                                                      "\nserver log:\n", ReadFile(log)));
}

PostgresCluster::~PostgresCluster() {
  Stop();
  RemoveTree(dir_);
}

void PostgresCluster::Stop() {
  if (!running_) return;
  running_ = false;
  absl::Status stopped = Run(AsServerUser({bin("pg_ctl"), "-D", data_dir(), "-m", "immediate",
                                           "-w", "-t", "30", "stop"}));
  if (stopped.ok()) return;
  // pg_ctl failed (e.g. the server never came up, or is wedged): kill the
  // postmaster this cluster started, identified by its own pid file.
  std::string pid_text = ReadFile(data_dir() + "/postmaster.pid");
  pid_text = pid_text.substr(0, pid_text.find('\n'));
  int pid = 0;
  if (absl::SimpleAtoi(absl::StripAsciiWhitespace(pid_text), &pid) && pid > 1) {
    const std::string cmdline = ReadFile(absl::StrCat("/proc/", pid, "/cmdline"));
    if (cmdline.find("postgres") != std::string::npos) kill(pid, SIGKILL);
  }
}

std::string PostgresCluster::bin(std::string_view tool) const {
  return absl::StrCat(bin_dir_, "/", std::string(tool));
}

std::vector<std::string> PostgresCluster::AsServerUser(std::vector<std::string> argv) const {
  if (!as_postgres_user_) return argv;
  std::vector<std::string> wrapped = {"runuser", "-u", "postgres", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

std::string PostgresCluster::url(std::string_view dbname) const {
  return absl::StrCat("postgresql://postgres@127.0.0.1:", port_, "/", std::string(dbname));
}

absl::StatusOr<std::string> PostgresCluster::RunSql(std::string_view sql,
                                                    std::string_view dbname) {
  std::vector<std::string> argv = {bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                                   "-h", "127.0.0.1", "-p", absl::StrCat(port_), "-U",
                                   "postgres", "-d", std::string(dbname), "-c",
                                   std::string(sql)};
  absl::StatusOr<CommandResult> result = RunCommand(argv, absl::Seconds(60));
  if (!result.ok()) return result.status();
  if (!result->ok()) return CommandFailed(argv, *result);
  return result->output;
}

absl::StatusOr<std::string> PostgresCluster::CreateDatabase(std::string_view name) {
  if (name.empty() || name.size() > 63) {
    return absl::InvalidArgumentError(absl::StrCat("bad database name '", std::string(name), "'"));
  }
  for (char c : name) {
    if (!(absl::ascii_islower(static_cast<unsigned char>(c)) ||
          absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '_')) {
      return absl::InvalidArgumentError(absl::StrCat("bad database name '", std::string(name), "'"));
    }
  }
  absl::StatusOr<std::string> created = RunSql(absl::StrCat("CREATE DATABASE ", std::string(name)));
  if (!created.ok()) return created.status();
  return url(name);
}

}  // namespace chibo::testing
