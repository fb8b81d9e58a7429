#!/bin/bash
# Screen test: the incidents view against govsim's ServiceNow: the active incidents, as many
# as the instance has, most urgent first; `h` adds those resolved in the last 30 days; a
# session scoped to one tenant sees exactly that tenant's (its company's) and no other's;
# Enter shows an incident's detail with its journal as one timeline; n on a crash-looping pod
# opens the new-incident form prefilled with the evidence, and what it opens is at the
# instance; --readonly refuses the changes.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 3 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
cat >"$WORK/config.ini" <<INI
[servicenow]
url = $SIM_URL
interval = 5s
INI

# sn_count QUERY: how many incidents govsim has for an encoded query.
sn_count() {
    sim_get "/api/now/table/incident?sysparm_fields=number&sysparm_query=$1" |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]))'
}
cutoff=$(date -u -d '30 days ago' '+%Y-%m-%d%%20%H:%M:%S')
open_all=$(sn_count 'stateIN1,2,3')
open_dmi=$(sn_count 'stateIN1,2,3%5Ecompany.name=Danmarks%20Meteorologiske%20Institut')
done_all=$(sn_count "stateIN6,7%5Eresolved_at>=$cutoff")
done_dmi=$(sn_count "stateIN6,7%5Eresolved_at>=$cutoff%5Ecompany.name=Danmarks%20Meteorologiske%20Institut")
first=$(sim_get '/api/now/table/incident?sysparm_fields=number&sysparm_query=stateIN1,2,3%5EORDERBYpriority%5EORDERBYopened_at&sysparm_limit=1' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["number"])')
[ "$open_all" -gt "$open_dmi" ] && [ "$open_dmi" -gt 0 ] && [ "$done_dmi" -gt 0 ] ||
    { echo "Bail out! the world has no incidents to tell apart ($open_all, $open_dmi)"; exit 1; }

start_console 200 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c incidents"
check "the incidents view shows every open incident ($open_all)" wait_for "incidents\\(all\\)\\[$open_all\\]" 20
check "columns: number, priority, state, tenant, short description ..." \
    wait_for 'NUMBER +PRI +STATE +TENANT +SHORT DESCRIPTION +GROUP +ASSIGNED TO +CI +OPENED +UPDATED +SLA'
check "the most urgent first ($first)" wait_for "^ *$first "
check "tenants are the companies mapped through the namespaces' display names" wait_for ' dmi +'
keys t
check "t adds those resolved in the last 30 days ($done_all)" \
    wait_for "incidents\\(all\\)\\[$((open_all + done_all))\\]"
keys t
check "t again hides them" wait_for "incidents\\(all\\)\\[$open_all\\]"
keys Enter
check "Enter shows the detail: the timeline" wait_for 'Timeline \(newest first\)'
check "... with the journal's work note and comment" wait_for 'work note'
check "... and the description" wait_for '^Description'
check "... and a link to the Kubernetes app its CI names" wait_for 'Kubernetes app: [a-z0-9-]+/[a-z0-9-]+ \(:apps [a-z0-9-]+\)'
# :changes: the change requests planned from Monday of last week to Monday of next week.
window=$(python3 -c '
import datetime as d
now = d.datetime.now()
mon = (now - d.timedelta(days=now.weekday() + 7)).replace(hour=0, minute=0, second=0, microsecond=0)
utc = lambda t: t.astimezone(d.timezone.utc).strftime("%Y-%m-%d%%20%H:%M:%S")
print("start_date>=%s%%5Estart_date<%s" % (utc(mon), utc(mon + d.timedelta(days=14))))')
changes=$(sim_get "/api/now/table/change_request?sysparm_fields=number&sysparm_query=$window" |
    python3 -c 'import json,sys; print(len(json.load(sys.stdin)["result"]))')
keys q
check "q closes the detail" wait_for "incidents\\(all\\)\\[$open_all\\]"
keys : c h a n g e s Enter
check ":changes: this week's and last week's changes ($changes)" wait_for "changes\\(all\\)\\[$changes\\]"
check ":changes: columns" wait_for 'NUMBER +TYPE +STATE +RISK +PLANNED START +PLANNED END +CI +TENANT +SHORT DESCRIPTION'
check ":changes: one in progress (Implement)" wait_for '^CHG[0-9]+ +Normal +Implement '
ci=$(screen | grep -Eo '^CHG[0-9]+ +Normal +Implement +[A-Za-z]+ +.{16} +.{16} +[a-z0-9-]+' | head -1 | awk '{print $NF}')
chg=$(screen | grep -E "^CHG[0-9]+ +Normal +Implement .* $ci " | head -1 | awk '{print $1}')
first_chg=$(screen | grep -Eo '^CHG[0-9]+' | head -1)
keys Enter
check ":changes: Enter shows the change's fields ($first_chg)" wait_for "^Number: +$first_chg\$"
check "... its planned start and configuration item" wait_for '^Configuration item: +[a-z0-9-]+$'
keys q y
check "... y shows it as YAML" wait_for "^number: $first_chg\$"
start_utc=$(sim_get "/api/now/table/change_request?sysparm_fields=start_date&sysparm_query=number=$first_chg" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["result"][0]["start_date"])')
check "... its start_date as the instance returned it ($start_utc)" wait_for "^start_date: [\"']?$start_utc[\"']?\$"
check "... the console's local times apart, labelled" wait_for '^  planned_start_local: '
keys q
keys : a p p s Enter
check ":apps marks the app whose CI ($ci) has $chg in progress" wait_for "${ci#*-} \\[$chg in progress\\]"
# :pods marks the pods of that app (in its tenant) the same way, and no other pod: filtered on
# the mark, every pod left is one of an app whose CI has that change in progress (govsim's
# changes in Implement); unfiltered, pods of other apps show unmarked.
implementing=$(sim_get "/api/now/table/change_request?sysparm_display_value=true&sysparm_exclude_reference_link=true&sysparm_fields=number,cmdb_ci&sysparm_query=$window%5Estate=-1" |
    python3 -c 'import json,sys; print(" ".join(r["cmdb_ci"] + "=" + r["number"] for r in json.load(sys.stdin)["result"]))')
keys : p o d s Enter
check ":pods: the pods view" wait_for 'pods\(all\)\[200\]'
check ":pods: pods of other apps, unmarked" \
    bash -c "tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -E '^ *${ci%%-*} ' | grep -v '${ci#*-}' | grep -vq 'in progress'"
keys / i n Space p r o g r e s s Enter
check ":pods marks the pods of ${ci#*-} with $chg in progress" wait_for "^ *${ci%%-*} +[a-z0-9-]+ +${ci#*-}-[a-z0-9-]* \\[$chg in progress\\]"
# shellcheck disable=SC2016
check "... and only pods of apps with a change in progress ($implementing)" python3 -c '
import re, subprocess, sys
cis = dict(x.split("=") for x in sys.argv[2].split())
rows = [l.split() for l in subprocess.run(["tmux", "-L", sys.argv[1], "capture-pane", "-p", "-t", "gc"],
        capture_output=True, text=True).stdout.splitlines()[3:] if re.match(r"^ *[a-z]", l)]
bad = [r for r in rows if not any(r[0] + "-" + r[2][:len(ci) - len(r[0]) - 1] == ci and
       r[2][len(ci) - len(r[0]) - 1] == "-" and r[3:6] == ["[" + n, "in", "progress]"] for ci, n in cis.items())]
sys.exit(1 if bad or not rows else 0)' "$TMUX_SOCK" "$implementing"
keys Escape q
tm_kill

rm -f "$WORK/exit"
# The namespaces come late (their first lists fail): ServiceNow answers first, and its
# companies map to dmi only through the namespaces' display names. --tenant dmi must wait
# for them rather than end with "no such tenant".
sim_post "/_sim/fault?mode=500&count=3&path=/api/v1/namespaces"
start_console 200 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig --tenant dmi -c incidents"
check "scoped to dmi: exactly dmi's open incidents ($open_dmi)" wait_for "incidents\\(dmi\\)\\[$open_dmi\\]" 20
[ ! -s "$WORK/exit" ] && ok "namespaces late: the scoped console waited for them, it did not end" ||
    not_ok "namespaces late: the scoped console waited for them, it did not end" "$(screen)"
check "scoped to dmi: no other tenant's incident on the screen" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Eq 'skat|registry|Skattestyrelsen|Registry'"
keys t
check "scoped to dmi: t adds only dmi's resolved ones ($done_dmi)" wait_for "incidents\\(dmi\\)\\[$((open_dmi + done_dmi))\\]"
keys / z z z z z Enter
check "a filter that matches nothing: an empty view" wait_for 'incidents\(dmi\)\[0\]  </zzzzz>'
keys n
check "n there opens the form, the session's tenant filled in" wait_for 'Tenant\* +dmi '
keys Escape
check "Esc cancels the form" wait_for 'cancelled'
keys Escape
keys : i n c i d e n t s Space s k a t Enter
check ":incidents skat in a dmi session shows nothing of skat" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Eq 'Skattestyrelsen|incidents\\(skat\\)\\[[1-9]'"
keys q q q
tm_kill

# n on a crash-looping pod: the form, prefilled with what the console knows and the evidence;
# Ctrl-S, the confirmation, the record at the instance.
rm -f "$WORK/exit"
start_console 200 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c pods"
check "the pods view" wait_for 'pods\(all\)\[' 20
keys / C r a s h L o o p B a c k O f f Enter
check "a crash-looping pod selected" wait_for 'CrashLoopBackOff'
keys n
check "n opens the form: New incident, the first field (the tenant) focused" wait_fixed ' New incident '
check "... the tenant filled in from the pod" wait_for 'Tenant\* +[a-z]+ '
check "... the short description names the pod and its status" wait_for 'Short description\* +.*: pod .* is CrashLoopBackOff'
check "... the description ends in the evidence" wait_for 'Description +Evidence from govconsole:'
check "... on several lines: the pod's status on a row of its own" \
    wait_for '^ *(x|│)? +pod [a-z0-9-]+/[a-z0-9-]+: status CrashLoopBackOff, [0-9]+/[0-9]+ '
check "... impact and urgency are choices" wait_for 'Impact +< 3 - Low >'
check "... the CI is the tenant's app" wait_for 'Configuration item +[a-z]+-[a-z]'
keys Tab Tab Tab Right Right
check "Tab moves to the impact, Right changes it" wait_for 'Impact +< 2 - Medium >'
keys BTab S e e n Space b y Space o n - c a l l Enter
check "Shift-Tab back to the description; Enter there starts a new line" \
    wait_for '^ *(x|│)? +Evidence from govconsole: +(x|│)? *$'
keys C-s
check "Ctrl-S asks the usual confirmation" wait_for 'Open an incident for [a-z]+\?'
keys y
check "opened: the instance's number in the flash" wait_for 'opened [a-z]+/incidents/new: INC[0-9]+' 15
num=$(screen | grep -Eo 'opened [a-z]+/incidents/new: INC[0-9]+' | grep -Eo 'INC[0-9]+' | head -1)
rec=$(sim_get "/api/now/table/incident?sysparm_display_value=true&sysparm_query=number=$num&sysparm_fields=impact,description,correlation_id,company")
check "the record: impact Medium, the evidence in lines after the typed one, a correlation id, the tenant's company" \
    python3 -c 'import json,sys; r=json.loads(sys.argv[1])["result"][0]; sys.exit(0 if r["impact"]=="2 - Medium" and r["description"].startswith("Seen by on-call\nEvidence from govconsole:\npod ") and r["correlation_id"].startswith("govconsole-") and r["company"] else 1)' "$rec"
check "audited: the attempt before, the outcome after" \
    bash -c "grep -c 'open incident' '$XDG_STATE_HOME/govconsole/audit.log' | grep -qx 2 && grep 'open incident' '$XDG_STATE_HOME/govconsole/audit.log' | tail -1 | grep -q ok"
keys q
tm_kill

rm -f "$WORK/exit"
start_console 200 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig --readonly -c incidents"
check "--readonly: the incidents" wait_for 'incidents\(all\)\[' 20
keys n
check "--readonly: n is refused, no form" wait_for 'open incidents refused'
keys w
check "--readonly: a work note is refused too" wait_for 'add work notes refused'
keys q
keys q
tm_kill

rm -f "$WORK/exit"
start_console 160 20 "$BIN/govconsole --config /dev/null --kubeconfig $WORK/kubeconfig -c incidents"
check "without [servicenow]: the empty view says so" wait_for 'servicenow is not configured'
keys q
finish
