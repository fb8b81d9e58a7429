#!/bin/bash
# Screen test: describe and dialogs as a new operator meets them. d and y on a tenant show the
# tenant as a whole (namespaces, labels, quotas); deleting a pod says what will recreate it;
# a wrong name typed says so; a replica count that is not one is cleared with the reason; a
# count beyond the namespace's pod quota is confirmed with a warning.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
start_console 100 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig"
# The screen's text as one line, a dialog's box and wrapping taken out.
flat() { screen | sed -E 's/^ *[x│]? *//; s/ *[x│]? *$//' | tr '\n' ' ' | tr -s ' '; }
flat_has() { flat | grep -Fq -- "$1"; }
wait_flat() { # text [seconds]
    local end=$((SECONDS + ${2:-10}))
    while [ $SECONDS -lt $end ]; do flat_has "$1" && return 0; sleep 0.1; done
    return 1
}
check "the tenants view comes up" wait_for 'tenants\(all\)\[4\]'

# d on a tenant: a describe of the tenant, from the namespaces and quotas of the sim.
keys / '^dmi ' Enter
check "the filter selects dmi" wait_for 'tenants\(all\)\[1\]'
keys d
check "d describes the tenant" wait_for '^Name: +dmi$'
nss=$(sim_get /api/v1/namespaces | jq -r '[.items[] | select(.metadata.labels["govcloud.sit.dk/tenant"] == "dmi")] | length')
check "... with its $nss namespaces counted" wait_for "^Namespaces: +$nss\$"
check "... each namespace with its labels" wait_for '^  Labels: +govcloud.sit.dk/tenant=dmi'
hard=$(sim_get /api/v1/namespaces/dmi/resourcequotas | jq -r '.items[0].status.hard.pods')
used=$(sim_get /api/v1/namespaces/dmi/resourcequotas | jq -r '.items[0].status.used.pods')
check "... and its quota as the sim has it (pods $used of $hard)" wait_for "^ +pods +$used +$hard\$"
keys q y
check "y shows the tenant as YAML" wait_for '^ yaml dmi '
check "... with its namespaces listed" wait_for '^namespaces:'
check "... and quotas" wait_for '^resourceQuotas:'
keys q Escape

# Ctrl-D on a pod of a Deployment and on one of a StatefulSet: what comes after.
keys : p o d s Enter
check ":pods" wait_for 'pods\(all\)'
rs_pod=$(sim_get /api/v1/pods | jq -r '[.items[] | select(.metadata.ownerReferences[0].kind == "ReplicaSet")][0] | "\(.metadata.name) \(.metadata.ownerReferences[0].name)"')
sts_pod=$(sim_get /api/v1/pods | jq -r '[.items[] | select(.metadata.ownerReferences[0].kind == "StatefulSet")][0] | "\(.metadata.name) \(.metadata.ownerReferences[0].name)"')
keys / "${rs_pod%% *}" Enter
check "the filter finds the ReplicaSet's pod" wait_for 'pods\(all\)\[1\]'
keys C-d
check "deleting it says its ReplicaSet starts a new one" wait_flat "Its ReplicaSet ${rs_pod#* } will start a new pod in its place."
keys w r o n g Enter
check "a wrong name typed says it is not the name" wait_flat "Type ${rs_pod%% *} to confirm: wrong 'wrong' is not the name"
keys Escape
check "Esc cancels" wait_for 'cancelled'
if [ -n "${sts_pod%% *}" ] && [ "$sts_pod" != "null null" ]; then
    keys Escape / "${sts_pod%% *}" Enter
    check "the filter finds the StatefulSet's pod" wait_for 'pods\(all\)\[1\]'
    keys C-d
    check "deleting it says it comes back under the same name" wait_flat "Its StatefulSet ${sts_pod#* } will recreate it under the same name."
    keys Escape
else
    not_ok "the sim has a StatefulSet pod to delete"
fi
keys Escape

# Scale: an entry that is not a count is cleared with the reason; beyond the quota, a warning.
read -r d_ns d_name d_rep < <(sim_get /apis/apps/v1/deployments | jq -r '[.items[] | select(.metadata.namespace == "dmi")][0] | "\(.metadata.namespace) \(.metadata.name) \(.spec.replicas)"')
left=$((hard - used))
keys : a p p s Enter / "^dmi +$d_ns +$d_name " Enter
check "the apps filter selects $d_ns/$d_name" wait_for 'apps\(all\)\[1\]'
keys s
check "s asks for the count" wait_for "Replicas for $d_ns/$d_name \(Esc cancels\): +$d_rep"
keys C-u a b c Enter
check "abc is refused, saying why" wait_fixed "'abc' is not a number of replicas (0 or more)"
screen | tail -1 | grep -Eq '\(Esc cancels\): +'"'"'abc' &&
    ok "... and the entry is cleared" || not_ok "... and the entry is cleared" "$(screen | tail -1)"
want=$((d_rep + left + 3))
keys "$want" Enter
check "a count past the quota is confirmed with a warning" wait_flat "Over quota: the namespace's"
check "... naming how many pods fit ($left) and how many will not be created (3)" \
    wait_flat "admits $left more pods, so 3 of the new ones will not be created"
keys Escape
check "Esc cancels the scale" wait_for 'cancelled'
keys q q
finish
