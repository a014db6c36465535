#!/usr/bin/env bash
# Installs the Debian 12 packages chibo builds, runs and tests with, and
# nothing else; does nothing when they are all present.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config ccache git openssl curl
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto
  libabsl-dev libhiredis-dev redis-server libpq-dev postgresql libsqlite3-dev sqlite3
  libjwt-dev libical-dev libspdlog-dev libcpp-httplib-dev
  nlohmann-json3-dev  # token claims are parsed as JSON
  libsodium-dev  # account passwords (Argon2id)
  liblemon-dev  # the visit planner's min-cost flow (network simplex)
  libjemalloc-dev  # the services' allocator (less time in malloc, flatter tail latency)
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev  # libFuzzer targets and the sanitizer build (tests/fuzz)
  chromium  # the dashboard's end-to-end test drives it headless
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the independent checkers of the tests (ical.js); keep any
# Node.js already installed, else take Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "chibo: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
