#!/usr/bin/env bash
# The test command: installs what is missing, configures and builds with
# ccache, runs every test through ctest, and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/install-deps.sh
# The tests' JavaScript checkers (ical.js, playwright-core), pinned by package-lock.json.
if [ ! -d tests/e2e/node_modules ] || [ tests/e2e/package-lock.json -nt tests/e2e/node_modules ]; then
  (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
fi

BUILD_DIR=${BUILD_DIR:-build}
JOBS=${JOBS:-2}
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
  # Hits across clones in other directories (CI builds a fresh clone).
  export CCACHE_BASEDIR=$(pwd) CCACHE_NOHASHDIR=true
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
else
  LAUNCHER=()
fi

start=$(date +%s)
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${LAUNCHER[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j"$JOBS"
built=$(date +%s)
echo "chibo: build took $((built - start)) s"

cd "$BUILD_DIR"
ctest --output-on-failure -j"$JOBS" --timeout 600
echo "chibo: tests took $(( $(date +%s) - built )) s"
