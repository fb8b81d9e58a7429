#!/bin/bash
# Screen test: :ctx switches clusters. Only the kinds Kubernetes owns are cleared and refilled
# from the new cluster, and a change still on its way to the old cluster is cancelled: it is
# not completed, and the audit log says so instead of recording it against the new cluster.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 21 --churn 0
SIM_A="$SIM_URL"
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"

# A second cluster with another world.
"$BIN/govsim" --port 0 --pods 40 --tenants 2 --seed 9 --churn 0 >"$WORK/simb.out" 2>"$WORK/simb.err" &
SIMB_PID=$!
trap 'kill $SIMB_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do
    grep -q 'listening on' "$WORK/simb.out" 2>/dev/null && break
    sleep 0.05
done
SIM_B="http://127.0.0.1:$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/simb.out")"
cat >"$WORK/two.yaml" <<KC
apiVersion: v1
kind: Config
current-context: a
clusters:
- {name: a, cluster: {server: "$SIM_A"}}
- {name: b, cluster: {server: "$SIM_B"}}
contexts:
- {name: a, context: {cluster: a, user: u}}
- {name: b, context: {cluster: b, user: u}}
users:
- {name: u, user: {token: t}}
KC
pods_b=$(curl -s "$SIM_B/api/v1/pods" | jq '.items | length')

# An app of dmi on cluster A whose PATCH will hang.
read -r ns app < <(curl -s "$SIM_A/apis/apps/v1/namespaces/dmi/deployments" |
    jq -r '.items[0] | "\(.metadata.namespace) \(.metadata.name)"')
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/two.yaml -c apps"
check "cluster A's apps are shown (context a)" wait_for 'context: a +server: '"$SIM_A"
keys / "^dmi +$ns +$app " Enter
check "the filter selects $ns/$app" wait_for 'apps\(all\)\[1\]'
curl -s -X POST "$SIM_A/_sim/fault?mode=hang&count=1&path=/apis/apps/v1/namespaces/$ns/deployments/$app" >/dev/null
keys r
check "r asks before restarting" wait_fixed "Restart deployment $ns/$app?"
keys y
check "the restart is on its way" wait_fixed "restart deployment $ns/$app ..."
keys : c t x Space b Enter
check ":ctx b switches the context" wait_for 'context: b +server: '"$SIM_B"
keys : p o d s Enter
check "only cluster B's pods are shown ($pods_b)" wait_for "pods\\(all\\)\\[$pods_b\\]"
sleep 1
[ "$(jq -r --arg t "deployment $ns/$app" 'select(.action == "restart" and .target == $t) |
    "\(.id) \(.context) \(.result)"' "$AUDIT" 2>/dev/null | awk '{print $2, $3}' | tr '\n' '|')" = \
  "a attempt|a cancelled:|" ] &&
    [ "$(jq -r 'select(.action == "restart") | .id' "$AUDIT" | sort -u | wc -l)" -eq 1 ] &&
    ok "the audit log has the restart's attempt on context a, then its cancellation (one id)" ||
    not_ok "the audit log has the restart's attempt on context a, then its cancellation (one id)" "$(cat "$AUDIT" 2>&1)"
grep -q '"result":"ok"' "$AUDIT" 2>/dev/null &&
    not_ok "nothing is audited as done" "$(cat "$AUDIT")" || ok "nothing is audited as done"
ann=$(curl -s "$SIM_A/apis/apps/v1/namespaces/$ns/deployments/$app" |
    jq -r '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] // "none"')
[ "$ann" = none ] && ok "cluster A's deployment was not restarted" ||
    not_ok "cluster A's deployment was not restarted (restartedAt $ann)"
keys : c t x Space n o p e Enter
check ":ctx with an unknown context says so and keeps the current one" wait_for 'nope'
check "... still on b" wait_for 'context: b +server: '"$SIM_B"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill
rm -f "$WORK/exit"

# A session scoped to a tenant stays on its cluster, unless the operator's system
# configuration names the context ([access] contexts; the user's own file cannot).
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/two.yaml --tenant dmi -c pods"
check "a dmi session starts on context a" wait_for 'context: a +server: '"$SIM_A"
keys : c t x Space Tab
sleep 0.5
screen | grep -q '^:ctx b' && not_ok "Tab offers no context to a scoped session" "$(screen)" ||
    ok "Tab offers no context to a scoped session"
keys C-u c t x Space b Enter
check ":ctx b is refused to a scoped session" wait_fixed 'a session scoped to dmi stays on its cluster'
check "... which stays on context a" wait_for 'context: a +server: '"$SIM_A"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"
printf '[access]\ncontexts = b\n' >"$WORK/user.ini"
start_console 160 40 "$BIN/govconsole --config $WORK/user.ini --kubeconfig $WORK/two.yaml --tenant dmi -c pods"
check "the user's own [access] is ignored, and said so" wait_fixed '[access] decides scope and identity'
keys : c t x Space b Enter
check "... :ctx b is still refused" wait_fixed 'a session scoped to dmi stays on its cluster'
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"
printf '[access]\ncontexts = b, c\n' >"$WORK/system.ini"
chmod 644 "$WORK/system.ini"
start_console 160 40 "GOVCONSOLE_SYSTEM_CONFIG=$WORK/system.ini $BIN/govconsole --kubeconfig $WORK/two.yaml --tenant dmi -c pods"
check "a dmi session starts on context a (system configuration allows b)" wait_for 'context: a +server: '"$SIM_A"
keys : c t x Space b Enter
check "the system configuration lets the scoped session switch to b" wait_for 'context: b +server: '"$SIM_B"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
finish
