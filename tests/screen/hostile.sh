#!/bin/bash
# Screen test: a scoped session (--tenant dmi) against a server that turns hostile (issue 11).
# A namespace relabelled to another tenant while a restart, scale or delete dialog is open is
# refused when the user confirms, audited as refused, and nothing is sent. A server whose error
# text and log lines name every tenant (with bidi overrides and invisible characters among the
# names) shows the customer none of the other tenants' names; a followed log stops when its pod
# leaves the scope. `check --tenant` warns when the
# credentials can list every namespace.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
app=$(sim_get /apis/apps/v1/namespaces/dmi/deployments | jq -r '.items[0].metadata.name')
replicas() { sim_get "/apis/apps/v1/namespaces/dmi/deployments/$app" | jq -r '.spec.replicas'; }
restarted() {
    sim_get "/apis/apps/v1/namespaces/dmi/deployments/$app" |
        jq -r '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] // "none"'
}
# Other tenants' namespaces and display names: none may reach the customer's screen.
others=$(sim_get /api/v1/namespaces | jq -r '.items[] | select(.metadata.labels["govcloud.sit.dk/tenant"] // "" | . != "" and . != "dmi") | .metadata.name' | sort -u)
leaked() { # prints the first other tenant's namespace found on the screen
    local s n
    s=$(screen)
    for n in $others; do
        printf '%s\n' "$s" | grep -qw -- "$n" && { echo "$n"; return 0; }
    done
    return 1
}
relabel() { sim_post "/_sim/label?namespace=dmi&tenant=$1"; }
scoped_rows() { screen | grep -c "^dmi " ; }

start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --tenant dmi -c apps"
check "the scoped apps view is shown" wait_for 'apps\(dmi\)\[[1-9]'
keys / "$app" Enter
check "the filter selects $app" wait_for "apps\\(dmi\\)\\[[1-9]\\]  </$app>"

# 1. Restart: the dialog is open when the namespace goes to another tenant.
before=$(restarted)
keys r
check "r asks" wait_fixed "Restart deployment dmi/$app?"
relabel dst
check "the relabel reaches the console: $app leaves the scoped view" wait_for 'apps\(dmi\)\[0\]'
keys y
check "confirming the restart is refused: no longer in scope" wait_fixed "not in your tenant scope"
sleep 1
[ "$(restarted)" = "$before" ] && ok "the restart was not sent" || not_ok "the restart was not sent"
relabel dmi
check "relabelled back, $app is in scope again" wait_for "apps\\(dmi\\)\\[[1-9]\\]  </$app>"

# 2. Scale: the count typed, then the relabel, then the confirmation.
want=$(($(replicas) + 1))
keys s
check "s asks for the count" wait_fixed "Replicas for dmi/$app"
keys BSpace BSpace BSpace "$want" Enter
check "... then asks to confirm" wait_fixed "to $want replicas?"
relabel dst
check "the relabel reaches the console again" wait_for 'apps\(dmi\)\[0\]'
keys y
check "confirming the scale is refused" wait_fixed "not in your tenant scope"
sleep 1
[ "$(replicas)" != "$want" ] && ok "the scale was not sent" || not_ok "the scale was not sent"
relabel dmi

# 3. Delete a pod: the name typed after the relabel is still refused.
keys Escape : p o d s Enter
check ":pods in scope" wait_for 'pods\(dmi\)\[[1-9]'
pod=$(sim_get "/api/v1/namespaces/dmi/pods" | jq -r '.items[0].metadata.name')
keys / "$pod" Enter
check "the filter selects $pod" wait_for "pods\\(dmi\\)\\[1\\]"
keys C-d
check "Ctrl-D asks for the name" wait_fixed "Type $pod to confirm"
relabel dst
check "the relabel reaches the pods view" wait_for 'pods\(dmi\)\[0\]'
keys "$pod" Enter
check "deleting is refused" wait_fixed "not in your tenant scope"
sleep 1
[ "$(sim_get "/api/v1/namespaces/dmi/pods/$pod" | jq -r '.metadata.deletionTimestamp // "none"')" = none ] &&
    ok "the delete was not sent" || not_ok "the delete was not sent"
relabel dmi
check "the pod is back in scope" wait_for "pods\\(dmi\\)\\[1\\]"

# The audit log: each of the three refused, with the reason, none "ok".
n=$(jq -r 'select(.result != null) | .result' "$AUDIT" 2>/dev/null | grep -c 'not in your tenant scope')
[ "$n" -ge 3 ] && ok "the audit log has the three refusals ($n)" ||
    not_ok "the audit log has the three refusals" "$(cat "$AUDIT" 2>/dev/null)"
jq -r '.result' "$AUDIT" 2>/dev/null | grep -qx ok && not_ok "no change audited ok" "$(cat "$AUDIT")" ||
    ok "no change audited ok"
# ... and none names the tenant the namespace went to: the customer's own file (s7-isolation).
t=$(jq -r 'select(.result | startswith("refused")) | .tenant' "$AUDIT" 2>/dev/null | sort -u)
[ "$t" = "(outside the scope)" ] && ok "the refusals name no other tenant: (outside the scope)" ||
    not_ok "the refusals name no other tenant" "$(cat "$AUDIT")"

# 4. A describe answered by an error naming every tenant: withheld, none of them shown.
sim_post "/_sim/fault?mode=leak&count=1&path=/api/v1/namespaces/dmi/pods/$pod"
keys d
check "the describe's error is withheld" wait_fixed "a message about something outside your scope (details withheld)"
n=$(leaked) && not_ok "no other tenant's namespace on the screen ($n)" "$(screen)" ||
    ok "no other tenant's namespace on the screen after the describe"

# 5. A log whose lines name every tenant: those lines withheld, the harmless one shown.
sim_post "/_sim/fault?mode=leak&count=1&path=/api/v1/namespaces/dmi/pods/$pod/log"
keys l
check "the log pager shows the harmless line" wait_for 'ready to serve'
check "... and withholds the lines about other tenants" wait_fixed "[a line about something outside your scope: withheld]"
n=$(leaked) && not_ok "no other tenant's namespace in the log ($n)" "$(screen)" ||
    ok "no other tenant's namespace in the log"
screen | grep -q $'\xe2\x80\xae\|\xe2\x80\x8b' && not_ok "no bidi override or zero-width space reached the screen" ||
    ok "no bidi override or zero-width space reached the screen"
keys q

# 6. A followed log whose pod leaves the scope stops, and p (previous run) does not restart it.
keys l
check "l follows the pod's log" wait_for "logs dmi/$pod.*following"
relabel dst
check "the relabel stops the log and says why" wait_fixed "it left your scope: the log stopped"
keys p
sleep 1
screen | grep -Fq "it left your scope: the log stopped" && ! screen | grep -Eq "logs dmi/$pod.*following" &&
    ok "p does not start it again" || not_ok "p does not start it again" "$(screen)"
relabel dmi
keys q
keys : q Enter
check "the console quits" test "$(wait_exit 5)" = 0
tm_kill

# 7. check --tenant: these credentials (govsim's) list every namespace: warned; unscoped: not.
out=$("$BIN/govconsole" check --kubeconfig "$WORK/kubeconfig" --tenant dmi 2>&1 </dev/null)
printf '%s\n' "$out" | grep -q '^kubernetes .*WARNING: these credentials may list every namespace: the scope dmi' &&
    ok "check --tenant warns that the credentials list every namespace" ||
    not_ok "check --tenant warns that the credentials list every namespace" "$out"
out=$("$BIN/govconsole" check --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
printf '%s\n' "$out" | grep -q 'WARNING: these credentials' &&
    not_ok "an unscoped check does not warn" "$out" || ok "an unscoped check does not warn"
finish
