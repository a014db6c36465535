#!/usr/bin/env bash
# Brings up the demo province with the run command on its own ports and data
# directory (kept between runs in ${CHIBO_BENCH_DATA:-build/bench-demo-<scale>}
# so the load happens once; the load time is printed when it happens), then
# times both reports for the province over 2025 — a whole year of the demo's
# history, which runs from January 2025 to today — against a raw SQL GROUP BY
# baseline in the same run (tests/bench/report_bench.cc; --period=YYYY for
# another year). Stops what it started.
#
#   bash tests/bench/report_bench.sh              # 1×: Bắc Kạn, ~2,400 units
#   bash tests/bench/report_bench.sh --scale=10   # 10×: Hồ Chí Minh City's size
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/bench_demo.sh
cmake --build "$BUILD_DIR" -j2 --target report_bench >/dev/null
"$BUILD_DIR/tests/bench/report_bench" --supervision_addr=127.0.0.1:15053 \
  --scheduling_addr=127.0.0.1:15052 --data_dir="$CHIBO_DATA_DIR" "${ARGS[@]}"
