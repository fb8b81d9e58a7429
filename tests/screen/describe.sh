#!/bin/bash
# Screen test: `d` on a crash-looping pod shows kubectl-describe text: the container's waiting
# reason and the pod's Events as govsim reports them; `q` closes it.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
start_console 160 45 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "the pods view comes up" wait_for 'pods\(all\)\[200\]'

keys / C r a s h L o o p
check "the filter narrows to CrashLoopBackOff pods" wait_for '</CrashLoop>'
keys Enter
pod=$(screen | grep -m1 -Eo '[a-z0-9-]+ +[0-9]+/[0-9]+ +CrashLoopBackOff' | awk '{print $1}')
keys d
check "d describes the selected pod (Name: $pod)" wait_for "^Name: +$pod"
keys / R e a s o n : Space Space Space Space Space Space Space C r a s h Enter
check "the container state's reason is CrashLoopBackOff" wait_for 'Reason: +CrashLoopBackOff'
check "Last State: Terminated follows" wait_for '^ +Last State: +Terminated'
check "Restart Count is shown" wait_for 'Restart Count: +[1-9][0-9]*'
keys G
check "the Events section has its header" wait_for '^  Type +Reason +Age +From +Message'
check "a BackOff event from govsim, repeated" wait_for 'Warning +BackOff +[0-9a-z]+ \(x[0-9]+ over [0-9a-z]+\) +kubelet +Back-off'
if screen | grep -q $'\e'; then
    not_ok "no escape character reaches the screen"
else
    ok "no escape character reaches the screen"
fi
keys q
check "q closes the describe pager" wait_for '</CrashLoop>'
check "the pager is gone" wait_gone '^Events:'

tm_kill
finish
