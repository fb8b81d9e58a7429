#!/bin/bash
# Screen test: 80x24, the default of most jump hosts, is a first-class terminal, and smaller
# ones (down to 40x10) show what fits. Columns that say nothing in the rows shown go first
# (TENANT inside one tenant, NAMESPACE in one namespace, APP = NAME, IMAGE = VERSION), then
# the least useful ones; names keep their distinguishing end (cut in the middle), amounts
# (a node's pods, CPU, memory) are whole or not shown; the title counts the hidden columns and
# Left/Right scroll to them; below 40x10 no key acts blind.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
header_of() { screen | sed -n 3p; }
has_col() { header_of | grep -Eq "(^| )$1( |$)"; }

start_console 80 24 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "80x24: the pods view is shown" wait_for 'pods\(all\)\[200\]'
# Every pod name in full: replicas must not look the same.
longest=$(sim_get /api/v1/pods | jq -r '[.items[].metadata.name | length] | max')
names=$(screen | sed -n '4,23p' | awk '{print $2}')
[ -n "$names" ] && ! printf '%s\n' "$names" | grep -q '~' &&
    ok "80x24 pods: names are whole (the longest is $longest)" ||
    not_ok "80x24 pods: names are whole" "$(screen)"
has_col NAME && has_col STATUS && has_col READY && has_col RESTARTS && has_col AGE &&
    ok "80x24 pods: NAME, READY, STATUS, RESTARTS, AGE shown" ||
    not_ok "80x24 pods: NAME, READY, STATUS, RESTARTS, AGE shown" "$(header_of)"
check "80x24 pods: the title says how many columns are hidden" wait_for 'pods\(all\)\[200\]  [0-9]+ cols hidden \(Right\)'
keys Right
check "Right scrolls to the hidden columns" wait_for 'cols hidden \(Left/Right\)|cols hidden \(Left\)'
for _ in 1 2 3 4 5 6 7 8; do keys Right; done
sleep 0.3
has_col IP && ok "... as far as the last one (IP)" || not_ok "... as far as the last one (IP)" "$(header_of)"
for _ in 1 2 3 4 5 6 7 8 9 10; do keys Left; done
check "Left scrolls back to the first" wait_for 'cols hidden \(Right\)'

# Inside one tenant, TENANT says nothing: it goes first, NAMESPACE takes its place.
keys : p o d s Space d m i Enter
check "80x24 :pods dmi" wait_for 'pods\(dmi\)'
sleep 0.3
! has_col TENANT && has_col NAMESPACE && ok "inside one tenant TENANT gives way to NAMESPACE" ||
    not_ok "inside one tenant TENANT gives way to NAMESPACE" "$(header_of)"

# Apps: NAME whole; APP (= NAME) and IMAGE (= VERSION) go before RESTARTS, AGE, ROLLOUT.
keys : a p p s Enter
check "80x24 apps" wait_for 'apps\(all\)'
sleep 0.3
has_col NAME && has_col VERSION && has_col RESTARTS && has_col AGE && has_col ROLLOUT &&
    ! has_col APP && ! has_col IMAGE &&
    ok "80x24 apps: APP and IMAGE give way; RESTARTS, AGE, ROLLOUT stay" ||
    not_ok "80x24 apps: APP and IMAGE give way; RESTARTS, AGE, ROLLOUT stay" "$(header_of)"
keys : t e n a n t s Enter
check "80x24 tenants" wait_for 'tenants\(all\)\[5\]'
sleep 0.3
has_col NAME && has_col 'PODS OK' && has_col FAILING &&
    ok "80x24 tenants: NAME, PODS OK, FAILING shown" || not_ok "80x24 tenants" "$(header_of)"
# Nodes: every column but TAINTS (free text, the least kept) fits; amounts are whole.
nnodes=$(sim_get /api/v1/nodes | jq '.items | length')
keys : n o d e s Enter
check "80x24 nodes" wait_for "nodes\(all\)\[$nnodes\]"
sleep 0.3
has_col NAME && has_col STATUS && has_col ROLES && has_col PODS && has_col CPU/ALLOC &&
    has_col MEM/ALLOC && has_col VERSION && has_col AGE && ! has_col TAINTS &&
    ok "80x24 nodes: all but TAINTS shown" || not_ok "80x24 nodes: all but TAINTS shown" "$(header_of)"
check "80x24 nodes: pods, CPU and memory whole" \
    wait_for '^node-01 +Ready +control-plane +[0-9]+/110 +[0-9.]+/15\.8 [0-9]+% +[0-9.]+/61\.7Gi [0-9]+% '
keys : n s Enter
check "80x24 namespaces" wait_for 'namespaces\(all\)\[[0-9]+\]'
sleep 0.3
has_col NAME && has_col TENANT && has_col STATUS && has_col PODS && has_col AGE &&
    ok "80x24 namespaces: NAME, TENANT, STATUS, PODS, AGE shown" ||
    not_ok "80x24 namespaces: NAME, TENANT, STATUS, PODS, AGE shown" "$(header_of)"
keys : s o u r c e s Enter
check "80x24 sources" wait_for 'sources\(all\)\[1\]'
sleep 0.3
has_col SOURCE && has_col STATE && ok "80x24 sources: SOURCE and STATE shown" ||
    not_ok "80x24 sources" "$(header_of)"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# 160 columns: every column of apps, KIND included; only OWNER, which says nothing without a
# directory (issue 16), gives up its place.
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "160x40 apps" wait_for 'apps\(all\)'
sleep 0.3
has_col KIND && has_col APP && has_col IMAGE && ! has_col OWNER &&
    ! screen | sed -n 2p | grep -Eq 'cols hidden' &&
    ok "160x40 apps: every column, KIND too, none hidden but an empty OWNER" || not_ok "160x40 apps" "$(screen | sed -n 2,3p)"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# 40x10: name and status at least, names cut in the middle.
pod=$(sim_get /api/v1/namespaces/dmi/pods | jq -r '[.items[].metadata.name] | sort | .[0]')
start_console 40 10 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "40x10: the pods view is shown, not a refusal" wait_for 'pods\(all\)\[200\]'
has_col NAME && has_col STATUS && ok "40x10 pods: NAME and STATUS" || not_ok "40x10 pods" "$(screen)"
end=${pod: -5}
screen | sed -n 4p | grep -q "~.*$end" && ok "40x10: a long name keeps its end ($end)" ||
    not_ok "40x10: a long name keeps its end ($end)" "$(screen | sed -n 4p)"
keys : n o d e s Enter
check "40x10 nodes" wait_for 'nodes\(all\)'
sleep 0.3
has_col NAME && has_col STATUS && ! screen | sed -n '4,9p' | grep -q '~' &&
    ok "40x10 nodes: NAME and STATUS, nothing cut" || not_ok "40x10 nodes" "$(screen)"
keys : n s Enter
check "40x10 namespaces" wait_for 'namespaces\(all\)'
sleep 0.3
has_col NAME && has_col TENANT && has_col STATUS && ok "40x10 namespaces: NAME, TENANT, STATUS" ||
    not_ok "40x10 namespaces" "$(screen)"
keys : a p p s Enter
check "40x10 apps" wait_for 'apps\(all\)'
has_col NAME && ok "40x10 apps: NAME" || not_ok "40x10 apps" "$(screen)"
# Smaller still: a message, and keys do nothing but q.
tm resize-window -t gc -x 30 -y 8
check "below 40x10 the screen says it is too small" wait_for 'terminal too small: 30x8'
keys : t e n a n t s Enter
tm resize-window -t gc -x 40 -y 10
check "keys typed meanwhile did nothing" wait_for 'apps\(all\)'
tm resize-window -t gc -x 30 -y 8
wait_for 'terminal too small' >/dev/null
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q still quits a too-small screen" || not_ok "q still quits a too-small screen"
finish
