#!/usr/bin/env bash
# Seeds the local registry with the base images that ordinary Dockerfiles
# and the function templates start from. Nothing can be pulled from the
# internet here, so they are built from what is on this machine and from
# Debian's mirror: Debian's static busybox, the Go toolchain in GOROOT, a
# Debian bookworm made with debootstrap, with this machine's Node.js 20 and
# with Debian's Python 3.11. buildkitd mirrors docker.io to the registry, so
# `FROM golang:1.26` or `FROM node:20-bookworm-slim` finds them. Images
# already in the registry are left alone.
#
# OFC_SEED_NODE18=1 also seeds node:18-bookworm-slim from Debian's own
# nodejs and npm packages: a minute more on a cold run (some 380 packages),
# so it is left out unless asked for.


HERE="$(dirname "${BASH_SOURCE[0]}")"
source "$HERE/lib.sh"
for part in common go debian node python; do
	# shellcheck source=/dev/null
	source "$HERE/seed/$part.sh"
done

GO_MINOR="$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')"
NODE_VERSION="$(host_node_version)"
# Each family is checked right after it is seeded, before the images that
# start from it are built.
seeded=false
if ! has_image busybox:latest; then
	seed_busybox
	verify_busybox
	seeded=true
fi
if ! has_all "golang:$GO_MINOR" golang:latest; then
	seed_golang "$REPO/golang:$GO_MINOR" "$REPO/golang:latest"
	verify_golang
	seeded=true
fi
if ! has_all "debian:$DEBIAN_SUITE" "debian:$DEBIAN_SUITE-slim"; then
	seed_debian
	verify_debian
	seeded=true
fi
if ! has_all "node:$NODE_VERSION-$DEBIAN_SUITE-slim" "node:20-$DEBIAN_SUITE-slim" \
	"node:$NODE_VERSION-$DEBIAN_SUITE" "node:20-$DEBIAN_SUITE" node:20; then
	seed_node "$NODE_VERSION"
	verify_node "$NODE_VERSION"
	seeded=true
fi
if [[ ${OFC_SEED_NODE18:-} == 1 ]] && ! has_image "node:18-$DEBIAN_SUITE-slim"; then
	seed_node18
	verify_node18
	seeded=true
fi
if ! has_all "python:3.11-slim-$DEBIAN_SUITE" "python:3.11-$DEBIAN_SUITE" python:3.11 python:3; then
	seed_python
	verify_python
	seeded=true
fi
$seeded || note "base images already in the registry"
