#!/bin/sh
# Builds the handler of the Python templates, in /home/app/function:
#   python-build.sh deps    install requirements.txt for the app user
#   python-build.sh check   compile the handler, so that a syntax error
#                           fails the build rather than the first call
#   python-build.sh test    run TEST_COMMAND (tox by default) when
#                           TEST_ENABLED is true or 1, as OpenFaaS's
#                           templates do; nothing otherwise
# Requirements come from the installation's index (PIP_INDEX_URL), a
# private one's pip.conf when the build secret pip_conf is mounted, and
# trust the builder's CA bundle when it hands one. A file with nothing but
# comments contacts no index.
set -e
if [ -f /etc/ssl/ofc/ca.pem ]; then export PIP_CERT=/etc/ssl/ofc/ca.pem; fi
if [ -f /home/app/.pip-secret.conf ]; then export PIP_CONFIG_FILE=/home/app/.pip-secret.conf; fi
case "$1" in
deps)
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
test)
	case "$TEST_ENABLED" in
	true | 1) ;;
	*) exit 0 ;;
	esac
	cmd="${TEST_COMMAND:-tox}"
	if [ "${cmd%% *}" = tox ] && ! command -v tox >/dev/null 2>&1; then
		# OpenFaaS's templates install tox with their own requirements,
		# from PyPI; this one reaches no index for itself.
		echo "TEST_ENABLED=$TEST_ENABLED runs \"$cmd\", but tox is not installed: add tox to function/requirements.txt, or set TEST_COMMAND (for example \"python -m unittest\")"
		exit 1
	fi
	echo "running the function's tests: $cmd"
	rc=0
	(eval "$cmd") || rc=$?
	if [ "$rc" != 0 ]; then
		# Said again last, where the function's status shows it.
		echo "the function's tests failed: $cmd exited with $rc"
		exit "$rc"
	fi
	;;
*)
	echo "usage: python-build.sh deps|check|test" >&2
	exit 2
	;;
esac
