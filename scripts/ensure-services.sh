#!/usr/bin/env bash
# Makes sure the PostgreSQL the tests use answers on 127.0.0.1:5432, starting it if needed.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if ! command -v pg_ctlcluster >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -h 127.0.0.1 -p 5432
# The tests connect as postgres without a password (trust on loopback, as on the dev machines).

# NATS (the cluster tests fan events out across nodes through it) on 127.0.0.1:4222.
nats_up() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
if ! nats_up; then
  if ! command -v nats-server >/dev/null; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nats-server >/dev/null
  fi
  mkdir -p /tmp/parley-nats
  nohup nats-server -a 127.0.0.1 -p 4222 -js -sd /tmp/parley-nats >/tmp/parley-nats/nats.log 2>&1 &
  for _ in $(seq 1 50); do nats_up && break; sleep 0.1; done
  nats_up || { echo "ensure-services: NATS did not start (see /tmp/parley-nats/nats.log)" >&2; exit 1; }
fi
