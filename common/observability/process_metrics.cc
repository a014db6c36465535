#include "common/observability/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace chibo::observability {
namespace {

std::string ReadProcFile(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Append(std::string* out, absl::string_view name, absl::string_view type,
            absl::string_view help, absl::string_view value) {
  absl::StrAppend(out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", type, "\n", name, " ",
                  value, "\n");
}

int64_t OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return -1;
  int64_t n = 0;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // not the one opendir holds
}

}  // namespace

std::string RenderProcessMetrics() {
  std::string out;
  const long page = sysconf(_SC_PAGESIZE);
  const long ticks = sysconf(_SC_CLK_TCK);

  // /proc/self/stat: "pid (comm) state ..."; comm may hold spaces, so count
  // fields after the last ')': [0] is field 3 (state), [n] is field n + 3.
  const std::string stat = ReadProcFile("/proc/self/stat");
  const size_t paren = stat.rfind(')');
  std::vector<std::string> f;
  if (paren != std::string::npos) {
    f = absl::StrSplit(absl::string_view(stat).substr(paren + 1), ' ', absl::SkipWhitespace());
  }
  auto field = [&](int number, int64_t* value) {
    const size_t i = static_cast<size_t>(number - 3);
    return i < f.size() && absl::SimpleAtoi(f[i], value);
  };
  int64_t utime = 0, stime = 0, threads = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  if (field(24, &rss_pages) && page > 0) {
    Append(&out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
           absl::StrCat(rss_pages * page));
  }
  if (field(23, &vsize)) {
    Append(&out, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.",
           absl::StrCat(vsize));
  }
  if (field(20, &threads)) {
    Append(&out, "process_threads", "gauge", "Number of OS threads in the process.",
           absl::StrCat(threads));
  }
  if (field(14, &utime) && field(15, &stime) && ticks > 0) {
    Append(&out, "process_cpu_seconds_total", "counter",
           "Total user and system CPU time spent in seconds.",
           absl::StrFormat("%.2f", static_cast<double>(utime + stime) / ticks));
  }
  if (int64_t fds = OpenFds(); fds >= 0) {
    Append(&out, "process_open_fds", "gauge", "Number of open file descriptors.",
           absl::StrCat(fds));
  }
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY) {
    Append(&out, "process_max_fds", "gauge", "Maximum number of open file descriptors.",
           absl::StrCat(r.rlim_cur));
  }
  // Start time: boot time (btime in /proc/stat) + field 22, in clock ticks.
  int64_t boot = 0;
  for (absl::string_view line : absl::StrSplit(ReadProcFile("/proc/stat"), '\n')) {
    if (absl::ConsumePrefix(&line, "btime ") && absl::SimpleAtoi(line, &boot)) break;
  }
  if (boot > 0 && field(22, &start_ticks) && ticks > 0) {
    Append(&out, "process_start_time_seconds", "gauge",
           "Start time of the process since unix epoch in seconds.",
           absl::StrFormat("%.2f", boot + static_cast<double>(start_ticks) / ticks));
  }
  return out;
}

}  // namespace chibo::observability
