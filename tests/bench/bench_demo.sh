# What the demo benchmarks share (sourced by report_bench.sh and
# plan_bench.sh, from the repository's root): --scale=N (default 1) and the
# other arguments in ARGS; the demo province brought up with the run command
# on the bench's own ports and data directory
# (${CHIBO_BENCH_DATA:-build/bench-demo-<scale>}, kept between runs so the
# load happens once; its time is printed when it happens), on fresh
# processes; stopped again when the script exits.
SCALE=1
ARGS=()
for a in "$@"; do
  case "$a" in
    --scale=*) SCALE=${a#--scale=} ;;
    *) ARGS+=("$a") ;;
  esac
done
BUILD_DIR=${BUILD_DIR:-build}
DATA=${CHIBO_BENCH_DATA:-$BUILD_DIR/bench-demo-$SCALE}
export CHIBO_DATA_DIR=$(realpath -m "$DATA") CHIBO_HTTP=127.0.0.1:18080 CHIBO_REDIS_PORT=16399 \
  CHIBO_REGISTRY_PORT=15051 CHIBO_SCHEDULING_PORT=15052 CHIBO_SUPERVISION_PORT=15053 \
  CHIBO_MONITOR_PORTS=19101,19102,19103 CHIBO_DEMO_SCALE=$SCALE BUILD_DIR
trap 'bash deploy/local/up.sh --down >/dev/null' EXIT
# A demo loaded before its history ran to today (one year, 2025) is loaded again.
if [ -e "$CHIBO_DATA_DIR/demo.loaded" ] && ! grep -q ' until ' "$CHIBO_DATA_DIR/demo.loaded"; then
  echo "demo at ${SCALE}×: $CHIBO_DATA_DIR holds the one-year demo; loading it again"
  bash deploy/local/up.sh --down >/dev/null
  rm -rf "$CHIBO_DATA_DIR"
fi
fresh=0
[ -e "$CHIBO_DATA_DIR/demo.loaded" ] || fresh=1
start=$(date +%s)
# Fresh processes (the data is kept): their memory is what the reports use,
# not what loading the demo left behind.
bash deploy/local/up.sh --down >/dev/null
bash deploy/local/up.sh >/dev/null
if [ "$fresh" = 1 ]; then
  echo "demo at ${SCALE}×: up and loaded in $(( $(date +%s) - start )) s (build included)"
fi
