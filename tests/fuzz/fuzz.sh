#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DCHIBO_FUZZ=ON, in build-fuzz) and
# runs each from its seed corpus tests/fuzz/corpus/<target>. Any crash,
# sanitizer report, timeout, leak or out-of-memory fails the run (exit 1),
# leaving the input in $FUZZ_BUILD_DIR/artifacts/ and the log's tail here.
#
#   tests/fuzz/fuzz.sh                        # the smoke: every target 5 s
#   tests/fuzz/fuzz.sh --seconds 600 jwt_fuzz # a long run of one target
#   tests/fuzz/fuzz.sh --runs 10000000 --keep-corpus rrule_fuzz
#   tests/fuzz/fuzz.sh --build-only
#   tests/fuzz/fuzz.sh --list
#
# A long run keeps what it finds in $FUZZ_BUILD_DIR/corpus/<target> with
# --keep-corpus (the smoke always starts from the seeds, in a temp dir).
# Environment: FUZZ_BUILD_DIR (build-fuzz), JOBS (2), FUZZ_NICE (0: the nice
# level of the fuzzing, not of the build), FUZZ_SEED (libFuzzer's -seed: 1 for
# the smoke, random with --keep-corpus), CCACHE_DIR.
set -euo pipefail
cd "$(dirname "$0")/../.."

TARGETS_ALL=(rrule_fuzz period_fuzz page_token_fuzz jwt_fuzz csv_export_fuzz
             registry_requests_fuzz scheduling_requests_fuzz supervision_requests_fuzz)
SECONDS_EACH=5
RUNS=""
BUILD_ONLY=0
KEEP=0
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --build-only) BUILD_ONLY=1; shift ;;
    --keep-corpus) KEEP=1; shift ;;
    --list) printf '%s\n' "${TARGETS_ALL[@]}"; exit 0 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${TARGETS_ALL[@]}")

BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}
LAUNCHER=()
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  export CCACHE_BASEDIR=$(pwd) CCACHE_NOHASHDIR=true
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
CLANGXX=$(command -v clang++ || command -v clang++-14 || true)
CLANG=$(command -v clang || command -v clang-14 || true)
if [ -z "$CLANGXX" ] || [ -z "$CLANG" ]; then
  echo "fuzz.sh: clang not found (deploy/install-deps.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi

start=$(date +%s)
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHIBO_FUZZ=ON \
    -DCMAKE_CXX_COMPILER="$CLANGXX" -DCMAKE_C_COMPILER="$CLANG" "${LAUNCHER[@]}" >/dev/null
fi
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]}" >"$BUILD/fuzz-build.log" 2>&1 || {
  tail -40 "$BUILD/fuzz-build.log"; echo "fuzz.sh: build failed ($BUILD/fuzz-build.log)" >&2; exit 1; }
echo "fuzz: build took $(( $(date +%s) - start )) s"
[ "$BUILD_ONLY" = 1 ] && exit 0

# Sanitizers stop at the first report; libFuzzer turns it into a crash.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/fuzz/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

max_len() {
  case "$1" in
    *_requests_fuzz) echo 65536 ;;  # room for repeated fields past their limits
    jwt_fuzz) echo 20000 ;;          # past kMaxTokenBytes
    *) echo 4096 ;;
  esac
}

ARTIFACTS="$BUILD/artifacts"
mkdir -p "$ARTIFACTS"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
for t in "${TARGETS[@]}"; do
  seeds="tests/fuzz/corpus/$t"
  if [ "$KEEP" = 1 ]; then work="$BUILD/corpus/$t"; else work="$TMP/corpus-$t"; fi
  mkdir -p "$work"
  limit=(-max_total_time="$SECONDS_EACH")
  [ -n "$RUNS" ] && limit=(-runs="$RUNS")
  # The smoke takes the same random choices every time (a failure in CI is
  # one to replay, not luck); long runs (--keep-corpus) draw their own.
  seed=${FUZZ_SEED:-1}
  [ "$KEEP" = 1 ] && seed=${FUZZ_SEED:-0}
  log="$TMP/$t.log"
  set +e
  nice -n "${FUZZ_NICE:-0}" "$BUILD/tests/fuzz/$t" "${limit[@]}" -max_len="$(max_len "$t")" \
    -timeout=30 -rss_limit_mb=3072 -seed="$seed" -print_final_stats=1 -artifact_prefix="$ARTIFACTS/$t-" \
    "$work" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2 || true)
  if [ "$rc" -ne 0 ]; then
    failed=1
    echo "fuzz: $t FAILED (exit $rc) after ${runs:-?} runs; the input is in $ARTIFACTS/, log:"
    tail -60 "$log"
    cp "$log" "$ARTIFACTS/$t.log"
  else
    echo "fuzz: $t: ${runs:-?} runs, ${rate:-?} exec/s, coverage ${cov:-?}, peak ${rss:-?} MB, 0 crashes"
  fi
done
echo "fuzz: took $(( $(date +%s) - start )) s"
exit $failed
