#!/usr/bin/env bash
# The web app's first page, end to end (issue 9): starts the whole system with
# the run command (deploy/local/up.sh) on free ports and a new temporary data
# directory, loads the demo province (1× by default, ~2–4 min), then
#   1. baseline: the two report calls the dashboard makes — activity and
#      compliance for `tinh` over the current year — with curl and the admin
#      token, one alone after the other and both at once (as the page does),
#      a first (cold) round and then N more;
#   2. in headless Chromium (tests/bench/app_load.mjs): the dashboard at the
#      province root until the last report is drawn (body[data-loaded]), and
#      the daily-work app (/app/, signed in as admin) until the province's
#      figures show ([data-figure=held]) — a cold first page, N warm pages in
#      the same context, and pages in fresh contexts;
#   3. the JS shipped: every .js file Vite built (web-dist), gzip -9, and each
#      entry's share (the files its HTML loads, and what they import);
# and prints a markdown table. `up.sh --down` stops what it started; the data
# directory is removed (kept, and its path printed, if the bench fails).
#
#   nice -n 10 bash tests/bench/app_bench.sh        # ROUNDS=10 FRESH=5 by default
#   ROUNDS=3 FRESH=2 CHIBO_DEMO_SCALE=0.05 bash tests/bench/app_bench.sh   # a quick look
#
# up.sh builds what it runs; its cmake calls here go through a wrapper that
# holds ${CHIBO_BUILD_LOCK:-/tmp/chibo-build.lock} (flock) while they run, so
# the bench never builds the tree at the same time as another build that
# takes the same lock — but the demo load, which takes minutes, runs unlocked.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
export BUILD_DIR=${BUILD_DIR:-build}
ROUNDS=${ROUNDS:-10}
FRESH=${FRESH:-5}
LOCK=${CHIBO_BUILD_LOCK:-/tmp/chibo-build.lock}
WORK=$(mktemp -d /tmp/chibo-app-bench.XXXXXX)
YEAR=$(TZ=Asia/Ho_Chi_Minh date +%Y)

# Eight free ports (asked of the kernel, then released).
read -r HTTP_PORT REDIS_PORT REGISTRY_PORT SCHEDULING_PORT SUPERVISION_PORT M1 M2 M3 < <(node -e '
  const net = require("net");
  (async () => {
    const servers = [];
    for (let i = 0; i < 8; i++) {
      const s = net.createServer();
      await new Promise((r) => s.listen(0, "127.0.0.1", r));
      servers.push(s);
    }
    console.log(servers.map((s) => s.address().port).join(" "));
    servers.forEach((s) => s.close());
  })();')
export CHIBO_DATA_DIR=$WORK/data CHIBO_HTTP=127.0.0.1:$HTTP_PORT CHIBO_REDIS_PORT=$REDIS_PORT \
  CHIBO_REGISTRY_PORT=$REGISTRY_PORT CHIBO_SCHEDULING_PORT=$SCHEDULING_PORT \
  CHIBO_SUPERVISION_PORT=$SUPERVISION_PORT CHIBO_MONITOR_PORTS=$M1,$M2,$M3 \
  CHIBO_DEMO_SCALE=${CHIBO_DEMO_SCALE:-1}
BASE=http://$CHIBO_HTTP

ok=0
cleanup() {
  bash deploy/local/up.sh --down >/dev/null 2>&1 || true
  if [ "$ok" = 1 ]; then
    rm -rf "$WORK"
  else
    echo "app_bench: failed; its data, logs and outputs are kept in $WORK" >&2
  fi
}
trap cleanup EXIT

mkdir -p "$WORK/bin"
REAL_CMAKE=$(command -v cmake)
cat >"$WORK/bin/cmake" <<EOF
#!/bin/sh
exec flock -o "$LOCK" "$REAL_CMAKE" "\$@"
EOF
chmod +x "$WORK/bin/cmake"

machine() { echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
echo "app_bench: $(machine); data $CHIBO_DATA_DIR, gateway $BASE, demo at ${CHIBO_DEMO_SCALE}×"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
# What is measured: the commit, and any uncommitted change to what the
# gateway and its web app are built from.
SOURCE="commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
DIRTY=$(git status --porcelain -- services/gateway proto common 2>/dev/null | awk '{ print $2 }' | tr '\n' ' ')
[ -z "$DIRTY" ] || SOURCE="$SOURCE, with uncommitted changes to $DIRTY"
t0=$(date +%s)
if ! PATH=$WORK/bin:$PATH bash deploy/local/up.sh >"$WORK/up.log" 2>&1; then
  tail -40 "$WORK/up.log" >&2
  exit 1
fi
UP_SECONDS=$(( $(date +%s) - t0 ))
echo "app_bench: up and the demo loaded in ${UP_SECONDS} s (build check included)"
TOKEN=$(head -1 "$CHIBO_DATA_DIR/admin.token")
PASSWORD=$(head -1 "$CHIBO_DATA_DIR/admin.password")

# ---------------------------------------------------------------- baseline
# Each line of baseline.tsv: what, round (0 = the first read since start),
# ms, bytes of the answer.
Q="org_unit_id=tinh&period=$YEAR"
AUTH="Authorization: Bearer $TOKEN"
one() {  # one() NAME ROUND: one report alone
  curl -sS --fail -o /dev/null -H "$AUTH" -w "$1\t$2\t%{time_total}\t%{size_download}\n" "$BASE/api/v1/reports/$1?$Q"
}
for round in $(seq 0 "$ROUNDS"); do
  one activity "$round"
  one compliance "$round"
  # Both at once, as the dashboard asks them (Promise.all): the pair took
  # as long as the slower of the two. (curl 7.88 draws its parallel progress
  # meter on stderr even with -s: stderr is dropped, the status checked below.)
  curl -s --parallel --parallel-immediate -H "$AUTH" -w "%{time_total}\t%{size_download}\t%{http_code}\n" \
    -o /dev/null "$BASE/api/v1/reports/activity?$Q" -o /dev/null "$BASE/api/v1/reports/compliance?$Q" 2>/dev/null |
    sort -g | awk -v r="$round" -F'\t' '$3 != 200 { print "app_bench: HTTP " $3 " from a report" > "/dev/stderr"; bad = 1; exit 1 }
                                         { t = $1; bytes += $2 }
                                         END { if (!bad) print "pair\t" r "\t" t "\t" bytes }'
done | awk -F'\t' -v OFS='\t' '{ $3 = $3 * 1000; print }' >"$WORK/baseline.tsv"
echo "app_bench: baseline done ($(( ROUNDS + 1 )) rounds of the report calls)"

# ---------------------------------------------------------------- browser
LOAD_BROWSER=$(cut -d' ' -f1-3 /proc/loadavg)
node tests/bench/app_load.mjs "$BASE" "$TOKEN" "$YEAR" "$PASSWORD" "$ROUNDS" "$FRESH" >"$WORK/page.json"

# ---------------------------------------------------------------- JS shipped
DIST=$BUILD_DIR/services/gateway/web-dist
find "$DIST" -name '*.js' | sort | while read -r f; do
  printf '%s\t%s\t%s\n' "${f#"$DIST"}" "$(wc -c <"$f")" "$(gzip -9 -c <"$f" | wc -c)"
done >"$WORK/js.tsv"

# ---------------------------------------------------------------- table
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
SOURCE=$SOURCE YEAR=$YEAR UP_SECONDS=$UP_SECONDS LOAD_START=$LOAD_START LOAD_BROWSER=$LOAD_BROWSER LOAD_END=$LOAD_END \
  node - "$WORK" "$DIST" <<'JS'
const fs = require('fs');
const path = require('path');
const [work, dist] = process.argv.slice(2);
const env = process.env;
const page = JSON.parse(fs.readFileSync(`${work}/page.json`, 'utf8'));
const baseline = fs.readFileSync(`${work}/baseline.tsv`, 'utf8').trim().split('\n')
  .map((l) => l.split('\t')).map(([what, round, ms, bytes]) => ({ what, round: +round, ms: +ms, bytes: +bytes }));
const js = fs.readFileSync(`${work}/js.tsv`, 'utf8').trim().split('\n')
  .map((l) => l.split('\t')).map(([file, raw, gz]) => ({ file, raw: +raw, gz: +gz }));

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const f1 = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
const stats = (xs) => ({ n: xs.length, min: Math.min(...xs), med: median(xs), max: Math.max(...xs) });
const mmm = (s) => `${f1(s.min)} / ${f1(s.med)} / ${f1(s.max)}`;
const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const num = (n) => n.toLocaleString('en-US');

const base = (what, warm = true) => stats(baseline.filter((b) => b.what === what && (warm ? b.round > 0 : b.round === 0)).map((b) => b.ms));
const pair = base('pair');
const compliance = base('compliance');
const rows = [];
const pageRow = (label, list, denom, denomName) => {
  if (list.length === 0) return;
  const s = stats(list.map((r) => r.ms));
  const o = stats(list.map((r) => r.outer));
  rows.push(`| ${label} | ${s.n} | ${mmm(s)} | ${f1(o.med)} | ${denom ? `${(s.med / denom.med).toFixed(0)}× ${denomName}` : ''} |`);
};
const dash = (round) => page.dashboard.filter((r) => r.round === round);
const app = (round) => page.app.filter((r) => r.round === round);

console.log(`\n## chibo web app: first page load, demo at ${env.CHIBO_DEMO_SCALE}× (tinh, ${env.YEAR})\n`);
console.log(`Built from ${env.SOURCE}.\n`);
console.log(`Machine: ${require('os').cpus().length} cores (${require('os').cpus()[0].model.trim()}); load average ` +
  `${env.LOAD_START} at start, ${env.LOAD_BROWSER} before the browser, ${env.LOAD_END} at the end. ` +
  `System up and the demo loaded in ${env.UP_SECONDS} s.\n`);
console.log('| page (navigation start → drawn) | rounds | min / median / max ms | driver\'s clock, median ms | median ÷ baseline median |');
console.log('|---|---|---|---|---|');
pageRow('dashboard, cold: first page of a new browser, empty cache', dash('cold'), pair, 'the pair');
pageRow('**dashboard, warm**: a new page in the same context', dash('warm'), pair, 'the pair');
pageRow('dashboard, fresh context (empty cache, warm browser)', dash('fresh'), pair, 'the pair');
pageRow('app sign-in page, cold (/app/login until the form shows)', app('login'));
pageRow('app, sign-in submitted → province figures shown', app('signin'), compliance, 'compliance');
pageRow('**app /app/, warm**: a new page in the same context', app('warm'), compliance, 'compliance');
pageRow('app /app/, fresh context (empty cache; the service worker installs during the page)', app('fresh'), compliance, 'compliance');
rows.forEach((r) => console.log(r));

console.log('\n| baseline (curl, bearer token, org tinh, period ' + env.YEAR + ') | rounds | min / median / max ms | answer bytes |');
console.log('|---|---|---|---|');
for (const [what, label] of [['pair', 'activity + compliance at once (the slower of the two)'],
  ['activity', 'GET /api/v1/reports/activity'], ['compliance', 'GET /api/v1/reports/compliance']]) {
  const b = baseline.filter((x) => x.what === what);
  console.log(`| ${label} | ${b.length - 1} | ${mmm(base(what))} | ${num(b[0].bytes)} |`);
}
console.log(`| first read after start: activity, compliance | 1 | ${f1(base('activity', false).med)}, ${f1(base('compliance', false).med)} | |`);

// What each page asked for, warm: the median of each request's duration.
const perRequest = (list) => {
  const by = new Map();
  for (const r of list) for (const q of r.requests) {
    const key = q.path.replace(/\?.*/, '');
    if (!by.has(key)) by.set(key, { ms: [], start: [], cached: 0, worker: 0 });
    const e = by.get(key);
    e.ms.push(q.ms); e.start.push(q.start);
    if (q.transfer === 0 && !q.worker) e.cached++;
    if (q.worker) e.worker++;
  }
  return [...by].sort((a, b) => median(a[1].start) - median(b[1].start));
};
for (const [name, list] of [['dashboard, warm', dash('warm')], ['app /app/, warm', app('warm')],
  ['dashboard, fresh context', dash('fresh')], ['app /app/, fresh context', app('fresh')]]) {
  console.log(`\n| ${name}: request | per page | starts at, median ms | takes, min / median / max ms | from the HTTP cache | via the service worker |`);
  console.log('|---|---|---|---|---|---|');
  for (const [p, e] of perRequest(list)) {
    console.log(`| ${p} | ${(e.ms.length / list.length).toFixed(0)} | ${f1(median(e.start))} | ${mmm(stats(e.ms))} | ${e.cached}/${e.ms.length} | ${e.worker}/${e.ms.length} |`);
  }
}

// The JS shipped, and each entry's share: the .js files its HTML loads and,
// in turn, what they import.
const closure = (html) => {
  const seen = new Set();
  const todo = [...fs.readFileSync(path.join(dist, html), 'utf8').matchAll(/(?:src|href)="(\/[^"]+\.js)"/g)].map((m) => m[1]);
  while (todo.length) {
    const f = todo.pop();
    if (seen.has(f) || !fs.existsSync(path.join(dist, f))) continue;
    seen.add(f);
    const text = fs.readFileSync(path.join(dist, f), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) todo.push(path.posix.join(path.posix.dirname(f), m[1]));
  }
  return seen;
};
const entries = [['dashboard (/)', closure('index.html')], ['app (/app/)', closure('app/index.html')]];
console.log('\n| JS file (web-dist) | bytes | gzip -9 | loaded by |');
console.log('|---|---|---|---|');
for (const j of js) {
  const by = entries.filter(([, s]) => s.has(j.file)).map(([n]) => n.replace(/ .*/, ''));
  console.log(`| ${j.file} | ${num(j.raw)} | ${num(j.gz)} | ${by.join(', ') || (j.file.endsWith('/sw.js') ? 'service worker' : '—')} |`);
}
for (const [name, s] of entries) {
  const gz = js.filter((j) => s.has(j.file)).reduce((a, j) => a + j.gz, 0);
  console.log(`| **${name} entry** | ${num(js.filter((j) => s.has(j.file)).reduce((a, j) => a + j.raw, 0))} | **${num(gz)} (${kib(gz)})** | |`);
}
const total = js.reduce((a, j) => a + j.gz, 0);
console.log(`| **every .js file** | ${num(js.reduce((a, j) => a + j.raw, 0))} | **${num(total)} (${kib(total)})** | |`);
const enc = [...new Set(page.js.map((j) => j.encoding))];
console.log(`\nJS as served by the gateway: Content-Encoding ${enc.join(', ') || '?'} ` +
  `(${page.js.map((j) => `${j.path} ${j.contentLength === null ? '?' : num(j.contentLength)} B`).join(', ')}).`);

const dw = stats(dash('warm').map((r) => r.ms));
const aw = stats(app('warm').map((r) => r.ms));
console.log(`\nGoals: dashboard warm median ${f1(dw.med)} ms, max ${f1(dw.max)} ms (goal < 1000 ms: ${dw.max < 1000 ? 'met' : dw.med < 1000 ? 'met by the median' : 'NOT met'}); ` +
  `app warm median ${f1(aw.med)} ms (${aw.max < 1000 ? 'under 1 s' : 'over 1 s at worst'}); ` +
  `JS ${kib(total)} gzipped in all (goal < 250 KB: ${total < 250 * 1000 ? 'met' : 'NOT met'}).`);
const counts = new Map();
for (const p of page.problems) { const k = p.replace(/^[^:]*: /, ''); counts.set(k, (counts.get(k) || 0) + 1); }
console.log(counts.size === 0 ? '\nNo console error, page error, failed request or HTTP error on any page.'
  : `\nSeen on the pages (× times):\n${[...counts].map(([k, n]) => `- ${k} (× ${n})`).join('\n')}`);
if (page.appHeld) console.log(`\nThe app's province figure "held": ${page.appHeld}.`);
JS
ok=1
