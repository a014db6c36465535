#!/usr/bin/env bash
# The run command: installs what is missing, builds, and starts chibo on its
# embedded default — redis-server and the four processes (registry,
# scheduling, supervision, gateway) on SQLite files under ./data — creates
# the signing key and an admin token, loads the demo province on first
# start, and prints the dashboard's URL with a sign-in link valid for an
# hour (never the admin token itself), the token file's path and a CLI example.
# `up.sh --down` stops exactly what it started (the pids it recorded).
#
# Environment: CHIBO_DATA_DIR (./data), CHIBO_DEMO_SCALE (1 = the whole
# province), CHIBO_HTTP (127.0.0.1:8080), CHIBO_REDIS_PORT (6399),
# CHIBO_{REGISTRY,SCHEDULING,SUPERVISION}_PORT (50051..50053),
# CHIBO_MONITOR_PORTS (9101,9102,9103).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${CHIBO_DATA_DIR:-$ROOT/data}
RUN=$DATA/run
BUILD_DIR=${BUILD_DIR:-build}
REDIS_PORT=${CHIBO_REDIS_PORT:-6399}
HTTP=${CHIBO_HTTP:-127.0.0.1:8080}
DEMO_SCALE=${CHIBO_DEMO_SCALE:-1}
REGISTRY=127.0.0.1:${CHIBO_REGISTRY_PORT:-50051}
SCHEDULING=127.0.0.1:${CHIBO_SCHEDULING_PORT:-50052}
SUPERVISION=127.0.0.1:${CHIBO_SUPERVISION_PORT:-50053}
# Metrics and health of registry, scheduling, supervision.
IFS=, read -r MON_REGISTRY MON_SCHEDULING MON_SUPERVISION <<<"${CHIBO_MONITOR_PORTS:-9101,9102,9103}"

stop_all() {
  for name in gateway supervision scheduling registry redis; do
    pidfile=$RUN/$name.pid
    [ -e "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" && echo "chibo: đã dừng / stopped $name (pid $pid)"
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
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
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR=$ROOT CCACHE_NOHASHDIR=true
  LAUNCHER=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo "${LAUNCHER[@]}" >/dev/null
cmake --build "$BUILD_DIR" -j2 --target chibo-registry chibo-scheduling chibo-supervision chibo-gateway chibo chibo-demo

mkdir -p "$RUN" "$DATA/redis" "$DATA/logs"
stop_all  # a second `up` restarts cleanly

if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "chibo: cổng Redis $REDIS_PORT đang bị chiếm / a Redis already listens on $REDIS_PORT (set CHIBO_REDIS_PORT)"
  exit 1
fi
# Redis is a cache, never the record: nothing to save, so it stops at once.
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$DATA/redis" --save "" --appendonly no \
  --daemonize yes --pidfile "$RUN/redis.pid" --logfile "$DATA/logs/redis.log"
for _ in $(seq 50); do [ -s "$RUN/redis.pid" ] && break; sleep 0.1; done

# start NAME MONITOR_PORT BINARY ARGS...: runs it in the background, records
# its pid, and waits until its health check answers.
start() {
  local name=$1 monitor=$2 bin=$3
  shift 3
  if curl -fsS "http://$monitor/healthz" >/dev/null 2>&1; then
    echo "chibo: $monitor đang bị chiếm bởi tiến trình khác / is already served by another process"
    echo "       (another chibo? stop it with: CHIBO_DATA_DIR=<its data dir> bash deploy/local/up.sh --down)"
    exit 1
  fi
  nohup "$bin" --data_dir="$DATA" "$@" >>"$DATA/logs/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
  for _ in $(seq 300); do
    curl -fsS "http://$monitor/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$RUN/$name.pid")" 2>/dev/null || { echo "chibo: $name không khởi động được / failed to start:"; tail -5 "$DATA/logs/$name.log"; exit 1; }
    sleep 0.1
  done
  echo "chibo: $name did not become healthy"; exit 1
}
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
start registry 127.0.0.1:$MON_REGISTRY "$BUILD_DIR/services/registry/chibo-registry" --listen="$REGISTRY" \
  --redis_url="$REDIS_URL" --monitor_listen=127.0.0.1:$MON_REGISTRY --log_level=warn
start scheduling 127.0.0.1:$MON_SCHEDULING "$BUILD_DIR/services/scheduling/chibo-scheduling" --listen="$SCHEDULING" \
  --registry_addr="$REGISTRY" --redis_url="$REDIS_URL" --monitor_listen=127.0.0.1:$MON_SCHEDULING --log_level=warn
# start_supervision PROVINCES: the provinces whose late meetings are reminded.
start_supervision() {
  start supervision 127.0.0.1:$MON_SUPERVISION "$BUILD_DIR/services/supervision/chibo-supervision" --listen="$SUPERVISION" \
    --registry_addr="$REGISTRY" --scheduling_addr="$SCHEDULING" --redis_url="$REDIS_URL" \
    --monitor_listen=127.0.0.1:$MON_SUPERVISION --log_level=warn \
    --reminder_provinces="$1" --reminder_scan_interval="${CHIBO_REMINDER_SCAN:-1m}"
}
# While the demo's history is imported no reminders are raised: every past
# meeting is planned before its minutes are written, so a scan during the
# import would remind (and send) hundreds of thousands of "late minutes"
# about meetings recorded seconds later (at 10×, ~75 s of supervision's CPU).
# Supervision starts again with reminders once the history is in.
REMINDER_PROVINCES=${CHIBO_REMINDER_PROVINCES-tinh}
if [ -e "$DATA/demo.loaded" ]; then start_supervision "$REMINDER_PROVINCES"; else start_supervision ""; fi
start gateway "$HTTP" "$BUILD_DIR/services/gateway/chibo-gateway" --http_listen="$HTTP" \
  --registry_addr="$REGISTRY" --scheduling_addr="$SCHEDULING" --supervision_addr="$SUPERVISION" --log_level=warn

if [ ! -e "$DATA/demo.loaded" ]; then
  echo "chibo: nạp tỉnh mẫu lần đầu / loading the demo province (first start)…"
  "$BUILD_DIR/tools/demo/chibo-demo" --token_file="$DATA/admin.token" --scale="$DEMO_SCALE" \
    --registry_addr="$REGISTRY" --scheduling_addr="$SCHEDULING" --supervision_addr="$SUPERVISION" \
    --done_file="$DATA/demo.loaded"
  if [ -n "$REMINDER_PROVINCES" ]; then
    pid=$(cat "$RUN/supervision.pid")
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    start_supervision "$REMINDER_PROVINCES"
  fi
fi

# The console never shows a token nor a password: people sign in as the
# first admin with the password written to data/admin.password.
# The demo's history runs to today: the dashboard opens on the current year.
YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)
TODAY=$(TZ=Asia/Ho_Chi_Minh date +%F)
cat <<MSG

chibo đang chạy / is up (SQLite under $DATA, Redis on 127.0.0.1:$REDIS_PORT)
  Ứng dụng / app: http://$HTTP/app/   Bảng điều khiển / dashboard: http://$HTTP/?year=$YEAR
MSG
cat <<MSG
  Đăng nhập / sign in: http://$HTTP/app/login  tên / user: admin
    mật khẩu / password: trong tệp / in the file $DATA/admin.password
  Mã quản trị / admin token: $DATA/admin.token
    (dán vào ô "Mã truy cập" / paste it into the token box: cat $DATA/admin.token)
  registry $REGISTRY   scheduling $SCHEDULING   supervision $SUPERVISION
  Giám sát / monitor: 127.0.0.1:{$MON_REGISTRY,$MON_SCHEDULING,$MON_SUPERVISION} /readyz /livez /metrics

Thử / try:
  $BUILD_DIR/tools/chibo --addr=$REGISTRY --data_dir=$DATA org list tinh
  $BUILD_DIR/tools/chibo --addr=$REGISTRY --data_dir=$DATA roster cb-00-000-00 --date=$TODAY
Dừng / stop:
  bash deploy/local/up.sh --down
MSG
