#!/usr/bin/env bash
# Speed of the Parquet encoding against the machine's floor for the same bytes.
#
# usage: bench/parquet_speed.sh [SESSIONS] [USERS] [RUNS]   (default 1000000 200000 1)
# needs: /usr/bin/time, sha256sum.
#
# Generates all three representations in Parquet (--encoding parquet, hashed into
# the manifest, one generator process), RUNS times, and prints for each run the
# wall time, CPU time (user + system, both threads: the generator and the page
# compressor) and peak memory; then the bytes written and the floor: the same bytes
# written again and hashed with sha256sum in one pipeline, which no generator can
# beat. The ratio is the run's wall time over the floor measured in the same run.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
sessions=${1:-1000000}
users=${2:-200000}
runs=${3:-1}
deno=${DENO:-deno}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "sessions=$sessions users=$users encoding=parquet formats=raw,star,snowflake"
best=
for i in $(seq "$runs"); do
  rm -rf "$tmp/out"
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$deno" run -A main.ts \
    --sessions "$sessions" --users "$users" --encoding parquet \
    --out "$tmp/out" --quiet
  read -r wall user sys kb <"$tmp/time"
  printf 'run %d: %8.2f s wall %8.2f s cpu %6d MB peak\n' "$i" "$wall" \
    "$(awk -v a="$user" -v b="$sys" 'BEGIN{print a+b}')" "$((kb / 1024))"
  if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then
    best=$wall
  fi
done
bytes=$(find "$tmp/out" -name '*.parquet' -printf '%s\n' | awk '{s+=$1} END{print s}')
files=$(find "$tmp/out" -name '*.parquet' | wc -l)
echo "parquet bytes: $bytes in $files files ($(du -sb "$tmp/out/raw" | cut -f1) raw, $(du -sb "$tmp/out/star" | cut -f1) star, $(du -sb "$tmp/out/snowflake" | cut -f1) snowflake)"
/usr/bin/time -f "%e" -o "$tmp/floor" sh -c \
  'find "$1" -name "*.parquet" -print0 | sort -z | xargs -0 cat | tee "$2" | sha256sum >/dev/null' \
  floor "$tmp/out" "$tmp/floor.bin"
floor=$(cat "$tmp/floor")
rm -f "$tmp/floor.bin"
echo "floor (same bytes written and hashed): $floor s"
echo "best wall / floor = $(awk -v a="$best" -v b="$floor" 'BEGIN{printf "%.1f", a/b}')"
