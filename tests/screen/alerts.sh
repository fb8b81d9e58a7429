#!/bin/bash
# Screen test: the alerts view over govsim's Nagios (basic auth): problems worst first with the
# counts by state, t for everything, Enter to a host's services and to its app's pods, d with
# comments and downtimes, acknowledge and downtime through cmd.cgi (the prompts, the
# confirmation, "sent" until the next poll, govsim's state, the audit log), --readonly, a
# session scoped to one tenant, and rejected credentials. Expected figures come from govsim.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 300 --tenants 5 --seed 21 --churn 0 --basic-auth nagios:s3cr3t
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
CGI="$SIM_URL/nagios4/cgi-bin"
printf '[nagios]\nurl = %s\nuser = nagios\ninterval = 1s\n' "$CGI" >"$WORK/config.ini"
export GOVCONSOLE_NAGIOS_PASSWORD=s3cr3t

nag() { curl -s --max-time 30 -u nagios:s3cr3t "$CGI/$1"; }
# Every object as "state host service" (host rows: service "-"), statusjson's codes.
objects() {
    nag 'statusjson.cgi?query=hostlist&details=true' | jq -r '.data.hostlist[] | "\(.status) \(.name) -"'
    nag 'statusjson.cgi?query=servicelist&details=true' |
        jq -r '.data.servicelist[][] | "\(.status) \(.host_name) \(.description)"'
}
objects >"$WORK/objects"
total=$(wc -l <"$WORK/objects")
crit=$(grep -c '^16 ' "$WORK/objects")
warn=$(grep -c '^4 [^ ]* [^-]' "$WORK/objects")
down=$(grep -c '^4 [^ ]* -$' "$WORK/objects")
problems=$(grep -vc '^2 ' "$WORK/objects")
first_crit=$(grep '^16 ' "$WORK/objects" | head -1)
echo "# $total objects, $problems problems ($crit critical, $warn warning)"
[ "$crit" -gt 0 ] && [ "$problems" -lt "$total" ] || echo "Bail out! govsim's world has no critical service"

start_console 200 45 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "the alerts view counts the problems in its title" wait_fixed "alerts(all)[$problems]"
check "... and the rows in scope by state" wait_fixed "CRIT $crit  DOWN $down  UNREACH 0  WARN $warn"
first_row_critical() { screen | sed -n 4p | grep -q '^CRITICAL '; }
check "the first row is a CRITICAL one (worst first)" first_row_critical
check "the header says nagios is ok" wait_fixed 'nagios: ok'
keys t
check "t shows every host and service" wait_fixed "alerts(all)[$total]"
check "... and says so" wait_fixed "(all)"
keys t
check "t again: the problems only" wait_fixed "alerts(all)[$problems]"

# :alerts TENANT narrows the view to that tenant's rows.
dmi_problems=$(grep -v '^2 ' "$WORK/objects" | grep -c ' dmi-')
keys : 'alerts dmi' Enter
check ":alerts dmi shows the problems of dmi ($dmi_problems)" wait_fixed "alerts(dmi)[$dmi_problems]"
keys : alerts Enter
check ":alerts: every tenant again" wait_fixed "alerts(all)[$problems]"

# Enter on the first row (a service): its host's services, every state.
host=$(screen | sed -n 4p | awk '{print $4}')
nhost=$(grep -c " $host " "$WORK/objects")
keys g Enter
check "Enter on a service shows its host's rows ($host: $nhost)" wait_fixed "alerts($host)[$nhost]"
check "... the host row among them" wait_fixed "(host)"
# The host row leads to the app's pods: its app runs in Kubernetes.
keys / '\(host\)' Enter
check "the filter selects the host row" wait_fixed "alerts($host)[1]"
keys Enter
check "Enter on a host whose app runs in Kubernetes shows the app's pods" wait_for 'pods\([a-z-]+\)\[[0-9]+\]'
app=$(echo "$host" | cut -d- -f2-)
check "... of that app" wait_fixed "$app-"
keys Escape
sleep 0.3
keys Escape Escape
check "Esc back to the alerts" wait_fixed "alerts(all)[$problems]"

# d: every field, the comments and the downtimes.
keys g d
check "d shows the fields Nagios returned" wait_fixed "plugin_output:"
check "... with the comments and downtimes" wait_fixed "Downtimes:"
keys q

# Acknowledge the first row: a comment, the confirmation, "sent", then the poll shows it.
target=$(screen | sed -n 4p | awk '{print $4 " " $5}')
thost=${target% *}
tsvc=${target#* }
keys g a
check "a asks for a comment" wait_fixed "Comment (Esc cancels)"
keys "looking into it" Enter
check "the confirmation names the object and the comment" wait_fixed "Acknowledge the problem of $thost/$tsvc"
keys y
check "the flash says it waits for the next poll" wait_fixed "acknowledged; waiting for the next poll to show it: $thost/$tsvc"
acked() { nag "statusjson.cgi?query=service&hostname=$thost&servicedescription=$tsvc" | jq -e '.data.service.problem_has_been_acknowledged' >/dev/null; }
check "govsim has the acknowledgement" acked
check "the next poll shows it acknowledged" wait_for "^[A-Z]+ +.* $thost +$tsvc .* yes "
nag 'statusjson.cgi?query=commentlist&details=true' | jq -e --arg h "$thost" \
    '[.data.commentlist[] | select(.host_name == $h and .entry_type == 4 and .comment_data == "looking into it" and .author == "'"$(id -un)"'")] | length == 1' >/dev/null &&
    ok "the comment is the acknowledgement's, by the session's user" ||
    not_ok "the comment is the acknowledgement's, by the session's user" "$(nag 'statusjson.cgi?query=commentlist&details=true')"
keys g a
check "acknowledging it again is refused by the view" wait_fixed "already acknowledged"

# Downtime on the second row: start, duration (a bad one first), comment, confirmation.
keys g j
target2=$(screen | sed -n 5p | awk '{print $4 " " $5}')
keys D
check "D asks for the start" wait_fixed "Start (now, HH:MM, YYYY-MM-DD HH:MM)"
keys Enter
check "... then the duration" wait_fixed "Duration (2h, 30m, 1h30m)"
keys C-u soon Enter
check "a bad duration is refused with the forms accepted" wait_fixed "duration: 2h, 30m"
keys 2h Enter
check "... then a comment" wait_fixed "Comment (Esc cancels)"
keys "disk swap" Enter
check "the confirmation names the object, from now" wait_fixed "Schedule downtime of ${target2% *}/${target2#* } from now for"
check "... for 2h00m" wait_fixed "2h00m with the comment"
keys y
check "the flash says the downtime waits for the next poll" wait_fixed "downtime scheduled; waiting for the next poll"
nag 'statusjson.cgi?query=downtimelist&details=true' | jq -e --arg h "${target2% *}" --arg s "${target2#* }" \
    '[.data.downtimelist[] | select(.host_name == $h and .service_description == $s and .duration == 7200 and .comment == "disk swap")] | length == 1' >/dev/null &&
    ok "govsim has a 2 h downtime on ${target2% *}/${target2#* }" ||
    not_ok "govsim has a 2 h downtime on ${target2% *}/${target2#* }" "$(nag 'statusjson.cgi?query=downtimelist&details=true')"
keys q
wait_exit 5 >/dev/null
tm_kill

jq -e -s --arg t "$thost/$tsvc" '[.[] | select(.action == "acknowledge" and .target == $t)] |
    (.[0].result == "attempt" and .[1].result == "ok" and .[1].tenant != null)' "$AUDIT" >/dev/null &&
    ok "the audit log has the acknowledgement's attempt and outcome, with its tenant" ||
    not_ok "the audit log has the acknowledgement's attempt and outcome, with its tenant" "$(cat "$AUDIT")"
grep -q '"action":"downtime".*"result":"ok"' "$AUDIT" &&
    ok "the audit log has the downtime" || not_ok "the audit log has the downtime" "$(cat "$AUDIT")"

# --readonly: refused, said and audited; nothing reaches Nagios.
ncomments=$(nag 'statusjson.cgi?query=commentlist&details=true' | jq '.data.commentlist | length')
start_console 200 45 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts --readonly"
check "the alerts view under --readonly" wait_fixed "alerts(all)[$problems]"
keys j j a
check "acknowledge is refused under --readonly" wait_fixed 'read-only session (--readonly): acknowledge refused'
keys D
check "downtime is refused under --readonly" wait_fixed 'read-only session (--readonly): schedule downtime refused'
[ "$(nag 'statusjson.cgi?query=commentlist&details=true' | jq '.data.commentlist | length')" = "$ncomments" ] &&
    ok "... and nothing reached Nagios" || not_ok "... and nothing reached Nagios"
keys q
wait_exit 5 >/dev/null
tm_kill

# A session scoped to one tenant sees its rows only, and counts only them.
dmi=$(grep -c ' dmi-' "$WORK/objects")
start_console 200 45 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts --tenant dmi"
check "--tenant dmi: the problems of dmi only" wait_fixed "alerts(dmi)[$dmi_problems]"
keys t
check "... t: every dmi row ($dmi)" wait_fixed "alerts(dmi)[$dmi]"
other=$(screen | sed -n '4,$p' | grep -E '^(CRITICAL|WARNING|UNKNOWN|OK|UP|DOWN|UNREACHABLE|PENDING) ' |
    awk '{print $2}' | grep -v '^dmi$' | head -3)
rows=$(screen | sed -n '4,$p' | grep -cE '^(CRITICAL|WARNING|UNKNOWN|OK|UP|DOWN|UNREACHABLE|PENDING) ')
[ "$rows" -gt 0 ] && ok "... rows are shown ($rows)" || not_ok "... rows are shown ($rows)"
[ -z "$other" ] && ok "... no row of another tenant" || not_ok "... no row of another tenant" "$other"
keys q
wait_exit 5 >/dev/null
tm_kill

# Nagios gone: the rows stay, marked stale after three intervals; nothing exits.
start_console 200 45 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "the alerts view again" wait_fixed "alerts(all)[$problems]"
kill -STOP "$SIM_PID"
check "Nagios not answering: the title says stale since" wait_for 'alerts\(all\)\[[0-9]+\].*stale since [0-9]{2}:[0-9]{2}' 40
check "... and the last rows stay" wait_fixed "alerts(all)[$problems]"
kill -CONT "$SIM_PID"
check "Nagios back: fresh again" wait_gone 'stale since' 40
keys q
wait_exit 5 >/dev/null
tm_kill

# Without [nagios] the view says so.
start_console 200 45 "$BIN/govconsole --config /dev/null --kubeconfig $WORK/kubeconfig -c alerts"
check "without [nagios]: the alerts view says Nagios is not configured" wait_fixed "nagios is not configured"
keys q
wait_exit 10 >/dev/null
tm_kill

# Rejected credentials: said in the header, nothing crashes, q still quits.
start_console 200 45 "env GOVCONSOLE_NAGIOS_PASSWORD=wrong $BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c alerts"
check "a wrong password: nagios: credentials rejected" wait_fixed 'nagios: credentials rejected'
keys q
[ "$(wait_exit 10)" = 0 ] && ok "q quits with status 0" || not_ok "q quits with status 0"
finish
