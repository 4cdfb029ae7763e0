#!/usr/bin/env bash
# Time from `pingan demo --scale district` on an empty data directory to a served district, and
# the same on a data directory that already holds it. Uses the release binary; run
# `cargo build --release` first. Usage: scripts/bench-demo.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/pingan
runs=${1:-5}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }

served_after() { # data-dir -> milliseconds until "平安已启动" is printed
  local dir=$1 start end
  start=$(date +%s%N)
  coproc DEMO { PINGAN_LOG=warn exec "$bin" --data-dir "$dir" demo --scale district --listen 127.0.0.1:0; }
  while IFS= read -r line <&"${DEMO[0]}"; do
    [[ $line == 平安已启动* ]] && break
  done
  end=$(date +%s%N)
  kill "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null || true
  echo $(( (end - start) / 1000000 ))
}

for i in $(seq "$runs"); do
  dir=$(mktemp -d)
  fresh=$(served_after "$dir")
  again=$(served_after "$dir")
  echo "run $i: fresh ${fresh} ms, existing ${again} ms"
  rm -rf "$dir"
done
