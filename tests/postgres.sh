#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests: its data in a folder of the caller's, listening on
# 127.0.0.1 only, on a free port, trust authentication (nothing but this machine can reach it).
#   tests/postgres.sh start DIR   installs PostgreSQL from Debian's packages when missing, creates
#                                 the server in DIR on first use, starts it and prints its admin
#                                 connection string (Npgsql form)
#   tests/postgres.sh stop DIR    stops it (fast shutdown: open connections are cut)
# Starting again after a stop reuses DIR's data and port; starting a running server does nothing.
set -euo pipefail

cmd="${1:?start|stop}"
dir="$(cd "${2:?folder}" && pwd)"

if [ "$(id -u)" -eq 0 ]; then
  as_pg() { su postgres -s /bin/bash -c "$1"; }
else
  as_pg() { bash -c "$1"; }
fi

bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

case "$cmd" in
  start)
    if [ -z "$(bin_dir)" ]; then
      echo "== installing PostgreSQL (apt)" >&2
      if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
      # Only the binaries: no default cluster created and started on port 5432 by the package.
      conf=/etc/postgresql-common/createcluster.conf
      if ! grep -qs "^create_main_cluster" "$conf"; then
        $SUDO mkdir -p "$(dirname "$conf")"
        echo "create_main_cluster = false" | $SUDO tee -a "$conf" >/dev/null
      fi
      $SUDO apt-get update -qq >&2
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
    fi
    bin="$(bin_dir)"
    if [ ! -f "$dir/port" ]; then
      port=55433
      while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
      echo "$port" > "$dir/port"
      [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir"
      as_pg "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 >'$dir/initdb.log' 2>&1"
    fi
    port="$(cat "$dir/port")"
    as_pg "'$bin/pg_ctl' -D '$dir/data' status >/dev/null" || as_pg "'$bin/pg_ctl' -D '$dir/data' -l '$dir/pg.log' -w -t 60 \
      -o \"-p $port -c listen_addresses=127.0.0.1 -k '$dir' -c max_connections=300\" start >/dev/null"
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
    ;;
  stop)
    bin="$(bin_dir)"
    [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ] && as_pg "'$bin/pg_ctl' -D '$dir/data' -m fast -w stop >/dev/null" || true
    ;;
  *)
    echo "usage: tests/postgres.sh start|stop DIR" >&2
    exit 2
    ;;
esac
