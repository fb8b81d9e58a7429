#!/bin/bash
# make bench: prints performance figures (never pass/fail).
#   - start to the first complete pods screen, and peak RSS, at 10,000 and 50,000 pods,
#     side by side with `kubectl get pods -A` against the same govsim;
#   - keystroke to doupdate() while filtering and sorting 50,000 rows (median, p99);
#   - CPU of the console in steady state with churn (with and without metrics.k8s.io polls),
#     and the API traffic it received meanwhile (govsim's /_sim/stats counters), at 10,000
#     and 50,000 pods: it should follow the events, not the number of pods.
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
console_start() { # pods [config.ini]
    local want start pid cfg="${2:-$WORK/default.ini}"
    want=$(echo "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
    rm -f "$WORK/gc.log"
    start=$(now_ms)
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $cfg --log $WORK/gc.log; sleep 60"
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

# The same settings on every machine: no user config.ini. Metrics every 30 s (the default),
# or once an hour (so that none falls in a measuring window).
printf '[kubernetes]\ninterval_metrics = 30s\n' >"$WORK/default.ini"
printf '[kubernetes]\ninterval_metrics = 1h\n' >"$WORK/nometrics.ini"

# govsim's /_sim/stats into a file, and one counter of it (0 without curl and jq).
sim_snap() { curl -s "http://127.0.0.1:$PORT/_sim/stats" >"$1" 2>/dev/null || echo '{}' >"$1"; }
snap_get() { # file key
    if ! command -v jq >/dev/null; then echo 0; return; fi
    jq -r ".$2 // 0" "$1" 2>/dev/null || echo 0
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
mb() { echo "scale=2; $1 / 1048576" | bc; }

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
# Lines in key order; a '/' opens the filter prompt, Enter or Esc closes it; outside it an
# upper-case letter sorts.
grep -o 'key [0-9-]*: [0-9.]* ms' "$WORK/gc.log" | awk '
    { code = $2 + 0; ms = $3
      if (infilter) { cls = "filter" } else if (code >= 65 && code <= 90) { cls = "sort" } else { cls = "other" }
      if (!infilter && code == 47) { infilter = 1; cls = "filter" } else if (infilter && (code == 27 || code == 13)) { infilter = 0 }
      print cls, ms }' >"$WORK/keys"
key_stats() { # class label ("" = all)
    local cnt med p99 max
    awk -v c="$1" 'c == "" || $1 == c {print $2}' "$WORK/keys" | sort -n >"$WORK/times"
    cnt=$(wc -l <"$WORK/times")
    if [ "$cnt" -eq 0 ]; then echo "$2: none logged"; return; fi
    med=$(awk -v n="$cnt" 'NR==int((n+1)/2) {print}' "$WORK/times")
    p99=$(awk -v n="$cnt" 'NR==(int(n*0.99)>0?int(n*0.99):1) {print}' "$WORK/times")
    max=$(tail -1 "$WORK/times")
    printf '%-22s %3d keys  median: %8s ms  p99: %8s ms  max: %8s ms\n' "$2" "$cnt" "$med" "$p99" "$max"
}
key_stats "" "all keystrokes"
key_stats filter "  typing a filter"
key_stats sort "  sorting (Shift+key)"
key_stats other "  moving, Esc"
echo "(target: 16 ms)"

echo
echo "## Steady state with churn (20 events/s), measured over 60 s after the list and a first metrics poll"
WIN=60
# Runs the console against a churning govsim and prints CPU, traffic and memory over WIN s.
steady() { # pods config label
    local t0 t1 hz ev cpu rss hwm k
    start_sim "$1" 20
    console_start "$1" "$2"
    sleep 10 # the first metrics poll lands, the view settles
    sim_snap "$WORK/s0"
    t0=$(cpu_ticks "$GC_PID")
    sleep "$WIN"
    t1=$(cpu_ticks "$GC_PID")
    sim_snap "$WORK/s1"
    for k in resourceVersion watchBytesSent listBytesSent bufferedBytesSent requestsServed; do
        eval "d_$k=\$(( \$(snap_get $WORK/s1 $k) - \$(snap_get $WORK/s0 $k) ))"
    done
    hz=$(getconf CLK_TCK)
    cpu=$(echo "scale=2; ($t1 - $t0) * 100 / $hz / $WIN" | bc)
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$GC_PID/status")
    hwm=$(awk '/VmHWM/ {print $2}' "/proc/$GC_PID/status")
    ev=$d_resourceVersion
    # not the console's: the first snapshot's body and the second snapshot's request
    printf '%-7s %-12s %6s%% %8d %9s %9s %9s %6d %11s %9d %9d\n' "$1" "$3" "$cpu" "$ev" \
        "$(mb "$d_watchBytesSent")" "$(mb "$d_listBytesSent")" \
        "$(mb $((d_bufferedBytesSent - $(wc -c <"$WORK/s0"))))" $((d_requestsServed - 1)) \
        "$( [ "$ev" -gt 0 ] && echo $((d_watchBytesSent / ev)) || echo -)" "$rss" "$hwm"
    STEADY_RSS=$rss
    grep -o 'poll pod metrics: .*' "$WORK/gc.log" | tail -1 >"$WORK/metrics.line"
    console_stop
}
printf '%-7s %-12s %7s %8s %9s %9s %9s %6s %11s %9s %9s\n' pods metrics cpu events watch_MB \
    list_MB other_MB reqs watch_B/ev rss_kB hwm_kB
steady 10000 "$WORK/default.ini" "every_30s"
rss10=$STEADY_RSS
steady 50000 "$WORK/nometrics.ini" "none"
steady 50000 "$WORK/default.ini" "every_30s"
rss50=$STEADY_RSS
echo
echo "(cpu: of one core, target under 2% at 50,000 pods. events: resourceVersions govsim issued"
echo " (every object change, all kinds). watch/list/other: response bytes govsim sent in the window"
echo " (other: buffered bodies, i.e. the metrics.k8s.io polls); watch bytes should follow the events"
echo " at 10,000 and 50,000 pods alike. The cost of metrics is the difference of the two 50,000 rows.)"
if [ -s "$WORK/metrics.line" ]; then
    echo "last poll at 50,000 pods: $(cat "$WORK/metrics.line")"
fi
echo "memory per pod in steady state, 10,000 to 50,000 pods: $(( (rss50 - rss10) * 1024 / 40000 )) bytes"
echo " (RSS difference over the 40,000 pods added: rows, strings, indexes, metrics, the view)"

# ---- MapR: the datasets view over 10,000 volumes (govsim's /_sim/mapr/scale) and a stream ----
echo
mapr_bench() { # volumes window_s
    local want want_fmt bytes start ms pid hz t0 t1
    start_sim 300 0
    curl -s -X POST "http://127.0.0.1:$PORT/_sim/mapr/scale?volumes=$1" >/dev/null
    want=$(curl -s "http://127.0.0.1:$PORT/rest/volume/list" | jq '.total + 1') # and the stream
    want_fmt=$(echo "$want" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
    bytes=$(curl -s "http://127.0.0.1:$PORT/rest/volume/list" | wc -c)
    printf '[mapr]\nurl = http://127.0.0.1:%s\nhttpfs = http://127.0.0.1:%s\n[dataset t.dmi.*]\ncadence = 4h\n[dataset /tenants/dmi/observations]\ncadence = 1m\n' \
        "$PORT" "$PORT" >"$WORK/mapr.ini"
    echo "## MapR: the datasets view over $want_fmt volumes and streams (volume list $((bytes / 1048576)) MB)"
    rm -f "$WORK/gc.log"
    start=$(now_ms)
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $WORK/mapr.ini --log $WORK/gc.log -c datasets; sleep 60"
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
    t0=$(cpu_ticks "$pid")
    sleep "$2"
    t1=$(cpu_ticks "$pid")
    echo "steady state over $2 s at the default 60 s interval: $(echo "scale=2; ($t1 - $t0) * 100 / $hz / $2" | bc)% of a core (target: under 1%)"
    echo "peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB, now $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB"
    grep -o 'poll mapr volumes: .*' "$WORK/gc.log" | tail -1 | sed 's/^/last volume poll: /'
    console_stop
}
mapr_bench 10000 120
