#!/usr/bin/env bash
# Speed and memory of chatsynth against the machine's floor and a Python peer
# (the original brief's generator, docs/design.md §9),
# as ratios measured in one run (these machines are noisy).
#
# usage: bench/compare.sh [SESSIONS] [USERS]     (default 100000 20000)
# needs: /usr/bin/time; the peer needs Debian's python3-numpy python3-pandas
#        python3-scipy python3-fake-factory python3-yaml (skipped when missing);
#        ../shared/bench/ beside the repository for floor.sh and the peer script.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
sessions=${1:-100000}
users=${2:-20000}
shared=${SHARED:-../shared/bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deno=${DENO:-deno}

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    return 1
  }
  read -r secs kb <"$tmp/time"
  printf '%-10s %8.2f s %8.0f MB\n' "$label" "$secs" "$((kb / 1024))"
  echo "$secs"
}

echo "sessions=$sessions users=$users"
ours=$(measure chatsynth "$deno" run -A main.ts --sessions "$sessions" --users "$users" \
  --out "$tmp/ours" --quiet | tee /dev/stderr | tail -1)
bytes=$(du -sb "$tmp/ours" | cut -f1)
echo "output bytes: $bytes ($(du -sb "$tmp/ours/raw" | cut -f1) raw, $(du -sb "$tmp/ours/star" | cut -f1) star, $(du -sb "$tmp/ours/snowflake" | cut -f1) snowflake)"
if [ -x "$shared/floor.sh" ]; then
  floor=$(bash "$shared/floor.sh" "$tmp/ours" | sed -E 's/floor_seconds=([0-9.]+).*/\1/')
  echo "floor      $floor s   ours/floor = $(awk -v a="$ours" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
fi
rm -rf "$tmp/ours"
if [ -f "$shared/peer_seed_python.py" ] && /usr/bin/python3 -c 'import pandas, numpy, faker, yaml' 2>/dev/null; then
  peer=$(measure peer /usr/bin/python3 "$shared/peer_seed_python.py" --sessions "$sessions" \
    --users "$users" --outdir "$tmp/peer" | tee /dev/stderr | tail -1)
  echo "ours/peer = $(awk -v a="$ours" -v b="$peer" 'BEGIN{printf "%.2f", a/b}')"
else
  echo "peer skipped (needs /usr/bin/python3 with pandas, numpy, faker, yaml)"
fi
