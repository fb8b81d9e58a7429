#!/bin/bash
# make bench, MapR part: the datasets view over 10,000 volumes (govsim's /_sim/mapr/scale) and
# the observation stream. Prints the time from start to the complete view, the decode and
# apply times of the volume list (the console's log), peak RSS, and the console's CPU in
# steady state at the default [mapr] interval (60 s). Figures only, never pass/fail.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN="${GC_BIN_DIR:-build}"
WORK=$(mktemp -d)
SOCK="gc-bench-mapr-$$"
SIM_PID=""
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }
VOLUMES=${1:-10000}
WIN=${2:-60}

"$BIN/govsim" --port 0 --pods 300 --tenants 40 --seed 1 --churn 0 >"$WORK/sim.out" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/sim.out" && break; sleep 0.05; done
PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/sim.out")
URL="http://127.0.0.1:$PORT"
curl -s -X POST "$URL/_sim/mapr/scale?volumes=$VOLUMES" >/dev/null
want=$(curl -s "$URL/rest/volume/list" | jq '.total + 1') # and the one stream
want_fmt=$(echo "$want" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
bytes=$(curl -s "$URL/rest/volume/list" | wc -c)
cat >"$WORK/kc" <<KC
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "$URL"}}]
contexts: [{name: sim, context: {cluster: sim, user: sim}}]
users: [{name: sim, user: {token: bench}}]
KC
cat >"$WORK/config.ini" <<INI
[mapr]
url = $URL
httpfs = $URL
[dataset t.dmi.*]
cadence = 4h
[dataset /tenants/dmi/observations]
cadence = 1m
INI

echo "## MapR: the datasets view over $want_fmt volumes and streams (volume list $((bytes / 1048576)) MB)"
start=$(now_ms)
tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color XDG_CONFIG_HOME=$WORK/x $BIN/govconsole --kubeconfig $WORK/kc --config $WORK/config.ini --log $WORK/gc.log -c datasets; sleep 60"
for _ in $(seq 3000); do
    tm capture-pane -p -t gc | sed -n 2p | grep -q "datasets(all)\[$want_fmt\]" && break
    sleep 0.02
done
ms=$(($(now_ms) - start))
pid=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kc" | head -1)
echo "start to the complete view: $ms ms (target: 1000 ms)"
grep -o 'poll mapr volumes: .*' "$WORK/gc.log" | head -1 | sed 's/^/first volume poll: /'
sleep 5
hz=$(getconf CLK_TCK)
t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
sleep "$WIN"
t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
echo "steady state over $WIN s at the default 60 s interval: $(echo "scale=2; ($t1 - $t0) * 100 / $hz / $WIN" | bc)% of a core (target: under 1%)"
echo "peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB, now $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB"
grep -o 'poll mapr volumes: .*' "$WORK/gc.log" | tail -1 | sed 's/^/last volume poll: /'
tm send-keys -t gc q
sleep 0.5
