#!/usr/bin/env bash
# Runs the comparison benchmarks and regenerates ../BENCHMARKS.md.
#
#	cd bench && ./run.sh
#
# It installs jq when it is missing (with apt-get: run as root), runs the
# parity tests, then every benchmark of the module and workload W3, saving
# their raw output to results.txt, and writes the report from it. On two
# cores it took about three minutes. The environment can change:
#
#	COUNT      runs of each go test benchmark, for medians (5)
#	BENCHTIME  go test -benchtime (100ms)
#	W3_SIZE    W3's corpus size in MiB (128); its memory check also reads 4x that
#	W3_RUNS    timed runs of each W3 engine (5)
#	RESULTS    the raw output (results.txt)
#	REPORT     the report (../BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-100ms}
W3_SIZE=${W3_SIZE:-128}
W3_RUNS=${W3_RUNS:-5}
RESULTS=${RESULTS:-results.txt}
REPORT=${REPORT:-../BENCHMARKS.md}

if ! command -v jq >/dev/null 2>&1; then
	echo "== installing jq"
	if [ "$(id -u)" -ne 0 ]; then
		echo "run.sh: jq is missing and installing it needs root: install jq (apt-get install jq) and run again" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y jq
fi

echo "== $(go version)"

echo "== parity tests"
go vet ./...
go test -count=1 ./...

partial="$RESULTS.partial"
trap 'rm -f "$partial"' EXIT

echo "== benchmarks: -count $COUNT -benchtime $BENCHTIME"
go test -run '^$' -bench . -benchmem -count "$COUNT" -benchtime "$BENCHTIME" -timeout 60m ./... | tee "$partial"

echo "== W3: dry-run end to end, $W3_SIZE MiB, $W3_RUNS runs"
go run ./cmd/w3 -size "$W3_SIZE" -runs "$W3_RUNS" | tee -a "$partial"

mv "$partial" "$RESULTS"
trap - EXIT

echo "== report"
go run ./cmd/report -in "$RESULTS" -out "$REPORT"
echo "wrote $RESULTS and $REPORT"
