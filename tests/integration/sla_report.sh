#!/bin/bash
# `govconsole report sla` against govsim: CSV (RFC 4180, every row's fields, the numbers equal
# to what archivejson.cgi says of each service, apps and tenants their worst service), JSON
# (parses, the documented members), Markdown, --tenant, and the failures that must exit 1 with
# a clear message (a period before the archive, Nagios unreachable, a tenant without services)
# or 2 (a bad command line); with [servicenow], incidents and MTTR equal to what govsim's
# incident table says (queried with curl), and a ServiceNow that cannot answer leaving them
# blank with a warning and exit 0. Needs python3 and curl.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

# 1200 more open incidents: the period's incidents take two Table API pages of 1000
export GOVSIM_SN_INCIDENTS=1200
start_sim --pods 60 --tenants 3 --seed 5 --churn 0
unset GOVSIM_SN_INCIDENTS
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
cat >"$WORK/config.ini" <<INI
[nagios]
url = $SIM_URL/nagios4/cgi-bin
[sla]
target = 99.5
INI
# a tenant's own target: [tenant NAME] belongs to the system file
cat >"$WORK/system.ini" <<INI
[tenant registry]
sla_target = 99.9
[tenant dmi]
servicenow_company = Danmarks Meteorologiske Institut
INI
export GOVCONSOLE_SYSTEM_CONFIG="$WORK/system.ini"
FROM=$(date -d '-30 days' +%F)
TO=$(date -d '-2 days' +%F)
START=$(date -d "$FROM 00:00" +%s)
END=$(date -d "$(date -d "$TO + 1 day" +%F) 00:00" +%s)
report() { "$BIN/govconsole" report sla --config "$WORK/config.ini" "$@"; }

report --from "$FROM" --to "$TO" >"$WORK/r.csv" 2>"$WORK/r.err"
check "CSV: exit 0" [ $? = 0 ]
check "CSV: lines end in CRLF" python3 - "$WORK/r.csv" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
sys.exit(0 if data.endswith(b'\r\n') and data.count(b'\n') == data.count(b'\r\n') > 10 else 1)
PY
check "CSV: the documented header" grep -q $'^period,level,tenant,app,host,service,target_pct,availability_pct,unplanned_downtime_min,scheduled_downtime_min,no_data_min,eligible_min,error_budget_min,budget_left_min,budget_left_pct,incidents,mttr_min,status\r$' "$WORK/r.csv"
curl -s --max-time 30 "$SIM_URL/nagios4/cgi-bin/archivejson.cgi?query=availability&availabilityobjecttype=services&starttime=$START&endtime=$END" >"$WORK/avail.json"
check "CSV: every service's availability and downtime are archivejson's; apps and tenants show their worst; targets per tenant" python3 - "$WORK/r.csv" "$WORK/avail.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
svc = {(s['host_name'], s['description']): s for s in json.load(open(sys.argv[2]))['data']['services']}
assert all(len(r) == 18 for r in rows)
services = [r for r in rows if r['level'] == 'service']
assert len(services) == len(svc) > 0, (len(services), len(svc))
for r in services:
    s = svc[(r['host'], r['service'])]
    up = s['time_ok'] + s['time_warning']
    down = s['time_critical'] + s['time_unknown']
    want = '%.3f' % (100.0 * up / (up + down))
    assert r['availability_pct'] == want, (r, want)
    assert r['unplanned_downtime_min'] == '%.1f' % (down / 60.0), r
    sched = sum(s[k] for k in s if k.startswith('scheduled_time_'))
    assert r['scheduled_downtime_min'] == '%.1f' % (sched / 60.0), r
    assert r['host'] == r['tenant'] + '-' + r['app'], r
    assert r['target_pct'] == ('99.9' if r['tenant'] == 'registry' else '99.5'), r
def worst(rs):
    rank = {'breached': 3, 'at risk': 2, 'met': 1, 'no data': 0}
    return max(rs, key=lambda r: (rank[r['status']], -float(r['availability_pct'] or 101)))
for level, key in (('app', lambda r: (r['tenant'], r['app'])), ('tenant', lambda r: r['tenant'])):
    for a in (r for r in rows if r['level'] == level):
        members = [s for s in services if key(s) == key(a)]
        w = worst(members)
        assert a['availability_pct'] == w['availability_pct'] and a['status'] == w['status'], (a, w)
assert {r['tenant'] for r in rows if r['level'] == 'tenant'} == {'dmi', 'registry', 'skat'}
PY
report --from "$FROM" --to "$TO" --format json >"$WORK/r.json"
check "JSON: exit 0, parses, the documented members, the same services as the CSV" python3 - "$WORK/r.json" "$WORK/r.csv" <<'PY'
import csv, json, sys
d = json.load(open(sys.argv[1]))
p = d['period']
assert p['complete'] is True and p['end'] > p['start'] and p['measured_until'] == p['end']
assert d['warning_is_down'] is False
fig = {'target_pct', 'availability_pct', 'unplanned_downtime_s', 'scheduled_downtime_s',
       'no_data_s', 'eligible_s', 'error_budget_s', 'budget_left_s', 'budget_left_pct',
       'incidents', 'mttr_s', 'status'}
n = 0
for t in d['tenants']:
    assert fig <= set(t) and t['incidents'] is None
    assert t['service_count'] == sum(a['service_count'] for a in t['apps'])
    for a in t['apps']:
        assert fig <= set(a) and a['service_count'] == len(a['services'])
        for s in a['services']:
            assert fig <= set(s)
            assert s['eligible_s'] + s['scheduled_downtime_s'] + s['no_data_s'] == p['end'] - p['start']
            n += 1
rows = [r for r in csv.DictReader(open(sys.argv[2], newline='')) if r['level'] == 'service']
assert n == len(rows)
PY
report --from "$FROM" --to "$TO" --format md >"$WORK/r.md"
check "Markdown: a title and the table" grep -q "^# Service levels $FROM..$TO" "$WORK/r.md"
check "Markdown: the table's header" grep -q '^| Tenant | App | Service | Target % | Availability %' "$WORK/r.md"

report --from "$FROM" --to "$TO" --tenant dmi >"$WORK/dmi.csv"
check "--tenant dmi: exit 0, only dmi's rows" python3 - "$WORK/dmi.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert rows and all(r['tenant'] == 'dmi' for r in rows)
PY

report --from "$FROM" --to "$TO" --tenant nosuch >/dev/null 2>"$WORK/e1"
check "--tenant without services: exit 1 and says so" [ $? = 1 ]
check "... naming the tenant" grep -q 'no services of tenant nosuch' "$WORK/e1"

report --from 2020-01-01 --to 2020-01-31 >"$WORK/old.out" 2>"$WORK/e2"
check "a period before the archive: exit 1" [ $? = 1 ]
check "... 'Nagios has no history for 2020-01' (the whole month)" grep -q 'Nagios has no history for 2020-01:' "$WORK/e2"
check "... and nothing on stdout" [ ! -s "$WORK/old.out" ]

cat >"$WORK/down.ini" <<INI
[nagios]
url = http://127.0.0.1:1/nagios4/cgi-bin
INI
"$BIN/govconsole" report sla --config "$WORK/down.ini" --from "$FROM" --to "$TO" >/dev/null 2>"$WORK/e3"
check "Nagios unreachable: exit 1" [ $? = 1 ]
check "... with a message naming it" grep -q 'report sla: Nagios at http://127.0.0.1:1/' "$WORK/e3"

report --from 2026-02-30 --to 2026-03-01 2>"$WORK/e4"
check "a day that does not exist: exit 2" [ $? = 2 ]
report --from "$TO" --to "$FROM" 2>/dev/null
check "--to before --from: exit 2" [ $? = 2 ]
report --from "$FROM" --to "$TO" --format xml 2>/dev/null
check "--format xml: exit 2" [ $? = 2 ]
"$BIN/govconsole" --help | grep -q 'report sla --from YYYY-MM-DD --to YYYY-MM-DD'
check "--help shows report sla" [ $? = 0 ]
# ---- incidents and MTTR from ServiceNow (docs/sla.md, Incidents) ----
cat "$WORK/config.ini" >"$WORK/sn.ini"
printf '[servicenow]\nurl = %s\n' "$SIM_URL" >>"$WORK/sn.ini"
SFROM=$(date -d "$(date +%Y-%m-01) -1 month" +%F)
STO=$(date +%F)
report --config "$WORK/sn.ini" --from "$SFROM" --to "$STO" --format json >"$WORK/sn.json" 2>"$WORK/sn.err"
check "with [servicenow]: exit 0" [ $? = 0 ]
check "... and no warning" [ ! -s "$WORK/sn.err" ]
curl -s --max-time 30 "$SIM_URL/api/now/table/incident?sysparm_display_value=true&sysparm_exclude_reference_link=true&sysparm_fields=company,cmdb_ci,state,opened_at,resolved_at&sysparm_limit=10000" >"$WORK/inc.json"
check "incidents and MTTR per tenant and app are those of govsim's incident table; services blank" python3 - "$WORK/sn.json" "$WORK/inc.json" <<'PY'
import calendar, json, sys, time
d = json.load(open(sys.argv[1]))
incs = json.load(open(sys.argv[2]))['result']
lo, hi = d['period']['start'], d['period']['measured_until']
tenants = [t['tenant'] for t in d['tenants']]
company = {'Danmarks Meteorologiske Institut': 'dmi'}
def epoch(s):
    return calendar.timegm(time.strptime(s, '%Y-%m-%d %H:%M:%S')) if s else 0
want = {}
for i in incs:
    opened, resolved = epoch(i['opened_at']), epoch(i['resolved_at'])
    if i['state'] == 'Canceled' or not lo <= opened < hi:
        continue
    ci = i['cmdb_ci'] or ''
    t = company.get(i['company']) or next((t for t in tenants if ci.startswith(t + '-')), None)
    if t is None:
        continue
    keys = [(t,)]
    if ci.startswith(t + '-'):
        keys.append((t, ci[len(t) + 1:]))
    for k in keys:
        n, tot, res = want.get(k, (0, 0, 0))
        want[k] = (n + 1, tot + (resolved - opened if resolved else 0), res + (1 if resolved else 0))
def check(k, row):
    n, tot, res = want.get(k, (0, 0, 0))
    assert row['incidents'] == n, (k, row['incidents'], n)
    assert row['mttr_s'] == ((tot + res // 2) // res if res else None), (k, row['mttr_s'], tot, res)
shown = 0
for t in d['tenants']:
    check((t['tenant'],), t)
    shown += t['incidents']
    for a in t['apps']:
        check((t['tenant'], a['app']), a)
        assert all(s['incidents'] is None and s['mttr_s'] is None for s in a['services'])
# not vacuous: govsim seeds a resolved incident per tenant this month and last, and the 1200
# more open ones need a second page
assert shown > 1200 and shown >= 2 * len(tenants) and all(t['mttr_s'] is not None for t in d['tenants']), shown
assert want.get(('dmi',), (0,))[0] > sum(want.get(('dmi', a['app']), (0,))[0] for t in d['tenants'] if t['tenant'] == 'dmi' for a in t['apps']), 'dmi has an incident by its company alone'
PY
report --config "$WORK/sn.ini" --from "$SFROM" --to "$STO" >"$WORK/sn.csv"
check "CSV: the same incidents and MTTR (minutes) as the JSON" python3 - "$WORK/sn.csv" "$WORK/sn.json" <<'PY'
import csv, json, sys
rows = [r for r in csv.DictReader(open(sys.argv[1], newline='')) if r['level'] == 'tenant']
d = {t['tenant']: t for t in json.load(open(sys.argv[2]))['tenants']}
assert rows
for r in rows:
    t = d[r['tenant']]
    assert r['incidents'] == str(t['incidents']), r
    assert r['mttr_min'] == ('%.1f' % (t['mttr_s'] / 60.0) if t['mttr_s'] is not None else ''), r
PY
cp "$WORK/config.ini" "$WORK/sndown.ini"
printf '[servicenow]\nurl = http://127.0.0.1:1\n' >>"$WORK/sndown.ini"
report --config "$WORK/sndown.ini" --from "$SFROM" --to "$STO" >"$WORK/sndown.csv" 2>"$WORK/sndown.err"
check "ServiceNow unreachable: exit 0" [ $? = 0 ]
check "... the figures still there" grep -q ',tenant,dmi,' "$WORK/sndown.csv"
check "... incidents and MTTR blank" python3 - "$WORK/sndown.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
assert rows and all(r['incidents'] == '' and r['mttr_min'] == '' for r in rows)
PY
check "... and a warning on stderr naming ServiceNow" grep -q 'report sla: warning: incidents and MTTR not shown: ServiceNow: ' "$WORK/sndown.err"
finish
