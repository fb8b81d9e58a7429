#!/bin/bash
# The Nagios source against a real Nagios 4 (tests/integration/nagios.bash: Debian's nagios4
# with its CGIs under lighttpd, basic auth, on 127.0.0.1; govsim is only the cluster): states forced through the external
# command file appear in the alerts view with the tenant of the hostgroup and the app of
# _APP; acknowledge and downtime from the console go through the real cmd.cgi (its CSRF form
# id) and come back in statusjson and on screen. TAP.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
. tests/integration/nagios.bash

stop_all() {
    nagios_stop
    cleanup
}
trap stop_all EXIT

if ! nagios_start; then
    not_ok "a private Nagios 4 starts (nagios4-core, nagios4-cgi, lighttpd: scripts/deps.sh test)"
    finish
fi
ok "a private Nagios 4 with its CGIs under lighttpd answers on 127.0.0.1"
start_sim --pods 40 --tenants 2 --seed 3 --churn 0 # the cluster the console needs besides
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
export GOVCONSOLE_NAGIOS_PASSWORD="$NAGIOS_PASSWORD"
printf '[nagios]\nurl = %s\nuser = %s\ninterval = 1s\n' "$NAGIOS_URL" "$NAGIOS_USER" >"$WORK/config.ini"
nag() { curl -s --max-time 30 -u "$NAGIOS_USER:$NAGIOS_PASSWORD" "$NAGIOS_URL/$1"; }

nagios_cmd "PROCESS_HOST_CHECK_RESULT;dmi-forecast-api;0;PING OK - rta 0.1 ms"
nagios_cmd "PROCESS_HOST_CHECK_RESULT;mon-ext-01;0;PING OK - rta 0.2 ms"
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;dmi-forecast-api;HTTP;2;CRITICAL - Socket timeout after 10 seconds"
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;dmi-forecast-api;Pods;0;PODS OK - 3/3 ready"
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;mon-ext-01;PING;1;PING WARNING - Packet loss = 40%"
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;mon-ext-01;C++ build;0;BUILD OK"
state_of() { nag "statusjson.cgi?query=service&hostname=$1&servicedescription=$2" | jq -r '.data.service.status'; }
wait_until 10 bash -c "[ \"\$(curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=service&hostname=mon-ext-01&servicedescription=PING' | jq -r .data.service.status)\" = 4 ]"
check "Nagios took the forced results (HTTP CRITICAL, PING WARNING)" \
    test "$(state_of dmi-forecast-api HTTP) $(state_of mon-ext-01 PING)" = "16 4"

start_console 200 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "the alerts view shows the two problems" wait_fixed "alerts(all)[2]"
check "HTTP CRITICAL of dmi-forecast-api with tenant dmi (hostgroup) and app forecast-api (_APP)" \
    wait_for '^CRITICAL +dmi +forecast-api +dmi-forecast-api +HTTP .*Socket timeout after 10 seconds'
check "PING WARNING of mon-ext-01, in no tenant" wait_for '^WARNING +- +mon-ext-01 +mon-ext-01 +PING '
check "the title counts them" wait_fixed "CRIT 1  DOWN 0  UNREACH 0  WARN 1"

# A state forced while the console runs shows at the next poll.
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;dmi-forecast-api;Pods;2;PODS CRITICAL - 0/3 ready"
check "a state forced through the command file shows at the next poll" \
    wait_for '^CRITICAL +dmi +forecast-api +dmi-forecast-api +Pods .*0/3 ready' 15
check "... three problems now" wait_fixed "alerts(all)[3]"

# A service named with '+' and a space: its state, its acknowledgement (the name escaped in
# the form's query and in the POST).
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;mon-ext-01;C++ build;2;BUILD FAILED - 3 tests"
check "a service named 'C++ build' shows CRITICAL" wait_for '^CRITICAL +- +mon-ext-01 +mon-ext-01 +C\+\+ build ' 15
keys / 'C\+\+' Enter
check "the filter selects it" wait_fixed "alerts(all)[1]"
keys a "flaky test" Enter y
check "acknowledging it goes through" wait_fixed "acknowledged; waiting for the next poll to show it: mon-ext-01/C++ build"
check "Nagios has that very service acknowledged" wait_until 10 bash -c "curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=service&hostname=mon-ext-01&servicedescription=C%2B%2B%20build' | jq -e '.data.service.problem_has_been_acknowledged' >/dev/null"
keys Escape
check "four problems" wait_fixed "alerts(all)[4]"

# Acknowledge the HTTP row through the real cmd.cgi.
keys / 'HTTP' Enter
check "the filter selects the HTTP row" wait_fixed "alerts(all)[1]"
keys a
check "a asks for a comment" wait_fixed "Comment (Esc cancels)"
keys "checking the load balancer" Enter
keys y
check "the real cmd.cgi accepted it" wait_fixed "acknowledged; waiting for the next poll to show it: dmi-forecast-api/HTTP"
check "Nagios has the acknowledgement" wait_until 10 bash -c "curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=service&hostname=dmi-forecast-api&servicedescription=HTTP' | jq -e '.data.service.problem_has_been_acknowledged' >/dev/null"
check "the view shows it acknowledged after the poll" wait_for '^CRITICAL +dmi .* HTTP .* yes ' 15
check "... with the comment by the session's user" \
    bash -c "curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=commentlist&details=true' | jq -e '[.data.commentlist[] | select(.entry_type == 4 and .comment_data == \"checking the load balancer\" and .author == \"$(id -un)\")] | length == 1' >/dev/null"

# A downtime of an hour from now on Pods.
keys Escape
keys / 'Pods' Enter
check "the filter selects the Pods row" wait_fixed "alerts(all)[1]"
keys D
check "D asks for the start" wait_fixed "Start (now, HH:MM, YYYY-MM-DD HH:MM)"
keys Enter
keys C-u 1h Enter
keys "planned restart" Enter
keys y
check "the real cmd.cgi scheduled it" wait_fixed "downtime scheduled; waiting for the next poll"
check "Nagios lists a fixed downtime of 3600 s on Pods" wait_until 10 bash -c "curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=downtimelist&details=true' | jq -e '[.data.downtimelist[] | select(.service_description == \"Pods\" and .duration == 3600 and .fixed == true)] | length == 1' >/dev/null"
check "the view shows Pods in downtime after the poll" wait_for '^CRITICAL +dmi .* Pods .* yes ' 15
keys Escape
keys d
check "d shows every field Nagios returned" wait_fixed "plugin_output: PODS CRITICAL - 0/3 ready"
keys G
check "... and, at its end, the downtime and its comment" wait_fixed "planned restart"
keys q q
wait_exit 10 >/dev/null
tm_kill

# A user who may see but not command: the CGI's refusal is shown, nothing is acknowledged.
printf '[nagios]\nurl = %s\nuser = %s\ninterval = 1s\n' "$NAGIOS_URL" "$NAGIOS_LOOKER" >"$WORK/looker.ini"
start_console 200 40 "$BIN/govconsole --config $WORK/looker.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "a user who may only look sees the problems" wait_fixed "alerts(all)[4]"
keys / 'PING' Enter
check "... selects PING" wait_fixed "alerts(all)[1]"
keys a "looking" Enter y
check "acknowledging: the CGI's refusal is on the status line" \
    wait_fixed "Nagios: Sorry, but you are not authorized to commit the specified command."
check "... and Nagios has no acknowledgement of PING" bash -c "curl -s -u '$NAGIOS_USER:$NAGIOS_PASSWORD' '$NAGIOS_URL/statusjson.cgi?query=service&hostname=mon-ext-01&servicedescription=PING' | jq -e '.data.service.problem_has_been_acknowledged == false' >/dev/null"
keys q
wait_exit 10 >/dev/null
tm_kill

# A user the CGIs authorise for nothing gets empty answers (HTTP 200, type_code 0): said so.
printf '[nagios]\nurl = %s\nuser = %s\ninterval = 1s\n' "$NAGIOS_URL" "$NAGIOS_GUEST" >"$WORK/guest.ini"
start_console 200 40 "$BIN/govconsole --config $WORK/guest.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "a user Nagios shows nothing: the status line says why" \
    wait_fixed "Nagios returned no data for user guest; check cgi.cfg authorization"
check "... the header counts it as rejected" wait_fixed "nagios: credentials rejected"
keys q
[ "$(wait_exit 10)" = 0 ] && ok "q quits with status 0" || not_ok "q quits with status 0"
finish
