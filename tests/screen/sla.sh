#!/bin/bash
# Screen test: the sla view against govsim's Nagios archive. One row per tenant for the period;
# its numbers equal `govconsole report sla` for the same days (the same arithmetic and
# formatting, checked cell by cell); [ and ] step the period and come back; :sla MONTH picks
# a month; Enter narrows to a tenant's apps, an app's services, then a service's timeline,
# which begins with Nagios's initial pseudo-state; a session scoped to one tenant sees that
# tenant only; with [sla] period = week the view starts on this week and steps by weeks.
# ServiceNow is configured: the incidents and MTTR columns equal the report's too.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 60 --tenants 3 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
cat >"$WORK/config.ini" <<INI
[nagios]
url = $SIM_URL/nagios4/cgi-bin
[servicenow]
url = $SIM_URL
INI
FROM=$(date -d '-30 days' +%F)
TO=$(date -d '-2 days' +%F)
NEXT_FROM=$(date -d "$TO + 1 day" +%F)
THIS_MONTH=$(date +%Y-%m)
LAST_MONTH=$(date -d "$(date +%Y-%m-15) - 1 month" +%Y-%m)
GC="$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig"

"$BIN/govconsole" report sla --config "$WORK/config.ini" --from "$FROM" --to "$TO" >"$WORK/r.csv"
check "the report for $FROM..$TO has the three tenants" \
    [ "$(grep -c '^[^,]*,tenant,' "$WORK/r.csv")" = 3 ]

start_console 180 30 "$GC -c sla"
check "the sla view starts on this month ($THIS_MONTH), one row per tenant" \
    wait_for "sla\\(all\\)\\[3\\] +$THIS_MONTH "
keys : s l a Space "$FROM..$TO" Enter
check ":sla $FROM..$TO shows that period" wait_for "sla\\(all\\)\\[3\\] +$FROM\\.\\.$TO "
check "its rows are loaded" wait_for '^dmi +[0-9]+ services'
screen >"$WORK/screen.txt"
check "every tenant's target, availability, downtime, budget, incidents, MTTR and status equal the report's" \
    python3 - "$WORK/screen.txt" "$WORK/r.csv" <<'PY'
import csv, re, sys
want = {r['tenant']: r for r in csv.DictReader(open(sys.argv[2], newline='')) if r['level'] == 'tenant'}
seen = 0
for line in open(sys.argv[1]):
    m = re.match(r'^(\S+) +(\d+) services? +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +(\S+) +\[[#-]{10}\] +(.+?)\s*$', line)
    if not m or m.group(1) not in want:
        continue
    r = want[m.group(1)]
    got = (m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), m.group(8),
           ' '.join(m.group(9).split()))
    exp = (r['target_pct'], r['availability_pct'] or '-', r['unplanned_downtime_min'],
           r['scheduled_downtime_min'], r['budget_left_min'], r['budget_left_pct'],
           ' '.join(x for x in (r['incidents'], r['mttr_min'], r['status']) if x))
    assert got == exp, (got, exp)
    assert r['incidents'] != '', r  # ServiceNow answered: a count, 0 or more
    seen += 1
assert seen == 3, seen
PY
keys ']'
check "] steps to the next range of the same length" wait_for "sla\\(all\\)\\[[0-9]+\\] +$NEXT_FROM\\.\\."
keys '['
check "[ comes back" wait_for "sla\\(all\\)\\[3\\] +$FROM\\.\\.$TO "
keys : s l a Space "$LAST_MONTH" Enter
check ":sla $LAST_MONTH picks the month" wait_for "sla\\(all\\)\\[3\\] +$LAST_MONTH "
keys : s l a Space "$FROM..$TO" Enter
check "back on $FROM..$TO" wait_for '^dmi +[0-9]+ services'
keys g # dmi is the first row (tenants in name order)
keys Enter
check "Enter on dmi: its apps" wait_for "sla\\(dmi\\)\\[[0-9]+\\] +$FROM"
check "... app rows (2 services each)" wait_for '^dmi +[a-z0-9-]+ +2 services'
keys Enter
check "Enter on an app: its two services, HTTP and Pods" wait_for 'sla\(dmi\)\[2\]'
check "... the HTTP service row" wait_for '^dmi +[a-z0-9-]+ +dmi-[a-z0-9-]+ HTTP '
keys Enter
check "Enter on a service: its timeline" wait_for 'timeline\(dmi\)\[[0-9]+\]'
check "... from the initial pseudo-state at $FROM 00:00" \
    wait_for "^$FROM 00:00 .* (ok|critical|warning|unknown) +hard Initial Service Pseudo-State"
keys q
keys q
keys q
keys q
tm_kill

start_console 180 30 "$GC --tenant dmi -c sla"
check "a session scoped to dmi: one row" wait_for "sla\\(dmi\\)\\[1\\] +$THIS_MONTH"
check "... dmi's" wait_for '^dmi +[0-9]+ services'
check "... and no other tenant on screen" eval '! screen | grep -Eq "^(registry|skat) "'
keys : s l a Space "$FROM..$TO" Enter
check "... for another period too" wait_for '^dmi +[0-9]+ services'
check "... still no other tenant" eval '! screen | grep -Eq "^(registry|skat) "'
tm_kill

# [sla] period = week: the view starts on this week (Monday to Sunday) and steps by weeks
printf '[sla]\nperiod = week\n' >>"$WORK/config.ini"
MON=$(date -d "$(date +%F) -$(($(date +%u) - 1)) days" +%F)
PREV_MON=$(date -d "$MON - 7 days" +%F)
start_console 180 30 "$GC -c sla"
check "[sla] period = week: the view starts on this week ($MON..)" wait_for "sla\\(all\\)\\[3\\] +$MON\\.\\."
keys '['
check "[ steps a week back ($PREV_MON..)" wait_for "sla\\(all\\)\\[3\\] +$PREV_MON\\.\\."
tm_kill

# ServiceNow that cannot answer: the figures still come, the title line says why
printf '[nagios]\nurl = %s/nagios4/cgi-bin\n[servicenow]\nurl = http://127.0.0.1:1\n' "$SIM_URL" \
    >"$WORK/sndown.ini"
start_console 180 30 "$BIN/govconsole --config $WORK/sndown.ini --kubeconfig $WORK/kubeconfig -c sla"
check "ServiceNow unreachable: the tenants' figures still show" wait_for '^dmi +[0-9]+ services'
check "... and the title line says incidents and MTTR are not shown" \
    wait_for "sla\\(all\\)\\[3\\] +$THIS_MONTH .*incidents and MTTR not shown: ServiceNow: "
check "... and the tenant rows no incident counts" eval '! screen | grep -Eq "^dmi .*\] +[0-9]+ +"'
tm_kill
finish
