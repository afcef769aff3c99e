#!/bin/sh
# Runs one fuzz target for a while, gently: ./run.sh TARGET [SECONDS]
# Builds it (cargo +nightly fuzz build), then runs the binary under nice: one input may take at
# most 10 s and 2 GiB, and the whole run is killed 5 minutes past its time. Findings go to
# artifacts/TARGET/, the growing corpus to corpus/TARGET/ (seed it first with ./seed.sh).
# FUZZ_BIN=path runs an already built binary instead of building.
set -eu
cd "$(dirname "$0")"
t=$1
secs=${2:-1200}
bin=${FUZZ_BIN:-}
if [ -z "$bin" ]; then
  cargo +nightly fuzz build "$t"
  bin=target/$(rustc +nightly -vV | sed -n 's/^host: //p')/release/$t
fi
mkdir -p corpus/"$t" artifacts/"$t"
exec timeout $((secs + 300)) nice -n 19 "$bin" corpus/"$t" \
  -max_total_time="$secs" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout=10 \
  -artifact_prefix=artifacts/"$t"/ -print_final_stats=1
