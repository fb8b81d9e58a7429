#!/bin/bash
# Screen test: replies land where they were asked (issue 10). govsim holds back every GET of
# one object (/_sim/delay); `d` asked and then left (Esc back to the apps, or a command line
# half typed) must not open the pager over where the user is now, nor take the command line:
# the late reply becomes a flash. Asked and waited for, it opens as usual.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 60 --tenants 3 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view comes up" wait_for 'apps\(all\)\[[0-9]+\]'

# An app of the sim with running pods, and one of its pods.
app=$(sim_get /apis/apps/v1/deployments | jq -r '[.items[] | select(.status.readyReplicas > 0)][0].metadata.name')
keys / "$app" Enter
check "the filter selects $app" wait_for "apps\\(all\\)\\[[1-9]\\]  </$app>"
keys Enter
check "Enter shows $app's pods" wait_for "apps > $app > pods"
sim_post '/_sim/delay?get=3000'

# d, then Esc back to the apps before the reply: a flash, not the pod's describe over the apps.
keys d
check "d says it is fetching" wait_for 'fetching'
keys Escape
check "Esc goes back to the apps view at once" wait_for "apps\\(all\\)\\[[1-9]\\]  </$app>" 2
check "the late describe becomes a flash naming it" wait_for 'came after you moved on' 8
screen | grep -Eq '^ *(Name|Namespace|Containers): ' &&
    not_ok "no describe opened over the apps view" "$(screen)" ||
    ok "no describe opened over the apps view"
check "the apps view is still shown" wait_for "apps\\(all\\)\\[[1-9]\\]  </$app>" 1

# d, then a command line half typed: the reply must not take it over.
keys Enter
check "back on $app's pods" wait_for "apps > $app > pods"
keys d
check "d is fetching again" wait_for 'fetching'
keys : d e p
check "the command line shows what was typed" wait_for ':dep' 2
sleep 4 # the held-back reply arrives meanwhile
check "after the reply the command line still holds ':dep'" wait_for ':dep' 1
screen | grep -Eq '^ *(Name|Namespace|Containers): ' &&
    not_ok "no describe opened over the command line" "$(screen)" ||
    ok "no describe opened over the command line"
keys BSpace BSpace BSpace Escape
check "the command line closes, the pods stay" wait_for "apps > $app > pods" 2

# Asked and waited for: the describe opens.
keys d
check "d waited for opens the describe" wait_for '^ *Name: ' 10
keys q
sim_post '/_sim/delay?get=0'
keys : q Enter
check "the console quits" test "$(wait_exit 5)" = 0
finish
