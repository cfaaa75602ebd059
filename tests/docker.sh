#!/usr/bin/env bash
# The Docker engine for the Docker tests (cells on separate container hosts).
#   tests/docker.sh start DIR   makes sure an engine answers: installs docker.io and debootstrap from
#                               Debian's packages when dockerd is missing, and starts dockerd when
#                               none runs (no systemd here; --iptables=false: the tests' networks are
#                               internal and publish nothing), logging to DIR/dockerd.log. Exit 1 with
#                               the reason on stderr when no engine can be had.
#   tests/docker.sh stop DIR    removes whatever the tests left (every container, network and volume
#                               labelled imcells.test), then stops dockerd if `start` started it. The
#                               images stay in Docker's store, so the next run builds nothing it has.
set -euo pipefail

cmd="${1:?start|stop}"
dir="$(cd "${2:?folder}" && pwd)"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

answers() { docker info >/dev/null 2>&1; }

case "$cmd" in
  start)
    if answers; then
      exit 0
    fi
    if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
      echo "== installing the Docker engine and debootstrap (apt)" >&2
      { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq docker.io debootstrap; } >"$dir/apt.log" 2>&1 \
        || { echo "apt-get install docker.io debootstrap failed: $(tail -n 3 "$dir/apt.log" | tr '\n' ' ')" >&2; exit 1; }
    fi
    if ! command -v docker >/dev/null 2>&1; then
      echo "no docker command after installing docker.io" >&2
      exit 1
    fi
    $SUDO dockerd --iptables=false >"$dir/dockerd.log" 2>&1 &
    echo $! > "$dir/dockerd.pid"
    for _ in $(seq 1 60); do
      if answers; then
        exit 0
      fi
      if ! kill -0 "$(cat "$dir/dockerd.pid")" 2>/dev/null; then
        echo "dockerd stopped at start: $(tail -n 3 "$dir/dockerd.log" | tr '\n' ' ')" >&2
        rm -f "$dir/dockerd.pid"
        exit 1
      fi
      sleep 0.5
    done
    echo "dockerd did not answer within 30 s: $(tail -n 3 "$dir/dockerd.log" | tr '\n' ' ')" >&2
    exit 1
    ;;
  stop)
    if answers; then
      # Leftovers of a test run that was cut short (each run also removes its own at the end).
      containers="$(docker ps -aq --filter label=imcells.test)"
      [ -z "$containers" ] || docker rm -f -v $containers >/dev/null 2>&1 || true
      networks="$(docker network ls -q --filter label=imcells.test)"
      [ -z "$networks" ] || docker network rm $networks >/dev/null 2>&1 || true
      volumes="$(docker volume ls -q --filter label=imcells.test)"
      [ -z "$volumes" ] || docker volume rm $volumes >/dev/null 2>&1 || true
    fi
    if [ -f "$dir/dockerd.pid" ]; then
      pid="$(cat "$dir/dockerd.pid")"
      $SUDO kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      rm -f "$dir/dockerd.pid"
    fi
    ;;
  *)
    echo "usage: tests/docker.sh start|stop DIR" >&2
    exit 2
    ;;
esac
