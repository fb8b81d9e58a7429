#!/bin/bash
# Screen test (issue 16): what each role sees and may do, in the real console drawn by tmux.
# The directory is not involved: build/tests/role_console (TEST ONLY, never installed: see
# tests/support/role_console.c) is the console with roles given on its command line, every
# source pointed at govsim as with --demo. Checks the header, help, the key hints, the
# refusals on the status line and in the audit log, and that a refused scale changed nothing.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
RC="$BIN/tests/role_console $SIM_URL"

replicas() { sim_get "/apis/apps/v1/namespaces/$1/deployments/$2" | jq -r '.spec.replicas'; }
SKAT_APP=$(sim_get /apis/apps/v1/namespaces/skat/deployments | jq -r '.items[0].metadata.name')
DMI_APP=$(sim_get /apis/apps/v1/namespaces/dmi/deployments | jq -r '.items[0].metadata.name')
SKAT_REPLICAS=$(replicas skat "$SKAT_APP")
if [ -z "$SKAT_APP" ] || [ "$SKAT_APP" = null ] || [ -z "$DMI_APP" ] || [ "$DMI_APP" = null ]; then
    echo "Bail out! govsim's world has no deployments in skat and dmi"
    exit 1
fi

# 1. Developer of dmi, viewer of skat: the union, per tenant.
start_console 130 40 "$RC --developer dmi --viewer skat -c apps"
check "the header names user and roles with their tenants" \
    wait_for '^ govconsole  tester · developer dmi, viewer skat  '
check "the apps view is dmi's and skat's" wait_for 'apps\(dmi,skat\)\['
check "no other tenant's app is on the screen" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | sed 1,3d | grep -Eq '^(registry|dst|sst) '"
keys / "$SKAT_APP" Enter
check "the filter selects skat's $SKAT_APP" wait_for "^skat +skat +$SKAT_APP "
keys s
check "scale in skat: the viewer's role says no" wait_for 'role viewer may not scale \(in skat\)'
check "the refusal is audited with the tenant and the reason" \
    bash -c "jq -e 'select(.tenant == \"skat\" and (.result | test(\"refused: role viewer may not scale\")))' '$AUDIT' >/dev/null"
[ "$(replicas skat "$SKAT_APP")" = "$SKAT_REPLICAS" ] &&
    ok "skat's $SKAT_APP still has $SKAT_REPLICAS replicas" ||
    not_ok "skat's $SKAT_APP still has $SKAT_REPLICAS replicas" "$(replicas skat "$SKAT_APP")"
keys Escape Escape / "$DMI_APP" Enter
check "the filter selects dmi's $DMI_APP" wait_for "^dmi +dmi +$DMI_APP "
keys s
check "scale in dmi: the developer's role asks for the replicas" \
    wait_for "Replicas for dmi/$DMI_APP"
keys Escape
keys ?
check "help lists scale and restart" wait_for 'Scale the selected app'
check "... and rollout restart" wait_for 'Rollout restart'
keys q
keys : p o d s Enter
check "the pods view" wait_for 'pods\(dmi,skat\)\['
keys ?
check "pods help: the keys that look" wait_for 'Describe the selected object'
check "pods help: no delete (no role of the session deletes)" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -q 'Delete the selected object'"
keys q
keys C-d
check "Ctrl-D says why instead of nothing" \
    wait_for 'role (developer|viewer) may not delete \(in (dmi|skat)\): delete refused'
check "... and the refused delete is audited" \
    bash -c "jq -e 'select(.action == \"delete\" and (.result | test(\"refused: role (developer|viewer) may not delete\")))' '$AUDIT' >/dev/null"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill

# 2. --tenant narrows to the tenant it only views: the developer's keys are gone.
start_console 80 24 "$RC --developer dmi --viewer skat --tenant skat -c apps"
check "80 columns: the header says user, role and tenant" wait_for '^ tester · viewer · skat  '
check "the apps view is skat's" wait_for 'apps\(skat\)\['
keys ?
check "help: describe is there" wait_for 'Describe the selected object'
check "help: no restart, no scale" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Eq 'Rollout restart|Scale the selected'"
keys q r
check "r says why" wait_for 'role viewer may not restart \(in skat\): restart refused'
tm_kill

# 3. On-call: every tenant; acknowledge, not downtime.
start_console 130 40 "$RC --oncall -c alerts"
check "the header: oncall, all tenants" wait_for '^ govconsole  tester · oncall · all tenants  '
check "the alerts view of every tenant" wait_for 'alerts\(all\)\['
keys ?
check "help lists acknowledge" wait_for 'Acknowledge the selected problem'
check "help has no downtime" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -q 'Schedule downtime'"
keys q D
check "D says why" \
    wait_for 'role oncall may not schedule downtime( \(in [a-z0-9-]+\))?: schedule downtime refused'
tm_kill

# 4. No identity: a viewer of nothing sees no row, not every tenant's.
start_console 100 24 "$RC --nobody -c pods"
check "the header says viewer of no tenants" wait_for '^ govconsole  tester · viewer \(no tenants\)  '
check "the sources answer" wait_for '5 sources ok'
check "no pod" wait_for 'pods\(none\)\[0\]'
keys C-d
check "Ctrl-D with no object: the role's reason alone" wait_for 'role viewer may not delete *$'
keys : t e n a n t s Enter
check "no tenant" wait_for 'tenants\(none\)\[0\]'
tm_kill
finish
