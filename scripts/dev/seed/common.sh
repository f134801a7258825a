# shellcheck shell=bash
# The variables here are read by the other parts of the seeding.
# shellcheck disable=SC2034
# What the seeding of base images shares: where things go, the registry,
# builds with buildctl and the checks that follow them. Sourced by
# seed-images.sh.

SEED="$DEV/seed"
SEED_LOG="$LOGS/seed.log"
REPO="$REGISTRY_ADDR/library"
BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Debian's images are made from the mirror this machine's APT uses.
DEBIAN_SUITE=bookworm
DEBIAN_MIRROR=http://deb.debian.org/debian
DEBIAN_SECURITY_MIRROR=http://deb.debian.org/debian-security
# debootstrap's result, kept so that it runs once.
DEBIAN_TAR="$SEED/debian/$DEBIAN_SUITE-minbase.tar"
# The CA bundle the checks hand to `npm install`, as the builder hands its
# own to every build: registries are reached through a TLS proxy here.
CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# The checks below build through docker.io names, as a function's
# Dockerfile would, in .dev/seed/verify.
VERIFY="$SEED/verify"

# has_image NAME:TAG succeeds when the registry holds a manifest for it.
has_image() {
	local name="${1%:*}" tag="${1##*:}"
	curl -fsI -o /dev/null --max-time 5 \
		-H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json' \
		"http://$REGISTRY_ADDR/v2/library/$name/manifests/$tag"
}

# has_all NAME:TAG... succeeds when the registry holds every one of them.
has_all() {
	local ref
	for ref in "$@"; do
		has_image "$ref" || return 1
	done
}

# image_size NAME:TAG prints the compressed size of an image, its config
# and layers as the manifest in the registry states them.
image_size() {
	curl -fsS --max-time 5 \
		-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
		"http://$REGISTRY_ADDR/v2/library/${1%:*}/manifests/${1##*:}" |
		grep -o '"size": *[0-9]*' | awk -F: '{ s += $2 } END { printf "%.1f MB", s / 1e6 }'
}

# report_seeded SECONDS NAME:TAG... notes how long seeding took and the
# size of each image.
report_seeded() {
	local took=$((SECONDS - $1)) ref
	shift
	for ref in "$@"; do
		note "$ref: $(image_size "$ref") compressed"
	done
	note "took ${took}s"
}

# try_build CONTEXT_DIR [ARGS...] builds CONTEXT_DIR/Dockerfile, logging
# BuildKit's progress to .dev/logs/seed.log.
try_build() {
	local dir="$1"
	shift
	"$BIN/buildctl" --addr "$BUILDKIT_ADDR" build --progress=plain \
		--frontend dockerfile.v0 --local context="$dir" --local dockerfile="$dir" \
		"$@" >>"$SEED_LOG" 2>&1
}

# buildctl_build CONTEXT_DIR [ARGS...] is try_build, which must succeed.
buildctl_build() {
	if ! try_build "$@"; then
		show_log seed
		die "image build in ${1#"$ROOT"/} failed (log: .dev/logs/seed.log)"
	fi
}

# forget_images NAME:TAG... deletes the images from the registry, with
# every tag that names them, so that the next run seeds them again.
forget_images() {
	local ref digest
	for ref in "$@"; do
		digest="$(curl -fsSI --max-time 5 \
			-H 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' \
			"http://$REGISTRY_ADDR/v2/library/${ref%:*}/manifests/${ref##*:}" 2>/dev/null |
			tr -d '\r' | awk -F': ' 'tolower($1) == "docker-content-digest" { print $2 }')" || true
		[[ -n $digest ]] || continue
		curl -fsS -o /dev/null --max-time 5 -X DELETE \
			"http://$REGISTRY_ADDR/v2/library/${ref%:*}/manifests/$digest" ||
			note "could not delete $ref from the registry"
	done
}

# push_to NAME... is the exporter option that pushes to the plain-HTTP
# registry under every NAME.
push_to() {
	local IFS=,
	printf 'type=image,"name=%s",push=true,registry.insecure=true' "$*"
}

# check_build NAME NAME:TAG... builds $VERIFY/NAME/Dockerfile, which
# checks the images NAME:TAG..., with the CA bundle as secret "ca" where
# this machine has one. Images that fail their check leave the registry:
# the next run seeds and checks them again, instead of finding them there.
check_build() {
	local name="$1" args=()
	shift
	[[ -s $CA_BUNDLE ]] && args+=(--secret "id=ca,src=$CA_BUNDLE")
	if ! try_build "$VERIFY/$name" "${args[@]}"; then
		forget_images "$@"
		show_log seed
		die "the check of $* failed; removed them from the registry (log: .dev/logs/seed.log)"
	fi
}
