#!/usr/bin/env bash
# Runs the probe pinned to core 0 and sluice-bench (gRPC streams, no verifier) to core 1, and prints
# the probe's CPU per event. Example, interleaved as every comparison on a shared VM should be:
#
#   for i in 1 2 3; do for m in callback async; do
#     tools/grpc_threading_probe/run.sh --build-dir build/perfa $m --ack-thread; done; done
#
# Options: --build-dir DIR (default build/release), --rate EV_PER_S (default 250000), then the
# model (callback|async) and the probe's own flags.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="$ROOT/build/release"
RATE=250000
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    *) break ;;
  esac
done
MODEL="$1"; shift
PROBE="$BUILD_DIR/tools/grpc_threading_probe/sluice-grpc-threading-probe"
BENCH="$BUILD_DIR/tools/sluice_bench/sluice-bench"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

taskset -c 0 "$PROBE" "$MODEL" "127.0.0.1:$PORT" "$@" 2> /dev/null &
PROBE_PID=$!
trap 'kill "$PROBE_PID" 2> /dev/null || true; wait "$PROBE_PID" 2> /dev/null || true' EXIT
for _ in $(seq 100); do  # up to 10 s for the port to accept
  (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null && break
  sleep 0.1
done
report=$(taskset -c 1 "$BENCH" --protocol grpc --target "127.0.0.1:$PORT" --connections 8 --batch 100 \
  --rate "$RATE" --duration 8 --warmup 2 --sluice-pid "$PROBE_PID" --progress 0 2>&1) || true
cpu=$(grep -oP 'CPU .*µs/event' <<< "$report" || echo "no CPU figure")
rate=$(grep -oP '^\s+\K[0-9]+(?= events/s)' <<< "$report" | head -1)
abandoned=$(grep -oP 'abandoned \K[0-9]+' <<< "$report" || echo "?")
echo "$MODEL $* : $cpu, $rate events/s acknowledged, $abandoned batches abandoned"
