#!/usr/bin/env bash
# Starts the local dev stack (Postgres, NATS JetStream, the registry,
# BuildKit, containerd and, once it exists, the localfaas gateway) and
# writes .dev/env.
# Whatever already runs is left alone, so a second run takes seconds.

HERE="$(dirname "${BASH_SOURCE[0]}")"
source "$HERE/lib.sh"

# refuse_foreign NAME ADDR fails when something other than this stack's
# NAME already listens on ADDR, instead of talking to a stranger.
refuse_foreign() {
	if ! running "$1" && tcp_open "$2"; then
		die "$2 is taken by a process this stack did not start; stop it, then run make up again"
	fi
}

# init_postgres creates the cluster on first use and (re)writes the settings
# of this stack.
init_postgres() {
	local bin="$1"
	id -u "$PG_USER" >/dev/null 2>&1 ||
		useradd --system --user-group --no-create-home --shell /usr/sbin/nologin "$PG_USER"
	mkdir -p "$PG_DATA"
	chown "$PG_USER:" "$PG_DATA"
	chmod 700 "$PG_DATA"
	runuser -u "$PG_USER" -- test -w "$PG_DATA" ||
		die "user $PG_USER cannot reach $PG_DATA: every directory above it needs o+x"
	if [[ ! -s $PG_DATA/PG_VERSION ]]; then
		log "creating Postgres cluster in ${PG_DATA#"$ROOT"/}"
		if ! runuser -u "$PG_USER" -- "$bin/initdb" -D "$PG_DATA" -U postgres --auth=trust \
			-E UTF8 --no-locale >"$LOGS/initdb.log" 2>&1; then
			tail -n 20 "$LOGS/initdb.log" >&2
			die "initdb failed (log: .dev/logs/initdb.log)"
		fi
		echo "include 'dev.conf'" >>"$PG_DATA/postgresql.conf"
	fi
	cat >"$PG_DATA/dev.conf" <<-EOF
		# Written by scripts/dev/up.sh on every start.
		listen_addresses = '127.0.0.1'
		port = $PG_PORT
		unix_socket_directories = '$PG_DATA'
		max_connections = 200
		# A dev database may lose its last transactions in a crash; it is
		# never corrupted by this, and tests run faster.
		synchronous_commit = off
	EOF
	chown "$PG_USER:" "$PG_DATA/dev.conf"
	touch "$PG_LOG"
	chown "$PG_USER:" "$PG_LOG"
	[[ $PG_LOG -ef $LOGS/postgres.log ]] || ln -sfn "$PG_LOG" "$LOGS/postgres.log"
}

start_postgres() {
	local bin
	bin="$(pg_bin)" || die "PostgreSQL server binaries not found"
	# Postgres keeps its own pid file; ours may be missing or stale.
	if [[ -s $PG_DATA/postmaster.pid ]]; then
		head -n 1 "$PG_DATA/postmaster.pid" >"$RUN/postgres.pid"
	fi
	if running postgres; then
		note "postgres already running"
	else
		refuse_foreign postgres "127.0.0.1:$PG_PORT"
		init_postgres "$bin"
		log "starting postgres on 127.0.0.1:$PG_PORT"
		if ! runuser -u "$PG_USER" -- "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" \
			-w -t 60 start >/dev/null; then
			show_log postgres
			die "postgres did not start (log: .dev/logs/postgres.log)"
		fi
		head -n 1 "$PG_DATA/postmaster.pid" >"$RUN/postgres.pid"
	fi
	wait_for postgres 60 "$bin/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
	if [[ -z "$("$bin/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'ofc'")" ]]; then
		"$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres ofc
		note "created database ofc"
	fi
}

# start_binary NAME ADDR BINARY CMD... runs CMD, which starts BINARY from
# .dev/bin, unless it runs already; it restarts it when BINARY changed since
# it was started.
start_binary() {
	local name="$1" addr="$2" bin="$3"
	shift 3
	if running "$name" && needs_restart "$name" "$bin"; then
		log "$name was rebuilt, restarting it"
		stop_proc "$name"
	fi
	if running "$name"; then
		note "$name already running"
		return
	fi
	refuse_foreign "$name" "$addr"
	log "starting $name on $addr"
	start_bg "$name" "$@"
	remember_binary "$name" "$bin"
}

nats_answers() {
	[[ "$(timeout 2 bash -c "exec 3<>/dev/tcp/${NATS_ADDR%:*}/${NATS_ADDR##*:}; head -c 4 <&3")" == INFO ]]
}

start_nats() {
	mkdir -p "$DEV/nats"
	start_binary natsd "$NATS_ADDR" "$BIN/natsd" "$BIN/natsd" -addr "$NATS_ADDR" -store-dir "$DEV/nats"
	wait_for natsd 30 nats_answers
}

start_registry() {
	local config="$DEV/registry/config.yml" rendered
	mkdir -p "$DEV/registry/data"
	rendered="$(sed "s|@DATA_DIR@|$DEV/registry/data|" "$ROOT/deploy/dev/registry.yml")"
	if [[ ! -f $config || "$(<"$config")" != "$rendered" ]]; then
		printf '%s\n' "$rendered" >"$config"
		stop_proc registry
	fi
	if running registry; then
		note "registry already running"
	else
		refuse_foreign registry "$REGISTRY_ADDR"
		log "starting registry on $REGISTRY_ADDR"
		start_bg registry docker-registry serve "$config"
	fi
	wait_for registry 30 http_ok "http://$REGISTRY_ADDR/v2/"
}

start_buildkitd() {
	local config="$DEV/buildkit/buildkitd.toml"
	mkdir -p "$DEV/buildkit/root"
	if ! cmp -s "$ROOT/deploy/dev/buildkitd.toml" "$config"; then
		cp "$ROOT/deploy/dev/buildkitd.toml" "$config"
		stop_buildkitd
	fi
	# BuildKit clips each step's output at 2 MiB and 200 KiB/s by default;
	# the builder bounds logs itself (OFC_LOG_MAX_BYTES), so buildkitd
	# passes everything on.
	local env="BUILDKIT_STEP_LOG_MAX_SIZE=-1 BUILDKIT_STEP_LOG_MAX_SPEED=-1"
	if [[ "$(cat "$DEV/buildkit/buildkitd.env" 2>/dev/null)" != "$env" ]]; then
		printf '%s\n' "$env" >"$DEV/buildkit/buildkitd.env"
		stop_buildkitd
	fi
	if running buildkitd && needs_restart buildkitd "$BIN/buildkitd"; then
		log "buildkitd was rebuilt, restarting it"
		stop_buildkitd
	fi
	if running buildkitd; then
		note "buildkitd already running"
	else
		log "starting buildkitd on $BUILDKIT_ADDR"
		rm -f "$BUILDKIT_SOCK"
		# shellcheck disable=SC2086 # $env is words of NAME=value
		start_bg buildkitd env $env "$BIN/buildkitd" --oci-worker=true --containerd-worker=false \
			--root "$DEV/buildkit/root" --addr "$BUILDKIT_ADDR" --config "$config"
		remember_binary buildkitd "$BIN/buildkitd"
	fi
	wait_for buildkitd 60 "$BIN/buildctl" --addr "$BUILDKIT_ADDR" debug workers
}

# start_containerd runs the containerd that localfaas starts functions in,
# with its data, state and socket under .dev/containerd.
start_containerd() {
	local dir="$DEV/containerd" config rendered
	config="$dir/containerd.toml"
	mkdir -p "$dir/root" "$dir/state"
	rendered="$(sed "s|@DATA_DIR@|$dir|g" "$ROOT/deploy/dev/containerd.toml")"
	if [[ ! -f $config || "$(<"$config")" != "$rendered" ]]; then
		printf '%s\n' "$rendered" >"$config"
		# Running functions survive this: their shims outlive containerd,
		# which finds them again when it starts.
		stop_proc containerd 30
	fi
	if running containerd; then
		note "containerd already running"
	else
		if containerd_answers; then
			die "$CONTAINERD_SOCK is served by a containerd this stack did not start; stop it, then run make up again"
		fi
		log "starting containerd on $CONTAINERD_SOCK"
		rm -f "$CONTAINERD_SOCK" "$CONTAINERD_SOCK.ttrpc"
		start_bg containerd containerd --config "$config"
	fi
	wait_for containerd 60 containerd_answers
}

write_env() {
	cat >"$DEV/env.tmp" <<-EOF
		# Written by make up: the addresses of the local dev stack.
		export OFC_DATABASE_URL='postgres://postgres@127.0.0.1:$PG_PORT/ofc?sslmode=disable'
		export OFC_NATS_URL='nats://$NATS_ADDR'
		export OFC_BUILDKIT_ADDR='$BUILDKIT_ADDR'
		export OFC_CONTAINERD_ADDR='$CONTAINERD_SOCK'
		export OFC_REGISTRY='$REGISTRY_ADDR'
		export OFC_GATEWAY_URL='http://$GATEWAY_ADDR'
		export OFC_GATEWAY_USER='admin'
		export OFC_GATEWAY_PASSWORD='$(gateway_password)'
		# Builds reach package registries through this machine's TLS
		# proxy, whose CA is in its trust store.
		export OFC_BUILD_CA_FILE='/etc/ssl/certs/ca-certificates.crt'
	EOF
	mv "$DEV/env.tmp" "$DEV/env"
}

start_gateway() {
	if ! compgen -G "$ROOT/cmd/localfaas/*.go" >/dev/null; then
		note "no ./cmd/localfaas yet: the gateway is not started"
		return
	fi
	build_go localfaas || die "building ./cmd/localfaas failed; the other services are running"
	mkdir -p "$DEV/localfaas"
	(
		export_localfaas_env
		start_binary localfaas "$GATEWAY_ADDR" "$BIN/localfaas" "$BIN/localfaas"
	)
	wait_for localfaas 60 http_ok "http://$GATEWAY_ADDR/healthz"
	# Bound before it answers on $GATEWAY_ADDR, so it is there already.
	note "functions reach it as http://gateway.openfaas:$GATEWAY_BRIDGE_PORT (bridge $CONTAINERD_BRIDGE, $CONTAINERD_SUBNET)"
}

mkdir -p "$RUN" "$LOGS"
"$HERE/tools.sh"
start_postgres
start_nats
start_registry
start_buildkitd
start_containerd
"$HERE/seed-images.sh"
write_env
start_gateway

log "dev stack is up; load its addresses with: . .dev/env"
