#!/usr/bin/env bash
# Brings up the full demo province with the run command (its own ports and
# data directory, kept between runs in ${CHIBO_BENCH_DATA:-build/bench-demo}
# so the 80 s load happens once), then times the two reports: cold after a
# write, and cached. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${BUILD_DIR:-build}
DATA=${CHIBO_BENCH_DATA:-$BUILD_DIR/bench-demo}
export CHIBO_DATA_DIR=$(realpath -m "$DATA") CHIBO_HTTP=127.0.0.1:18080 CHIBO_REDIS_PORT=16399 \
  CHIBO_REGISTRY_PORT=15051 CHIBO_SCHEDULING_PORT=15052 CHIBO_SUPERVISION_PORT=15053 \
  CHIBO_MONITOR_PORTS=19101,19102,19103 CHIBO_DEMO_SCALE=1 BUILD_DIR
trap 'bash deploy/local/up.sh --down' EXIT
bash deploy/local/up.sh >/dev/null
cmake --build "$BUILD_DIR" -j2 --target report_bench
"$BUILD_DIR/tests/bench/report_bench" --supervision_addr=127.0.0.1:15053 \
  --token_file="$CHIBO_DATA_DIR/admin.token" "$@"
