#!/usr/bin/env bash
# Installs the system packages the dev stack runs on and builds its binaries
# into .dev/bin. Cheap when everything is there already: apt is asked only
# for what is missing, and BuildKit is built once per version.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

install_packages() {
	local missing=()
	command -v runc >/dev/null || missing+=(runc)
	command -v docker-registry >/dev/null || missing+=(docker-registry)
	command -v git >/dev/null || missing+=(git)
	command -v curl >/dev/null || missing+=(curl)
	# The seeded images need a busybox that runs without a libc.
	dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'ok installed' ||
		missing+=(busybox-static)
	# The Debian, Node.js and Python images start from a debootstrap,
	# checked against Debian's archive key.
	command -v debootstrap >/dev/null || missing+=(debootstrap)
	[[ -s /usr/share/keyrings/debian-archive-keyring.gpg ]] || missing+=(debian-archive-keyring)
	pg_bin >/dev/null || missing+=(postgresql)
	# localfaas runs functions in containerd, on a CNI bridge.
	if ! command -v containerd >/dev/null || ! command -v containerd-shim-runc-v2 >/dev/null; then
		missing+=(containerd)
	fi
	[[ -x /usr/lib/cni/bridge ]] || missing+=(containernetworking-plugins)
	# down.sh deletes the bridge with ip.
	command -v ip >/dev/null || missing+=(iproute2)
	# The build page's browser test drives Debian's headless Chromium.
	command -v chromium >/dev/null || missing+=(chromium)

	if ((${#missing[@]} == 0)); then
		return
	fi
	log "installing ${missing[*]}"
	apt-get update -qq
	# RUNLEVEL=1 keeps invoke-rc.d from starting the packages' own services
	# (Debian's registry would take port 5000, a system cluster 5432).
	DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
		apt-get install -y -qq --no-install-recommends "${missing[@]}"
	# containerd ships only a systemd unit, which RUNLEVEL does not cover:
	# where systemd runs, the system containerd it just started goes, so
	# that this stack's private one is the only containerd around.
	if [[ " ${missing[*]} " == *" containerd "* && -d /run/systemd/system ]]; then
		systemctl disable --now containerd.service >/dev/null 2>&1 || true
	fi
}

# build_buildkit builds buildkitd and buildctl from tools/buildkit into a
# directory named after the BuildKit and Go versions, and points
# .dev/bin/buildkitd and .dev/bin/buildctl at it.
build_buildkit() {
	local version goversion dir
	version="$(cd "$ROOT/tools/buildkit" && go list -m -f '{{.Version}}' github.com/moby/buildkit)"
	goversion="$(go env GOVERSION)"
	dir="$BIN/buildkit-$version-$goversion"
	if [[ ! -x $dir/buildkitd || ! -x $dir/buildctl ]]; then
		log "building buildkitd and buildctl $version (takes a minute or two the first time)"
		mkdir -p "$dir.tmp"
		(
			cd "$ROOT/tools/buildkit"
			go build -o "$dir.tmp/buildkitd" github.com/moby/buildkit/cmd/buildkitd
			go build -o "$dir.tmp/buildctl" github.com/moby/buildkit/cmd/buildctl
		)
		rm -rf "$dir"
		mv "$dir.tmp" "$dir"
	fi
	ln -sfn "${dir#"$BIN"/}/buildkitd" "$BIN/buildkitd"
	ln -sfn "${dir#"$BIN"/}/buildctl" "$BIN/buildctl"
}

command -v go >/dev/null || die "go is not on PATH"
mkdir -p "$BIN"
install_packages
build_buildkit
build_go natsd
# ./cmd/localfaas is built by up.sh, after the other services are running,
# so that a broken gateway build does not keep them from starting.
