#!/bin/bash
# make bench: prints performance figures (never pass/fail).
#   - start to the first complete pods screen, and peak RSS, at 10,000 and 50,000 pods,
#     side by side with `kubectl get pods -A` against the same govsim;
#   - keystroke to doupdate() while filtering and sorting 50,000 rows (median, p99);
#   - CPU of the console in steady state with churn.
set -u
cd "$(dirname "$0")/.." || exit 1
BIN="${GC_BIN_DIR:-build}"
WORK=$(mktemp -d)
SOCK="gc-bench-$$"
SIM_PID=""
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
cleanup() {
    tm kill-server >/dev/null 2>&1
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

start_sim() { # pods churn
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    "$BIN/govsim" --port 0 --pods "$1" --tenants 40 --seed 1 --churn "$2" >"$WORK/sim.out" 2>/dev/null &
    SIM_PID=$!
    for _ in $(seq 200); do grep -q listening "$WORK/sim.out" && break; sleep 0.05; done
    PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/sim.out")
    cat >"$WORK/kc" <<KC
apiVersion: v1
kind: Config
current-context: sim
clusters: [{name: sim, cluster: {server: "http://127.0.0.1:$PORT"}}]
contexts: [{name: sim, context: {cluster: sim, user: sim}}]
users: [{name: sim, user: {token: bench}}]
KC
}

# Starts the console; waits until the title shows the full count and no "loading".
console_start() { # pods label
    local want start pid
    want=$(echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
    rm -f "$WORK/gc.log"
    start=$(now_ms)
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --log $WORK/gc.log; sleep 60"
    for _ in $(seq 1200); do
        if tm capture-pane -p -t gc | sed -n 2p | grep -q "pods(all)\[$want\]" &&
            ! tm capture-pane -p -t gc | sed -n 2p | grep -q loading; then
            break
        fi
        sleep 0.02
    done
    GC_MS=$(($(now_ms) - start))
    pid=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kc" | head -1)
    GC_PID=$pid
    GC_RSS=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
}

console_stop() {
    tm send-keys -t gc q
    sleep 0.5
    tm kill-server >/dev/null 2>&1
}

# kubectl's time and peak RSS for the same list.
kubectl_run() {
    local out
    if ! command -v kubectl >/dev/null; then KC_S="n/a"; KC_RSS="n/a"; return; fi
    out=$( { HOME=$WORK /usr/bin/time -f "%e %M" kubectl --kubeconfig "$WORK/kc" --cache-dir "$WORK/cache" \
        get pods -A --request-timeout 300s >/dev/null; } 2>&1 | tail -1)
    KC_S=$(echo "$out" | awk '{print $1}')
    KC_RSS=$(echo "$out" | awk '{print $2}')
}

echo "# govconsole bench ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
echo
echo "## Start to the first complete pods screen (govsim on loopback)"
printf '%-8s %14s %14s %16s %16s %12s\n' pods govconsole_s kubectl_s govconsole_rss kubectl_rss bytes/pod
for n in 10000 50000; do
    start_sim "$n" 0
    console_start "$n"
    console_stop
    kubectl_run
    base=$(( 12 * 1024 )) # an empty console: about 12 MB (libraries, curses, buffers)
    per=$(( (GC_RSS - base) * 1024 / n ))
    printf '%-8s %14.2f %14s %13s kB %13s kB %12s\n' "$n" "$(echo "$GC_MS/1000" | bc -l)" "$KC_S" "$GC_RSS" "$KC_RSS" "$per"
done
echo
echo "(bytes/pod: peak RSS above a 12 MB empty console, divided by the pods; it includes the"
echo " pods' own strings and the transient page buffers of the paged list.)"

echo
echo "## Keystroke to doupdate() with 50,000 rows (filter typed one key at a time, sorts)"
start_sim 50000 0
console_start 50000
keys=(/ n o d e - 0 '[' 1 - 3 ']' BSpace BSpace Escape / C r a s h Enter Escape S S N A T R E P Escape j j G g)
for k in "${keys[@]}"; do
    tm send-keys -t gc "$k"
    sleep 0.15
done
sleep 0.5
console_stop
grep -o 'key [0-9-]*: [0-9.]* ms' "$WORK/gc.log" | awk '{print $3}' | sort -n >"$WORK/times"
cnt=$(wc -l <"$WORK/times")
if [ "$cnt" -gt 0 ]; then
    med=$(awk -v n="$cnt" 'NR==int((n+1)/2) {print}' "$WORK/times")
    p99=$(awk -v n="$cnt" 'NR==(int(n*0.99)>0?int(n*0.99):1) {print} END {}' "$WORK/times")
    max=$(tail -1 "$WORK/times")
    echo "keystrokes: $cnt  median: ${med} ms  p99: ${p99} ms  max: ${max} ms  (target: 16 ms)"
else
    echo "keystrokes: none logged"
fi

echo
echo "## Steady state with churn (50,000 pods, 20 events/s, 20 s)"
start_sim 50000 20
console_start 50000
t0=$(awk '{print $14+$15}' "/proc/$GC_PID/stat")
sleep 20
t1=$(awk '{print $14+$15}' "/proc/$GC_PID/stat")
hz=$(getconf CLK_TCK)
echo "console CPU: $(echo "scale=2; ($t1 - $t0) * 100 / $hz / 20" | bc)% of one core (target: under 2%)"
console_stop
