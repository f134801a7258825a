#!/usr/bin/env bash
# Seeds the local registry with the base images that ordinary Dockerfiles
# and the function templates start from. Nothing can be pulled from the
# internet here, so they are built from what is on this machine: Debian's
# static busybox and the Go toolchain in GOROOT. buildkitd mirrors docker.io
# to the registry, so `FROM golang:1.26` finds them. Images already in the
# registry are left alone.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SEED="$DEV/seed"
SEED_LOG="$LOGS/seed.log"
REPO="$REGISTRY_ADDR/library"
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# has_image NAME:TAG succeeds when the registry holds a manifest for it.
has_image() {
	local name="${1%:*}" tag="${1##*:}"
	curl -fsI -o /dev/null --max-time 5 \
		-H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' \
		"http://$REGISTRY_ADDR/v2/library/$name/manifests/$tag"
}

# buildctl_build CONTEXT_DIR [ARGS...] builds CONTEXT_DIR/Dockerfile,
# logging BuildKit's progress to .dev/logs/seed.log.
buildctl_build() {
	local dir="$1"
	shift
	if ! "$BIN/buildctl" --addr "$BUILDKIT_ADDR" build --progress=plain \
		--frontend dockerfile.v0 --local context="$dir" --local dockerfile="$dir" \
		"$@" >>"$SEED_LOG" 2>&1; then
		show_log seed
		die "image build in ${dir#"$ROOT"/} failed (log: .dev/logs/seed.log)"
	fi
}

# push_to NAME... is the exporter option that pushes to the plain-HTTP
# registry under every NAME.
push_to() {
	local IFS=,
	printf 'type=image,"name=%s",push=true,registry.insecure=true' "$*"
}

# make_rootfs DIR lays out a minimal root filesystem: static busybox with a
# symlink per applet (so /bin/sh works), /etc/passwd and a usable /tmp.
make_rootfs() {
	local dir="$1" applet
	rm -rf "$dir"
	mkdir -p "$dir/bin" "$dir/etc" "$dir/root" "$dir/tmp"
	cp /bin/busybox "$dir/bin/busybox"
	for applet in $(/bin/busybox --list-full); do
		[[ $applet == bin/busybox ]] && continue
		mkdir -p "$dir/$(dirname "$applet")"
		ln -sf /bin/busybox "$dir/$applet"
	done
	printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$dir/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$dir/etc/group"
	chmod 700 "$dir/root"
	chmod 1777 "$dir/tmp"
}

seed_busybox() {
	local dir="$SEED/busybox"
	mkdir -p "$dir"
	make_rootfs "$dir/rootfs"
	cat >"$dir/Dockerfile" <<-EOF
		FROM scratch
		COPY --from=rootfs / /
		ENV PATH=$BASE_PATH
		CMD ["sh"]
	EOF
	log "seeding $REPO/busybox:latest"
	buildctl_build "$dir" --local rootfs="$dir/rootfs" --opt context:rootfs=local:rootfs \
		--output "$(push_to "$REPO/busybox:latest")"
}

# seed_golang NAME... builds busybox plus the Go toolchain under every NAME.
seed_golang() {
	local dir="$SEED/golang" goroot goversion
	goroot="$(go env GOROOT)"
	goversion="$(go env GOVERSION)"
	mkdir -p "$dir"
	make_rootfs "$dir/rootfs"
	mkdir -p "$dir/rootfs/go/src" "$dir/rootfs/go/bin"
	chmod -R 1777 "$dir/rootfs/go"
	# Like the official image, but offline: GOPROXY=off and no toolchain
	# downloads, so a build needs its dependencies vendored or none at all.
	cat >"$dir/Dockerfile" <<-EOF
		FROM scratch
		COPY --from=rootfs / /
		COPY --from=goroot / /usr/local/go
		ENV GOLANG_VERSION=${goversion#go} \\
		    GOPATH=/go \\
		    PATH=/go/bin:/usr/local/go/bin:$BASE_PATH \\
		    GOTOOLCHAIN=local \\
		    CGO_ENABLED=0 \\
		    GOPROXY=off \\
		    GOFLAGS=-mod=mod
		WORKDIR /go
		# Compiling the standard library once here, instead of in every
		# function build, saves minutes per build on a small machine.
		RUN go build std
		CMD ["sh"]
	EOF
	log "seeding $* from $goroot (compiles the standard library; takes a few minutes)"
	buildctl_build "$dir" --local rootfs="$dir/rootfs" --opt context:rootfs=local:rootfs \
		--local goroot="$goroot" --opt context:goroot=local:goroot \
		--output "$(push_to "$@")"
}

# verify builds through docker.io names, as a function's Dockerfile would.
verify() {
	local dir="$SEED/verify"
	log "checking that FROM busybox and FROM golang build"
	mkdir -p "$dir/busybox" "$dir/golang"
	printf '%s\n' 'FROM busybox' 'RUN echo hi && test -d /tmp && touch /tmp/x' >"$dir/busybox/Dockerfile"
	buildctl_build "$dir/busybox"
	cat >"$dir/golang/main.go" <<-'EOF'
		package main

		import "net/http"

		func main() {
			http.ListenAndServe(":8080", http.NotFoundHandler())
		}
	EOF
	printf 'module example.com/hello\n\ngo %s\n' "$GO_MINOR" >"$dir/golang/go.mod"
	cat >"$dir/golang/Dockerfile" <<-EOF
		FROM golang:$GO_MINOR
		RUN go version
		WORKDIR /src
		COPY go.mod main.go ./
		RUN go build -o /hello . && test -x /hello
	EOF
	buildctl_build "$dir/golang"
}

GO_MINOR="$(go env GOVERSION | sed -E 's/^go([0-9]+\.[0-9]+).*/\1/')"
seeded=false
if ! has_image busybox:latest; then
	seed_busybox
	seeded=true
fi
if ! has_image "golang:$GO_MINOR" || ! has_image golang:latest; then
	seed_golang "$REPO/golang:$GO_MINOR" "$REPO/golang:latest"
	seeded=true
fi
if $seeded; then
	verify
else
	note "base images already in the registry"
fi
