#!/usr/bin/env bash
# The whole ImCells test suite, on a fresh machine of this kind (Debian, .NET 10 SDK, root).
# Installs what the tests need (etcd, from Debian's packages), builds once in Release, then runs
# the unit tests and the cluster tests (real master, login and cell processes on free loopback
# ports, SQLite per cell in a temp folder; the discovery tests start their own throwaway etcd).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
CFG="${IMCELLS_CONFIG:-Release}"

if ! command -v etcd >/dev/null 2>&1; then
  echo "== installing etcd (apt)"
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq etcd-server etcd-client >/dev/null
fi

echo "== build ($CFG)"
dotnet build ImCells.sln -c "$CFG" -nologo -v q

# Each run is bounded: a hang fails the suite instead of eating CI's 90 minutes.
run_tests() {
  local project="$1" limit="$2" verbosity="$3"
  echo "== $project"
  timeout --kill-after=30 "$limit" dotnet test "tests/$project/$project.csproj" -c "$CFG" --no-build -nologo \
    --logger "console;verbosity=$verbosity"
}

run_tests ImCells.Unit.Tests 300 normal
# detailed: the cluster tests print what they measured (e.g. acked=N delivered=N duplicates=0 reordered=0).
run_tests ImCells.Cluster.Tests 900 detailed
echo "== all tests passed"
