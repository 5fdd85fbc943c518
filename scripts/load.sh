#!/usr/bin/env bash
# Load runs for the server bars of SPEC §13: a fresh database seeded through the server's own
# code, one parley-server pinned to core 0 (taskset), parley-load on core 1, talking over
# 127.0.0.1 only, every loop bounded by count and time. Stops only the server it started.
#
#   scripts/load.sh --smoke                       # CI: dev build, SQLite, 200 users, 100 msg/s, 20 s
#   scripts/load.sh --database sqlite --users 1000 --rate 2000 --duration 20
#   scripts/load.sh --database postgres --users 1000 --rate 1000
#   scripts/load.sh --users 1000 --group-size 10 --rate 1000
#   scripts/load.sh --rate 2000 --receipts         # receivers acknowledge each delivery, as the app does
#   scripts/load.sh --idle 10000 --rate 0         # memory per idle WebSocket session only
#   scripts/load.sh --bin-dir /path/to/old/target/release …      # a baseline build, same run
#
# Figures are printed and written as JSON to --out (default: target/load/<time>/).
set -euo pipefail
cd "$(dirname "$0")/.."

receipts="" bin_dir="" database=sqlite users=1000 rate=2000 duration=20 warmup=3 group_size=2 idle=0 profile=release strict=""
out="target/load/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) profile=dev users=200 rate=100 duration=20 warmup=2 strict=--strict; shift ;;
    --database) database=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --group-size) group_size=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;   # release or dev
    --out) out=$2; shift 2 ;;
    --strict) strict=--strict; shift ;;
    --receipts) receipts=--receipts; shift ;;   # receivers send delivered receipts, as the app does
    --bin-dir) bin_dir=$2; shift 2 ;;   # parley-server and parley-load built elsewhere
    *) echo "load.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

. scripts/lib/run-env.sh
build_tools "$profile"
[ -n "$bin_dir" ] && bin=$bin_dir
mkdir -p "$out"
work=$(mktemp -d)

server_core="" load_core=""
if [ "$(nproc)" -ge 2 ]; then server_core="taskset -c 0" load_core="taskset -c 1"; fi

export PARLEY_CODE_KEY=load-test-code-key-0123456789
fresh_database "$database" load

server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  drop_database
  rm -rf "$work"
}
trap cleanup EXIT

seeded=$(( users > idle ? users : idle ))
"$bin/parley-load" seed --database-url "$url" --users "$seeded" --out "$work/sessions.json"

port=$(free_port)
PARLEY_OUTBOX_DIR="$work/outbox" RUST_LOG=warn $server_core "$bin/parley-server" serve \
  --port "$port" --database-url "$url" --scheduler-secs 0 >"$out/server.log" 2>&1 &
server_pid=$!
wait_health "$port" || { cat "$out/server.log" >&2; exit 1; }

echo "== $(date -u +%FT%TZ) $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); server: $bin/parley-server, $database, ${server_core:-no taskset}"
if [ "$idle" -gt 0 ]; then
  $load_core "$bin/parley-load" idle --server "http://127.0.0.1:$port" --sessions "$work/sessions.json" \
    --users "$idle" --server-pid "$server_pid" --json "$out/idle.json"
fi
if [ "$rate" != 0 ]; then
  $load_core "$bin/parley-load" chat --server "http://127.0.0.1:$port" --sessions "$work/sessions.json" \
    --users "$users" --group-size "$group_size" --rate "$rate" --duration "$duration" --warmup "$warmup" \
    --server-pid "$server_pid" --json "$out/chat.json" $strict $receipts
fi
echo "figures: $out"
