#!/usr/bin/env bash
# Runs the benchmarks against the build in ${BUILD_DIR:-build}:
#   1. cached GetMember vs a bare gRPC echo server, 64 calls in flight;
#   2. the activity and compliance reports for the whole demo province.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" -j2 --target get_member_bench chibo-echo-server chibo-registry
"$BUILD_DIR/tests/bench/get_member_bench" --bin_dir="$BUILD_DIR" "$@"
bash tests/bench/report_bench.sh
