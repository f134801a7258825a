#!/bin/sh
# Installs the handler's package.json dependencies: npm ci when a lock
# file pins them, npm install when not. The builder's CA bundle, a
# private registry's .npmrc (build secret npmrc) and a token for an
# .npmrc that reads ${NPM_TOKEN} (build secret npm_token) are used when
# the build hands them.
set -e
if [ -f /etc/ssl/ofc/ca.pem ]; then export NODE_EXTRA_CA_CERTS=/etc/ssl/ofc/ca.pem; fi
if [ -f /home/app/.npm-token ]; then NPM_TOKEN="$(cat /home/app/.npm-token)"; export NPM_TOKEN; fi
if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then
	npm ci --no-audit --no-fund
else
	npm install --no-audit --no-fund
fi
