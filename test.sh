#!/usr/bin/env bash
# The whole ImCells test suite, on a fresh machine of this kind (Debian, .NET 10 SDK, root).
# Installs what the tests need (etcd and PostgreSQL, from Debian's packages), starts a throwaway
# PostgreSQL server (tests/postgres.sh: loopback, a free port, data in a temp folder, stopped at
# the end), builds once in Release, then runs the unit tests (the HLR store tests on SQLite and on
# PostgreSQL, and on SQL Server when IMCELLS_TEST_SQLSERVER holds a connection string) and the
# cluster tests (real master, login and cell processes on free loopback ports; cells a and c on
# SQLite in a temp folder, cell b on PostgreSQL; the discovery tests start their own etcd), then
# the Docker tests (tests/docker.sh installs and starts the Docker engine when missing;
# deploy/docker/build-images.sh builds the images, cached; every server in its own container on an
# internal network, all test traffic from a client container on it). Where no Docker engine can be
# had, the Docker tests are skipped with a line that says so. Each phase prints how long it took.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
CFG="${IMCELLS_CONFIG:-Release}"

SUITE_START=$SECONDS
PHASE_START=$SECONDS
PHASE=""
phase() {
  [ -z "$PHASE" ] || echo "   ($PHASE: $((SECONDS - PHASE_START)) s)"
  PHASE="$1"
  PHASE_START=$SECONDS
  [ -z "$1" ] || echo "== $1"
}

if ! command -v etcd >/dev/null 2>&1; then
  phase "installing etcd (apt)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq etcd-server etcd-client >/dev/null
fi

PG_DIR="$(mktemp -d /tmp/imcells-pg.XXXXXX)"
DOCKER_DIR="$(mktemp -d /tmp/imcells-docker.XXXXXX)"
cleanup() {
  tests/postgres.sh stop "$PG_DIR" || true
  rm -rf "$PG_DIR"
  tests/docker.sh stop "$DOCKER_DIR" || true
  rm -rf "$DOCKER_DIR"
}
trap cleanup EXIT

phase "PostgreSQL (throwaway server for the tests)"
IMCELLS_TEST_POSTGRES="$(tests/postgres.sh start "$PG_DIR")"
export IMCELLS_TEST_POSTGRES IMCELLS_TEST_POSTGRES_DIR="$PG_DIR"
echo "   $IMCELLS_TEST_POSTGRES"
if [ -z "${IMCELLS_TEST_SQLSERVER:-}" ]; then
  echo "skipped: no SQL Server given (IMCELLS_TEST_SQLSERVER unset: the HLR store tests run on SQLite and PostgreSQL only)"
fi

phase "build ($CFG)"
dotnet build ImCells.sln -c "$CFG" -nologo -v q

# Each run is bounded: a hang fails the suite instead of eating CI's 90 minutes.
run_tests() {
  local project="$1" limit="$2" verbosity="$3"
  phase "$project"
  timeout --kill-after=30 "$limit" dotnet test "tests/$project/$project.csproj" -c "$CFG" --no-build -nologo \
    --logger "console;verbosity=$verbosity"
}

run_tests ImCells.Unit.Tests 300 normal
# detailed: the cluster tests print what they measured (e.g. acked=N delivered=N duplicates=0 reordered=0).
run_tests ImCells.Cluster.Tests 900 detailed

phase "Docker engine and images"
if tests/docker.sh start "$DOCKER_DIR" 2>"$DOCKER_DIR/start.err"; then
  cat "$DOCKER_DIR/start.err"
  BUILD_FLAGS=()
  [ "$CFG" = "Release" ] && BUILD_FLAGS=(--no-build)
  deploy/docker/build-images.sh "${BUILD_FLAGS[@]}"
  # detailed: the Docker tests print the partition and kill figures (acked, delivered, duplicates, reordered).
  run_tests ImCells.Docker.Tests 600 detailed
else
  echo "skipped: no Docker engine ($(tr '\n' ' ' <"$DOCKER_DIR/start.err")): the Docker tests did not run"
fi
phase ""
echo "== all tests passed in $((SECONDS - SUITE_START)) s"
