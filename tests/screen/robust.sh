#!/bin/bash
# Screen test: hang-ups, unreachable and misbehaving servers, bad kubeconfigs, --demo.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

# A missing or unreadable kubeconfig is a one-line error and exit status 2.
out=$("$BIN/govconsole" --kubeconfig "$WORK/nope.yaml" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && ok "missing kubeconfig exits 2" || not_ok "missing kubeconfig exits 2 (got $rc)"
[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "nope.yaml" &&
    ok "missing kubeconfig is one line naming the file" || not_ok "one-line error" "$out"
printf 'clusters: [unclosed\n  - {' >"$WORK/bad.yaml"
out=$("$BIN/govconsole" --kubeconfig "$WORK/bad.yaml" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q bad.yaml && ok "a kubeconfig that is not YAML exits 2 naming the file" ||
    not_ok "not-YAML kubeconfig exits 2 (got $rc)" "$out"

# Unreachable server: the console stays up and says which source failed and why.
write_kubeconfig "http://127.0.0.1:1" >"$WORK/dead.yaml"
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/dead.yaml"
check "unreachable server is shown as failing with the reason" wait_for 'kubernetes: .*(refused|Couldn|connect)'
tm has-session -t gc 2>/dev/null && [ ! -s "$WORK/exit" ] && ok "the console keeps running" || not_ok "the console keeps running"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q still exits 0" || not_ok "q still exits 0"
tm_kill
rm -f "$WORK/exit"

# A server that answers 401: shown, not fatal; then it recovers.
start_sim --pods 50 --tenants 2 --seed 5 --churn 0 --token right-token
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "401 from the server: the header's token says credentials rejected" \
    wait_for 'kubernetes: credentials rejected'
check "401 from the server: the status line has the server's words" wait_for '^ kubernetes: HTTP 401'
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"
kill "$SIM_PID"; wait "$SIM_PID" 2>/dev/null; SIM_PID=""

# Escape sequences in names never reach the terminal.
start_sim --pods 50 --tenants 2 --seed 5 --churn 0
sim_post "/_sim/fault?mode=escape&count=2"
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "a pod list with escape sequences is shown" wait_for 'pods\(all\)\[[1-9]'
check "the screen is intact (header still on line 1)" bash -c "tmux -L $TMUX_SOCK capture-pane -p -t gc | head -1 | grep -q '^ govconsole'"
tm capture-pane -p -e -t gc >"$WORK/escaped.txt"
if grep -q $'\x1b\[2J' "$WORK/escaped.txt" || grep -q $'\a' "$WORK/escaped.txt"; then
    not_ok "no control sequence from the server reached the terminal"
else
    ok "no control sequence from the server reached the terminal"
fi

# SSH connection drop: the terminal goes away, the console exits within a second.
pid=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods" | head -1)
tm_kill
for _ in $(seq 20); do alive "$pid" || break; sleep 0.05; done
alive "$pid" && { not_ok "hang-up ends the console within a second"; kill -9 "$pid"; } ||
    ok "hang-up ends the console within a second"

# SIGTERM ends it too.
rm -f "$WORK/exit"
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
wait_for 'kubernetes: connected' >/dev/null
pid=$(pgrep -f "^$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods" | head -1)
kill -TERM "$pid"
st=$(wait_exit 3)
[ "$st" = 143 ] && ok "SIGTERM ends the console (status 143)" || not_ok "SIGTERM ends the console (got $st)"
tm_kill
rm -f "$WORK/exit"

# NO_COLOR: attributes only, no colour escape codes.
start_console 120 30 "NO_COLOR=1 $BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
wait_for 'kubernetes: connected' >/dev/null
tm capture-pane -p -e -t gc >"$WORK/nocolor.txt"
if grep -Eq $'\x1b\\[[0-9;]*(3[0-7]|4[0-7]|38;5|48;5|9[0-7])m' "$WORK/nocolor.txt"; then
    not_ok "NO_COLOR sends no colour codes" "$(grep -o $'\x1b\\[[0-9;]*m' "$WORK/nocolor.txt" | sort -u | cat -v | head)"
else
    ok "NO_COLOR sends no colour codes"
fi
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# --demo starts its own simulator and stops it on exit.
start_console 120 30 "$BIN/govconsole --demo -c pods"
check "--demo shows the simulated platform" wait_for 'pods\(all\)\[[1-9]' 15
simpid=$(pgrep -f "$BIN/govsim --port 0" -P "$(console_pid)" | head -1)
[ -n "$simpid" ] && ok "--demo started govsim" || not_ok "--demo started govsim"
tm resize-window -t gc -x 200 -y 30
check "--demo at 200 columns: every source answers, each named in the header" \
    wait_for 'kubernetes: connected  nagios: [a-z].*servicenow: [a-z].*mapr: [a-z].*krakend: [a-z]'
screen | sed -n 1p | grep -Eq 'unreachable|rejected|bad answer|timeout|stale' &&
    not_ok "--demo: no source failing" "$(screen | sed -n 1p)" || ok "--demo: no source failing"
tm resize-window -t gc -x 80 -y 24
check "--demo at 80 columns: the header counts the five sources ok" wait_for ' 5 sources ok *$'
keys q
[ "$(wait_exit 5)" = 0 ] && ok "--demo: q exits 0" || not_ok "--demo: q exits 0"
sleep 0.3
[ -n "$simpid" ] && ! alive "$simpid" && ok "--demo stopped govsim on exit" || not_ok "--demo stopped govsim on exit"

# ... and also when the console is killed outright.
tm_kill
rm -f "$WORK/exit"
start_console 120 30 "$BIN/govconsole --demo -c pods"
wait_for 'pods\(all\)\[[1-9]' 15 >/dev/null
cpid=$(console_pid)
simpid=$(pgrep -f "$BIN/govsim --port 0" -P "$cpid" | head -1)
kill -KILL "$cpid"
sleep 0.5
[ -n "$simpid" ] && ! alive "$simpid" && ok "--demo: govsim stops when the console is killed" ||
    not_ok "--demo: govsim stops when the console is killed"
finish
