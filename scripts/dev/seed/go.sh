# shellcheck shell=bash
# busybox, and golang on top of it with this machine's Go toolchain.

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

verify_busybox() {
	log "checking that FROM busybox builds"
	mkdir -p "$VERIFY/busybox"
	printf '%s\n' 'FROM busybox' 'RUN echo hi && test -d /tmp && touch /tmp/x' >"$VERIFY/busybox/Dockerfile"
	check_build busybox busybox:latest
}

verify_golang() {
	local dir="$VERIFY/golang"
	log "checking that FROM golang:$GO_MINOR builds a Go program"
	mkdir -p "$dir"
	cat >"$dir/main.go" <<-'EOF'
		package main

		import "net/http"

		func main() {
			http.ListenAndServe(":8080", http.NotFoundHandler())
		}
	EOF
	printf 'module example.com/hello\n\ngo %s\n' "$GO_MINOR" >"$dir/go.mod"
	cat >"$dir/Dockerfile" <<-EOF
		FROM golang:$GO_MINOR
		RUN go version
		WORKDIR /src
		COPY go.mod main.go ./
		RUN go build -o /hello . && test -x /hello
	EOF
	check_build golang "golang:$GO_MINOR"
}
