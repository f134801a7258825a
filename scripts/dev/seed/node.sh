# shellcheck shell=bash
# Node.js images: this machine's Node.js 20 on Debian, and optionally
# Debian's own Node.js 18.

# host_node_version prints the version of this machine's Node.js (20.x.y),
# which the node:20 images carry.
host_node_version() {
	local version
	command -v node >/dev/null || die "node is not installed: the node:20 images carry this machine's Node.js 20"
	version="$(node --version)" || die "node --version failed"
	[[ $version =~ ^v20\.[0-9]+\.[0-9]+$ ]] ||
		die "node on this machine is $version, not 20.x: the node:20 images would not hold Node.js 20 (install Node.js 20, or remove it from this list)"
	echo "${version#v}"
}

# node_entrypoint FILE writes the entrypoint of the official node images:
# an argument that is a flag or no command runs node with the arguments.
node_entrypoint() {
	cat >"$1" <<-'EOF'
		#!/bin/sh
		set -e
		if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
			set -- node "$@"
		fi
		exec "$@"
	EOF
	chmod 755 "$1"
}

# seed_node VERSION builds Debian bookworm plus this machine's Node.js,
# laid out as in the official images: node in /usr/local/bin, npm (and
# corepack) in /usr/local/lib/node_modules with links in /usr/local/bin,
# the headers in /usr/local/include, and a user node with uid 1000. The
# slim variant starts from debian:bookworm-slim, the other from
# debian:bookworm.
seed_node() {
	local version="$1" dir="$SEED/node" dist="$SEED/node-dist" started=$SECONDS
	local node prefix npm_version
	node="$(readlink -f "$(command -v node)")"
	prefix="$(dirname "$(dirname "$node")")"
	[[ -f $prefix/lib/node_modules/npm/bin/npm-cli.js ]] ||
		die "npm is not in $prefix/lib/node_modules/npm, beside $node"
	npm_version="$("$node" -p "require('$prefix/lib/node_modules/npm/package.json').version")" ||
		die "cannot read the version of npm in $prefix/lib/node_modules/npm"
	rm -rf "$dist"
	mkdir -p "$dir" "$dist/bin" "$dist/lib/node_modules"
	cp -p "$node" "$dist/bin/node"
	cp -a "$prefix/lib/node_modules/npm" "$dist/lib/node_modules/"
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$dist/bin/npm"
	ln -s ../lib/node_modules/npm/bin/npx-cli.js "$dist/bin/npx"
	if [[ -f $prefix/lib/node_modules/corepack/dist/corepack.js ]]; then
		cp -a "$prefix/lib/node_modules/corepack" "$dist/lib/node_modules/"
		ln -s ../lib/node_modules/corepack/dist/corepack.js "$dist/bin/corepack"
	fi
	if [[ -d $prefix/include/node ]]; then
		mkdir -p "$dist/include"
		cp -a "$prefix/include/node" "$dist/include/"
	fi
	node_entrypoint "$dir/docker-entrypoint.sh"
	cat >"$dir/Dockerfile" <<-EOF
		ARG BASE
		FROM \$BASE
		ENV NODE_VERSION=$version
		RUN groupadd --gid 1000 node \\
		 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
		COPY --from=nodedist / /usr/local/
		COPY docker-entrypoint.sh /usr/local/bin/
		LABEL org.opencontainers.image.description="Debian $DEBIAN_SUITE with Node.js $version and npm $npm_version, as installed on the machine that seeded it"
		ENTRYPOINT ["docker-entrypoint.sh"]
		CMD ["node"]
	EOF
	log "seeding $REPO/node:$version-$DEBIAN_SUITE-slim and node:20 from $node"
	buildctl_build "$dir" --local nodedist="$dist" --opt context:nodedist=local:nodedist \
		--opt build-arg:BASE="$REPO/debian:$DEBIAN_SUITE-slim" \
		--output "$(push_to "$REPO/node:$version-$DEBIAN_SUITE-slim" "$REPO/node:20-$DEBIAN_SUITE-slim")"
	buildctl_build "$dir" --local nodedist="$dist" --opt context:nodedist=local:nodedist \
		--opt build-arg:BASE="$REPO/debian:$DEBIAN_SUITE" \
		--output "$(push_to "$REPO/node:$version-$DEBIAN_SUITE" "$REPO/node:20-$DEBIAN_SUITE" "$REPO/node:20")"
	rm -rf "$dist"
	report_seeded "$started" "node:$version-$DEBIAN_SUITE-slim" "node:$version-$DEBIAN_SUITE"
}

# seed_node18 builds node:18-bookworm-slim from Debian's own nodejs 18 and
# npm packages, with the user node (uid 1000) and the entrypoint of the
# official images. Debian keeps them in /usr/bin. The image is tagged by
# the version of Node.js it really holds, which only the build tells.
seed_node18() {
	local dir="$SEED/node18" started=$SECONDS version
	mkdir -p "$dir"
	node_entrypoint "$dir/docker-entrypoint.sh"
	cat >"$dir/Dockerfile" <<-EOF
		FROM $REPO/debian:$DEBIAN_SUITE-slim AS installed
		RUN apt-get update -q \\
		 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm \\
		 && rm -rf /var/lib/apt/lists/* \\
		 && groupadd --gid 1000 node \\
		 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
		COPY docker-entrypoint.sh /usr/local/bin/

		FROM installed AS probe
		RUN node --version >/node-version

		FROM scratch AS version
		COPY --from=probe /node-version /

		FROM installed AS image
		ARG NODE_VERSION
		ENV NODE_VERSION=\$NODE_VERSION
		LABEL org.opencontainers.image.description="Debian $DEBIAN_SUITE with Debian's Node.js \$NODE_VERSION and npm packages"
		ENTRYPOINT ["docker-entrypoint.sh"]
		CMD ["node"]
	EOF
	log "seeding $REPO/node:18-$DEBIAN_SUITE-slim from Debian's nodejs and npm"
	rm -rf "$dir/out"
	buildctl_build "$dir" --opt target=version --output "type=local,dest=$dir/out"
	version="$(<"$dir/out/node-version")"
	version="${version#v}"
	[[ $version =~ ^18\.[0-9]+\.[0-9]+$ ]] ||
		die "Debian's nodejs is $version, not 18.x: not tagging it node:18"
	buildctl_build "$dir" --opt target=image --opt build-arg:NODE_VERSION="$version" \
		--output "$(push_to "$REPO/node:$version-$DEBIAN_SUITE-slim" "$REPO/node:18-$DEBIAN_SUITE-slim")"
	report_seeded "$started" "node:$version-$DEBIAN_SUITE-slim"
}

verify_node() {
	local version="$1" dir="$VERIFY/node"
	log "checking FROM node:20-$DEBIAN_SUITE-slim, node:$version-$DEBIAN_SUITE-slim and node:20, and npm install from registry.npmjs.org"
	mkdir -p "$dir"
	cat >"$dir/Dockerfile" <<-EOF
		FROM node:20-$DEBIAN_SUITE-slim AS slim
		RUN test "\$(node --version)" = v$version && test "\$NODE_VERSION" = $version \\
		 && test "\$(command -v node)" = /usr/local/bin/node \\
		 && test "\$(readlink -f /usr/local/bin/npm)" = /usr/local/lib/node_modules/npm/bin/npm-cli.js \\
		 && npm --version && npx --version \\
		 && test "\$(id -u node):\$(id -g node)" = 1000:1000 && test -d /home/node
		USER node
		WORKDIR /home/node
		# The CA bundle is handed to the build, as the builder does: the
		# registry is reached through a TLS proxy.
		RUN --mount=type=secret,id=ca,target=/etc/ssl/ofc-ca.pem,required=false,uid=1000 \\
		    if [ -s /etc/ssl/ofc-ca.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/ofc-ca.pem; fi \\
		 && mkdir app && cd app \\
		 && npm install --no-audit --no-fund is-number \\
		 && node -e 'if (!require("is-number")(5)) process.exit(1)' \\
		 && echo node:20-$DEBIAN_SUITE-slim ok >/tmp/ok

		FROM node:$version-$DEBIAN_SUITE-slim AS exact
		RUN test "\$(node --version)" = v$version && echo node:$version-$DEBIAN_SUITE-slim ok >/ok

		FROM node:20 AS full
		RUN test "\$(node --version)" = v$version && npm --version \\
		 && test "\$(id -u node)" = 1000 && echo node:20 ok >/ok

		FROM busybox
		COPY --from=slim /tmp/ok /slim
		COPY --from=exact /ok /exact
		COPY --from=full /ok /full
		RUN cat /slim /exact /full
	EOF
	check_build node "node:$version-$DEBIAN_SUITE-slim" "node:$version-$DEBIAN_SUITE"
}

verify_node18() {
	local dir="$VERIFY/node18" version
	version="$(<"$SEED/node18/out/node-version")"
	version="${version#v}"
	log "checking FROM node:18-$DEBIAN_SUITE-slim and node:$version-$DEBIAN_SUITE-slim, and npm install from registry.npmjs.org"
	mkdir -p "$dir"
	cat >"$dir/Dockerfile" <<-EOF
		FROM node:18-$DEBIAN_SUITE-slim AS slim
		RUN test "\$(node --version)" = v$version && test "\$NODE_VERSION" = $version \\
		 && npm --version && npx --version \\
		 && test "\$(id -u node):\$(id -g node)" = 1000:1000 && test -d /home/node
		USER node
		WORKDIR /home/node
		RUN --mount=type=secret,id=ca,target=/etc/ssl/ofc-ca.pem,required=false,uid=1000 \\
		    if [ -s /etc/ssl/ofc-ca.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/ofc-ca.pem; fi \\
		 && mkdir app && cd app \\
		 && npm install --no-audit --no-fund is-number \\
		 && node -e 'if (!require("is-number")(5)) process.exit(1)' \\
		 && echo node:18-$DEBIAN_SUITE-slim ok >/tmp/ok

		FROM node:$version-$DEBIAN_SUITE-slim AS exact
		RUN test "\$(node --version)" = v$version && echo node:$version-$DEBIAN_SUITE-slim ok >/ok

		FROM busybox
		COPY --from=slim /tmp/ok /slim
		COPY --from=exact /ok /exact
		RUN cat /slim /exact
	EOF
	check_build node18 "node:$version-$DEBIAN_SUITE-slim"
}
