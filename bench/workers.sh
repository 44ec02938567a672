#!/usr/bin/env bash
# Scale on cores (bench/README.md): total CPU of the chat server's processes and of Redis over one
# 8 s fan-out step, unpinned, driven by the native generator (build it first: npm run bench once).
#   bench/workers.sh single|redis|workers2 [CLIENTS] [LINES_PER_CLIENT_PER_S]
# Loopback only; stops what it started, by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?single, redis or workers2}
clients=${2:-1000}
rate=${3:-5}
gen=dist/bench/native/loadgen
[ -x "$gen" ] || { echo "no $gen: run npm run bench once (it builds the native generator)" >&2; exit 2; }
scratch=$(mktemp -d)
rport=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no >"$scratch/redis.out" 2>&1 &
rpid=$!
cleanup() { kill -INT "${spid:-}" 2>/dev/null || true; kill "$rpid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$scratch"; }
trap cleanup EXIT
case $mode in
  single) extra=() ;;
  redis) extra=(--redis "redis://127.0.0.1:$rport") ;;
  workers2) extra=(--redis "redis://127.0.0.1:$rport" --workers 2) ;;
  *) echo "mode: single, redis or workers2" >&2; exit 2 ;;
esac
node bin/chatserver.js --host 127.0.0.1 --port 0 --quiet --no-log-file --flood-rate 0 --max-connections 30000 \
  --max-per-address 30000 --connect-rate 0 --frame-rate 0 --byte-rate 0 --state-dir "$scratch/state" "${extra[@]}" >"$scratch/server.out" 2>&1 &
spid=$!
for _ in $(seq 100); do grep -q "listening on port" "$scratch/server.out" && break; sleep 0.1; done
port=$(grep -o "listening on port [0-9]*" "$scratch/server.out" | head -1 | grep -o "[0-9]*$")
sleep 1 # workers up
pids="$spid $( (pgrep -P "$spid" || true) | tr '\n' ' ')"
ticks() { local s=0 t; for p in "$@"; do t=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0); s=$((s + t)); done; echo "$s"; }
(printf "step 1 1 2\n"; sleep 4; printf "step 2 %s 8\n" "$rate"; sleep 12; printf "quit\n") |
  "$gen" --proto ours --host 127.0.0.1 --port "$port" --clients "$clients" --prefix "w$$" --mode room >"$scratch/gen.out" &
gpid=$!
line() { sed -n "$1p" "$scratch/gen.out"; }
until line 5 | grep -q start; do sleep 0.05; done
s0=$(ticks $pids); r0=$(ticks "$rpid")
until line 6 | grep -q end; do sleep 0.05; done
s1=$(ticks $pids); r1=$(ticks "$rpid")
wait "$gpid"
# Ticks are 1/100 s; over 8 s, ticks / 8 is % of one core.
echo "$mode: server $(((s1 - s0) / 8)) %, redis $(((r1 - r0) / 8)) % of one core; $(line 7)"
