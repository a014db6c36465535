#!/usr/bin/env bash
# The test command: installs what is missing, configures and builds with
# ccache, runs every test through ctest, then the fuzz smoke (every libFuzzer
# target of tests/fuzz for a few seconds, built with clang in build-fuzz), and
# exits non-zero on any failure.
#
#   tests/run.sh              # what CI runs
#   tests/run.sh --sanitize   # the same suite built with ASan + UBSan in
#                             # build-asan (or CHIBO_SANITIZE=1)
#   tests/run.sh --no-fuzz    # without the fuzz smoke (or CHIBO_FUZZ_SMOKE=0)
set -euo pipefail
cd "$(dirname "$0")/.."

SANITIZE=${CHIBO_SANITIZE:-0}
FUZZ_SMOKE=${CHIBO_FUZZ_SMOKE:-1}
for arg in "$@"; do
  case "$arg" in
    --sanitize) SANITIZE=1 ;;
    --no-fuzz) FUZZ_SMOKE=0 ;;
    *) echo "usage: tests/run.sh [--sanitize] [--no-fuzz]" >&2; exit 2 ;;
  esac
done

bash deploy/install-deps.sh
# The tests' JavaScript checkers (ical.js, playwright-core), pinned by package-lock.json.
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

JOBS=${JOBS:-2}
CONFIG=()
if [ "$SANITIZE" = 1 ]; then
  BUILD_DIR=${BUILD_DIR:-build-asan}
  CONFIG=(-DCHIBO_SANITIZE=ON)
  # Every test and every service binary the tests start stops at the first
  # report. LeakSanitizer works here (ptrace is allowed); a leak fails the
  # process that leaked at its exit (tests/fuzz/lsan.supp: Debian's libraries).
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
  export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/fuzz/lsan.supp:print_suppressions=0}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
  BUILD_DIR=${BUILD_DIR:-build}
fi
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  # Hits across clones in other directories (CI builds a fresh clone).
  export CCACHE_BASEDIR=$(pwd) CCACHE_NOHASHDIR=true
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
else
  LAUNCHER=()
fi

start=$(date +%s)
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${CONFIG[@]}" "${LAUNCHER[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS"
built=$(date +%s)
echo "chibo: build took $((built - start)) s"

(cd "$BUILD_DIR" && ctest --output-on-failure -j"$JOBS" --timeout 600)
tested=$(date +%s)
echo "chibo: tests took $((tested - built)) s"

if [ "$FUZZ_SMOKE" = 1 ]; then
  bash tests/fuzz/fuzz.sh --seconds "${CHIBO_FUZZ_SECONDS:-5}"
  echo "chibo: fuzz smoke took $(( $(date +%s) - tested )) s"
fi
