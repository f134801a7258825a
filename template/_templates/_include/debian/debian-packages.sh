#!/bin/sh
# Installs, as root, the Debian packages a function asks for with the
# build arguments OpenFaaS's -debian templates read:
#   ADDITIONAL_PACKAGE  packages for apt-get install, separated by spaces;
#                       the function's build_options add theirs to it
#   UPGRADE_PACKAGES    true or 1: apt-get upgrade first
# With neither it does nothing, and reaches no mirror.
set -e
set -f # a package name is not a file pattern
# shellcheck disable=SC2086 # one word per package
set -- $ADDITIONAL_PACKAGE
upgrade=false
case "$UPGRADE_PACKAGES" in true | 1) upgrade=true ;; esac
if [ $# -eq 0 ] && [ "$upgrade" = false ]; then exit 0; fi

for p in "$@"; do
	case "$p" in
	-*)
		echo "ADDITIONAL_PACKAGE: \"$p\" is not a package name" >&2
		exit 1
		;;
	esac
done

if [ -r /etc/os-release ]; then . /etc/os-release; fi
release="Debian${VERSION_CODENAME:+ $VERSION_CODENAME}"
export DEBIAN_FRONTEND=noninteractive

# apt's output streams to the log as it comes; its exit status goes
# through a file, as sh has no pipefail.
out="${TMPDIR:-/tmp}/debian-packages.out"
run_apt() {
	{
		rc=0
		apt-get -q -y "$@" 2>&1 || rc=$?
		echo "$rc" >"$out.rc"
	} | tee "$out"
	return "$(cat "$out.rc")"
}

if ! run_apt update || grep -q '^[WE]: Failed to fetch' "$out"; then
	echo "apt-get update failed: the packages of $release could not be fetched:"
	grep '^[WE]: ' "$out" | head -n 2
	exit 1
fi
if [ "$upgrade" = true ] && ! run_apt upgrade; then
	echo "UPGRADE_PACKAGES: apt-get upgrade failed:"
	grep '^E: ' "$out" | head -n 2
	exit 1
fi
if [ $# -gt 0 ]; then
	echo "installing $* from $release"
	if ! run_apt install --no-install-recommends "$@"; then
		# What went wrong, said again last, where the function's status
		# shows it.
		echo "ADDITIONAL_PACKAGE: apt-get could not install $* from $release (https://packages.debian.org/${VERSION_CODENAME:-stable}/ lists its packages):"
		grep '^E: ' "$out" | head -n 2
		exit 1
	fi
fi
rm -f "$out" "$out.rc"
