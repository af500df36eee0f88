#!/usr/bin/env bash
# Statistical tests of the random streams with Debian's dieharder (not run in CI).
#
# usage: [MODES="unit interleaved"] bench/dieharder.sh [TESTS]
#        (TESTS: dieharder test numbers, default the list below; "all" runs dieharder -a)
# needs: dieharder (apt-get install dieharder)
#
# Two raw 32-bit streams from tools/raw_stream.ts, read by dieharder from stdin
# (-g 200): one session's stream (unit 0), and draw j of sessions 0, 1, 2, ...
# (blocks of 10,000 sessions × 100 draws). Each test is a separate dieharder run
# that reads its stream from the start. Prints dieharder's result lines, then
# a summary; exits 1 when any test FAILED.
set -euo pipefail
unset RUST_BACKTRACE
cd "$(dirname "$0")/.."
deno=${DENO:-deno}
# Every test of the Good reliability class, each with dieharder's default
# ntuple, except the RGB bit distribution (200) at ntuples 1, 4 and 8 and the
# generalized minimum distance (201) at 2 to 5, as -a runs it: with its default
# ntuple 0, -d 201 fails every generator, dieharder's own mt19937 (-g 13)
# included (p = 0.00000000). A subset of -a, which also repeats 200, 202 and 203
# over more ntuples and takes hours on a pipe from a shared 2-core machine.
# N:K means -d N -n K.
tests=${1:-"0 1 2 3 4 8 9 10 11 12 13 15 16 17 100 101 102 200:1 200:4 200:8 201:2 201:3 201:4 201:5 202 203 204 205 206 207 208 209"}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for mode in ${MODES:-unit interleaved}; do
  echo "== stream: $mode"
  if [ "$tests" = all ]; then
    "$deno" run tools/raw_stream.ts --mode "$mode" | dieharder -g 200 -a | tee -a "$log"
    continue
  fi
  for t in $tests; do
    start=$(date +%s)
    args=(-d "${t%%:*}")
    [ "${t#*:}" != "$t" ] && args+=(-n "${t#*:}")
    "$deno" run tools/raw_stream.ts --mode "$mode" | dieharder -g 200 "${args[@]}" |
      { grep -E '\|\s*(PASSED|WEAK|FAILED)' || echo "-d $t: no result (dieharder error)"; } |
      sed "s/^/$mode /" | tee -a "$log"
    echo "   (${args[*]}: $(($(date +%s) - start)) s)"
  done
done
passed=$(grep -c PASSED "$log" || true)
weak=$(grep -c WEAK "$log" || true)
failed=$(grep -c -E "FAILED|no result" "$log" || true)
echo "summary: $passed PASSED, $weak WEAK, $failed FAILED"
[ "$failed" -eq 0 ]
