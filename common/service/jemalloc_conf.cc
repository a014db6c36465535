// jemalloc's settings for the service binaries (compiled into each one that
// allocates with jemalloc: chibo_service_allocator in the top CMakeLists).
// Two arenas, as --malloc_arenas gives glibc: a pool of workers that each
// built one large report once keeps about one report's peak, not one per
// worker. Freed pages go back to the system within a second, from
// jemalloc's own background thread rather than on a request's path.
extern "C" {
// Read by jemalloc when it starts, before main (a weak symbol in libjemalloc).
extern const char* malloc_conf;
const char* malloc_conf = "narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
