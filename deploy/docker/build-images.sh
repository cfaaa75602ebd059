#!/usr/bin/env bash
# Builds the ImCells container images without an image registry, in three cached layers:
#   imcells-base:bookworm        Debian 12 from the machine's apt mirror (debootstrap), + ICU, OpenSSL, CA certificates
#   imcells-runtime:<version>    + the .NET runtime this machine's SDK runs (ASP.NET Core included)
#   imcells:latest               + the servers and the CLI, published framework-dependent (one runtime for all four)
# Each layer is built only when missing (the last one when a source file changed), so a second
# run with no change takes seconds. deploy/docker/Dockerfile is the same last step FROM Microsoft's
# ASP.NET runtime image, for operators who have a registry.
#   usage: deploy/docker/build-images.sh [--force] [--no-build]
#     --force      rebuild the app image even when no source changed
#     --no-build   publish what the last `dotnet build -c Release` made (./test.sh has just built)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/docker"
WORK="$ROOT/.build/docker"
BASE="imcells-base:bookworm"
IMAGE="${IMCELLS_IMAGE:-imcells:latest}"
FORCE=""
BUILD=1
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    --no-build) BUILD="" ;;
    *) echo "build-images: unknown argument '$arg' (--force, --no-build)" >&2; exit 2 ;;
  esac
done
# The classic builder: it needs nothing from a registry (BuildKit's front end may want to pull).
export DOCKER_BUILDKIT=0

say() { echo "== $*"; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

command -v docker >/dev/null || { echo "build-images: no docker command (apt-get install docker.io)" >&2; exit 1; }
docker info >/dev/null 2>&1 || { echo "build-images: the Docker engine does not answer (start dockerd)" >&2; exit 1; }
mkdir -p "$WORK"

# 1. The base: Debian's packages only, so no registry is needed.
if ! have_image "$BASE"; then
  say "base image $BASE (debootstrap, about a minute)"
  if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  MIRROR="$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  MIRROR="${MIRROR:-http://deb.debian.org/debian}"
  ROOTFS="$(mktemp -d /tmp/imcells-rootfs.XXXXXX)"
  trap 'rm -rf "$ROOTFS"' EXIT
  debootstrap --variant=minbase --include=libicu72,libssl3,ca-certificates bookworm "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { echo "build-images: debootstrap failed, see $WORK/debootstrap.log" >&2; exit 1; }
  rm -rf "$ROOTFS"/var/cache/apt/archives/*.deb "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*
  tar -C "$ROOTFS" -c . | docker import -c 'ENV LANG=C.UTF-8' -c 'CMD ["/bin/bash"]' - "$BASE" >/dev/null
  rm -rf "$ROOTFS"
  trap - EXIT
fi

# 2. The runtime: copied from this machine's .NET, the one the tests run on.
DOTNET_HOME="$(dirname "$(readlink -f "$(command -v dotnet)")")"
RUNTIME_VERSION="$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" { v = $2 } END { print v }')"
[ -n "$RUNTIME_VERSION" ] || { echo "build-images: no Microsoft.AspNetCore.App runtime in $DOTNET_HOME" >&2; exit 1; }
RUNTIME="imcells-runtime:$RUNTIME_VERSION"
if ! have_image "$RUNTIME"; then
  say "runtime image $RUNTIME"
  CTX="$WORK/runtime"
  rm -rf "$CTX" && mkdir -p "$CTX/dotnet/shared"
  cp -a "$DOTNET_HOME/dotnet" "$DOTNET_HOME/host" "$DOTNET_HOME/LICENSE.txt" "$CTX/dotnet/"
  for fx in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$CTX/dotnet/shared/$fx" && cp -a "$DOTNET_HOME/shared/$fx/$RUNTIME_VERSION" "$CTX/dotnet/shared/$fx/"
  done
  docker build -t "$RUNTIME" -f - "$CTX" >"$WORK/docker-build.log" 2>&1 <<EOF || { cat "$WORK/docker-build.log" >&2; exit 1; }
FROM $BASE
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV DOTNET_ROOT=/usr/share/dotnet DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
EOF
  rm -rf "$CTX"
fi

# 3. The app: rebuilt only when a source file, the Dockerfile or the entry point changed since the image was made.
SOURCE_HASH="$(cd "$ROOT" && find proto common registry cell login master client cli bench \
    \( -name bin -o -name obj \) -prune -o -type f -print | LC_ALL=C sort \
  | { cat; ls Directory.Build.props Directory.Packages.props global.json deploy/docker/Dockerfile deploy/docker/imcells-entry; } \
  | xargs sha256sum | sha256sum | cut -c1-16)"
if [ -z "$FORCE" ] && have_image "$IMAGE" \
   && [ "$(docker image inspect -f '{{ index .Config.Labels "imcells.source" }}' "$IMAGE")" = "$SOURCE_HASH" ]; then
  say "$IMAGE is up to date (sources $SOURCE_HASH)"
  exit 0
fi

say "publishing the servers and the CLI (Release, framework-dependent)"
APP="$WORK/app"
rm -rf "$APP" && mkdir -p "$APP"
: >"$WORK/build.log"
if [ -n "$BUILD" ]; then
  dotnet build "$ROOT/ImCells.sln" -c Release -nologo -v q >"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; echo "build-images: the build failed" >&2; exit 1; }
fi
for project in master/ImCells.Master login/ImCells.Login cell/ImCells.Cell cli/ImCells.Cli; do
  role="$(basename "$(dirname "$project")")"
  dotnet publish "$ROOT/$project/$(basename "$project").csproj" -c Release --no-build -nologo -v q \
    -p:UseAppHost=false -o "$APP/$role" >>"$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log" >&2; echo "build-images: publishing $project failed" >&2; exit 1; }
  # Native libraries of other platforms (SQLite's for Windows, macOS, ARM, ...) are never loaded here.
  find "$APP/$role/runtimes" -mindepth 1 -maxdepth 1 -type d ! -name linux-x64 ! -name linux ! -name unix -exec rm -rf {} + 2>/dev/null || true
  rm -f "$APP/$role"/*.pdb
done
cp "$HERE/imcells-entry" "$APP/imcells-entry"

say "app image $IMAGE (on $RUNTIME)"
docker build --build-arg "BASE=$RUNTIME" --label "imcells.source=$SOURCE_HASH" -t "$IMAGE" -f "$HERE/Dockerfile" "$APP" \
  >"$WORK/docker-build.log" 2>&1 || { cat "$WORK/docker-build.log" >&2; exit 1; }
# The app images this one replaced (untagged now) would pile up with every change.
docker image prune -f --filter "label=imcells.source" >/dev/null
say "$(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{ printf "%s: %.0f MB", "'"$IMAGE"'", $1 / 1e6 }')"
