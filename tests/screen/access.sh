#!/bin/bash
# Screen test: a session limited to one tenant (--tenant) sees and reaches that tenant only,
# in every view, count and completion; :VIEW NAME narrows to a tenant or a namespace.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

# What govsim says dmi owns, to compare the screen with.
DMI_NS=$(sim_get '/api/v1/namespaces?labelSelector=govcloud.sit.dk/tenant%3Ddmi' |
    jq -r '.items[].metadata.name' | sort)
DMI_PODS=0
for ns in $DMI_NS; do
    DMI_PODS=$((DMI_PODS + $(sim_get "/api/v1/namespaces/$ns/pods" | jq '.items | length')))
done
FIRST_NS=$(echo "$DMI_NS" | grep -vx dmi | head -1) # a name that is not also the tenant
FIRST_PODS=$(sim_get "/api/v1/namespaces/$FIRST_NS/pods" | jq '.items | length')
ALL_PODS=$(sim_get '/api/v1/pods' | jq '.items | length')
if [ -z "$FIRST_NS" ] || [ "$DMI_PODS" -eq 0 ] || [ "$DMI_PODS" -ge "$ALL_PODS" ]; then
    echo "Bail out! govsim's world has no tenant dmi to test with (namespaces: '$DMI_NS')"
    exit 1
fi

start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --tenant dmi -c tenants"
check "the header names the user, the role and the tenant" wait_for "^ govconsole  $(id -un) · operator · dmi  "
check "the tenants view has dmi only" wait_for 'tenants\(dmi\)\[1\]'
keys : p o d s Enter
check "the pods view counts dmi's pods only ($DMI_PODS of $ALL_PODS)" \
    wait_for "pods\\(dmi\\)\\[$DMI_PODS\\]"
check "no other tenant's row is on the screen" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Eq '(skat|dst|registry|sst|kube-system)'"
keys : a p p s Enter
check "the apps view is dmi's" wait_for 'apps\(dmi\)\['
check "no other tenant's app is on the screen" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | sed 1,2d | grep -Eq '^ *(skat|dst|registry|sst) '"

# Naming another tenant or namespace gives the same answer whether or not it exists.
keys : p o d s Space s k a t Enter
check "another tenant cannot be named" wait_for "no tenant or namespace 'skat' in your scope \\(dmi\\)"
keys : p o d s Space k u b e - s y s t e m Enter
check "a namespace of no tenant cannot be named" \
    wait_for "no tenant or namespace 'kube-system' in your scope"
keys : p o d s Space "$FIRST_NS" Enter
check ":pods NAMESPACE narrows to one of dmi's namespaces" \
    wait_for "pods\\($FIRST_NS\\)\\[$FIRST_PODS\\]"

# Completion after a view's name offers the scope's tenants and namespaces only.
keys : p o d s Space Tab
check "Tab after :pods completes within the scope" wait_for '^:pods dmi'
check "completion never offers another tenant" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | tail -3 | grep -Eq '(skat|dst|registry|sst|kube-system)'"
keys C-u Escape
keys q
check "q leaves with status 0" test "$(wait_exit 5)" = 0
tm_kill

# Every tenant: :pods TENANT narrows to that tenant's pods.
start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "without --tenant the scope is all" wait_for "pods\\(all\\)\\[$ALL_PODS\\]"
keys : p o d s Space d m i Enter
check ":pods TENANT narrows to that tenant" wait_for "pods\\(dmi\\)\\[$DMI_PODS\\]"
keys : p o d s Space s Tab
check "completion offers every tenant's names to an operator" wait_for 'skat'
keys C-u Escape
keys q
wait_exit 5 >/dev/null
finish
