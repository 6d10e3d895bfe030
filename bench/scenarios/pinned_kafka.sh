#!/usr/bin/env bash
# One pinned end-to-end run: sluice-bench (gRPC or HTTP) -> sluice -> sluice-kafka-mock, with
# sluice on its own core, and the CPU of every thread over the measured window.
#
#   bench/scenarios/pinned_kafka.sh BUILD_DIR grpc|http
#
# BUILD_DIR is a release build (cmake --preset release -B build/perfa) with the targets sluice,
# sluice-bench and sluice-kafka-mock. Prints sluice-bench's throughput, CPU per event, RSS and
# loss check, then CPU ticks (1 tick = 10 ms) and context switches per thread of sluice, the bench
# and the mock, busiest first. BENCHMARKS.md's 2026-12-06 sections were measured with it.
#
# Environment (all optional):
#   RATE=250000          events/s, open loop (default: as fast as possible)
#   FORMAT=binary        Kafka output format (default: structured)
#   KAFKA_PROPS='linger.ms: 20'   extra librdkafka properties, as YAML map entries
#   SLUICE_CPUS=0 BENCH_CPUS=1    taskset core lists (defaults); empty = not pinned
#   SLUICE_WRAPPER='env MALLOC_CONF=tcache_max:32768'   command prefix for sluice (A/B runs)
#   PERF_OUT=file.data   also `perf record -g` sluice for 7 s of the window
#   TRACE_OUT=file.txt   also `perf trace -s` (syscalls per thread) of sluice for 3 s
set -euo pipefail

BUILD=$(realpath "$1")
PROTOCOL=$2
HERE=$(dirname "$(realpath "$0")")
SLUICE_CPUS=${SLUICE_CPUS-0}
BENCH_CPUS=${BENCH_CPUS-1}
pin() { if [ -n "$1" ]; then echo "taskset -c $1"; fi; }

WORK=$(mktemp -d -t sluice-pinned.XXXXXX)
PIDS=()
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

read -r HTTP_PORT GRPC_PORT ADMIN_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')

# shellcheck disable=SC2046
$(pin "$BENCH_CPUS") "$BUILD/tools/kafka_mock/sluice-kafka-mock" --topic sluice.bench --partitions 4 \
  > "$WORK/mock.out" 2> "$WORK/mock.log" < /dev/null &
MOCK_PID=$!
PIDS+=("$MOCK_PID")
BROKERS=""
for _ in $(seq 100); do
  BROKERS=$(sed -n '1s/^bootstrap=//p' "$WORK/mock.out")
  [ -n "$BROKERS" ] && break
  sleep 0.1
done
[ -n "$BROKERS" ] || { echo "the mock broker did not start:" >&2; cat "$WORK/mock.log" >&2; exit 1; }

cat > "$WORK/sluice.yaml" <<YAML
pipeline: { workers: 2, io_threads: 1 }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
log: { level: warn }
sources:
  http: { type: http, listen: "127.0.0.1:$HTTP_PORT", path: /, max_body_bytes: 64MiB }
  grpc: { type: grpc, listen: "127.0.0.1:$GRPC_PORT" }
sinks:
  kafka: { type: kafka, brokers: "$BROKERS", topic: sluice.bench, format: ${FORMAT:-structured},
           properties: { ${KAFKA_PROPS:-} } }
routes:
  - { name: all, to: [kafka] }
YAML
# shellcheck disable=SC2046,SC2086
$(pin "$SLUICE_CPUS") ${SLUICE_WRAPPER:-} "$BUILD/src/app/sluice" run -c "$WORK/sluice.yaml" > "$WORK/sluice.log" 2>&1 &
SLUICE_PID=$!
PIDS+=("$SLUICE_PID")
ready=""
for _ in $(seq 300); do
  if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  kill -0 "$SLUICE_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ready" ] || { echo "sluice did not become ready:" >&2; cat "$WORK/sluice.log" >&2; exit 1; }

if [ "$PROTOCOL" = grpc ]; then
  LOAD=(--protocol grpc --target "127.0.0.1:$GRPC_PORT" --connections 8)
else
  LOAD=(--protocol http --url "http://127.0.0.1:$HTTP_PORT/" --connections 32)
fi
[ -n "${RATE:-}" ] && LOAD+=(--rate "$RATE")
# shellcheck disable=SC2046
$(pin "$BENCH_CPUS") "$BUILD/tools/sluice_bench/sluice-bench" "${LOAD[@]}" --batch 100 -d 10 --warmup 2 \
  --kafka-brokers "$BROKERS" --kafka-topic sluice.bench --sluice-pid "$SLUICE_PID" > "$WORK/bench.out" 2>&1 &
BENCH_PID=$!
PIDS+=("$BENCH_PID")

sleep 3  # inside the measured window: 2 s warm-up, then 10 s measured
[ -n "${PERF_OUT:-}" ] && perf record -F 999 -g -p "$SLUICE_PID" -o "$PERF_OUT" -- sleep 7 > /dev/null 2>&1 &
[ -n "${TRACE_OUT:-}" ] && perf trace -s -p "$SLUICE_PID" -o "$TRACE_OUT" -- sleep 3 > /dev/null 2>&1 &
"$HERE/thread_times.py" "$SLUICE_PID" "$BENCH_PID" "$MOCK_PID" > "$WORK/before"
sleep 7
"$HERE/thread_times.py" "$SLUICE_PID" "$BENCH_PID" "$MOCK_PID" > "$WORK/after"
bench_status=0
wait "$BENCH_PID" || bench_status=$?

grep -E "events/s|µs/event|MISSING|RSS" "$WORK/bench.out" || cat "$WORK/bench.out"
echo "threads over 7 s (pids: sluice $SLUICE_PID, bench $BENCH_PID, mock $MOCK_PID):"
"$HERE/thread_times.py" --diff "$WORK/before" "$WORK/after"
exit "$bench_status"
