#!/bin/bash
# Screen test: the actions of the pods and apps views: logs (follow, previous, container,
# control characters), rollout restart and scale with their confirmation, --readonly, a 403,
# and the audit log. The API state after each action is checked, not only the message.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0 --forbid-namespace skat
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"


deploy() { sim_get "/apis/apps/v1/namespaces/$1/deployments/$2"; }
# Pods of an app that are not terminating, by name.
app_pods() { # ns app
    sim_get "/api/v1/namespaces/$1/pods" | jq -r --arg a "$2" \
        '.items[] | select(.metadata.labels["app.kubernetes.io/name"] == $a and .metadata.deletionTimestamp == null) | .metadata.name' | sort
}
# The pager's line count ("L top/total").
pager_total() { screen | sed -n 2p | sed -n 's/.* L [0-9]*\/\([0-9]*\) .*/\1/p'; }

# A running pod of dmi with two containers and no restarts: its log, followed.
pod=$(sim_get /api/v1/namespaces/dmi/pods | jq -r '[.items[] | select(.status.phase == "Running" and (.spec.containers | length) == 2 and ([.status.containerStatuses[].restartCount] | add) == 0 and ([.status.containerStatuses[].ready] | all))][0].metadata.name')
first=$(sim_get "/api/v1/namespaces/dmi/pods/$pod" | jq -r '.spec.containers[0].name')
second=$(sim_get "/api/v1/namespaces/dmi/pods/$pod" | jq -r '.spec.containers[1].name')

start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods"
check "the pods view is shown" wait_for 'pods\(all\)\[200\]'
keys / "$pod" Enter
check "the filter selects $pod" wait_for "pods\\(all\\)\\[1\\]"
keys l
check "l opens the log pager titled pod/container" wait_fixed "logs dmi/$pod/$first"
# The log's last lines as the API serves them (the same lines on every request).
sample=$(sim_get "/api/v1/namespaces/dmi/pods/$pod/log?container=$first&tailLines=3" | grep -v $'\e' | tail -1 | cut -c40-80)
check "the log shows real lines from the API" wait_fixed "$sample"
n1=$(pager_total)
sleep 2.5
n2=$(pager_total)
if [ -n "$n1" ] && [ -n "$n2" ] && [ "$n2" -gt "$n1" ]; then
    ok "following adds lines ($n1 -> $n2)"
else
    not_ok "following adds lines ($n1 -> $n2)" "$(screen | sed -n 1,3p)"
fi
# F pauses: the lines stay where they are while the stream goes on; F again follows.
keys F
check "F pauses the log (the title says so)" wait_fixed '  paused'
top1=$(screen | sed -n 3p)
sleep 2
top2=$(screen | sed -n 3p)
n3=$(pager_total)
[ "$top1" = "$top2" ] && [ -n "$n3" ] && [ "$n3" -gt "$n2" ] &&
    ok "paused: the screen holds while lines keep arriving ($n2 -> $n3)" ||
    not_ok "paused: the screen holds while lines keep arriving ($n2 -> $n3)" "$top1 / $top2"
keys F
check "F again follows" wait_fixed '  follow'
keys w
check "w turns wrapping off" wait_fixed 'nowrap'
keys w
check "w again wraps" wait_gone 'nowrap'

# Control characters: some log lines colour WARN/ERROR with ESC [..m, set the window title
# with an OSC ending in BEL; the screen must show them defused and the terminal never get them.
keys / '\?(\[[0-9;]+m[A-Z]|\]0;log-title)' Enter
check "a line with an escape sequence is found, its ESC replaced" wait_for '\?(\[[0-9;]+m(WARN|ERROR|INFO)|\]0;log-title)'
tm capture-pane -p -e -t gc >"$WORK/esc.txt"
if grep -Eq $'\e\\[[0-9;]+m(WARN|ERROR|INFO)|\e\\]0;' "$WORK/esc.txt" || grep -q $'\a' "$WORK/esc.txt"; then
    not_ok "no ESC sequence or BEL from the log reaches the terminal"
else
    ok "no ESC sequence or BEL from the log reaches the terminal"
fi

keys t
check "t restarts the stream with timestamps" wait_for "logs dmi/$pod/$first +\\[timestamps\\]"
check "the lines carry the kubelet's stamps" wait_for '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z '
keys c
check "c cycles to the second container" wait_fixed "logs dmi/$pod/$second"
keys p
check "p asks for the previous container: the API's 400 is shown" \
    wait_fixed "HTTP 400: previous terminated container \"$second\" in pod \"$pod\" not found"
keys q
check "q closes the log pager" wait_for 'pods\(all\)\[1\]'
keys Escape
wait_for 'pods\(all\)\[200\]' >/dev/null

# Apps: rollout restart with confirmation.
app=obs-api
keys : a p p s Enter
check ":apps shows the apps view" wait_for 'apps\(all\)'
keys / "^dmi dmi $app " Enter
check "the filter selects dmi/$app" wait_for 'apps\(all\)\[1\]'
before=$(app_pods dmi $app)
keys r
check "r asks to restart, naming the deployment" wait_fixed "Restart deployment dmi/$app?"
keys n
check "n cancels" wait_fixed 'cancelled'
ann=$(deploy dmi $app | jq -r '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] // "none"')
[ "$ann" = none ] && ok "after n the deployment has no restartedAt" || not_ok "after n the deployment has no restartedAt ($ann)"
keys r
wait_fixed "Restart deployment dmi/$app?" >/dev/null
keys y
check "y restarts: the result is shown" wait_fixed "restarted deployment dmi/$app"
ann=$(deploy dmi $app | jq -r '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] // "none"')
if [[ "$ann" =~ ^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]; then
    ok "the template annotation restartedAt is set ($ann)"
else
    not_ok "the template annotation restartedAt is set ($ann)"
fi
replaced() { [ -n "$(app_pods dmi $app)" ] && [ -z "$(comm -12 <(echo "$before") <(app_pods dmi $app))" ] && [ "$(app_pods dmi $app | wc -l)" -eq "$(echo "$before" | wc -l)" ]; }
if wait_until 30 replaced; then
    ok "every pod of $app is replaced"
else
    not_ok "every pod of $app is replaced" "before: $before; now: $(app_pods dmi $app)"
fi

# Scale: the prompt shows the current count; a bad count is refused; n changes nothing.
cur=$(deploy dmi $app | jq -r .spec.replicas)
keys s
check "s asks for the replica count, showing the current one ($cur)" wait_for "Replicas for dmi/$app .*: $cur"
keys C-u - 1 Enter
check "a negative count is refused at the prompt" wait_fixed "is not a number of replicas (0 or more)"
keys C-u 2 Enter
check "a confirmation follows" wait_fixed "Scale deployment dmi/$app from $cur to 2 replicas?"
keys n
sleep 0.5
[ "$(deploy dmi $app | jq -r .spec.replicas)" = "$cur" ] && ok "n leaves spec.replicas at $cur" ||
    not_ok "n leaves spec.replicas at $cur"
keys s
wait_for "Replicas for dmi/$app " >/dev/null
want=$((cur + 2))
keys C-u "$want" Enter
wait_fixed "to $want replicas?" >/dev/null
keys y
check "y scales: the result is shown" wait_fixed "scaled deployment dmi/$app to $want"
[ "$(deploy dmi $app | jq -r .spec.replicas)" = "$want" ] && ok "the API shows spec.replicas $want" ||
    not_ok "the API shows spec.replicas $want ($(deploy dmi $app | jq -r .spec.replicas))"
count_is() { [ "$(app_pods dmi $app | wc -l)" -eq "$1" ]; }
if wait_until 20 count_is "$want"; then
    ok "$app gets $want pods"
else
    not_ok "$app gets $want pods ($(app_pods dmi $app | wc -l))"
fi

# A namespace the token may not touch: the API's 403 Status is shown and audited.
keys Escape
keys / "^skat skat " Enter
wait_for 'apps\(all\)\[[1-9]' >/dev/null
fapp=$(screen | sed -n 4p | awk '{print $3}')
freps=$(sim_get /apis/apps/v1/deployments | jq -r --arg n "$fapp" '.items[] | select(.metadata.namespace == "skat" and .metadata.name == $n) | .spec.replicas')
keys s
wait_for "Replicas for skat/$fapp " >/dev/null
keys C-u 7 Enter
wait_fixed "to 7 replicas?" >/dev/null
keys y
check "a 403 shows the API's Status message" wait_fixed "scale deployment skat/$fapp to 7: HTTP 403: deployments.apps \"$fapp\" is forbidden: User"
now=$(sim_get /apis/apps/v1/deployments | jq -r --arg n "$fapp" '.items[] | select(.metadata.namespace == "skat" and .metadata.name == $n) | .spec.replicas')
[ "$now" = "$freps" ] && ok "the forbidden deployment keeps $freps replicas" || not_ok "the forbidden deployment keeps $freps replicas ($now)"

# Delete: Ctrl-D, the name typed; the pod goes and its Deployment replaces it.
keys Escape : pods Enter
wait_for 'pods\(all\)' >/dev/null
dpod=$(app_pods dmi "$app" | head -n 1)
keys / "^dmi +dmi +$dpod " Enter
check "the filter selects $dpod" wait_for 'pods\(all\)\[1\]'
keys C-d
check "Ctrl-D asks for the name of $dpod" wait_fixed "Delete dmi/pods/$dpod?"
keys "$dpod" Enter
check "the name typed deletes it: the result is shown" wait_fixed "deleted dmi/pods/$dpod"
pod_state() { sim_get "/api/v1/namespaces/$1/pods/$2" | jq -r 'if .kind == "Pod" then (.metadata.uid + " " + (if .metadata.deletionTimestamp then "deleting" else "live" end)) else "gone" end'; }
dgone() { [ "$(pod_state dmi "$dpod" | awk '{print $NF}')" != live ]; }
check "the API has $dpod deleted or terminating" wait_until 10 dgone
dreplaced() { [ "$(app_pods dmi "$app" | grep -vxF -- "$dpod" | wc -l)" -eq "$want" ]; }
check "its Deployment replaces it: $want pods again besides $dpod" wait_until 20 dreplaced

# A StatefulSet pod recreated under its name while the dialog is open is not deleted: the
# delete carries the uid the user saw, and the API's 409 is shown.
spod=obs-db-0
read -r suid _ <<<"$(pod_state dmi $spod)"
keys Escape / "^dmi +dmi +$spod " Enter
wait_for 'pods\(all\)\[1\]' >/dev/null
keys C-d
check "Ctrl-D asks for the name of $spod" wait_fixed "Delete dmi/pods/$spod?"
curl -s -o /dev/null -X DELETE "$SIM_URL/api/v1/namespaces/dmi/pods/$spod?gracePeriodSeconds=0"
recreated() { read -r u st <<<"$(pod_state dmi $spod)"; [ "$st" = live ] && [ "$u" != "$suid" ]; }
check "meanwhile $spod is deleted and recreated with a new uid" wait_until 20 recreated
read -r suid2 _ <<<"$(pod_state dmi $spod)"
keys "$spod" Enter
check "the API's 409 Conflict is shown" wait_fixed "delete dmi/pods/$spod: HTTP 409: Operation cannot be fulfilled"
[ "$(pod_state dmi $spod)" = "$suid2 live" ] && ok "the new $spod is untouched" ||
    not_ok "the new $spod is untouched" "$(pod_state dmi $spod)"
keys q q
wait_exit 5 >/dev/null

if [ -f "$AUDIT" ]; then
    grep -q "\"action\":\"restart\".*\"target\":\"deployment dmi/$app\".*\"result\":\"ok\"" "$AUDIT" &&
        ok "the audit log has the restart with ok" || not_ok "the audit log has the restart with ok" "$(cat "$AUDIT")"
    [ "$(jq -r --arg t "deployment dmi/$app" 'select(.action == "restart" and .target == $t and .result == "ok") |
        "\(.tenant) \(.scope) \(.context) \(.server)"' "$AUDIT")" = "dmi null sim $SIM_URL" ] &&
        ok "... naming the target's tenant (dmi), the session's scope (every tenant: null), the context and the server" ||
        not_ok "... naming the target's tenant (dmi), the session's scope (every tenant: null), the context and the server" "$(cat "$AUDIT")"
    # Written before it was sent: each change's attempt, then its outcome with the same id.
    [ "$(jq -r 'select(.action == "restart" or .action == "scale" or .action == "delete") | .id' "$AUDIT" |
        sort | uniq -c | awk '$1 != 2' | wc -l)" -eq 0 ] &&
        [ "$(jq -s -r '[.[] | select(.result == "attempt")] | length' "$AUDIT")" -eq 5 ] &&
        ok "each change sent has an attempt line and an outcome line with one id" ||
        not_ok "each change sent has an attempt line and an outcome line with one id" "$(cat "$AUDIT")"
    grep -q "\"action\":\"scale\".*\"target\":\"deployment dmi/$app to $want\".*\"result\":\"ok\"" "$AUDIT" &&
        ok "the audit log has the scale with ok" || not_ok "the audit log has the scale with ok" "$(cat "$AUDIT")"
    grep -q "\"action\":\"scale\".*skat/$fapp.*\"result\":\"HTTP 403: .*forbidden" "$AUDIT" &&
        ok "the audit log has the 403 with its message" || not_ok "the audit log has the 403 with its message" "$(cat "$AUDIT")"
    grep -q "\"action\":\"delete\".*\"target\":\"dmi/pods/$dpod\".*\"result\":\"ok\"" "$AUDIT" &&
        ok "the audit log has the delete with ok" || not_ok "the audit log has the delete with ok" "$(cat "$AUDIT")"
    grep -q "\"action\":\"delete\".*\"target\":\"dmi/pods/$spod\".*\"result\":\"HTTP 409: " "$AUDIT" &&
        ok "the audit log has the 409" || not_ok "the audit log has the 409" "$(cat "$AUDIT")"
    [ "$(grep -c '"action":"\(restart\|scale\)"' "$AUDIT")" -eq 6 ] &&
        ok "two audit lines a mutation sent, none for the cancelled ones" ||
        not_ok "two audit lines a mutation sent, none for the cancelled ones" "$(cat "$AUDIT")"
else
    not_ok "the audit log exists ($AUDIT)"
fi

# --readonly refuses, says so, audits the refusal and changes nothing.
tm_kill
rm -f "$WORK/exit"
start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps --readonly"
check "--readonly is shown in the header" wait_fixed '[read-only]'
keys / "^dmi dmi $app " Enter
wait_for 'apps\(all\)\[1\]' >/dev/null
gen=$(deploy dmi $app | jq -r .metadata.generation)
keys r
check "restart is refused under --readonly" wait_fixed 'read-only session (--readonly): restart refused'
keys s
check "scale is refused under --readonly" wait_fixed 'read-only session (--readonly): scale refused'
[ "$(deploy dmi $app | jq -r .metadata.generation)" = "$gen" ] && ok "the deployment is unchanged (generation $gen)" ||
    not_ok "the deployment is unchanged (generation $gen)"
grep -q "\"action\":\"restart\".*\"result\":\"refused: read-only session" "$AUDIT" &&
    ok "the audit log has the refused restart" || not_ok "the audit log has the refused restart" "$(cat "$AUDIT")"
grep -q "\"action\":\"scale\".*\"result\":\"refused: read-only session" "$AUDIT" &&
    ok "the audit log has the refused scale" || not_ok "the audit log has the refused scale" "$(cat "$AUDIT")"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q quits with status 0" || not_ok "q quits with status 0"
finish
