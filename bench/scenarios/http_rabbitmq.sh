#!/usr/bin/env bash
# End-to-end scenario against a private RabbitMQ, in one run:
#   (a) the baseline: sluice-amqp-bare-publisher publishes ~400-byte messages with confirms and the
#       sink's window (librabbitmq alone, no sluice), reporting msgs/s;
#   (b) sluice-bench -> sluice (HTTP source) -> RabbitMQ (amqp sink, structured), every
#       acknowledged event checked by sluice-bench's AMQP verifier, sluice's CPU reported;
# then both rates and their ratio (the target: sluice >= 80 % of the bare publisher).
#
#   bench/scenarios/http_rabbitmq.sh [options] [-- extra sluice-bench options]
#
#   --build-dir DIR     build tree with src/app/sluice and tools/* (default: build/release)
#   --connections N     keep-alive connections (default 8)
#   --batch N           events per request (default 100)
#   --duration S        measured seconds (default 10)
#   --warmup S          unmeasured seconds before (default 2)
#   --rate EV_PER_S     open-loop event rate, 0 = as fast as possible (default 0)
#   --event-size B      approximate bytes per event (default 400)
#   --mode M            HTTP content mode: batch|structured|ndjson|binary (default batch)
#   --format F          AMQP sink format: structured|binary (default structured)
#   --workers N         sluice decode workers (default 2)
#   --window N          confirm window: the sink's max_unconfirmed and the bare publisher's (default 1024)
#   --bare-count N      messages for the bare publisher; 0 = calibrate to about --duration seconds (default 0)
#   --keep              keep the temp dir (configs, logs) for a look afterwards
#
# Needs root (rabbitmq-server runs as the calling user with its own node name, ports, epmd and
# temp dirs, like tests/e2e/rabbitmq.py). Both legs publish persistent messages to non-durable
# destinations in effect (the bare leg with --persistent=0 into its durable queue, sluice's
# persistent messages into the verifier's non-durable queue), so neither writes messages to disk.
# Exit status is sluice-bench's (0 ok, 1 acknowledged events missing, 3 run failed), or 4 when
# the scenario itself could not be set up.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source-path=SCRIPTDIR source=load_options.sh
. "$ROOT/bench/scenarios/load_options.sh"
WINDOW=1024
BARE_COUNT=0
EXCHANGE=sluice.bench
ROUTING_KEY=bench.key
RABBIT_SERVER=/usr/lib/rabbitmq/bin/rabbitmq-server
RABBIT_CTL=/usr/lib/rabbitmq/bin/rabbitmqctl

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  if take_load_option "$@"; then shift "$TAKEN"; continue; fi
  case "$1" in
    --window) WINDOW="$2"; shift 2 ;;
    --bare-count) BARE_COUNT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; EXTRA=("$@"); break ;;
    *) echo "http_rabbitmq.sh: unknown option $1 (see --help)" >&2; exit 4 ;;
  esac
done

SLUICE="$BUILD_DIR/src/app/sluice"
BENCH="$BUILD_DIR/tools/sluice_bench/sluice-bench"
BARE="$BUILD_DIR/tools/amqp_bare_publisher/sluice-amqp-bare-publisher"
for bin in "$SLUICE" "$BENCH" "$BARE"; do
  [ -x "$bin" ] || { echo "http_rabbitmq.sh: $bin is not built (ninja -C $BUILD_DIR)" >&2; exit 4; }
done
[ "$(id -u)" = 0 ] || { echo "http_rabbitmq.sh: needs root (a private rabbitmq-server)" >&2; exit 4; }
[ -x "$RABBIT_SERVER" ] && [ -x /usr/bin/epmd ] || { echo "http_rabbitmq.sh: rabbitmq-server is not installed" >&2; exit 4; }

WORK="$(mktemp -d -t sluice-http-rabbitmq.XXXXXX)"
EPMD_PID=""
RABBIT_PID=""
SLUICE_PID=""

# Stops a process group this script started (setsid made each leader's pid its group id), by
# pid: the broker's Erlang children go with it.
stop_group() {
  local pid="$1" name="$2" waited=0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 200 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    echo "http_rabbitmq.sh: $name did not stop within 20 s of SIGTERM; killing it" >&2
  fi
  # KILL the group regardless: a leader that exited may leave children (erl_child_setup) behind.
  kill -KILL -- "-$pid" 2>/dev/null || true
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
# sluice first (it drains into the broker), then the broker, then its epmd.
cleanup() {
  stop_group "$SLUICE_PID" sluice
  stop_group "$RABBIT_PID" rabbitmq-server
  stop_group "$EPMD_PID" epmd
  if [ "$KEEP" = 1 ]; then echo "http_rabbitmq.sh: logs and config kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail_setup() {
  echo "http_rabbitmq.sh: $1" >&2
  for log in "$WORK"/*.log "$WORK"/rabbit/log/*.log; do
    [ -s "$log" ] && { echo "--- tail of $log" >&2; tail -n 20 "$log" >&2; }
  done
  exit 4
}

# Five distinct free TCP ports on 127.0.0.1 (the kernel picks them; they are free a moment later
# unless something races us, which the readiness checks below would reveal).
read -r HTTP_PORT ADMIN_PORT AMQP_PORT DIST_PORT EPMD_PORT < <(python3 - <<'EOF'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))
EOF
)

# --- the broker: own node name, ports, epmd, cookie (HOME) and dirs; no plugins.
R="$WORK/rabbit"
mkdir -p "$R/home" "$R/mnesia" "$R/log"
echo '[].' > "$R/enabled_plugins"
echo '[].' > "$R/advanced.config"
: > "$R/rabbitmq.conf"
: > "$R/rabbitmq-env.conf"
NODE="sluice-bench-$$@localhost"
export HOME="$R/home" LANG=C.UTF-8 LC_ALL=C.UTF-8 \
  RABBITMQ_NODENAME="$NODE" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$AMQP_PORT" \
  RABBITMQ_DIST_PORT="$DIST_PORT" ERL_EPMD_PORT="$EPMD_PORT" ERL_EPMD_ADDRESS=127.0.0.1 \
  RABBITMQ_MNESIA_BASE="$R/mnesia" RABBITMQ_LOG_BASE="$R/log" RABBITMQ_CONFIG_FILE="$R/rabbitmq.conf" \
  RABBITMQ_ADVANCED_CONFIG_FILE="$R/advanced.config" RABBITMQ_CONF_ENV_FILE="$R/rabbitmq-env.conf" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$R/enabled_plugins" RABBITMQ_PID_FILE="$R/rabbitmq.pid" \
  RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
setsid /usr/bin/epmd -port "$EPMD_PORT" -address 127.0.0.1 > "$WORK/epmd.log" 2>&1 < /dev/null &
EPMD_PID=$!
setsid "$RABBIT_SERVER" > "$WORK/rabbitmq.log" 2>&1 < /dev/null &
RABBIT_PID=$!
started=0
until_s=$((SECONDS + 120))
# await_startup fails at once while the node is not registered with epmd yet, so retry it.
while [ "$SECONDS" -lt "$until_s" ]; do
  kill -0 "$RABBIT_PID" 2>/dev/null || fail_setup "rabbitmq-server exited during start-up"
  if "$RABBIT_CTL" -n "$NODE" await_startup --timeout 15 > /dev/null 2>&1; then started=1; break; fi
  sleep 0.5
done
[ "$started" = 1 ] || fail_setup "rabbitmq-server did not start within ~120 s"
AMQP_URL="amqp://guest:guest@127.0.0.1:$AMQP_PORT/%2f"
echo "http_rabbitmq.sh: rabbitmq-server pid $RABBIT_PID node $NODE on 127.0.0.1:$AMQP_PORT" >&2

# --- (a) the bare publisher, on an exchange and queue of its own so sluice's run does not feed
# its queue. --bare-count 0: a short calibration run sizes the measured one to about --duration s.
bare() {
  "$BARE" --url="$AMQP_URL" --count="$1" --size="$EVENT_SIZE" --window="$WINDOW" --exchange="$EXCHANGE.bare" \
    --routing-key="$ROUTING_KEY" --queue="$EXCHANGE.bare" --persistent=0 --mandatory=1 2>> "$WORK/bare.log"
}
if [ "$BARE_COUNT" = 0 ]; then
  calibration="$(bare 20000)" || fail_setup "sluice-amqp-bare-publisher failed"
  cal_rate="$(sed -n 's/.*: \([0-9]*\) msgs\/s.*/\1/p' <<< "$calibration")"
  BARE_COUNT=$(( cal_rate * ${DURATION%.*} ))
  [ "$BARE_COUNT" -ge 20000 ] || BARE_COUNT=20000
  [ "$BARE_COUNT" -le 5000000 ] || BARE_COUNT=5000000
fi
BARE_OUT="$(bare "$BARE_COUNT")" || fail_setup "sluice-amqp-bare-publisher failed"
echo "$BARE_OUT"
BARE_RATE="$(sed -n 's/.*: \([0-9]*\) msgs\/s.*/\1/p' <<< "$BARE_OUT")"
# Its unconsumed messages would otherwise sit in the broker's memory during sluice's run.
"$RABBIT_CTL" -n "$NODE" delete_queue "$EXCHANGE.bare" > /dev/null 2>&1 || true

# --- (b) sluice + sluice-bench with AMQP verification.
cat > "$WORK/sluice.yaml" <<EOF
# Written by bench/scenarios/http_rabbitmq.sh
pipeline: { workers: $WORKERS, io_threads: 1, budget_bytes: 256MiB }
admin: { listen: "127.0.0.1:$ADMIN_PORT" }
sources:
  http: { type: http, listen: "127.0.0.1:$HTTP_PORT", path: /, max_body_bytes: 64MiB }
sinks:
  rabbit:
    type: amqp
    url: "$AMQP_URL"
    exchange: $EXCHANGE
    exchange_type: topic
    routing_key: $ROUTING_KEY
    format: $FORMAT
    max_unconfirmed: $WINDOW
routes:
  - { name: all, to: [rabbit] }
EOF

"$SLUICE" run -c "$WORK/sluice.yaml" > "$WORK/sluice.log" 2>&1 < /dev/null &
SLUICE_PID=$!
ready=0
for _ in $(seq 300); do  # up to 30 s: sinks connect (and declare the exchange) before /readyz says yes
  kill -0 "$SLUICE_PID" 2>/dev/null || fail_setup "sluice exited during start-up"
  if curl -fsS -o /dev/null --max-time 1 "http://127.0.0.1:$ADMIN_PORT/readyz" 2>/dev/null; then ready=1; break; fi
  sleep 0.1
done
[ "$ready" = 1 ] || fail_setup "sluice was not ready within 30 s (admin 127.0.0.1:$ADMIN_PORT/readyz)"

echo "http_rabbitmq.sh: sluice pid $SLUICE_PID on 127.0.0.1:$HTTP_PORT, exchange $EXCHANGE ($FORMAT)" >&2
set +e
"$BENCH" --url "http://127.0.0.1:$HTTP_PORT/" --connections "$CONNECTIONS" --batch "$BATCH" \
  --event-size "$EVENT_SIZE" --mode "$MODE" --duration "$DURATION" --warmup "$WARMUP" --rate "$RATE" \
  --amqp-url "$AMQP_URL" --amqp-exchange "$EXCHANGE" --amqp-binding '#' --sluice-pid "$SLUICE_PID" \
  --json "${EXTRA[@]}" > "$WORK/bench.json"
status=$?
set -e
if ! kill -0 "$SLUICE_PID" 2>/dev/null; then
  echo "http_rabbitmq.sh: sluice died during the run; tail of its log:" >&2
  tail -n 30 "$WORK/sluice.log" >&2
  [ "$status" = 0 ] && status=4
fi

# --- the comparison, from the bare publisher's line and sluice-bench's JSON.
python3 - "$WORK/bench.json" "$BARE_RATE" <<'EOF' || true
import json, sys
r = json.load(open(sys.argv[1]))
bare = float(sys.argv[2] or 0)
rate = r.get("events_per_s", 0.0)
print("\n== http_rabbitmq summary ==")
print(f"bare publisher      {bare:12.0f} msgs/s")
print(f"sluice (end to end) {rate:12.0f} events/s")
if bare > 0:
    ratio = rate / bare
    print(f"ratio               {100 * ratio:11.1f} %  (target >= 80 %: {'met' if ratio >= 0.8 else 'NOT met'})")
v = r.get("verify")
if v:
    print(f"verification        acked {v['acked']}  seen {v['seen']}  missing {v['missing']}  "
          f"duplicates {v['duplicates']}  unacked-but-seen {v['unacked_seen']}")
s = r.get("sluice", {})
if "cpu_us_per_event" in s:
    print(f"sluice CPU          {s['cpu_us_per_event']:.3f} µs/event ({s.get('cores', 0):.2f} cores)")
print(f"result              {r.get('verdict')}")
EOF
exit "$status"
