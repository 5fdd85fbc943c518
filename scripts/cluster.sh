#!/usr/bin/env bash
# Two parley-server nodes on one PostgreSQL database, their events over NATS, behind HAProxy
# (Debian's package) — the scale-out of SPEC §1 — and the two bars of SPEC §13 it must meet:
#   1. cross-node delivery: messages sent through node A to sockets held by node B;
#   2. failover: desktop-like clients through HAProxy (reconnect + catch-up, resend with the
#      same client id), node A killed with SIGKILL under load; nothing acknowledged may be
#      lost or duplicated, and every dropped socket must be served again within 5 s.
# Talks to 127.0.0.1 only; every loop is bounded; stops only what it started.
#
#   scripts/cluster.sh --smoke         # CI: dev build, 40 users, short runs
#   scripts/cluster.sh                 # release build, 1,000 users, 1,000 msg/s across nodes
set -euo pipefail
cd "$(dirname "$0")/.."

profile=release users=1000 rate=1000 duration=20 failover_rate=200 failover_users=200
out="target/cluster/$(date -u +%Y%m%dT%H%M%SZ)"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) profile=dev users=40 rate=100 duration=10 failover_rate=50 failover_users=40; shift ;;
    --profile) profile=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "cluster.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

scripts/ensure-services.sh
if ! command -v haproxy >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >/dev/null
fi
. scripts/lib/run-env.sh
build_tools "$profile"
mkdir -p "$out"
work=$(mktemp -d)

export PARLEY_CODE_KEY=cluster-test-code-key-0123456789
fresh_database postgres cluster
nats="${PARLEY_TEST_NATS_URL:-nats://127.0.0.1:4222}"

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  drop_database
  rm -rf "$work"
}
trap cleanup EXIT


seeded=$(( users > failover_users ? users : failover_users ))
"$bin/parley-load" seed --database-url "$url" --users "$seeded" --out "$work/sessions.json"

start_node() { # name port
  PARLEY_OUTBOX_DIR="$work/outbox" RUST_LOG=warn "$bin/parley-server" serve --port "$2" \
    --database-url "$url" --nats-url "$nats" --scheduler-secs 0 --trust-forwarded-for >"$out/node-$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
}
port_a=$(free_port); port_b=$(( port_a + 1 )); port_lb=$(( port_a + 2 ))
start_node a "$port_a"; start_node b "$port_b"
wait_health "$port_a"; wait_health "$port_b"

# Each proxied connection takes two descriptors.
maxconn=$(( ($(ulimit -n) - 100) / 2 ))
cat >"$work/haproxy.cfg" <<EOF
global
    maxconn $maxconn
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    option forwardfor
    option redispatch
    retries 3
frontend parley
    bind 127.0.0.1:$port_lb
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /health
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
    server a 127.0.0.1:$port_a check
    server b 127.0.0.1:$port_b check
EOF
haproxy -c -q -f "$work/haproxy.cfg"
haproxy -db -f "$work/haproxy.cfg" >"$out/haproxy.log" 2>&1 &
pids+=($!)
wait_health "$port_lb"

echo "== $(date -u +%FT%TZ) $(nproc) cores; $bin/parley-server ×2 (PostgreSQL, NATS $nats) behind $(haproxy -v | head -1 | cut -d' ' -f1-3)"
echo "-- 1. cross-node: sends through node A, every socket on node B"
"$bin/parley-load" chat --server "http://127.0.0.1:$port_a" --ws-server "http://127.0.0.1:$port_b" \
  --sessions "$work/sessions.json" --users "$users" --rate "$rate" --duration "$duration" --warmup 2 \
  --json "$out/cross-node.json" --strict
echo "-- 2. failover: clients through HAProxy, node A (pid $pid_a) killed with SIGKILL under load"
"$bin/parley-load" failover --server "http://127.0.0.1:$port_lb" --sessions "$work/sessions.json" \
  --users "$failover_users" --rate "$failover_rate" --duration 15 --kill-pid "$pid_a" --kill-after 5 \
  --json "$out/failover.json"
echo "figures: $out"
