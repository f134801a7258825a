# shellcheck shell=bash
# Debian bookworm, made with debootstrap from Debian's mirror.

# debootstrap_debian makes DEBIAN_TAR: Debian as `debootstrap
# --variant=minbase` installs it, plus ca-certificates, with the settings
# Debian's official images add for containers. It runs once: the tarball is
# kept for later runs, and the packages it downloaded in
# .dev/seed/debootstrap/debs.
debootstrap_debian() {
	local work="$SEED/debootstrap"
	local rootfs="$work/rootfs"
	[[ -s $DEBIAN_TAR ]] && return
	command -v debootstrap >/dev/null || die "debootstrap is not installed (scripts/dev/tools.sh installs it)"
	mkdir -p "$work/debs" "$(dirname "$DEBIAN_TAR")"
	unmount_under "$rootfs"
	rm -rf "$rootfs" "$DEBIAN_TAR.tmp"
	log "debootstrapping Debian $DEBIAN_SUITE (minbase, ca-certificates) from $DEBIAN_MIRROR; once, takes a minute or two"
	printf '\n==== %s debootstrap %s\n' "$(date -Is)" "$DEBIAN_SUITE" >>"$SEED_LOG"
	if ! debootstrap --variant=minbase --include=ca-certificates --cache-dir="$work/debs" \
		"$DEBIAN_SUITE" "$rootfs" "$DEBIAN_MIRROR" >>"$SEED_LOG" 2>&1; then
		unmount_under "$rootfs"
		cat "$rootfs/debootstrap/debootstrap.log" >>"$SEED_LOG" 2>/dev/null || true
		show_log seed
		die "debootstrap of Debian $DEBIAN_SUITE failed (log: .dev/logs/seed.log)"
	fi
	# debootstrap unmounts /proc and /sys of the chroot itself; whatever
	# is left mounted must not be archived, nor deleted through.
	unmount_under "$rootfs"
	if grep -qF " $rootfs/" /proc/self/mounts; then
		die "something is still mounted under ${rootfs#"$ROOT"/}; not archiving it"
	fi
	container_settings "$rootfs"
	if ! tar --numeric-owner -C "$rootfs" -cf "$DEBIAN_TAR.tmp" . 2>>"$SEED_LOG"; then
		show_log seed
		die "archiving the Debian root filesystem failed (log: .dev/logs/seed.log)"
	fi
	mv "$DEBIAN_TAR.tmp" "$DEBIAN_TAR"
	rm -rf "$rootfs"
}

# container_settings DIR gives the root filesystem in DIR what Debian's
# official images add to a debootstrap: APT sources with the updates and
# security suites, no service starts during installs, no APT caches or
# translations kept in layers. It drops what debootstrap left of this
# machine (resolv.conf, hostname, logs, device nodes).
container_settings() {
	local dir="$1"
	rm -f "$dir/etc/apt/sources.list"
	cat >"$dir/etc/apt/sources.list.d/debian.sources" <<-EOF
		Types: deb
		URIs: $DEBIAN_MIRROR
		Suites: $DEBIAN_SUITE $DEBIAN_SUITE-updates
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

		Types: deb
		URIs: $DEBIAN_SECURITY_MIRROR
		Suites: $DEBIAN_SUITE-security
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	EOF
	cat >"$dir/usr/sbin/policy-rc.d" <<-'EOF'
		#!/bin/sh
		# Packages installed in a container do not start their services.
		exit 101
	EOF
	chmod 755 "$dir/usr/sbin/policy-rc.d"
	# Image builds do not survive a power loss anyway: no fsync per file.
	printf 'force-unsafe-io\n' >"$dir/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
	local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
	cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<-EOF
		// Downloaded packages and APT's caches would only fill image layers:
		// every install and update removes them.
		DPkg::Post-Invoke { $clean };
		APT::Update::Post-Invoke { $clean };
		Dir::Cache::pkgcache "";
		Dir::Cache::srcpkgcache "";
	EOF
	printf '%s\n' '// Package lists stay compressed on disk.' 'Acquire::GzipIndexes "true";' \
		>"$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
	printf '%s\n' '// No translated package descriptions.' 'Acquire::Languages "none";' \
		>"$dir/etc/apt/apt.conf.d/docker-no-languages"
	printf '%s\n' '// apt-get purge --auto-remove also removes what was only suggested.' \
		'Apt::AutoRemove::SuggestsImportant "false";' >"$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
	chmod 644 "$dir"/etc/apt/apt.conf.d/docker-* "$dir/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" \
		"$dir/etc/apt/sources.list.d/debian.sources"
	rm -rf "${dir:?}/debootstrap" "${dir:?}/etc/resolv.conf" "${dir:?}/etc/hostname" \
		"${dir:?}/var/lib/apt/lists/"* "${dir:?}/var/cache/apt/"*.bin "${dir:?}/var/cache/apt/archives/"*.deb \
		"${dir:?}/var/log/dpkg.log" "${dir:?}/var/log/bootstrap.log" "${dir:?}/var/log/alternatives.log" \
		"${dir:?}/var/log/apt/"* "${dir:?}/var/cache/ldconfig/aux-cache" "${dir:?}/run/mount/utab" \
		"${dir:?}/dev/"* "${dir:?}/proc/"* "${dir:?}/sys/"*
}

# seed_debian builds debian:bookworm from the debootstrap and
# debian:bookworm-slim from that, each as a single layer as Debian's own.
seed_debian() {
	local dir="$SEED/debian" started=$SECONDS
	debootstrap_debian
	cat >"$dir/Dockerfile" <<-EOF
		FROM scratch AS minbase
		ADD $DEBIAN_SUITE-minbase.tar /

		# Point-release and security updates published since the packages
		# debootstrap installed, as Debian's own images have them.
		FROM minbase AS full-rootfs
		RUN apt-get update -q \\
		 && DEBIAN_FRONTEND=noninteractive apt-get upgrade -y -q \\
		 && rm -rf /var/lib/apt/lists/* /var/log/apt/* /var/log/dpkg.log \\
		      /var/log/alternatives.log /var/cache/ldconfig/aux-cache

		FROM full-rootfs AS slim-rootfs
		RUN --mount=type=bind,source=slimify.sh,target=/tmp/slimify.sh sh /tmp/slimify.sh

		FROM scratch AS full
		COPY --from=full-rootfs / /
		ENV PATH=$BASE_PATH
		LABEL org.opencontainers.image.description="Debian $DEBIAN_SUITE: debootstrap --variant=minbase with ca-certificates and updates"
		CMD ["bash"]

		FROM scratch AS slim
		COPY --from=slim-rootfs / /
		ENV PATH=$BASE_PATH
		LABEL org.opencontainers.image.description="Debian $DEBIAN_SUITE, slim: debootstrap --variant=minbase with ca-certificates and updates, without documentation"
		CMD ["bash"]
	EOF
	# The "slim" variant of Debian's official images: documentation,
	# manual pages and translations go (copyright files stay), and dpkg
	# keeps them out of later installs too.
	cat >"$dir/slimify.sh" <<-'EOF'
		set -eu
		excludes='/usr/share/doc/* /usr/share/groff/* /usr/share/info/* /usr/share/linda/*
		  /usr/share/lintian/overrides/* /usr/share/locale/* /usr/share/man/*'
		includes='/usr/share/doc/*/copyright /usr/share/doc/kde/HTML/C/* /usr/share/gnome/help/*/C/*
		  /usr/share/locale/all_languages /usr/share/locale/currency/* /usr/share/locale/l10n/*
		  /usr/share/locale/languages /usr/share/locale/locale.alias /usr/share/omf/*/*-C.emf'
		set -f
		{
			echo '# The "slim" variant of the Debian image: files that containers seldom'
			echo '# need are left out, and this keeps them out of later installs.'
			for p in $excludes; do echo "path-exclude $p"; done
			for p in $includes; do echo "path-include $p"; done
		} >/etc/dpkg/dpkg.cfg.d/docker
		chmod 644 /etc/dpkg/dpkg.cfg.d/docker
		set --
		for p in $includes; do set -- "$@" -o -path "$p"; done
		shift
		for p in $excludes; do
			d="${p%/*}"
			[ -d "$d" ] || continue
			find "$d" -depth -mindepth 1 -not \( "$@" \) -not \( -type d -o -type l \) -exec rm -f {} +
			# Then what that emptied or left dangling, until nothing is.
			while [ -n "$(find "$d" -mindepth 1 \( -empty -o -xtype l \) -print -quit)" ]; do
				find "$d" -depth -mindepth 1 \( -empty -o -xtype l \) -exec rm -rf {} +
			done
		done
	EOF
	log "seeding $REPO/debian:$DEBIAN_SUITE and debian:$DEBIAN_SUITE-slim"
	buildctl_build "$dir" --opt target=full --output "$(push_to "$REPO/debian:$DEBIAN_SUITE")"
	buildctl_build "$dir" --opt target=slim --output "$(push_to "$REPO/debian:$DEBIAN_SUITE-slim")"
	report_seeded "$started" "debian:$DEBIAN_SUITE" "debian:$DEBIAN_SUITE-slim"
}

verify_debian() {
	local dir="$VERIFY/debian"
	log "checking FROM debian:$DEBIAN_SUITE-slim and FROM debian:$DEBIAN_SUITE"
	mkdir -p "$dir"
	# The last stage copies from the others, so that every one is built.
	cat >"$dir/Dockerfile" <<-EOF
		FROM debian:$DEBIAN_SUITE-slim AS slim
		RUN . /etc/os-release && test "\$VERSION_CODENAME" = $DEBIAN_SUITE \\
		 && test -s /etc/ssl/certs/ca-certificates.crt \\
		 && test -f /etc/dpkg/dpkg.cfg.d/docker && ! test -e /usr/share/man/man1 \\
		 && test -f /usr/share/doc/bash/copyright \\
		 && groupadd --system --gid 1001 app \\
		 && useradd --system --uid 1001 --gid app --create-home --home-dir /home/app app \\
		 && bash -c 'echo debian:$DEBIAN_SUITE-slim ok' >/ok

		FROM debian:$DEBIAN_SUITE AS full
		RUN . /etc/os-release && test "\$VERSION_CODENAME" = $DEBIAN_SUITE \\
		 && test -s /etc/ssl/certs/ca-certificates.crt \\
		 && ! test -e /etc/dpkg/dpkg.cfg.d/docker && test -d /usr/share/man/man1 \\
		 && test "\$(stat -c %U:%G /var/mail)" = root:mail && test -u /usr/bin/passwd \\
		 && apt-get --version >/dev/null && echo debian:$DEBIAN_SUITE ok >/ok

		FROM busybox
		COPY --from=slim /ok /slim
		COPY --from=full /ok /full
		RUN cat /slim /full
	EOF
	check_build debian "debian:$DEBIAN_SUITE" "debian:$DEBIAN_SUITE-slim"
}
