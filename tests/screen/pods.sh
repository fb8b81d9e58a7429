#!/bin/bash
# Screen test: the pods view against govsim, driven in tmux like a user would.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 11 --churn 0
total=$(sim_get /_sim/stats | jq .pods)

start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "the header says connected" wait_for 'kubernetes: connected'
check "the title shows the row count of the whole world ($total)" wait_for "pods\(all\)\[$total\]"

# The first rows on screen are real pods of the world, with the status kubectl would print.
sim_get /api/v1/pods | jq -r '.items[] | "\(.metadata.namespace) \(.metadata.name)"' >"$WORK/pods"
first=$(screen | sed -n '4p' | awk '{print $2" "$3}')
check "the first row is a real pod of the world ($first)" grep -qx -- "$first" "$WORK/pods"
check "statuses are shown as kubectl prints them" \
    wait_for ' (Running|CrashLoopBackOff|Pending|Completed|ContainerCreating|ErrImagePull) '

keys j j j
check "j moves the selection" wait_for "row 4 of $total"
keys k
check "k moves it back" wait_for "row 3 of $total"
keys G
check "G goes to the last row" wait_for "row $total of $total"
keys g
check "g goes to the first row" wait_for "row 1 of $total"
keys PPage NPage
check "PgDn pages down" wait_for "row 3[0-9] of $total"

# Churn arrives through the watch while the user watches.
sim_get "/api/v1/namespaces/$(head -1 "$WORK/pods" | cut -d' ' -f1)/pods" >/dev/null
before=$(sim_get /_sim/stats | jq .resourceVersion)
sim_post "/_sim/churn?n=30"
after_total=$(sim_get /_sim/stats | jq .pods)
check "after churn the row count follows the world ($after_total)" wait_for "pods\(all\)\[$after_total\]" 10
[ "$before" != "$(sim_get /_sim/stats | jq .resourceVersion)" ] && ok "churn changed the world" || not_ok "churn changed the world"

tm resize-window -t gc -x 60 -y 20
# (the churned pods go at the end of their grace period: the count moves on meanwhile)
check "60x20 still shows the table" wait_for "pods\(all\)\[[0-9]+\]"
tm resize-window -t gc -x 36 -y 9
check "below 40x10 a one-line message replaces the table" wait_for 'terminal too small: 36x9'
tm resize-window -t gc -x 160 -y 40
check "back to 160x40 the table returns" wait_for "pods\(all\)\[[0-9]+\]"

keys q
status=$(wait_exit 5); [ "$status" = 0 ] || screen | tail -5
[ "$status" = 0 ] && ok "q exits with status 0" || not_ok "q exits with status 0 (got $status)"

# Without a metrics-server: CPU and MEM read n/a, the header says why, and nothing fails.
tm_kill
kill "$SIM_PID" && wait "$SIM_PID" 2>/dev/null
start_sim --pods 60 --tenants 3 --seed 11 --churn 0 --no-metrics
rm -f "$WORK/exit"
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "without metrics.k8s.io the header says 'metrics: none'" wait_for 'kubernetes: connected  metrics: none'
check "the pods' CPU and MEM read n/a" wait_for '^dmi .* n/a +n/a +[0-9]+[smhd] '
keys : tenants Enter
check "the tenants' usage reads n/a, their quota requests beside it" wait_for ' [0-9]+\.[0-9]/[0-9]+\.[0-9] +n/a +[0-9]+\.[0-9]/[0-9]+\.[0-9] +n/a '
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits with status 0" || not_ok "q exits with status 0"
finish
