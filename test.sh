#!/usr/bin/env bash
# The whole ImCells test suite, on a fresh machine of this kind (Debian, .NET 10 SDK, root).
# Builds once in Release, then runs the unit tests and the cluster tests (real master, login and
# cell processes on free loopback ports, SQLite per cell in a temp folder). The spine needs no
# external service; later suites install and start theirs (PostgreSQL, etcd) from here via apt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
CFG="${IMCELLS_CONFIG:-Release}"

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
