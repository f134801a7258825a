# shellcheck shell=bash
# Shared paths and helpers of the local dev stack. Sourced by the other
# scripts in this directory; every process it starts keeps its log in
# .dev/logs/<name>.log and its pid in .dev/run/<name>.pid.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEV="$ROOT/.dev"
BIN="$DEV/bin"
RUN="$DEV/run"
LOGS="$DEV/logs"

# Where the services listen; the scripts sourcing this file read them.
# shellcheck disable=SC2034
{
	PG_PORT=55432
	# initdb and postgres refuse to run as root.
	PG_USER=postgres
	NATS_ADDR=127.0.0.1:54222
	REGISTRY_ADDR=127.0.0.1:5000
	GATEWAY_ADDR=127.0.0.1:58080
	BUILDKIT_SOCK="$DEV/buildkit/buildkitd.sock"
	BUILDKIT_ADDR="unix://$BUILDKIT_SOCK"
	CONTAINERD_SOCK="$DEV/containerd/containerd.sock"
	# The CNI bridge localfaas puts function containers on, and its
	# subnet; the bridge's own address is the subnet's first (10.62.0.1).
	CONTAINERD_BRIDGE=ofc0
	CONTAINERD_SUBNET=10.62.0.0/16
	# The port localfaas also listens on at the bridge's address, where
	# functions reach it as http://gateway.openfaas:8080, as on OpenFaaS.
	GATEWAY_BRIDGE_PORT=8080
}

# traversable DIR succeeds when every directory from / to DIR lets others
# pass (o+x), as the Postgres user must to reach its data.
traversable() {
	local d="$1" mode
	while [[ -n $d && $d != / ]]; do
		mode="$(stat -c %a "$d")" || return 1
		((8#${mode: -1} & 1)) || return 1
		d="$(dirname "$d")"
	done
}

# Postgres keeps its data in .dev/pg, unless the checkout sits in a
# directory its user cannot pass (a home directory, a mktemp -d): then under
# /var/lib/ofc-dev, in a directory named after the checkout.
# shellcheck disable=SC2034
{
	PG_HOME="$DEV"
	if ! traversable "$ROOT"; then
		PG_HOME="/var/lib/ofc-dev/$(printf %s "$ROOT" | sha256sum | cut -c1-12)"
	fi
	PG_DATA="$PG_HOME/pg"
	PG_LOG="$PG_HOME/postgres.log"
}

log() { printf '==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# show_log NAME prints the end of a process's log, to explain a failure.
show_log() {
	local file="$LOGS/$1.log"
	if [[ -s $file ]]; then
		printf -- '---- last lines of %s ----\n' "${file#"$ROOT"/}" >&2
		tail -n 40 "$file" >&2
		printf -- '----\n' >&2
	fi
}

# pid_of NAME prints the pid of a process this stack started, if it still
# runs. A pid file can outlive its process (a reboot, a kill -9), so the pid
# only counts when that process's command line names this .dev directory.
pid_of() {
	local pidfile="$RUN/$1.pid" pid
	[[ -s $pidfile ]] || return 1
	pid="$(<"$pidfile")"
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	alive "$pid" || return 1
	# Postgres is named by its data directory, which may live outside .dev.
	local mark="$DEV"
	[[ $1 == postgres ]] && mark="$PG_DATA"
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$mark" || return 1
	echo "$pid"
}

running() { pid_of "$1" >/dev/null; }

# start_bg NAME CMD... runs CMD detached from this shell and the terminal,
# appending its output to NAME's log.
start_bg() {
	local name="$1"
	shift
	mkdir -p "$RUN" "$LOGS"
	printf '\n==== %s start: %s\n' "$(date -Is)" "$*" >>"$LOGS/$name.log"
	setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
	echo $! >"$RUN/$name.pid"
}

# wait_for NAME SECONDS CHECK... runs CHECK until it succeeds. It fails with
# the end of NAME's log when the process dies or the time runs out.
wait_for() {
	local name="$1" timeout="$2" deadline
	shift 2
	deadline=$((SECONDS + timeout))
	until "$@" >/dev/null 2>&1; do
		if ! running "$name"; then
			show_log "$name"
			die "$name exited during start (log: .dev/logs/$name.log)"
		fi
		if ((SECONDS >= deadline)); then
			show_log "$name"
			die "$name did not answer within ${timeout}s (log: .dev/logs/$name.log)"
		fi
		sleep 0.2
	done
}

# stop_proc NAME [SECONDS] sends SIGTERM, waits, then sends SIGKILL. Child
# processes that outlive it get the same treatment.
stop_proc() {
	local name="$1" timeout="${2:-20}" pid kids=()
	if pid="$(pid_of "$name")"; then
		log "stopping $name (pid $pid)"
		mapfile -t kids < <(descendants "$pid" | with_start_time)
		terminate "$name" "$timeout" "$pid"
		if ((${#kids[@]} > 0)); then
			# shellcheck disable=SC2046 # one word per pid
			terminate "$name's children" 5 $(still_running "${kids[@]}")
		fi
	fi
	rm -f "$RUN/$name.pid" "$RUN/$name.sum"
}

# terminate WHAT SECONDS PID... sends SIGTERM to the PIDs, and SIGKILL to
# those still alive after SECONDS.
terminate() {
	local what="$1" timeout="$2" deadline pid left
	shift 2
	(($# > 0)) || return 0
	kill -TERM "$@" 2>/dev/null || true
	deadline=$((SECONDS + timeout))
	while :; do
		left=()
		for pid in "$@"; do
			alive "$pid" && left+=("$pid")
		done
		((${#left[@]} > 0)) || return 0
		((SECONDS < deadline)) || break
		sleep 0.2
	done
	note "$what ignored SIGTERM for ${timeout}s, killing ${left[*]}"
	kill -KILL "${left[@]}" 2>/dev/null || true
	sleep 0.2
}

# descendants PID prints every process below PID, children first.
descendants() {
	local child
	for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
		descendants "$child"
		echo "$child"
	done
}

# alive PID succeeds while PID runs. A process that exited but was not
# reaped yet (our processes are reparented to init) counts as gone.
alive() {
	local state
	state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
	[[ -n $state && $state != Z ]]
}

# start_time PID prints when PID started, which tells a process apart from a
# later one that got the same pid.
start_time() {
	sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20
}

# with_start_time turns lines of pids into "pid:start-time".
with_start_time() {
	local pid start
	while read -r pid; do
		start="$(start_time "$pid")"
		[[ -n $start ]] && echo "$pid:$start"
	done
	return 0
}

# still_running PID:START... prints the pids that are still those processes.
still_running() {
	local entry
	for entry in "$@"; do
		[[ "$(start_time "${entry%%:*}")" == "${entry#*:}" ]] && echo "${entry%%:*}"
	done
	return 0
}

# tcp_open HOST:PORT succeeds when something accepts connections there.
tcp_open() {
	timeout 2 bash -c "exec 3<>/dev/tcp/${1%:*}/${1##*:}" 2>/dev/null
}

# http_ok URL succeeds when URL answers 2xx.
http_ok() {
	curl -fsS -o /dev/null --max-time 3 "$1"
}

# containerd_answers succeeds when a containerd serves this stack's socket.
containerd_answers() {
	timeout 5 ctr -a "$CONTAINERD_SOCK" version >/dev/null 2>&1
}

# gateway_password prints the password of the gateway's basic auth, made up
# on first use.
gateway_password() {
	local file="$DEV/gateway-password"
	if [[ ! -s $file ]]; then
		(umask 077 && head -c 24 /dev/urandom | base64 | tr -d '/+=\n' >"$file")
	fi
	cat "$file"
}

# export_localfaas_env exports the configuration of localfaas, for the
# gateway and for its teardown, which must find the same containerd,
# state and bridge. Passed through the environment, so the password stays
# out of the logs.
export_localfaas_env() {
	export OFC_LOCALFAAS_ADDR="$GATEWAY_ADDR"
	export OFC_LOCALFAAS_REGISTRY="$REGISTRY_ADDR"
	export OFC_GATEWAY_USER=admin
	OFC_GATEWAY_PASSWORD="$(gateway_password)"
	export OFC_GATEWAY_PASSWORD
	export OFC_LOCALFAAS_STATE_DIR="$DEV/localfaas"
	export OFC_LOCALFAAS_RUNTIME=containerd
	export OFC_LOCALFAAS_CONTAINERD="$CONTAINERD_SOCK"
	export OFC_LOCALFAAS_BRIDGE="$CONTAINERD_BRIDGE"
	export OFC_LOCALFAAS_SUBNET="$CONTAINERD_SUBNET"
	export OFC_LOCALFAAS_BRIDGE_PORT="$GATEWAY_BRIDGE_PORT"
}

# file_sum FILE prints a content hash, to tell whether a binary changed.
file_sum() {
	sha256sum "$1" | cut -d' ' -f1
}

# needs_restart NAME BINARY succeeds when NAME runs an older build of BINARY
# than the one on disk now.
needs_restart() {
	[[ -s "$RUN/$1.sum" ]] || return 0
	[[ "$(<"$RUN/$1.sum")" != "$(file_sum "$2")" ]]
}

# remember_binary NAME BINARY records which build NAME was started from.
remember_binary() {
	file_sum "$2" >"$RUN/$1.sum"
}

# pg_bin prints the directory of the PostgreSQL server binaries.
pg_bin() {
	local initdb dir
	if initdb="$(command -v initdb 2>/dev/null)"; then
		dirname "$(readlink -f "$initdb")"
		return
	fi
	for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
		if [[ -x $dir/initdb ]]; then
			echo "$dir"
			return
		fi
	done
	return 1
}

# build_go NAME builds ./cmd/NAME into .dev/bin; the Go build cache makes
# this quick when nothing changed.
build_go() {
	(cd "$ROOT" && go build -o "$BIN/$1" "./cmd/$1")
}

# unmount_under DIR unmounts everything mounted at or below DIR, deepest
# first.
unmount_under() {
	local mnt
	awk -v d="$1" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts |
		sort -r | while read -r mnt; do
		umount "$mnt" 2>/dev/null || umount -l "$mnt"
	done
}

# stop_buildkitd stops the daemon and whatever it leaves behind. The
# containers of running RUN steps go first: buildkitd's graceful stop waits
# for running builds, and a build that is being stopped cannot finish anyway.
stop_buildkitd() {
	kill_build_containers
	stop_proc buildkitd 30
	kill_build_containers
	unmount_under "$DEV/buildkit"
}

# kill_build_containers kills and deletes the runc containers of RUN steps.
# buildkitd keeps their state in runc's default root and their bundles under
# its own root, which is how they are told apart from anyone else's.
kill_build_containers() {
	local id
	for id in $(runc list 2>/dev/null | awk -v d="$DEV/buildkit/" 'index($4, d) == 1 { print $1 }'); do
		note "removing build container $id"
		runc kill "$id" KILL 2>/dev/null || true
		runc delete --force "$id" 2>/dev/null || true
	done
}
