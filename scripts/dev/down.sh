#!/usr/bin/env bash
# Stops everything `make up` started and unmounts what BuildKit and
# containerd left mounted. Data under .dev stays for the next `make up`.

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

# stop_containerd removes the function containers with their networks and
# mounts, then stops containerd and whatever of it outlives it.
stop_containerd() {
	if running containerd && [[ -x $BIN/localfaas ]]; then
		log "removing function containers"
		printf '\n==== %s teardown\n' "$(date -Is)" >>"$LOGS/teardown.log"
		if ! (export_localfaas_env && exec timeout -k 5 300 "$BIN/localfaas" teardown) \
			>>"$LOGS/teardown.log" 2>&1; then
			note "localfaas teardown failed (log: .dev/logs/teardown.log); removing what is left by hand"
		fi
	fi
	stop_proc containerd 30
	kill_function_containers
	local shims
	mapfile -t shims < <(containerd_shims)
	# Shims are reparented to init, so stop_proc did not see them.
	terminate "containerd shims" 5 "${shims[@]}"
	if ip link show "$CONTAINERD_BRIDGE" >/dev/null 2>&1; then
		note "deleting bridge $CONTAINERD_BRIDGE"
		ip link del "$CONTAINERD_BRIDGE" || note "could not delete bridge $CONTAINERD_BRIDGE"
	fi
	rm -f "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
}

# kill_function_containers kills and deletes the runc containers that
# teardown left behind. Their shims keep runc's state in
# /run/containerd/runc/<namespace> and their bundles under our state
# directory, which is how they are told apart from anyone else's.
kill_function_containers() {
	local root id
	for root in /run/containerd/runc/*/; do
		[[ -d $root ]] || continue
		for id in $(runc --root "$root" list 2>/dev/null |
			awk -v d="$DEV/containerd/" 'index($4, d) == 1 { print $1 }'); do
			note "removing function container $id"
			runc --root "$root" kill "$id" KILL 2>/dev/null || true
			runc --root "$root" delete --force "$id" 2>/dev/null || true
		done
	done
}

# containerd_shims prints the pids of the shims serving our containerd,
# which name its socket on their command line.
containerd_shims() {
	local pid args
	for pid in $(pgrep -f containerd-shim-runc-v2); do
		# Every argument ends in a space, the last one too.
		args="$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" || continue
		if [[ ${args%% *} == *containerd-shim-runc-v2 && $args == *" -address $CONTAINERD_SOCK "* ]]; then
			echo "$pid"
		fi
	done
	return 0
}

stop_proc localfaas 30
stop_containerd
stop_buildkitd
stop_proc registry
stop_proc natsd
stop_postgres
unmount_under "$DEV"
rm -f "$BUILDKIT_SOCK"
log "dev stack is down (data kept in .dev; make clean removes it)"
