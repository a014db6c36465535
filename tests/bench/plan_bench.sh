#!/usr/bin/env bash
# Brings up the demo province with the run command on its own ports and data
# directory (kept between runs in ${CHIBO_BENCH_DATA:-build/bench-demo-<scale>},
# shared with report_bench.sh, so the load happens once; the load time is
# printed when it happens), then times ProposeVisitPlan for the province's
# next quarter (tests/bench/plan_bench.cc; --period=YYYY-Qn for another).
# Stops what it started.
#
#   bash tests/bench/plan_bench.sh              # 1×: Bắc Kạn, ~2,200 cells
#   bash tests/bench/plan_bench.sh --scale=10   # 10×: Hồ Chí Minh City's size
set -euo pipefail
cd "$(dirname "$0")/../.."
source tests/bench/bench_demo.sh
cmake --build "$BUILD_DIR" -j2 --target plan_bench >/dev/null
"$BUILD_DIR/tests/bench/plan_bench" --supervision_addr=127.0.0.1:15053 \
  --data_dir="$CHIBO_DATA_DIR" "${ARGS[@]}"
