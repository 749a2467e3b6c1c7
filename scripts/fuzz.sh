#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS seconds each, starting from its checked-in corpus
# (fuzz/corpus/<name>/), and fails on the first crash, sanitizer report, leak or timeout.
# New inputs the fuzzer finds go to BUILD_DIR/fuzz-work/<name>/, so longer runs build on
# earlier ones; to keep the interesting ones, merge them into the checked-in corpus:
#   BUILD_DIR/fuzz/fuzz_<name> -merge=1 fuzz/corpus/<name> BUILD_DIR/fuzz-work/<name>
# fuzz_http runs twice: on SQLite, then on a private PostgreSQL (scripts/pg-test.sh), whose
# errors for bytes SQLite accepts must map to 4xx answers too.
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
dir=$1
seconds=$2
work="$dir/fuzz-work"
mkdir -p "$work/crashes"

# run NAME LABEL: fuzz_NAME from fuzz/corpus/NAME/, its log and crashes under LABEL.
run() {
  local name=$1 label=$2
  mkdir -p "$work/$name"
  local log="$work/$label.log"
  if ! "$dir/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -print_final_stats=1 -artifact_prefix="$work/crashes/$label-" \
       "$work/$name" "fuzz/corpus/$name" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $label FAILED; the input that broke it is in $work/crashes/ ($log)"
    return 1
  fi
  local runs cov
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'DONE *cov: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: $label ok: $runs inputs in ${seconds}s, $cov coverage points"
}

for corpus in fuzz/corpus/*/; do
  name=$(basename "$corpus")
  run "$name" "fuzz_$name"
done

pg="$work/postgres"
trap 'scripts/pg-test.sh stop "$pg" >/dev/null 2>&1 || true' EXIT
scripts/pg-test.sh start "$pg" >/dev/null
FUZZ_HTTP_DATABASE_URL=$(cat "$pg/url") run http fuzz_http_postgresql
