// Invariant checks: an impossible state is a crash with a message, not a code
// path (Debian's Abseil 20220623 has no LOG/CHECK yet).
#ifndef CHIBO_COMMON_BASE_CHECK_H_
#define CHIBO_COMMON_BASE_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define CHIBO_CHECK(condition, message)                                                    \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s: %s\n", __FILE__, __LINE__, #condition, \
                   (message));                                                             \
      std::abort();                                                                        \
    }                                                                                      \
  } while (false)

#endif  // CHIBO_COMMON_BASE_CHECK_H_
