#!/bin/bash
# Screen test: the audit trail cannot be skipped. A change is written before it is sent
# (attempt, with an id) and again with its outcome; quitting or a hang-up while it is in
# flight still leaves the attempt. When the audit line cannot be written (a directory or a
# symlink in its place), the change is refused, and so is every later one; an audit file
# others may read is made 0600 before it is used.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
read -r app other < <(curl -s "$SIM_URL/apis/apps/v1/namespaces/dmi/deployments" |
    jq -r '[.items[].metadata.name] | "\(.[0]) \(.[1])"')
restarted() { # the deployment's restartedAt annotation, "none" without one
    curl -s "$SIM_URL/apis/apps/v1/namespaces/dmi/deployments/$1" |
        jq -r '.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"] // "none"'
}
select_app() { # name
    keys / "^dmi +dmi +$1 " Enter
    wait_for 'apps\(all\)\[1\]'
}

# 1. A restart whose PATCH hangs, then q at once: the attempt is there, and why it ended.
curl -s -X POST "$SIM_URL/_sim/fault?mode=hang&count=1&path=/apis/apps/v1/namespaces/dmi/deployments/$app" >/dev/null
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown" wait_for 'apps\(all\)'
select_app "$app"
keys r
check "r asks" wait_fixed "Restart deployment dmi/$app?"
keys y
check "the restart is on its way" wait_fixed "restart deployment dmi/$app ..."
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits at once, the restart still in flight" || not_ok "q exits"
tm_kill
rm -f "$WORK/exit"
[ "$(jq -r --arg t "deployment dmi/$app" 'select(.target == $t) | .result' "$AUDIT" | tr '\n' '|')" = \
  "attempt|abandoned: the console stopped before the answer|" ] &&
    [ "$(jq -r --arg t "deployment dmi/$app" 'select(.target == $t) | .id' "$AUDIT" | sort -u | wc -l)" -eq 1 ] &&
    [ "$(jq -r --arg t "deployment dmi/$app" 'select(.target == $t) | .id' "$AUDIT" | head -1 | grep -cE '^[0-9a-f]{16}$')" -eq 1 ] &&
    ok "q during a change: its attempt, then 'abandoned', under one 16-hex id" ||
    not_ok "q during a change: its attempt, then 'abandoned', under one 16-hex id" "$(cat "$AUDIT")"

# 2. The same with a hang-up (the SSH session dropped): SIGHUP to the console.
curl -s -X POST "$SIM_URL/_sim/fault?mode=hang&count=1&path=/apis/apps/v1/namespaces/dmi/deployments/$other" >/dev/null
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown again" wait_for 'apps\(all\)'
select_app "$other"
keys r
check "r asks" wait_fixed "Restart deployment dmi/$other?"
keys y
check "the restart is on its way" wait_fixed "restart deployment dmi/$other ..."
pkill -HUP -f "^$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
[ "$(wait_exit 5)" = 129 ] && ok "SIGHUP ends the console (129)" || not_ok "SIGHUP ends the console"
tm_kill
rm -f "$WORK/exit"
[ "$(jq -r --arg t "deployment dmi/$other" 'select(.target == $t) | .result' "$AUDIT" | tr '\n' '|')" = \
  "attempt|abandoned: the console stopped before the answer|" ] &&
    ok "a hang-up during a change leaves its attempt and its end" ||
    not_ok "a hang-up during a change leaves its attempt and its end" "$(cat "$AUDIT")"

# 3. No audit, no action: a directory where the audit log belongs.
mv "$AUDIT" "$WORK/audit.keep"
mkdir "$AUDIT"
before=$(restarted "$app")
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown" wait_for 'apps\(all\)'
select_app "$app"
keys r
check "r asks" wait_fixed "Restart deployment dmi/$app?"
keys y
check "the restart is refused: the audit log cannot be written" \
    wait_fixed "audit log $AUDIT: Is a directory: changes are refused"
sleep 1
[ "$(restarted "$app")" = "$before" ] && ok "the deployment was not restarted" ||
    not_ok "the deployment was not restarted"
rmdir "$AUDIT"
keys s
check "every later change is refused too (even with the directory gone)" \
    wait_fixed "Is a directory: changes are refused"
[ ! -e "$AUDIT" ] && ok "nothing was written meanwhile" || not_ok "nothing was written meanwhile"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# 4. A symlink in its place is refused, not followed.
ln -s "$WORK/elsewhere.log" "$AUDIT"
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown" wait_for 'apps\(all\)'
select_app "$app"
keys r
check "r asks" wait_fixed "Restart deployment dmi/$app?"
keys y
check "a symlink for the audit log refuses the change" wait_fixed "a symbolic link: refused"
[ ! -e "$WORK/elsewhere.log" ] && ok "nothing was written through the link" ||
    not_ok "nothing was written through the link"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit" "$AUDIT"

# 5. An audit file others may read is made 0600, then used.
mv "$WORK/audit.keep" "$AUDIT"
chmod 644 "$AUDIT"
lines=$(wc -l <"$AUDIT")
start_console 160 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown" wait_for 'apps\(all\)'
select_app "$app"
keys r
check "r asks" wait_fixed "Restart deployment dmi/$app?"
keys y
check "the restart is done" wait_fixed "restarted deployment dmi/$app"
[ "$(stat -c %a "$AUDIT")" = 600 ] && ok "the audit log was made 0600" ||
    not_ok "the audit log was made 0600 ($(stat -c %a "$AUDIT"))"
[ "$(wc -l <"$AUDIT")" -eq $((lines + 2)) ] && ok "and it has the attempt and the outcome" ||
    not_ok "and it has the attempt and the outcome" "$(tail -3 "$AUDIT")"
keys q
wait_exit 5 >/dev/null
finish
