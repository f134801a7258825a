#!/bin/sh
# Installs the handler's package.json dependencies: npm ci when a lock
# file pins them, npm install when not. The builder's CA bundle, a
# private registry's .npmrc (build secret npmrc) and a token for an
# .npmrc that reads ${NPM_TOKEN} (build secret npm_token) are used when
# the build hands them.
set -e
if [ -f /etc/ssl/ofc/ca.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/ofc/ca.pem; fi
if [ -f /home/app/.npm-token ]; then NPM_TOKEN="$(cat /home/app/.npm-token)"; export NPM_TOKEN; fi
install=install
if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then install=ci; fi

# npm's output streams to the log as it comes; its exit status goes
# through a file, as sh has no pipefail (and set -e would end the group
# before it is written).
out=/tmp/npm-install.out
{
	rc=0
	npm "$install" --no-audit --no-fund 2>&1 || rc=$?
	echo "$rc" >"$out.rc"
} | tee "$out"
rc="$(cat "$out.rc")"
if [ "$rc" != 0 ]; then
	# npm ends with where its debug log is; what went wrong is above.
	# Say it again last, where the function's status shows it.
	echo "npm $install failed:"
	grep '^npm error' "$out" | grep -v 'A complete log of this run' | head -n 2
	exit "$rc"
fi
rm -f "$out" "$out.rc"
