#!/bin/bash
# Instructions per matched event under callgrind: a figure that does not move with the load of a
# shared machine, unlike ns/event. Counts only inside PatternSet::match_event and leaves out the
# one-off index build (the first match after add()).
#
#   bench/micro/pattern/instructions_per_event.sh build/release/bench/micro/pattern/pattern_bench 'BM_MatchEvent/100$'
#
# For 10,000 routes give the benchmark time to amortise start-up: MIN_TIME=1 (default 0.05 s).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 PATTERN_BENCH BENCHMARK_FILTER" >&2
  exit 2
fi
bench=$1
filter=$2
out=$(mktemp --suffix=.callgrind)
trap 'rm -f "$out"' EXIT

valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='sluice::pattern::PatternSet::match_event*' \
  "$bench" --benchmark_filter="$filter" --benchmark_min_time="${MIN_TIME:-0.05}" >/dev/null 2>&1

# callgrind names a function "(id) name" once and "(id)" afterwards; calls= follows each cfn= line.
id=$(grep -m1 -o '([0-9]*) sluice::pattern::PatternSet::match_event' "$out" | grep -o '^([0-9]*)')
calls=$(grep -A1 -F "cfn=$id" "$out" | sed -n 's/^calls=\([0-9]*\).*/\1/p' | paste -sd+ | bc)
total=$(sed -n 's/^summary: \([0-9]*\)/\1/p' "$out")
# (A one-route index may cost too little to be listed: then nothing is subtracted.)
build=$(callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep 'Impl::build_index() \[' |
  awk 'NR == 1 {gsub(",", "", $1); print $1}' || true)
echo "$filter: $(((total - ${build:-0}) / calls)) instructions/event over $calls events"
