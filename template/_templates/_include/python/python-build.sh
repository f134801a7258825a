#!/bin/sh
# Builds the handler of the Python templates, in /home/app/function:
#   python-build.sh deps    install requirements.txt for the app user
#   python-build.sh check   compile the handler, so that a syntax error
#                           fails the build rather than the first call
# Requirements come from the installation's index (PIP_INDEX_URL), a
# private one's pip.conf when the build secret pip_conf is mounted, and
# trust the builder's CA bundle when it hands one. A file with nothing but
# comments contacts no index.
set -e
case "$1" in
deps)
	if [ -f /etc/ssl/ofc/ca.pem ]; then export PIP_CERT=/etc/ssl/ofc/ca.pem; fi
	if [ -f /home/app/.pip-secret.conf ]; then export PIP_CONFIG_FILE=/home/app/.pip-secret.conf; fi
	if grep -qv '^[[:space:]]*\(#.*\)\?$' requirements.txt; then
		pip install --no-cache-dir --user --disable-pip-version-check -r requirements.txt
	fi
	;;
check)
	out=/tmp/compileall.out
	if ! python -m compileall -q . >"$out" 2>&1; then
		cat "$out"
		# Where and what, said again last, where the function's status
		# shows them.
		grep -o 'File "[^"]*", line [0-9]*' "$out" | tail -n 1
		grep -E '^[A-Za-z]*(Error|Exception)' "$out" | tail -n 1
		exit 1
	fi
	rm -f "$out"
	;;
*)
	echo "usage: python-build.sh deps|check" >&2
	exit 2
	;;
esac
