#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts chibo on its
# embedded default (SQLite files and keys under ./data, a local redis-server
# for the cache). `up.sh --down` stops exactly what it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${CHIBO_DATA_DIR:-$ROOT/data}
RUN=$DATA/run
BUILD_DIR=${BUILD_DIR:-build}
REDIS_PORT=${CHIBO_REDIS_PORT:-6399}
REGISTRY_ADDR=${CHIBO_REGISTRY_ADDR:-127.0.0.1:50051}
REGISTRY_MONITOR=${CHIBO_REGISTRY_MONITOR:-127.0.0.1:9101}

stop_all() {
  for pidfile in "$RUN"/*.pid; do
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    name=$(basename "$pidfile" .pid)
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" && echo "chibo: stopped $name (pid $pid)"
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  done
}

if [ "${1:-}" = "--down" ]; then
  stop_all
  exit 0
fi

bash deploy/install-deps.sh
LAUNCHER=()
command -v ccache >/dev/null && LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${LAUNCHER[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j2 --target chibo-registry chibo

mkdir -p "$RUN" "$DATA/redis" "$DATA/logs"
stop_all  # a second `up` restarts cleanly

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" --save 60 1000 \
  --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$DATA/logs/redis.log"
for _ in $(seq 50); do [ -s "$RUN/redis.pid" ] && break; sleep 0.1; done

nohup "$BUILD_DIR/services/registry/chibo-registry" --listen="$REGISTRY_ADDR" --data_dir="$DATA" \
  --redis_url="redis://127.0.0.1:$REDIS_PORT" --monitor_listen="$REGISTRY_MONITOR" \
  >>"$DATA/logs/registry.log" 2>&1 &
echo $! >"$RUN/registry.pid"

for _ in $(seq 100); do
  curl -fsS "http://$REGISTRY_MONITOR/healthz" >/dev/null 2>&1 && break
  kill -0 "$(cat "$RUN/registry.pid")" 2>/dev/null || { echo "chibo-registry failed to start:"; tail -5 "$DATA/logs/registry.log"; exit 1; }
  sleep 0.1
done

cat <<MSG

chibo is up (embedded default: SQLite under $DATA, Redis on 127.0.0.1:$REDIS_PORT)
  registry   grpc://$REGISTRY_ADDR     metrics http://$REGISTRY_MONITOR/metrics
  admin token: $DATA/admin.token (the CLI reads it from there when run from $ROOT)

Try:
  $BUILD_DIR/tools/chibo org create --id=tinh --kind=PROVINCE --name="Đảng bộ tỉnh" --opened_on=2020-01-01
  $BUILD_DIR/tools/chibo org list tinh --subtree
Stop:
  bash deploy/local/up.sh --down
MSG
