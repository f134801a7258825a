#!/bin/sh
# Installs function/requirements.txt for the app user, through the
# installation's index (PIP_INDEX_URL), a private one's pip.conf when the
# build secret pip_conf is mounted, and the builder's CA bundle when it
# hands one. A file with nothing but comments contacts no index.
set -e
if [ -f /etc/ssl/ofc/ca.pem ]; then export PIP_CERT=/etc/ssl/ofc/ca.pem; fi
if [ -f /home/app/.pip-secret.conf ]; then export PIP_CONFIG_FILE=/home/app/.pip-secret.conf; fi
if grep -qv '^[[:space:]]*\(#.*\)\?$' requirements.txt; then
	pip install --no-cache-dir --user --disable-pip-version-check -r requirements.txt
fi
