#!/bin/bash
# make bench: prints performance figures (never pass/fail).
#   - nagios (issue 13): start to a complete alerts view with ~5,000 Nagios services, and the
#     CPU Nagios polls every 30 s add to the console in steady state;
#   - start to the first complete pods screen, and peak RSS, at 10,000 and 50,000 pods,
#     side by side with `kubectl get pods -A` against the same govsim;
#   - keystroke to doupdate() while filtering and sorting 50,000 rows (median, p99);
#   - CPU of the console in steady state with churn (with and without metrics.k8s.io polls),
#     and the API traffic it received meanwhile (govsim's /_sim/stats counters), at 10,000
#     and 50,000 pods: it should follow the events, not the number of pods;
#   - KrakenD (issue 15): decoding 2,000 routes' configuration and a 1 MB metrics page, and
#     their rates (tests/bench/krakend_bench.c); and end to end, start to the complete routes
#     view over them (served from files by python3's http.server) and its steady-state CPU;
#   - MapR (issue 15): start to the complete datasets view over 10,000 volumes, and its
#     steady-state CPU.
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
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $cfg --log $WORK/gc.log -c pods; sleep 60"
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
echo "## Steady state with churn (govsim --churn 20: 20 changes to pods or apps a second, each several object changes), measured over 60 s after the list and a first metrics poll"
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
echo "(cpu: of one core, target under 2% at 50,000 pods; it follows the events. events: resourceVersions"
echo " govsim issued (every object change, all kinds: pods, Events, ReplicaSets, Deployments, quotas). watch/list/other: response bytes govsim sent in the window"
echo " (other: buffered bodies, i.e. the metrics.k8s.io polls); watch bytes should follow the events"
echo " at 10,000 and 50,000 pods alike. The cost of metrics is the difference of the two 50,000 rows.)"
if [ -s "$WORK/metrics.line" ]; then
    echo "last poll at 50,000 pods: $(cat "$WORK/metrics.line")"
fi
echo "memory per pod in steady state, 10,000 to 50,000 pods: $(( (rss50 - rss10) * 1024 / 40000 )) bytes"
echo " (RSS difference over the 40,000 pods added: rows, strings, indexes, metrics, the view)"

# sla (issue 13): a month of every tenant's service levels from govsim's Nagios archive, with
# about 5,000 services (64 tenants of 40 apps, two services each): the time `govconsole report
# sla` takes from start to its CSV (what the sla view fetches and computes too; target 3 s).
echo
"$BIN/govsim" --port 0 --pods 21000 --tenants 64 --seed 1 --churn 0 >"$WORK/slasim.out" 2>/dev/null &
SLA_SIM=$!
for _ in $(seq 200); do grep -q listening "$WORK/slasim.out" && break; sleep 0.05; done
SLA_PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/slasim.out")
printf '[nagios]\nurl = http://127.0.0.1:%s/nagios4/cgi-bin\n' "$SLA_PORT" >"$WORK/sla.ini"
SLA_TO=$(date -d "$(date +%Y-%m-01) - 1 day" +%F)
SLA_FROM=$(date -d "$SLA_TO" +%Y-%m-01)
t0=$(now_ms)
XDG_CONFIG_HOME="$WORK" "$BIN/govconsole" report sla --config "$WORK/sla.ini" --from "$SLA_FROM" \
    --to "$SLA_TO" >"$WORK/sla.csv" 2>"$WORK/sla.err"
t1=$(now_ms)
echo "sla: report of $SLA_FROM..$SLA_TO, $(grep -c '^[^,]*,service,' "$WORK/sla.csv") services in" \
    "$(grep -c '^[^,]*,tenant,' "$WORK/sla.csv") tenants: $((t1 - t0)) ms (target: under 3000 ms)"
kill "$SLA_SIM" 2>/dev/null
wait "$SLA_SIM" 2>/dev/null
# krakend (issue 15)
if [ -x "$BIN/bench/krakend_bench" ]; then
    echo
    echo "## KrakenD: 2,000 routes, their krakend.json and metrics page each 15 s (on a worker)"
    "$BIN/bench/krakend_bench"
fi
# ---- nagios (issue 13): the alerts view over ~5,000 services (govsim, 420 tenants) --------
nagios_cpu() { # config label: CPU of the console over WIN s, govsim --churn 20
    local t0 t1 hz
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $1; sleep 60"
    sleep 15 # lists loaded, the first polls done
    GC_PID=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kc" | head -1)
    t0=$(cpu_ticks "$GC_PID")
    sleep "$WIN"
    t1=$(cpu_ticks "$GC_PID")
    hz=$(getconf CLK_TCK)
    printf '%-28s %6s%% of a core\n' "$2" "$(echo "scale=2; ($t1 - $t0) * 100 / $hz / $WIN" | bc)"
    console_stop
}
echo
"$BIN/govsim" --port 0 --pods 20000 --tenants 420 --seed 1 --churn 0 >"$WORK/sim.out" 2>/dev/null &
kill "$SIM_PID" 2>/dev/null
SIM_PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/sim.out" && break; sleep 0.05; done
PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/sim.out")
sed -i "s|server: \"http://127.0.0.1:[0-9]*\"|server: \"http://127.0.0.1:$PORT\"|" "$WORK/kc"
CGI="http://127.0.0.1:$PORT/nagios4/cgi-bin"
printf '[kubernetes]\ninterval_metrics = 30s\n[nagios]\nurl = %s\n' "$CGI" >"$WORK/nagios.ini"
services=$(curl -s "$CGI/statusjson.cgi?query=servicecount" | jq '[.data.count[]] | add')
problems=$(curl -s "$CGI/statusjson.cgi?query=servicelist&details=true" | jq '[.data.servicelist[][] | select(.status != 2)] | length')
hproblems=$(curl -s "$CGI/statusjson.cgi?query=hostlist&details=true" | jq '[.data.hostlist[] | select(.status != 2)] | length')
want=$(echo "$((problems + hproblems))" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
start=$(now_ms)
tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $WORK/nagios.ini -c alerts; sleep 60"
for _ in $(seq 1500); do
    if tm capture-pane -p -t gc | sed -n 2p | grep -q "alerts(all)\[$want\]" &&
        ! tm capture-pane -p -t gc | sed -n 2p | grep -q loading; then
        break
    fi
    sleep 0.02
done
echo "nagios: $services services: start to the complete alerts view ($want problems): $(($(now_ms) - start)) ms (target: 1 s)"
console_stop
kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
"$BIN/govsim" --port 0 --pods 20000 --tenants 420 --seed 1 --churn 20 >"$WORK/sim.out" 2>/dev/null &
SIM_PID=$!
for _ in $(seq 200); do grep -q listening "$WORK/sim.out" && break; sleep 0.05; done
PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/sim.out")
sed -i "s|server: \"http://127.0.0.1:[0-9]*\"|server: \"http://127.0.0.1:$PORT\"|" "$WORK/kc"
printf '[kubernetes]\ninterval_metrics = 30s\n[nagios]\nurl = http://127.0.0.1:%s/nagios4/cgi-bin\n' "$PORT" >"$WORK/nagios.ini"
nagios_cpu "$WORK/default.ini" "kubernetes only"
nagios_cpu "$WORK/nagios.ini" "kubernetes + nagios every 30s"
echo "(the difference is what Nagios adds; target: under 0.5% of a core)"
# ServiceNow (issue 14): a large instance, the first load paged, then only the changes.
echo
echo "## ServiceNow: 5,000 more open incidents (GOVSIM_SN_INCIDENTS), polled every 10 s"
GOVSIM_SN_INCIDENTS=5000 start_sim 1000 0
printf '[kubernetes]\ninterval_metrics = 1h\n[servicenow]\nurl = http://127.0.0.1:%s\ninterval = 10s\n' \
    "$PORT" >"$WORK/sn.ini"
open=$(curl -s -D - -o /dev/null "http://127.0.0.1:$PORT/api/now/table/incident?sysparm_limit=1&sysparm_query=stateIN1,2,3" |
    tr -d '\r' | sed -n 's/^X-Total-Count: //p')
want=$(echo "$open" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
rm -f "$WORK/gc.log"
start=$(now_ms)
tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $WORK/sn.ini --log $WORK/gc.log -c incidents; sleep 60"
for _ in $(seq 1500); do
    tm capture-pane -p -t gc | sed -n 2p | grep -q "incidents(all)\[$want\]" && break
    sleep 0.02
done
echo "open incidents: $open; start to the complete view: $(($(now_ms) - start)) ms (target: 2,000 ms)"
sim_snap "$WORK/sn0.json"
sleep 31
sim_snap "$WORK/sn1.json"
polls=$(grep -c 'poll servicenow: .*changes only' "$WORK/gc.log")
echo "first poll: $(grep -m1 'poll servicenow:' "$WORK/gc.log" | sed 's/.*poll servicenow: //')"
echo "steady polls (changes only) in 31 s: $polls; the last: $(grep 'poll servicenow: .*changes only' "$WORK/gc.log" | tail -1 | sed 's/.*poll servicenow: //')"
bytes=$(( $(snap_get "$WORK/sn1.json" bufferedBytesSent) - $(snap_get "$WORK/sn0.json" bufferedBytesSent) ))
echo "bytes govsim sent in those 31 s (buffered bodies): $bytes$( [ "$polls" -gt 0 ] && echo ", $((bytes / polls)) per poll")"
tm kill-server >/dev/null 2>&1
# ---- MapR: the datasets view over 10,000 volumes (govsim's /_sim/mapr/scale) and a stream ----
echo
# Starts the console on VIEW with CONFIG, prints the time from start until its title shows
# [COUNT], the first log line matching PATTERN (with LABEL), then its CPU over WINDOW s in
# steady state; the console's pid in VB_PID. The caller stops the console.
view_bench() { # view count config log window_s interval_s [pattern label]
    local start hz t0 t1
    rm -f "$4"
    start=$(now_ms)
    tm new-session -d -s gc -x 200 -y 50 "env -u TMUX TERM=xterm-256color $BIN/govconsole --kubeconfig $WORK/kc --config $3 --log $4 -c $1; sleep $(($5 + 60))"
    for _ in $(seq 3000); do
        tm capture-pane -p -t gc | sed -n 2p | grep -q "$1(all)\[$2\]" && break
        sleep 0.02
    done
    echo "start to the complete $1 view: $(($(now_ms) - start)) ms (target: 1000 ms)"
    VB_PID=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kc" | head -1)
    [ -n "${7:-}" ] && grep -o "$7" "$4" | head -1 | sed "s/^/$8/"
    sleep 5
    hz=$(getconf CLK_TCK)
    t0=$(cpu_ticks "$VB_PID")
    sleep "$5"
    t1=$(cpu_ticks "$VB_PID")
    echo "steady state over $5 s at the default $6 s interval: $(echo "scale=2; ($t1 - $t0) * 100 / $hz / $5" | bc)% of a core (target: under 1%)"
}
mapr_bench() { # volumes window_s
    local want want_fmt bytes pid
    start_sim 300 0
    curl -s -X POST "http://127.0.0.1:$PORT/_sim/mapr/scale?volumes=$1" >/dev/null
    want=$(($(curl -s "http://127.0.0.1:$PORT/rest/volume/list" | jq '.total') +
        $(curl -s "http://127.0.0.1:$PORT/rest/table/metadata/list" | jq '.total') + 1)) # and the stream
    want_fmt=$(echo "$want" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta')
    bytes=$(curl -s "http://127.0.0.1:$PORT/rest/volume/list" | wc -c)
    printf '[mapr]\nurl = http://127.0.0.1:%s\nhttpfs = http://127.0.0.1:%s\n[dataset t.dmi.*]\ncadence = 4h\n[dataset /tenants/dmi/observations]\ncadence = 1m\n' \
        "$PORT" "$PORT" >"$WORK/mapr.ini"
    echo "## MapR: the datasets view over $want_fmt volumes, tables and streams (volume list $((bytes / 1048576)) MB)"
    view_bench datasets "$want_fmt" "$WORK/mapr.ini" "$WORK/gc.log" "$2" 60 \
        'poll mapr volumes: .*' 'first volume poll: '
    pid=$VB_PID
    echo "peak RSS: $(awk '/VmHWM/ {print $2}' "/proc/$pid/status") kB, now $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB"
    grep -o 'poll mapr volumes: .*' "$WORK/gc.log" | tail -1 | sed 's/^/last volume poll: /'
    console_stop
}
mapr_bench 10000 120
# ---- KrakenD end to end: the routes view over 2,000 routes, a 1 MB metrics page each 15 s ----
krakend_e2e() { # window_s
    local kport kpid tpid
    [ -x "$BIN/bench/krakend_bench" ] || return
    mkdir -p "$WORK/kd"
    "$BIN/bench/krakend_bench" --write "$WORK/kd" || return
    python3 -m http.server 0 --bind 127.0.0.1 --directory "$WORK/kd" >"$WORK/kd.out" 2>&1 &
    kpid=$!
    # a new modification time every 5 s: each scrape is a 200 with the whole page, never a 304
    while sleep 5; do touch "$WORK/kd/metrics"; done &
    tpid=$!
    for _ in $(seq 100); do grep -q 'port [0-9]' "$WORK/kd.out" && break; sleep 0.05; done
    kport=$(sed -n 's/.* port \([0-9]*\).*/\1/p' "$WORK/kd.out" | head -1)
    printf '[krakend]\nconfig = %s/krakend.json\nmetrics = http://127.0.0.1:%s/metrics\nhealth = http://127.0.0.1:%s/__health\n' \
        "$WORK/kd" "$kport" "$kport" >"$WORK/kd.ini"
    echo
    echo "## KrakenD: the routes view over 2,000 routes, krakend.json $(($(wc -c <"$WORK/kd/krakend.json") / 1024)) KB (a file), metrics $(($(wc -c <"$WORK/kd/metrics") / 1024)) KB each 15 s"
    view_bench routes 2,000 "$WORK/kd.ini" "$WORK/kd.log" "$1" 15
    grep -o 'poll krakend[^:]*: .*' "$WORK/kd.log" | tail -2 | sed 's/^/last: /'
    console_stop
    kill "$tpid" "$kpid" 2>/dev/null
    wait "$tpid" "$kpid" 2>/dev/null
    return 0 # the helpers' status is their SIGTERM's (143): not the bench's
}
krakend_e2e 60
