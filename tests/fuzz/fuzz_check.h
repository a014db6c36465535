// A failed property aborts the fuzz target with a message, so libFuzzer
// saves the input as a crash (and the smoke in tests/run.sh fails).
#ifndef CHIBO_TESTS_FUZZ_FUZZ_CHECK_H_
#define CHIBO_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, ...)                                                   \
  do {                                                                          \
    if (!(cond)) {                                                              \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, "  " __VA_ARGS__);                                   \
      std::fprintf(stderr, "\n");                                               \
      std::abort();                                                             \
    }                                                                           \
  } while (0)

#endif  // CHIBO_TESTS_FUZZ_FUZZ_CHECK_H_
