#!/usr/bin/env bash
# End-to-end scenario: sluice-bench -> sluice (HTTP source) -> Kafka (librdkafka mock cluster),
# with every acknowledged event checked in the topic and sluice's CPU and memory reported.
#
#   bench/scenarios/http_kafka.sh [options] [-- extra sluice-bench options]
#
#   --build-dir DIR     build tree with src/app/sluice and tools/* (default: build/release)
#   --connections N     keep-alive connections (default 8)
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
#   --keep              keep the temp dir (config, logs) for a look afterwards
#
# Environment: KAFKA_BROKERS=host:port uses that cluster instead of starting sluice-kafka-mock.
# Exit status is sluice-bench's (0 ok, 1 acknowledged events missing, 3 run failed), or 4 when
# the scenario itself could not be set up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="$ROOT/build/release"
CONNECTIONS=8
BATCH=100
DURATION=10
WARMUP=2
RATE=0
EVENT_SIZE=400
MODE=batch
FORMAT=structured
WORKERS=2
BUDGET=256MiB
PARTITIONS=4
KEEP=0
TOPIC=sluice.bench
EXTRA=()

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$(cd "$2" && pwd)"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --event-size) EVENT_SIZE="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --format) FORMAT="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --budget) BUDGET="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "http_kafka.sh: unknown option $1 (see --help)" >&2; exit 4 ;;
  esac
done

SLUICE="$BUILD_DIR/src/app/sluice"
BENCH="$BUILD_DIR/tools/sluice_bench/sluice-bench"
MOCK="$BUILD_DIR/tools/kafka_mock/sluice-kafka-mock"
for bin in "$SLUICE" "$BENCH"; do
  [ -x "$bin" ] || { echo "http_kafka.sh: $bin is not built (ninja -C $BUILD_DIR)" >&2; exit 4; }
done
if [ -z "${KAFKA_BROKERS:-}" ] && [ ! -x "$MOCK" ]; then
  echo "http_kafka.sh: $MOCK is not built; build it or set KAFKA_BROKERS" >&2
  exit 4
fi

WORK="$(mktemp -d -t sluice-http-kafka.XXXXXX)"
MOCK_PID=""
SLUICE_PID=""

# Stops what this script started, by pid: sluice first (it drains into Kafka), then the broker.
stop_pid() {
  local pid="$1" name="$2" waited=0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "http_kafka.sh: $name did not stop within 15 s of SIGTERM; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "$SLUICE_PID" sluice
  stop_pid "$MOCK_PID" sluice-kafka-mock
  if [ "$KEEP" = 1 ]; then echo "http_kafka.sh: logs and config kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_setup() {
  echo "http_kafka.sh: $1" >&2
  for log in "$WORK"/*.log; do
    [ -s "$log" ] && { echo "--- tail of $(basename "$log")" >&2; tail -n 20 "$log" >&2; }
  done
  exit 4
}

# Two distinct free TCP ports on 127.0.0.1 (the kernel picks them; they are free a moment later
# unless something races us, which the readiness check below would reveal).
read -r HTTP_PORT ADMIN_PORT < <(python3 - <<'EOF'
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
  "$MOCK" --topic "$TOPIC" --partitions "$PARTITIONS" > "$WORK/mock.out" 2> "$WORK/mock.log" &
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

cat > "$WORK/sluice.yaml" <<EOF
# Written by bench/scenarios/http_kafka.sh
pipeline: { workers: $WORKERS, io_threads: 1, budget_bytes: $BUDGET }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
sources:
  http: { type: http, listen: "127.0.0.1:$HTTP_PORT", path: /, max_body_bytes: 64MiB }
sinks:
  kafka: { type: kafka, brokers: "$BROKERS", topic: $TOPIC, format: $FORMAT }
routes:
  - { name: all, to: [kafka] }
EOF

"$SLUICE" run -c "$WORK/sluice.yaml" > "$WORK/sluice.log" 2>&1 &
SLUICE_PID=$!
ready=0
for _ in $(seq 300); do  # up to 30 s: sinks connect before /readyz says yes
  kill -0 "$SLUICE_PID" 2>/dev/null || fail_setup "sluice exited during start-up"
  if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ "$ready" = 1 ] || fail_setup "sluice was not ready within 30 s (admin 127.0.0.1:$ADMIN_PORT/readyz)"

echo "http_kafka.sh: sluice pid $SLUICE_PID on 127.0.0.1:$HTTP_PORT, Kafka $BROKERS topic $TOPIC ($FORMAT)" >&2
set +e
"$BENCH" --url "http://127.0.0.1:$HTTP_PORT/" --connections "$CONNECTIONS" --batch "$BATCH" \
  --event-size "$EVENT_SIZE" --mode "$MODE" --duration "$DURATION" --warmup "$WARMUP" --rate "$RATE" \
  --kafka-brokers "$BROKERS" --kafka-topic "$TOPIC" --sluice-pid "$SLUICE_PID" "${EXTRA[@]}"
status=$?
set -e
if ! kill -0 "$SLUICE_PID" 2>/dev/null; then
  echo "http_kafka.sh: sluice died during the run; tail of its log:" >&2
  tail -n 30 "$WORK/sluice.log" >&2
  [ "$status" = 0 ] && status=4
fi
exit "$status"
