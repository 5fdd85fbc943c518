# Sourced by scripts/load.sh, crash.sh and cluster.sh: the release or dev build of the server
# and the load tool, a fresh database, ports and health waits. `drop_database` undoes
# `fresh_database`; each script stops the processes it started, by PID.

# build_tools PROFILE (release or dev): builds both binaries and sets $bin to their folder.
build_tools() {
  cargo build -q --profile "$1" -p parley-server -p parley-load
  bin=target/release
  if [ "$1" = dev ]; then bin=target/debug; fi
}

# fresh_database sqlite|postgres LABEL: sets $url to an empty database (a file in $work, or a
# new PostgreSQL database named after LABEL).
fresh_database() {
  case "$1" in
    sqlite) url="sqlite://$work/parley.db" ;;
    postgres)
      scripts/ensure-services.sh
      pgdb="parley_$2_$(date +%s)_$$"
      psql -q -h 127.0.0.1 -U postgres -c "CREATE DATABASE $pgdb" postgres
      url="postgres://postgres@127.0.0.1:5432/$pgdb" ;;
    *) echo "$(basename "$0"): --database sqlite|postgres" >&2; exit 2 ;;
  esac
}

drop_database() {
  if [ -n "${pgdb:-}" ]; then
    psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $pgdb WITH (FORCE)" postgres || true
  fi
}

# A port below the kernel's ephemeral range (32768 and up), where the load tool's own
# connections never take it first.
free_port() { echo $(( 20000 + RANDOM % 10000 )); }

# wait_health PORT: up to 10 s for a healthy answer.
wait_health() {
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0; sleep 0.1; done
  echo "$(basename "$0"): nothing healthy on port $1" >&2
  return 1
}

# Many sockets need many descriptors.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
