#!/usr/bin/env bash
# Scaling out (docs/design.md §12): speed against the machine's floor by worker count,
# and peak memory at two sizes (memory must not grow with sessions).
#
# usage: bench/scale.sh speed SESSIONS USERS ENCODING WORKERS...
#          e.g. bench/scale.sh speed 1000000 200000 text 1 2
#        bench/scale.sh memory USERS ENCODING SESSIONS...
#          e.g. bench/scale.sh memory 2000000 parquet 1000000 10000000
# needs: /usr/bin/time, sha256sum.
#
# speed: generates all three representations (hashed into the manifest) once per
# worker count, printing wall time, CPU time, peak memory, bytes, MB/s and
# sessions/s; then the floor: the same bytes written again and hashed with sha256sum
# in one pipeline, which no generator can beat, and each run's wall time over it.
# memory: generates with each session count (same users) and prints the peak
# resident memory of each; flat memory means the same peak whatever the sessions.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
deno=${DENO:-deno}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/chatsynth-scale-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mode=${1:?usage: bench/scale.sh speed|memory ...}
shift

run() { # sessions users encoding workers -> "wall cpu peakMB"
  rm -rf "$tmp/out"
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$deno" run -A main.ts \
    --sessions "$1" --users "$2" --encoding "$3" --workers "$4" \
    --out "$tmp/out" --quiet
  read -r wall user sys kb <"$tmp/time"
  echo "$wall $(awk -v a="$user" -v b="$sys" 'BEGIN{print a+b}') $((kb / 1024))"
}

case $mode in
speed)
  sessions=$1 users=$2 encoding=$3
  shift 3
  echo "sessions=$sessions users=$users encoding=$encoding formats=raw,star,snowflake"
  walls=()
  for w in "$@"; do
    read -r wall cpu mb < <(run "$sessions" "$users" "$encoding" "$w")
    bytes=$(find "$tmp/out" -type f \( -name '*.csv' -o -name '*.jsonl' -o -name '*.parquet' \) -printf '%s\n' | awk '{s+=$1} END{print s}')
    printf 'workers %-3s %8.2f s wall %8.2f s cpu %6d MB peak  %s bytes  %6.0f MB/s  %8.0f sessions/s\n' \
      "$w" "$wall" "$cpu" "$mb" "$bytes" \
      "$(awk -v b="$bytes" -v t="$wall" 'BEGIN{print b/1e6/t}')" \
      "$(awk -v s="$sessions" -v t="$wall" 'BEGIN{print s/t}')"
    walls+=("$w:$wall")
  done
  /usr/bin/time -f "%e" -o "$tmp/floor" sh -c \
    'find "$1" -type f \( -name "*.csv" -o -name "*.jsonl" -o -name "*.parquet" \) -print0 | sort -z | xargs -0 cat | tee "$2" | sha256sum >/dev/null' \
    floor "$tmp/out" "$tmp/floor.bin"
  floor=$(cat "$tmp/floor")
  rm -f "$tmp/floor.bin"
  echo "floor (same bytes written and hashed): $floor s"
  for x in "${walls[@]}"; do
    echo "workers ${x%%:*}: wall / floor = $(awk -v a="${x#*:}" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
  done
  ;;
memory)
  users=$1 encoding=$2
  shift 2
  echo "users=$users encoding=$encoding formats=raw,star,snowflake workers=${WORKERS:-2}"
  for s in "$@"; do
    read -r wall cpu mb < <(run "$s" "$users" "$encoding" "${WORKERS:-2}")
    printf 'sessions %-10s %8.2f s wall %6d MB peak\n' "$s" "$wall" "$mb"
  done
  ;;
*)
  echo "usage: bench/scale.sh speed|memory ..." >&2
  exit 2
  ;;
esac
