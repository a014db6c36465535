#!/usr/bin/env bash
# Runs the benchmarks against the build in ${BUILD_DIR:-build}: cached
# GetMember vs a bare gRPC echo server, 64 calls in flight, same machine.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
cmake --build "$BUILD_DIR" -j2 --target get_member_bench chibo-echo-server chibo-registry
"$BUILD_DIR/tests/bench/get_member_bench" --bin_dir="$BUILD_DIR" "$@"
