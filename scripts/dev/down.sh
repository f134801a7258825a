#!/usr/bin/env bash
# Stops everything `make up` started and unmounts what BuildKit left
# mounted. Data under .dev stays for the next `make up`.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stop_postgres() {
	local bin
	if [[ -s $PG_DATA/postmaster.pid ]]; then
		head -n 1 "$PG_DATA/postmaster.pid" >"$RUN/postgres.pid"
	fi
	if running postgres && bin="$(pg_bin)"; then
		log "stopping postgres"
		# Fast shutdown: a smart one would wait for every client to leave.
		runuser -u "$PG_USER" -- "$bin/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null ||
			note "pg_ctl stop failed, signalling postgres"
	fi
	stop_proc postgres 30
}

stop_proc localfaas 30
stop_buildkitd
stop_proc registry
stop_proc natsd
stop_postgres
unmount_under "$DEV"
rm -f "$BUILDKIT_SOCK"
log "dev stack is down (data kept in .dev; make clean removes it)"
