#!/usr/bin/env bash
# SPEC §13 "server killed (SIGKILL) under load": one node on a SQLite file (or PostgreSQL),
# desktop-like clients sending (each send resent with its client id until acknowledged), the
# node killed with SIGKILL and started again on the same database; then every acknowledged
# message must be in the history exactly once and must have reached its recipient.
# Talks to 127.0.0.1 only; bounded; stops only what it started.
#
#   scripts/crash.sh --smoke        # CI: dev build, 40 users, 50 msg/s
#   scripts/crash.sh                # release build, 200 users, 500 msg/s
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release users=200 rate=500 database=sqlite
out="target/crash/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) profile=dev users=40 rate=50; shift ;;
    --database) database=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    *) echo "crash.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/lib/run-env.sh
build_tools "$profile"
mkdir -p "$out"
work=$(mktemp -d)
export PARLEY_CODE_KEY=crash-test-code-key-0123456789
fresh_database "$database" crash
cleanup() {
  [ -f "$work/pid" ] && kill "$(cat "$work/pid")" 2>/dev/null || true
  [ -n "${first:-}" ] && kill "$first" 2>/dev/null || true
  sleep 0.5
  drop_database
  rm -rf "$work"
}
trap cleanup EXIT

"$bin/parley-load" seed --database-url "$url" --users "$users" --out "$work/sessions.json"
port=$(free_port)
serve="PARLEY_OUTBOX_DIR='$work/outbox' RUST_LOG=warn '$bin/parley-server' serve --port $port --database-url '$url' --scheduler-secs 0"
sh -c "$serve >>'$out/server.log' 2>&1" &
first=$!
sleep 0.2
first=$(pgrep -P "$first" -f parley-server || echo "$first")
wait_health "$port"
echo "== $(date -u +%FT%TZ) $(nproc) cores; $bin/parley-server alone on $database, killed with SIGKILL after 5 s and started again"
"$bin/parley-load" failover --server "http://127.0.0.1:$port" --sessions "$work/sessions.json" \
  --rate "$rate" --duration 15 --kill-pid "$first" --kill-after 5 \
  --restart "$serve >>'$out/server.log' 2>&1 & echo \$! > '$work/pid'" --json "$out/crash.json"
echo "figures: $out"
