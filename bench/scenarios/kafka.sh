#!/usr/bin/env bash
# End-to-end scenario: sluice-bench -> sluice (HTTP or gRPC source) -> Kafka (librdkafka mock
# cluster), with every acknowledged event checked in the topic and sluice's CPU and memory reported.
#
#   bench/scenarios/kafka.sh [options] [-- extra sluice-bench options]
#
#   --build-dir DIR     build tree with src/app/sluice and tools/* (default: build/release)
#   --protocol P        http|grpc (default http)
#   --connections N     keep-alive connections, or gRPC streams (default 8)
#   --batch N           events per request (default 100)
#   --duration S        measured seconds (default 10)
#   --warmup S          unmeasured seconds before (default 2)
#   --rate EV_PER_S     open-loop event rate, 0 = as fast as possible (default 0)
#   --event-size B      approximate bytes per event (default 400)
#   --mode M            HTTP content mode: batch|structured|ndjson|binary (default batch)
#   --format F          Kafka sink format: structured|binary (default structured)
#   --workers N         sluice decode workers (default 2)
#   --budget SIZE       sluice pipeline.budget_bytes (default 256MiB)
#   --partitions N      partitions of the topic the mock creates up front (default 4)
#   --kafka-property K=V  a librdkafka property for the sink (repeatable), e.g. linger.ms=20
#   --keep              keep the temp dir (config, logs) for a look afterwards
#
# Attributing the CPU (BENCHMARKS.md, issue 3 sections):
#   --sluice-cpus LIST  run sluice on these cores (taskset), e.g. 0
#   --bench-cpus LIST   run sluice-bench and the mock on these cores, e.g. 1
#   --sluice-prefix CMD  command sluice runs under, e.g. 'env MALLOC_CONF=tcache_max:32768' (A/B)
#   --threads           print CPU ticks (10 ms) and context switches per thread of sluice, the
#                       bench and the mock over most of the measured window (duration - 3 s)
#   --perf FILE         also `perf record -g` sluice over that window
#   --perf-trace FILE   also `perf trace -s` (syscalls per thread) of sluice for 3 s of it
#
# Environment: KAFKA_BROKERS=host:port uses that cluster instead of starting sluice-kafka-mock.
# Exit status is sluice-bench's (0 ok, 1 acknowledged events missing, 3 run failed, 5 inconclusive:
# the verifier fell behind the mock's retention), or 4 when the scenario itself could not be set up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/bench/scenarios"
# shellcheck source-path=SCRIPTDIR source=load_options.sh
. "$HERE/load_options.sh"
PROTOCOL=http
BUDGET=256MiB
PARTITIONS=4
TOPIC=sluice.bench
KAFKA_PROPERTIES=()
SLUICE_CPUS=""
BENCH_CPUS=""
SLUICE_PREFIX=""
THREADS=0
PERF_OUT=""
TRACE_OUT=""

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  if take_load_option "$@"; then shift "$TAKEN"; continue; fi
  case "$1" in
    --protocol) PROTOCOL="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --kafka-property) KAFKA_PROPERTIES+=("$2"); shift 2 ;;
    --sluice-cpus) SLUICE_CPUS="$2"; shift 2 ;;
    --bench-cpus) BENCH_CPUS="$2"; shift 2 ;;
    --sluice-prefix) SLUICE_PREFIX="$2"; shift 2 ;;
    --threads) THREADS=1; shift ;;
    --perf) PERF_OUT="$(realpath -m "$2")"; shift 2 ;;
    --perf-trace) TRACE_OUT="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "kafka.sh: unknown option $1 (see --help)" >&2; exit 4 ;;
  esac
done
case "$PROTOCOL" in
  http|grpc) ;;
  *) echo "kafka.sh: --protocol must be http or grpc" >&2; exit 4 ;;
esac

# `taskset -c LIST` when a core list is given, nothing otherwise.
pinned() { if [ -n "$1" ]; then echo "taskset -c $1"; fi; }

SLUICE="$BUILD_DIR/src/app/sluice"
BENCH="$BUILD_DIR/tools/sluice_bench/sluice-bench"
MOCK="$BUILD_DIR/tools/kafka_mock/sluice-kafka-mock"
for bin in "$SLUICE" "$BENCH"; do
  [ -x "$bin" ] || { echo "kafka.sh: $bin is not built (ninja -C $BUILD_DIR)" >&2; exit 4; }
done
if [ -z "${KAFKA_BROKERS:-}" ] && [ ! -x "$MOCK" ]; then
  echo "kafka.sh: $MOCK is not built; build it or set KAFKA_BROKERS" >&2
  exit 4
fi

WORK="$(mktemp -d -t sluice-kafka.XXXXXX)"
MOCK_PID=""
SLUICE_PID=""
BENCH_PID=""

# Stops what this script started, by pid: sluice first (it drains into Kafka), then the broker.
stop_pid() {
  local pid="$1" name="$2" waited=0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "kafka.sh: $name did not stop within 15 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$BENCH_PID" sluice-bench
  stop_pid "$SLUICE_PID" sluice
  stop_pid "$MOCK_PID" sluice-kafka-mock
  if [ "$KEEP" = 1 ]; then echo "kafka.sh: logs and config kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_setup() {
  echo "kafka.sh: $1" >&2
  for log in "$WORK"/*.log; do
    [ -s "$log" ] && { echo "--- tail of $(basename "$log")" >&2; tail -n 20 "$log" >&2; }
  done
  exit 4
}

# Two distinct free TCP ports on 127.0.0.1 (the kernel picks them; they are free a moment later
# unless something races us, which the readiness check below would reveal).
read -r SOURCE_PORT ADMIN_PORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)

if [ -n "${KAFKA_BROKERS:-}" ]; then
  BROKERS="$KAFKA_BROKERS"
else
  # The topic exists before the bench starts, so its verifier starts at the high watermarks at
  # once instead of discovering the topic while the mock's ~5 MiB per partition scrolls by.
  # shellcheck disable=SC2046  # the taskset prefix is meant to split
  $(pinned "$BENCH_CPUS") "$MOCK" --topic "$TOPIC" --partitions "$PARTITIONS" > "$WORK/mock.out" 2> "$WORK/mock.log" &
  MOCK_PID=$!
  BROKERS=""
  for _ in $(seq 100); do  # up to 10 s for the first line
    BROKERS="$(sed -n '1s/^bootstrap=//p' "$WORK/mock.out")"
    [ -n "$BROKERS" ] && break
    kill -0 "$MOCK_PID" 2>/dev/null || fail_setup "sluice-kafka-mock exited"
    sleep 0.1
  done
  [ -n "$BROKERS" ] || fail_setup "sluice-kafka-mock printed no bootstrap= line within 10 s"
fi

if [ "$PROTOCOL" = grpc ]; then
  SOURCE="grpc: { type: grpc, listen: \"127.0.0.1:$SOURCE_PORT\" }"
  LOAD=(--protocol grpc --target "127.0.0.1:$SOURCE_PORT")
else
  SOURCE="http: { type: http, listen: \"127.0.0.1:$SOURCE_PORT\", path: /, max_body_bytes: 64MiB }"
  LOAD=(--protocol http --url "http://127.0.0.1:$SOURCE_PORT/" --mode "$MODE")
fi
PROPERTIES=""
for property in "${KAFKA_PROPERTIES[@]}"; do PROPERTIES+="${PROPERTIES:+, }${property%%=*}: \"${property#*=}\""; done

cat > "$WORK/sluice.yaml" <<EOF
# Written by bench/scenarios/kafka.sh
pipeline: { workers: $WORKERS, io_threads: 1, budget_bytes: $BUDGET }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
sources:
  $SOURCE
sinks:
  kafka: { type: kafka, brokers: "$BROKERS", topic: $TOPIC, format: $FORMAT, properties: { $PROPERTIES } }
routes:
  - { name: all, to: [kafka] }
EOF

# shellcheck disable=SC2046,SC2086  # the taskset prefix and the --sluice-prefix command are meant to split
$(pinned "$SLUICE_CPUS") $SLUICE_PREFIX "$SLUICE" run -c "$WORK/sluice.yaml" > "$WORK/sluice.log" 2>&1 &
SLUICE_PID=$!
ready=0
for _ in $(seq 300); do  # up to 30 s: sinks connect before /readyz says yes
  kill -0 "$SLUICE_PID" 2>/dev/null || fail_setup "sluice exited during start-up"
  if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ "$ready" = 1 ] || fail_setup "sluice was not ready within 30 s (admin 127.0.0.1:$ADMIN_PORT/readyz)"

echo "kafka.sh: sluice pid $SLUICE_PID, $PROTOCOL on 127.0.0.1:$SOURCE_PORT, Kafka $BROKERS topic $TOPIC ($FORMAT)" >&2
# shellcheck disable=SC2046  # the taskset prefix is meant to split
$(pinned "$BENCH_CPUS") "$BENCH" "${LOAD[@]}" --connections "$CONNECTIONS" --batch "$BATCH" \
  --event-size "$EVENT_SIZE" --duration "$DURATION" --warmup "$WARMUP" --rate "$RATE" \
  --kafka-brokers "$BROKERS" --kafka-topic "$TOPIC" --sluice-pid "$SLUICE_PID" "${EXTRA[@]}" &
BENCH_PID=$!

# Inside the measured window (a second after it starts, ending some 2 s before it does, which
# leaves time for the snapshots themselves): per-thread CPU and the optional profiles. The sleeps
# place them inside the bench's own timed run; nothing waits on them.
window=0
if [ "$THREADS" = 1 ] || [ -n "$PERF_OUT" ] || [ -n "$TRACE_OUT" ]; then
  window=$(awk -v d="$DURATION" 'BEGIN { print (d > 4 ? d - 3 : 1) }')
  sleep "$(awk -v w="$WARMUP" 'BEGIN { print w + 1 }')"
  [ -n "$PERF_OUT" ] && perf record -F 999 -g -p "$SLUICE_PID" -o "$PERF_OUT" -- sleep "$window" > /dev/null 2>&1 &
  [ -n "$TRACE_OUT" ] && perf trace -s -p "$SLUICE_PID" -o "$TRACE_OUT" -- sleep 3 > /dev/null 2>&1 &
  "$HERE/thread_times.py" "$SLUICE_PID" "$BENCH_PID" ${MOCK_PID:+"$MOCK_PID"} > "$WORK/threads.before"
  sleep "$window"
  "$HERE/thread_times.py" "$SLUICE_PID" "$BENCH_PID" ${MOCK_PID:+"$MOCK_PID"} > "$WORK/threads.after"
fi
set +e
wait "$BENCH_PID"
status=$?
set -e
BENCH_PID=""
if [ "$THREADS" = 1 ]; then
  echo "kafka.sh: threads over $window s (sluice pid $SLUICE_PID, mock pid ${MOCK_PID:-none}," \
    "the rest the bench's):" >&2
  "$HERE/thread_times.py" --diff "$WORK/threads.before" "$WORK/threads.after" >&2
fi
if ! kill -0 "$SLUICE_PID" 2>/dev/null; then
  echo "kafka.sh: sluice died during the run; tail of its log:" >&2
  tail -n 30 "$WORK/sluice.log" >&2
  [ "$status" = 0 ] && status=4
fi
exit "$status"
