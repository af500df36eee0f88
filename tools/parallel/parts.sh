#!/bin/bash
# chatsynth with GNU parallel: the N parts of one dataset spread over machines by ssh
# (one part at a time per host), then merged here into one dataset, byte-identical
# to a single run, and verified.
#
#   HOSTS=hosts tools/parallel/parts.sh        # hosts: GNU parallel --sshloginfile
#   LOCAL=1 JOBS=2 tools/parallel/parts.sh     # no ssh: parts run on this machine
#   DRY_RUN=1 tools/parallel/parts.sh          # print the commands, run nothing
#
# Settings (environment; defaults in brackets), the same dataset as tools/k8s and
# tools/slurm: N [8] parts, SEED [42], SESSIONS [1000000], USERS [100000],
# FORMATS [raw,star,snowflake], ENCODING [text]; DATA [./chatsynth-data]: parts go to
# DATA/parts/part-K and the dataset to DATA/dataset; REPO [this repository]: where
# the repository is on every host (the same commit); DENO [deno]: deno 2.9.6.
# With SHARED=1 (default) DATA is on a filesystem every host mounts at the same
# path. With SHARED=0 (ssh hosts only, not LOCAL) each host writes to SCRATCH
# [/tmp/chatsynth-parts] and GNU parallel brings each part back into DATA/parts with
# --return (rsync) and removes it there.
# A part folder appears only once complete, so a rerun skips parts already written.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
N=${N:-8}
SEED=${SEED:-42}
SESSIONS=${SESSIONS:-1000000}
USERS=${USERS:-100000}
FORMATS=${FORMATS:-raw,star,snowflake}
ENCODING=${ENCODING:-text}
REPO=${REPO:-$(cd "$here/../.." && pwd)}
DATA=${DATA:-$PWD/chatsynth-data}
DENO=${DENO:-deno}
HOSTS=${HOSTS:-hosts}
SHARED=${SHARED:-1}
SCRATCH=${SCRATCH:-/tmp/chatsynth-parts}
JOBS=${JOBS:-1}
if [ -z "${DRY_RUN:-}" ]; then
  mkdir -p "$DATA/parts"
  DATA=$(cd "$DATA" && pwd)
fi
ENV_FLAGS=--allow-env=NO_COLOR,TERM,LOG_TOKENS,LOG_STREAM
q() { printf '%q' "$1"; }

if [ "$SHARED" = 1 ]; then parts=$DATA/parts; else parts=$SCRATCH/parts; fi
# One part; {} is K. Quoted for the remote shell.
part_cmd="cd $(q "$REPO") && { test -e $(q "$parts")/part-{}/part.json || { mkdir -p $(q "$parts") && $(q "$DENO") run --allow-read=.,$(q "$parts") --allow-write=$(q "$parts") $ENV_FLAGS main.ts --seed $SEED --sessions $SESSIONS --users $USERS --formats $FORMATS --encoding $ENCODING --shard {}/$N --out $(q "$parts")/part-{} --quiet; }; }"

if [ -n "${DRY_RUN:-}" ]; then
  for k in $(seq 1 "$N"); do echo "${part_cmd//\{\}/$k}"; done
else
  if ! command -v parallel >/dev/null; then
    echo "parts.sh: GNU parallel is not installed (Debian/Ubuntu: apt-get install parallel)" >&2
    exit 2
  fi
  if [ -n "${LOCAL:-}" ]; then
    if [ "$SHARED" != 1 ]; then
      echo "parts.sh: LOCAL=1 writes into DATA directly; leave SHARED=1" >&2
      exit 2
    fi
    where=(--sshlogin : --jobs "$JOBS")
  else
    where=(--sshloginfile "$HOSTS" --jobs 1)
  fi
  if [ "$SHARED" = 1 ]; then
    parallel "${where[@]}" --halt now,fail=1 --tag "$part_cmd" ::: $(seq 1 "$N")
  else
    # --return paths are relative to --workdir there and to the current folder here.
    cd "$DATA"
    parallel "${where[@]}" --halt now,fail=1 --tag --workdir "$SCRATCH" \
      --return parts/part-{} --cleanup "$part_cmd" ::: $(seq 1 "$N")
  fi
fi

merge=(main.ts merge)
for k in $(seq 1 "$N"); do merge+=("$DATA/parts/part-$k"); done
merge+=(--out "$DATA/dataset" --force)
verify=(main.ts verify "$DATA/dataset")
if [ -n "${DRY_RUN:-}" ]; then
  echo "cd $(q "$REPO") && $(q "$DENO") run --allow-read=.,$(q "$DATA") --allow-write=$(q "$DATA") $ENV_FLAGS ${merge[*]}"
  echo "cd $(q "$REPO") && $(q "$DENO") run --allow-read=.,$(q "$DATA") --allow-write=$(q "$DATA") $ENV_FLAGS --allow-ffi ${verify[*]}"
  exit 0
fi
cd "$REPO"
"$DENO" run --allow-read=.,"$DATA" --allow-write="$DATA" "$ENV_FLAGS" "${merge[@]}"
exec "$DENO" run --allow-read=.,"$DATA" --allow-write="$DATA" "$ENV_FLAGS" --allow-ffi "${verify[@]}"
