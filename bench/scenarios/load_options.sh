# Sourced by the scenarios (kafka.sh, http_rabbitmq.sh): the load options they share, their
# defaults, and one parser for them, so that a new option or default is written once.
#
#   while [ $# -gt 0 ]; do
#     if take_load_option "$@"; then shift "$TAKEN"; continue; fi
#     case "$1" in ... the scenario's own options ... esac
#   done
# shellcheck shell=bash disable=SC2034  # the variables are the sourcing scenario's

BUILD_DIR="$ROOT/build/release"
CONNECTIONS=8
BATCH=100
DURATION=10
WARMUP=2
RATE=0
EVENT_SIZE=400
MODE="batch"
FORMAT=structured
WORKERS=2
KEEP=0
EXTRA=()

# Sets the variable of a shared option when $1 is one; TAKEN is then the number of arguments it
# used. Returns 1 (TAKEN 0) for anything else.
take_load_option() {
  TAKEN=2
  case "$1" in
    --build-dir) BUILD_DIR="$(cd "$2" && pwd)" ;;
    --connections) CONNECTIONS="$2" ;;
    --batch) BATCH="$2" ;;
    --duration) DURATION="$2" ;;
    --warmup) WARMUP="$2" ;;
    --rate) RATE="$2" ;;
    --event-size) EVENT_SIZE="$2" ;;
    --mode) MODE="$2" ;;
    --format) FORMAT="$2" ;;
    --workers) WORKERS="$2" ;;
    --keep) KEEP=1; TAKEN=1 ;;
    *) TAKEN=0; return 1 ;;
  esac
}
