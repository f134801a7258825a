#!/usr/bin/env bash
# Stops the dev stack and removes .dev with all its data.

HERE="$(dirname "${BASH_SOURCE[0]}")"
source "$HERE/lib.sh"

"$HERE/down.sh"
if grep -qF " $DEV/" /proc/self/mounts; then
	die "something is still mounted under .dev; not removing it"
fi
rm -rf "$DEV"
[[ $PG_HOME == "$DEV" ]] || rm -rf "$PG_HOME"
log "removed .dev"
