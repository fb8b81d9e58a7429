#!/bin/bash
# Screen test: `d` on a crash-looping pod shows kubectl-describe text: the container's waiting
# reason and the pod's Events as govsim reports them; `q` closes it. `d` on a Deployment shows
# its ReplicaSets as kubectl does; during a rollout restart the apps view's ROLLOUT counts the
# new pods or the old ones left, and afterwards the previous ReplicaSet is the old one.
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
# As kubectl's tabwriter: each column starts where its header does, underline included.
hdr=$(screen | grep -m1 '^  Type  *Reason ')
ul=$(screen | grep -m1 '^  ----')
row=$(screen | grep -m1 '^  Warning ')
col_of() { awk -v s="$1" -v w="$2" 'BEGIN { print index(s, w) }'; }
from_h=$(col_of "$hdr" From) age_h=$(col_of "$hdr" Age)
age_u=$(awk -v s="$ul" 'BEGIN { n = 0; for (i = 1; i <= length(s); i++) if (substr(s, i, 4) == "----" && substr(s, i - 1, 1) == " ") { n++; if (n == 3) { print i; exit } } }')
from_r=$(col_of "$row" kubelet)
[ -n "$hdr" ] && [ "$age_h" = "$age_u" ] && [ "$from_h" = "$from_r" ] &&
    ok "the Events columns line up (Age at $age_h, From at $from_h)" ||
    not_ok "the Events columns line up" "$(printf '%s\n%s\n%s' "$hdr" "$ul" "$row")"
check "a BackOff event from govsim, repeated" wait_for 'Warning +BackOff +[0-9a-z]+ \(x[0-9]+ over [0-9a-z]+\) +kubelet +Back-off'
if screen | grep -q $'\e'; then
    not_ok "no escape character reaches the screen"
else
    ok "no escape character reaches the screen"
fi
keys q
check "q closes the describe pager" wait_for '</CrashLoop>'
check "the pager is gone" wait_gone '^Events:'

# YAML as kubectl get -o yaml shows it: managedFields folded away until M; Tab: JSON.
keys y
check "y shows the pod as YAML, saying what is folded" \
    wait_fixed "yaml $pod  (metadata.managedFields hidden: M shows)"
keys / m a n a g e d F i e l d s Enter
check "... and managedFields is not in it" wait_for 'Pattern not found|no match'
keys M
check "M shows managedFields" wait_for '^  managedFields:'
check "... and the title no longer says it is hidden" wait_for "^ yaml $pod +L "
keys Tab
check "Tab turns it into JSON, and the title says so" wait_for "^ json $pod +L "
keys q
check "q closes the YAML pager" wait_for '</CrashLoop>'

# A Deployment past its first revision, in a tenant's namespace.
read -r d_ns d_name d_tenant d_rev < <(sim_get /apis/apps/v1/deployments | jq -r '[.items[] |
    select(.metadata.annotations["deployment.kubernetes.io/revision"] != "1" and
           .metadata.labels["govcloud.sit.dk/tenant"] != null)][0] |
    "\(.metadata.namespace) \(.metadata.name) \(.metadata.labels["govcloud.sit.dk/tenant"])
     \(.metadata.annotations["deployment.kubernetes.io/revision"])"' | tr '\n' ' ')
# "NAME (CURRENT/DESIRED replicas created)" of the Deployment's ReplicaSet at a revision.
rs_at() { # ns deployment revision
    sim_get "/apis/apps/v1/namespaces/$1/replicasets" | jq -r --arg d "$2" --arg r "$3" '.items[] |
        select(.metadata.ownerReferences[0].name == $d and
               .metadata.annotations["deployment.kubernetes.io/revision"] == $r) |
        "\(.metadata.name) (\(.status.replicas // 0)/\(.spec.replicas) replicas created)"'
}
new_rs=$(rs_at "$d_ns" "$d_name" "$d_rev")
old_rs=$(rs_at "$d_ns" "$d_name" $((d_rev - 1)))
keys : a p p s Enter
check ":apps shows the apps view" wait_for 'apps\(all\)'
keys / "^$d_tenant $d_ns $d_name " Enter
check "the filter selects $d_ns/$d_name" wait_for 'apps\(all\)\[1\]'
keys d
check "d describes the deployment (Name: $d_name)" wait_for "^Name: +$d_name\$"
keys / NewReplicaSet Enter
check "NewReplicaSet: the one at revision $d_rev ($new_rs)" wait_fixed "NewReplicaSet:   $new_rs"
check "OldReplicaSets: the previous revision's ($old_rs)" \
    wait_fixed "OldReplicaSets:  ${old_rs:-<none>}"
keys q
check "q closes the describe pager" wait_gone '^NewReplicaSet:'

# A rollout restart: the old ReplicaSet's pods show in ROLLOUT until they are gone.
keys r
wait_fixed "Restart deployment $d_ns/$d_name?" >/dev/null
keys y
check "y restarts $d_ns/$d_name" wait_fixed "restarted deployment $d_ns/$d_name"
apps_header=$(screen | sed -n 3p)
check "ROLLOUT counts the new pods or the old ones left" \
    wait_for " $d_name .* progressing ([0-9]+/[0-9]+|[0-9]+ old)" 15
[ "$(screen | sed -n 3p)" = "$apps_header" ] && ok "... and no column moved for it" ||
    not_ok "... and no column moved for it" "$(printf 'before: %s\nduring: %s' "$apps_header" "$(screen | sed -n 3p)")"
check "the rollout completes" wait_for " $d_name .* complete( |$)" 30
prev=${new_rs%% *}
new_rs=$(rs_at "$d_ns" "$d_name" $((d_rev + 1)))
keys d
wait_for "^Name: +$d_name\$" >/dev/null
keys / NewReplicaSet Enter
check "after it, NewReplicaSet is revision $((d_rev + 1))'s (${new_rs%% *})" \
    wait_fixed "NewReplicaSet:   ${new_rs%% *} ("
check "  ... and OldReplicaSets the previous one ($prev), at 0" \
    wait_fixed "OldReplicaSets:  $prev (0/0 replicas created)"
keys q

tm_kill
finish
