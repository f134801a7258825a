#!/usr/bin/env bash
# Runs every fuzz target of the module for FUZZTIME each (10m by default),
# one after the other, and writes what each did to docs/fuzz.md: the
# inputs it tried, the new interesting ones, and whether it found a
# failure (go test then leaves the failing input in the package's
# testdata/fuzz, to be committed with its fix as a regression test).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

FUZZTIME="${FUZZTIME:-10m}"
# Workers per target; 1 leaves a core to the rest of the machine.
FUZZ_PARALLEL="${FUZZ_PARALLEL:-2}"
OUT="${FUZZ_OUT:-docs/fuzz.md}"
LOG_DIR="$(mktemp -d)"
trap 'rm -rf "$LOG_DIR"' EXIT

rows=()
failed=0
while read -r pkg; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
		log="$LOG_DIR/${pkg//\//_}-$target.log"
		echo "==> $pkg $target ($FUZZTIME)"
		start=$(date +%s)
		# Minimising each new input for go's default minute left the
		# larger payloads' targets trying a few dozen inputs a run.
		if go test "$pkg" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 5s -parallel "$FUZZ_PARALLEL" >"$log" 2>&1; then
			result="passed"
		else
			result="**failed**: $(grep -m1 -E 'Failing input written to|panic:|--- FAIL' "$log" | sed 's/|/\\|/g')"
			failed=1
			tail -n 30 "$log"
		fi
		took=$(($(date +%s) - start))
		# The last progress line: "fuzz: elapsed: 10m0s, execs: 123 (..), new interesting: 4 (total: 9)".
		last="$(grep -E '^fuzz: elapsed' "$log" | tail -n 1)"
		execs="$(sed -nE 's/.*execs: ([0-9]+).*/\1/p' <<<"$last")"
		interesting="$(sed -nE 's/.*new interesting: ([0-9]+) \(total: ([0-9]+)\).*/\1 (corpus \2)/p' <<<"$last")"
		rows+=("| \`${pkg#github.com/ofcbuild/ofc/}\` | \`$target\` | ${took}s | ${execs:-?} | ${interesting:-?} | $result |")
	done
done < <(go list ./... | grep -v '/test$')

{
	echo "# Fuzzing"
	echo
	echo "Every fuzz target of the module, each run for $FUZZTIME with \`make fuzz\`"
	echo "(\`FUZZTIME=$FUZZTIME FUZZ_PARALLEL=$FUZZ_PARALLEL scripts/fuzz.sh\`), on $(date -u +%Y-%m-%d) on a machine with $(nproc) cores,"
	echo "$FUZZ_PARALLEL worker(s) a target."
	echo "Each reads untrusted input: webhook bodies and signatures, stack files, Dockerfiles, names,"
	echo "image references, request bodies. A failure leaves its input in the package's \`testdata/fuzz\`,"
	echo "where \`go test\` runs it from then on."
	echo
	echo "| package | target | ran | inputs tried | new interesting | result |"
	echo "|---|---|---|---|---|---|"
	printf '%s\n' "${rows[@]}"
} >"$OUT"
echo "==> wrote $OUT"
exit "$failed"
