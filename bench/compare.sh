#!/usr/bin/env bash
# Speed and memory of chatsynth against the machine's floor and a Python peer
# (the original brief's generator, docs/design.md §9),
# as ratios measured in one run (these machines are noisy).
#
# usage: bench/compare.sh [SESSIONS] [USERS]     (default 100000 20000)
# needs: /usr/bin/time, sha256sum. The floor is measured here: writing the dataset's
#        bytes again and hashing them (sha256sum), which no generator can beat.
#        Optional: PEER=path/to/generator.py, a Python generator of the same data
#        taking --sessions N --users M --outdir DIR (run with /usr/bin/python3),
#        skipped with a note when not given.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
sessions=${1:-100000}
users=${2:-20000}
peer=${PEER:-}
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
# The floor: the same bytes written to one file and hashed, as one pipeline.
measure floor sh -c 'find "$1" -type f -print0 | sort -z | xargs -0 cat | tee "$2" | sha256sum' \
  floor "$tmp/ours" "$tmp/floor.bin"
echo "ours/floor = $(awk -v a="$ours" -v b="$secs" 'BEGIN{printf "%.2f", a/b}')"
rm -f "$tmp/floor.bin"
rm -rf "$tmp/ours"
if [ -z "$peer" ]; then
  echo "peer comparison skipped: set PEER to a Python generator script to compare with one"
elif [ ! -f "$peer" ]; then
  echo "peer comparison skipped: PEER=$peer is not a file"
else
  measure peer /usr/bin/python3 "$peer" --sessions "$sessions" \
    --users "$users" --outdir "$tmp/peer"
  echo "ours/peer = $(awk -v a="$ours" -v b="$secs" 'BEGIN{printf "%.2f", a/b}')"
fi
