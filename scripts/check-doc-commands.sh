#!/usr/bin/env bash
# Runs the commands the docs tell a user to type, as a new user would on a fresh clone:
#   1. README.md's first command (under "## Try it"), exactly as written, in a clean clone with its
#      own data directory, until it serves /healthz; then stops it.
#   2. `pingan --help`, which must list every command README.md says it lists.
#   3. The load-generator blocks of docs/benchmarks.md (event intake and push; GB/T 28181 devices;
#      the lists, with a bound on their p95; the alarms),
#      at a tiny scale: the same lines with smaller counts and durations, and the small demo.
# Each command is read out of the docs, never retyped here, so a doc that drifts fails CI.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# The lines of the first ```sh block after the heading matching $2 in file $1.
block_after() {
  awk -v h="$2" '
    $0 ~ h { found = 1; next }
    found && /^```sh/ { inside = 1; next }
    inside && /^```/ { exit }
    inside { print }' "$1"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits up to $2 seconds for http://$1/healthz to answer 200.
wait_healthy() {
  for _ in $(seq "$2"); do
    curl -fsS "http://$1/healthz" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "no answer from http://$1/healthz after $2 s" >&2
  return 1
}

echo "== a clean clone"
git clone --quiet "$repo" "$work/clone"
# The clone builds into the repository's target folder: a fresh clone would build it all again.
ln -s "$repo/target" "$work/clone/target"
cd "$work/clone"

try_it="$(block_after README.md '^## Try it' | head -1)"
[ -n "$try_it" ] || { echo "README.md has no command under '## Try it'" >&2; exit 1; }
port="$(free_port)"
echo "== README: $try_it   (PINGAN_LISTEN=127.0.0.1:$port)"
# Its own process group, so that stopping it stops cargo and the server it started.
PINGAN_LISTEN="127.0.0.1:$port" setsid bash -c "$try_it" >"$work/try-it.log" 2>&1 &
pids+=($!)
if ! wait_healthy "127.0.0.1:$port" 1800; then
  tail -30 "$work/try-it.log" >&2
  exit 1
fi
grep -q '管理员账号 admin 的密码' "$work/try-it.log" || { echo "the demo did not print the admin password" >&2; exit 1; }
[ -f pingan-data/pingan.db ] || { echo "the demo made no ./pingan-data/pingan.db" >&2; exit 1; }
kill -- "-${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
echo "   served /healthz, printed the passwords, kept its data in ./pingan-data"

echo "== README: pingan --help lists its commands"
listed="$(awk '/`pingan --help` lists the commands:/ { on = 1 } on { print } on && /\.$/ { exit }' README.md |
  sed 's/.*lists the commands://' | grep -o '`[a-z][a-z0-9 |]*`' | tr -d '`' | awk '{print $1}' | sort -u)"
help="$(target/release/pingan --help)"
for c in $listed; do
  grep -qE "^  $c " <<<"$help" || { echo "pingan --help does not list '$c'" >&2; exit 1; }
done
echo "   $(echo $listed | wc -w) commands listed"

# docs/benchmarks.md's blocks at a tiny scale: smaller counts and durations, the small demo.
tiny() {
  sed -E 's/ --no-population//; s/--workers [0-9]+/--workers 2/; s/--seconds [0-9]+/--seconds 2/;
    s/--clients [0-9]+/--clients 3/; s/--events [0-9]+/--events 2/;
    s/--devices [0-9]+/--devices 20/; s/--keepalive [0-9]+/--keepalive 1/;
    s/--requests [0-9]+/--requests 10/; s/--points [0-9]+/--points 3/; s/--rate [0-9]+/--rate 20/; s/--depth [0-9]+/--depth 3/;
    s/--max-p95-ms [0-9]+/--max-p95-ms 250/; s/--patrollers [0-9]+/--patrollers 20/; s/--segments [0-9]+/--segments 5/; s/--population [0-9]+/--population 20000/;
    s/ demo --scale small / demo /; /--population/ s/ demo / demo --scale small /;
    /--population/! s/ demo / demo --scale small --no-population /;
    s#/tmp/(bench|sip|full)#'"$work"'/\1#g;
    s/127\.0\.0\.1:18080/127.0.0.1:'"$1"'/g; s/127\.0\.0\.1:18095/127.0.0.1:'"$2"'/g;
    s/127\.0\.0\.1:15070/127.0.0.1:'"$3"'/g'
}

run_block() {
  local heading="$1" web sipweb sip script
  web="$(free_port)"; sipweb="$(free_port)"; sip="$(free_port)"
  script="$(block_after docs/benchmarks.md "$heading" | tiny "$web" "$sipweb" "$sip")"
  echo "== docs/benchmarks.md: $heading (tiny)"
  printf '%s\n' "$script" | sed 's/^/   $ /'
  # The server line ends in '&': wait for it before the next line, and stop it afterwards.
  setsid bash -c "set -euo pipefail
    $(printf '%s\n' "$script" | awk -v web="$web" -v sipweb="$sipweb" '
      /&[[:space:]]*(#.*)?$/ { print; print "trap \"kill $! 2>/dev/null\" EXIT";
        print "for _ in $(seq 120); do curl -fsS http://127.0.0.1:" web "/healthz >/dev/null 2>&1 && break; curl -fsS http://127.0.0.1:" sipweb "/healthz >/dev/null 2>&1 && break; sleep 1; done"; next }
      { print }')" >"$work/block.log" 2>&1 &
  local pid=$!
  pids+=("$pid")
  if ! wait "$pid"; then
    tail -40 "$work/block.log" >&2
    exit 1
  fi
  pids=()
  tail -5 "$work/block.log" | sed 's/^/   /'
}

run_block '^## Event intake and live push'
run_block '^## GB/T 28181 devices'
run_block '^## Lists at district scale'
run_block '^## One-button alarms'
run_block '^## Patrols: positions from 2,000 phones'
echo "== the docs' commands work"
