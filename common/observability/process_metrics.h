// The process's own figures in the names Prometheus client libraries use
// (process_resident_memory_bytes, process_open_fds, ...), read from /proc
// each time /metrics is scraped.
#ifndef CHIBO_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
#define CHIBO_COMMON_OBSERVABILITY_PROCESS_METRICS_H_

#include <string>

namespace chibo::observability {

// Prometheus text: process_resident_memory_bytes, process_virtual_memory_bytes,
// process_threads, process_open_fds, process_max_fds,
// process_start_time_seconds, process_cpu_seconds_total. A figure /proc
// cannot give is left out.
std::string RenderProcessMetrics();

}  // namespace chibo::observability

#endif  // CHIBO_COMMON_OBSERVABILITY_PROCESS_METRICS_H_
