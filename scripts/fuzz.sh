#!/usr/bin/env bash
# Runs every libFuzzer target for SECONDS seconds each, starting from its checked-in corpus
# (fuzz/corpus/<name>/), and fails on the first crash, sanitizer report, leak or timeout.
# New inputs the fuzzer finds go to BUILD_DIR/fuzz-work/<name>/, so longer runs build on
# earlier ones; to keep the interesting ones, merge them into the checked-in corpus:
#   BUILD_DIR/fuzz/fuzz_<name> -merge=1 fuzz/corpus/<name> BUILD_DIR/fuzz-work/<name>
# Usage: scripts/fuzz.sh BUILD_DIR SECONDS
set -euo pipefail
dir=$1
seconds=$2
work="$dir/fuzz-work"
mkdir -p "$work/crashes"
for corpus in fuzz/corpus/*/; do
  name=$(basename "$corpus")
  mkdir -p "$work/$name"
  log="$work/$name.log"
  if ! "$dir/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
       -print_final_stats=1 -artifact_prefix="$work/crashes/$name-" \
       "$work/$name" "$corpus" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: fuzz_$name FAILED; the input that broke it is in $work/crashes/ ($log)"
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -o 'DONE *cov: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  echo "fuzz: fuzz_$name ok: $runs inputs in ${seconds}s, $cov coverage points"
done
