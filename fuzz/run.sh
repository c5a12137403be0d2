#!/usr/bin/env bash
# Runs every fuzz target for a fixed budget and prints, per target, the executions and
# whether anything was found. Usage: fuzz/run.sh [SECONDS_PER_TARGET] [SANITIZER]
#   SECONDS_PER_TARGET  default 300; CI's smoke run uses 10
#   SANITIZER           address (default) or none (faster builds; panics and assertions
#                       are still caught)
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); the stable toolchain is used with
# RUSTC_BOOTSTRAP=1 for libFuzzer's flags. A finding is saved under fuzz/artifacts/<target>/
# and makes the script exit 1.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-300}"
sanitizer="${2:-address}"
export RUSTC_BOOTSTRAP=1

targets=$(cargo fuzz list)
cargo fuzz build -O -s "$sanitizer" >/dev/null
status=0
printf '%-20s %12s %10s  %s\n' target executions exec/s result
for target in $targets; do
  log=$(mktemp)
  if cargo fuzz run -O -s "$sanitizer" "$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    result="no finding"
  else
    result="FINDING (see fuzz/artifacts/$target/ and the log below)"
    status=1
  fi
  runs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  printf '%-20s %12s %10s  %s\n' "$target" "$runs" "$rate" "$result"
  if [ "$status" -ne 0 ]; then
    tail -n 40 "$log"
  fi
  rm -f "$log"
done
exit "$status"
