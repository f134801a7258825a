#!/usr/bin/env bash
# Runs `make test` RUNS times in a row (3 by default) beside a CPU load of
# LOAD_CPUS busy loops (1 by default; 0 when another load, such as
# `make fuzz`, already keeps the machine busy), stops at the first failure,
# and writes each run's result, time and load average to docs/busy.md.
# The suite's waits come from its configuration, not from an idle
# machine: this is what shows it.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

RUNS="${RUNS:-3}"
LOAD_CPUS="${LOAD_CPUS:-1}"
OUT="${BUSY_OUT:-docs/busy.md}"
LOG_DIR="$(mktemp -d)"

burners=()
for _ in $(seq 1 "$LOAD_CPUS"); do
	# A busy loop at normal priority, as a colleague's build would be.
	bash -c 'while :; do :; done' &
	burners+=($!)
done
stop() {
	for p in "${burners[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$LOG_DIR"
}
trap stop EXIT

# LOAD_NOTE describes a load the script did not start itself.
LOAD_NOTE="${LOAD_NOTE:-}"

rows=()
passed=0
write_doc() {
	{
		echo "# The suite on a busy machine"
		echo
		echo "\`make test\` run $RUNS times in a row beside $LOAD_CPUS busy loop(s) at normal priority"
		[ -n "$LOAD_NOTE" ] && echo "and $LOAD_NOTE"
		echo "(\`RUNS=$RUNS LOAD_CPUS=$LOAD_CPUS scripts/busy-test.sh\`), on $(date -u +%Y-%m-%d),"
		echo "on a machine with $(nproc) cores, CI=${CI:-unset}. The load average is read as each run ends;"
		echo "the table is written after each run."
		echo
		echo "| run | took | load average (1, 5, 15 min) | result |"
		echo "|---|---|---|---|"
		printf '%s\n' "${rows[@]}"
	} >"$OUT"
}
for i in $(seq 1 "$RUNS"); do
	echo "==> make test, run $i of $RUNS, beside $LOAD_CPUS busy loop(s)"
	start=$(date +%s)
	if make test >"$LOG_DIR/run-$i.log" 2>&1; then
		result="passed"
		passed=$((passed + 1))
	else
		result="**failed**: $(grep -m1 -E -- '--- FAIL|^FAIL' "$LOG_DIR/run-$i.log" | sed 's/|/\\|/g')"
		tail -n 60 "$LOG_DIR/run-$i.log"
	fi
	took=$(($(date +%s) - start))
	rows+=("| $i | ${took}s | $(cut -d' ' -f1-3 /proc/loadavg) | $result |")
	write_doc
	[ "$result" = "passed" ] || break
done
echo "==> $passed of $RUNS runs passed; wrote $OUT"
[ "$passed" -eq "$RUNS" ]
