#!/usr/bin/env bash
# Speed and memory of chatsynth against the machine's floor and a Python peer
# (the original brief's generator, docs/design.md §9),
# as ratios measured in one run (these machines are noisy).
#
# usage: bench/compare.sh [SESSIONS] [USERS]     (default 100000 20000)
# needs: /usr/bin/time. Optional comparisons, each skipped with a note when absent:
#        SHARED (a folder) holding floor.sh, which writes and hashes the same bytes
#        (the machine's floor), and peer_seed_python.py, the seed's Python generator,
#        which needs Debian's python3-numpy python3-pandas python3-scipy
#        python3-fake-factory python3-yaml.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
sessions=${1:-100000}
users=${2:-20000}
shared=${SHARED:-../shared/bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
deno=${DENO:-deno}

# Prints "label seconds MB" and leaves the seconds in $secs.
secs=
measure() { # label, command...
  local label=$1 kb
  shift
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err" || {
    cat "$tmp/err" >&2
    return 1
  }
  read -r secs kb <"$tmp/time"
  printf '%-10s %8.2f s %8.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}

echo "sessions=$sessions users=$users"
measure chatsynth "$deno" run -A main.ts --sessions "$sessions" --users "$users" \
  --out "$tmp/ours" --quiet
ours=$secs
bytes=$(du -sb "$tmp/ours" | cut -f1)
echo "output bytes: $bytes ($(du -sb "$tmp/ours/raw" | cut -f1) raw, $(du -sb "$tmp/ours/star" | cut -f1) star, $(du -sb "$tmp/ours/snowflake" | cut -f1) snowflake)"
if [ -f "$shared/floor.sh" ]; then
  floor=$(bash "$shared/floor.sh" "$tmp/ours" | sed -E 's/floor_seconds=([0-9.]+).*/\1/')
  echo "floor      $floor s   ours/floor = $(awk -v a="$ours" -v b="$floor" 'BEGIN{printf "%.2f", a/b}')"
else
  echo "floor script not found at $shared/floor.sh; skipping the floor comparison (set SHARED to a folder holding floor.sh)"
fi
rm -rf "$tmp/ours"
if [ ! -f "$shared/peer_seed_python.py" ]; then
  echo "peer script not found at $shared/peer_seed_python.py; skipping the peer comparison"
elif ! /usr/bin/python3 -c 'import pandas, numpy, faker, yaml' 2>/dev/null; then
  echo "peer skipped (needs /usr/bin/python3 with pandas, numpy, faker, yaml)"
else
  measure peer /usr/bin/python3 "$shared/peer_seed_python.py" --sessions "$sessions" \
    --users "$users" --outdir "$tmp/peer"
  echo "ours/peer = $(awk -v a="$ours" -v b="$secs" 'BEGIN{printf "%.2f", a/b}')"
fi
