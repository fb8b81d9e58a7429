#!/bin/bash
# Screen test: the aliases users type, against govsim. :nodes lists govsim's nodes with
# kubectl's STATUS, ROLES and VERSION and their pods counted as govsim places them; Enter shows
# exactly a node's pods; :sts and :dp narrow the apps to one kind; :ns lists the namespaces
# with their tenants; -c sts starts narrowed. A session scoped to a tenant is never offered the
# nodes view; a 403 on nodes is said in that view alone.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 300 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
sim_get /api/v1/nodes >"$WORK/nodes.json"
nnodes=$(jq '.items | length' "$WORK/nodes.json")
[ "$nnodes" -gt 1 ] && ok "govsim serves $nnodes nodes" || not_ok "govsim serves nodes"

start_console 160 60 "$BIN/govconsole --kubeconfig $WORK/kubeconfig"
check "the console starts on tenants" wait_for 'tenants\(all\)\[5\]'
keys : n o d e s Enter
check ":nodes lists govsim's $nnodes nodes" wait_for "nodes\(all\)\[$nnodes\]"
sleep 0.5 # node metrics (polled) may arrive after the nodes
# Each node as govsim serves it: its Ready condition, its node-role labels, the kubelet's
# version; its pods as govsim's field selector finds them, against its allocatable pods.
jq -r '.items[] | [.metadata.name,
        ([.status.conditions[] | select(.type == "Ready") | .status][0] == "True" | if . then "Ready" else "NotReady" end),
        ([.metadata.labels | keys[] | select(startswith("node-role.kubernetes.io/")) | ltrimstr("node-role.kubernetes.io/")] | sort | join(",")),
        .status.nodeInfo.kubeletVersion, .status.allocatable.pods] | @tsv' "$WORK/nodes.json" >"$WORK/nodes.tsv"
bad=""
while IFS=$'\t' read -r name status roles version allocpods; do
    npods=$(sim_get "/api/v1/pods?fieldSelector=spec.nodeName%3D$name" | jq '.items | length')
    screen | grep -Eq "^$name +$status +${roles:-<none>} +$npods/$allocpods .* $version " ||
        bad="$bad $name($status ${roles:-<none>} $npods/$allocpods $version)"
done <"$WORK/nodes.tsv"
[ -z "$bad" ] && ok "every node shows its status, roles, pods/allocatable and version" ||
    not_ok "every node shows its status, roles, pods/allocatable and version:$bad" "$(screen)"
check "CPU and memory used against allocatable, with a percent" \
    wait_for '^node-01 .* [0-9]+\.[0-9]/15\.8 +[0-9]+% +[0-9]+\.[0-9]/61\.7Gi +[0-9]+% '

# Enter on the second node: its pods, exactly those govsim has on it.
node=$(sed -n 2p "$WORK/nodes.tsv" | cut -f1)
sim_get "/api/v1/pods?fieldSelector=spec.nodeName%3D$node" | jq -r '.items[].metadata.name' >"$WORK/on_node"
n_on=$(wc -l <"$WORK/on_node")
keys j Enter
check "Enter on $node: the breadcrumb names the node, $n_on pods" \
    wait_for "nodes > $node > pods\($node\)\[$n_on\]"
missing=$(while read -r p; do screen | grep -qw -- "$p" || echo "$p"; done <"$WORK/on_node")
[ -z "$missing" ] && ok "each of the $n_on pods govsim places on $node is listed" ||
    not_ok "each pod on $node is listed (missing: $missing)" "$(screen)"
keys Escape
check "Esc goes back to the nodes, the same row selected" wait_for "row 2 of $nnodes"

# :sts and :dp: one kind of app each, titled so; :sts dmi narrows by tenant too.
nsts=$(sim_get /apis/apps/v1/statefulsets | jq '.items | length')
ndep=$(sim_get /apis/apps/v1/deployments | jq '.items | length')
nsts_dmi=$(sim_get /apis/apps/v1/namespaces/dmi/statefulsets | jq '.items | length')
keys : s t s Enter
check ":sts shows the $nsts StatefulSets" wait_for "statefulsets\(all\)\[$nsts\]"
rows=$(screen | sed -n "4,$((3 + nsts))p")
[ "$(grep -c ' StatefulSet *$' <<<"$rows")" = "$nsts" ] && ! screen | grep -q ' Deployment *$' &&
    ok ":sts: every row is a StatefulSet, none a Deployment" ||
    not_ok ":sts: every row is a StatefulSet, none a Deployment" "$(screen)"
keys : d p Enter
check ":dp shows the $ndep Deployments" wait_for "deployments\(all\)\[$ndep\]"
! screen | grep -q ' StatefulSet *$' && screen | grep -q ' Deployment *$' &&
    ok ":dp: Deployments only" || not_ok ":dp: Deployments only" "$(screen)"
keys : s t s Space d m i Enter
check ":sts dmi shows dmi's $nsts_dmi StatefulSets" wait_for "statefulsets\(dmi\)\[$nsts_dmi\]"

# :ns: the namespaces with their tenants.
nns=$(sim_get /api/v1/namespaces | jq '.items | length')
keys : n s Enter
check ":ns lists the $nns namespaces" wait_for "namespaces\(all\)\[$nns\]"
check ":ns: dmi-sandbox belongs to dmi" wait_for '^dmi-sandbox +dmi +Active +[0-9]+ '
check ":ns: kube-system to no tenant" wait_for '^kube-system +- +Active '
ndmi=$(sim_get /api/v1/namespaces/dmi/pods | jq '.items | length')
check ":ns: dmi's pods are counted ($ndmi)" wait_for "^dmi +dmi +Active +$ndmi "

# Completion offers the nodes view to an operator's session.
keys : n Tab
check "Tab after :n offers nodes and namespaces" wait_for 'namespaces .*nodes'
keys Escape
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# -c sts starts on the StatefulSets.
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c sts"
check "-c sts starts on the StatefulSets" wait_for "statefulsets\(all\)\[$nsts\]"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# A session of tenant dmi: no nodes view, by command, by completion, at start.
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --tenant dmi"
check "--tenant dmi: the tenants view of dmi" wait_for 'tenants\(dmi\)\[1\]'
keys : n Tab
check "Tab after :n offers namespaces" wait_for 'namespaces  ns  namespace'
! screen | grep -q 'nodes' && ok "... and not nodes" || not_ok "... and not nodes" "$(screen)"
keys Escape : n o d e s Enter
check ":nodes is refused in a tenant-scoped session" \
    wait_for 'the nodes view is not available in a tenant-scoped session \(dmi\)'
keys : n o Enter
check ":no too" wait_for 'the nodes view is not available in a tenant-scoped session'
keys : x Enter
check "the list of views a scoped session is told of has no nodes" \
    wait_for "unknown command 'x' \(views: :tenants :apps :pods :namespaces :sources"
keys : n s Enter
check ":ns in dmi's session: dmi's 2 namespaces" wait_for 'namespaces\(dmi\)\[2\]'
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"
"$BIN/govconsole" --kubeconfig "$WORK/kubeconfig" --tenant dmi -c nodes 2>"$WORK/err" </dev/null
rc=$?
[ "$rc" = 2 ] && grep -q 'the nodes view is not available in a tenant-scoped session' "$WORK/err" &&
    ok "-c nodes --tenant dmi exits 2 and says why" ||
    not_ok "-c nodes --tenant dmi exits 2 and says why (rc $rc)" "$(cat "$WORK/err")"

# An account that may not list nodes: the nodes view says so in its body; the rest works.
sim_post "/_sim/fault?mode=403&count=100000&path=/api/v1/nodes"
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c nodes"
check "403 on nodes: the nodes view says so where its rows would be" \
    wait_for '^ kubernetes: HTTP 403: nodes is forbidden' 15
check "... while the source stays connected" wait_for 'kubernetes: connected'
total=$(sim_get /_sim/stats | jq .pods)
keys : p o d s Enter
check "... and the pods view has every pod" wait_for "pods\(all\)\[$total\]"
! screen | grep -q 'forbidden' && ok "... with no error on its status line" ||
    not_ok "... with no error on its status line" "$(screen)"
sim_post "/_sim/fault?mode=off"
keys : n o d e s Enter
check "once allowed, the nodes come" wait_for "nodes\(all\)\[$nnodes\]" 20
keys q
wait_exit 5 >/dev/null
finish
