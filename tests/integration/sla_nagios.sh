#!/bin/bash
# `govconsole report sla` against a real Nagios 4 (tests/integration/nagios.bash: Debian's
# nagios4 with its CGIs under lighttpd, basic auth, on 127.0.0.1), its archive backdated by
# writing nagios.log before the daemon starts. March 2026 in Europe/Copenhagen (743 hours: the
# clocks go forward on the 29th) with a 90-minute outage of HTTP and a maintenance of Pods
# inside scheduled downtime: the figures must be the hand-computed ones (below). Also: a month
# before the log is "no history" (exit 1), and archivejson's statechangelist of HTTP shows the
# outage. TAP.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
. tests/integration/nagios.bash
export TZ=Europe/Copenhagen

stop_all() {
    nagios_stop
    cleanup
}
trap stop_all EXIT

t() { date -d "$1" +%s; }
# host dmi-forecast-api (hostgroup tenant-dmi, _APP forecast-api) with HTTP and Pods
{
    echo "[$(t '2026-02-28 12:00')] Nagios 4.4.6 starting... (PID=1)"
    echo "[$(t '2026-02-28 12:00')] INITIAL HOST STATE: dmi-forecast-api;UP;HARD;1;PING OK"
    echo "[$(t '2026-02-28 12:00')] INITIAL SERVICE STATE: dmi-forecast-api;HTTP;OK;HARD;1;HTTP OK"
    echo "[$(t '2026-02-28 12:00')] INITIAL SERVICE STATE: dmi-forecast-api;Pods;OK;HARD;1;3/3 ready"
    echo "[$(t '2026-03-10 10:00')] SERVICE ALERT: dmi-forecast-api;HTTP;CRITICAL;HARD;1;connection refused"
    echo "[$(t '2026-03-10 11:30')] SERVICE ALERT: dmi-forecast-api;HTTP;OK;HARD;1;HTTP OK"
    echo "[$(t '2026-03-20 02:00')] SERVICE DOWNTIME ALERT: dmi-forecast-api;Pods;STARTED; Service has entered a period of scheduled downtime"
    echo "[$(t '2026-03-20 02:10')] SERVICE ALERT: dmi-forecast-api;Pods;CRITICAL;HARD;1;restarting"
    echo "[$(t '2026-03-20 02:30')] SERVICE ALERT: dmi-forecast-api;Pods;OK;HARD;1;3/3 ready"
    echo "[$(t '2026-03-20 03:00')] SERVICE DOWNTIME ALERT: dmi-forecast-api;Pods;STOPPED; Service has exited from a period of scheduled downtime"
    echo "[$(t '2026-04-02 12:00')] SERVICE ALERT: dmi-forecast-api;Pods;OK;HARD;1;3/3 ready"
} >"$WORK/history.log"
export NAGIOS_HISTORY="$WORK/history.log"
if ! nagios_start; then
    not_ok "a private Nagios 4 starts (nagios4-core, nagios4-cgi, lighttpd: scripts/deps.sh test)"
    finish
fi
ok "a private Nagios 4 with a backdated archive answers on 127.0.0.1"
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
export GOVCONSOLE_NAGIOS_PASSWORD="$NAGIOS_PASSWORD"
printf '[nagios]\nurl = %s\nuser = %s\n' "$NAGIOS_URL" "$NAGIOS_USER" >"$WORK/config.ini"
report() { "$BIN/govconsole" report sla --config "$WORK/config.ini" "$@"; }

report --from 2026-03-01 --to 2026-03-31 >"$WORK/march.csv" 2>"$WORK/err"
check "March 2026 from the real Nagios: exit 0" [ $? = 0 ]
# 743 h = 2,674,800 s; at 99.5% the budget is 13,374 s = 222.9 min.
# HTTP: 5400 s CRITICAL: 2,669,400 / 2,674,800 = 99.798%, 132.9 min (59.6%) left.
# Pods: 20 min CRITICAL and 40 min OK inside its downtime: 60 min scheduled, nothing unplanned;
# eligible 2,671,200 s, budget 13,356 s = 222.6 min.
want_http='2026-03,service,dmi,forecast-api,dmi-forecast-api,HTTP,99.5,99.798,90.0,0.0,0.0,44580.0,222.9,132.9,59.6,,,met'
want_pods='2026-03,service,dmi,forecast-api,dmi-forecast-api,Pods,99.5,100.000,0.0,60.0,0.0,44520.0,222.6,222.6,100.0,,,met'
want_tenant='2026-03,tenant,dmi,,,,99.5,99.798,90.0,0.0,0.0,44580.0,222.9,132.9,59.6,,,met'
check "HTTP: the hand-computed figures" grep -qx "$want_http"$'\r' "$WORK/march.csv"
check "Pods: downtime excluded, the hand-computed figures" grep -qx "$want_pods"$'\r' "$WORK/march.csv"
check "the tenant dmi (hostgroup tenant-dmi) shows its worst service, HTTP" grep -qx "$want_tenant"$'\r' "$WORK/march.csv"

check "a host in no tenant's hostgroup (mon-ext-01) is not reported" \
    eval '! grep -q mon-ext-01 "$WORK/march.csv"'

# Today, as it happens: HTTP forced CRITICAL through the command file for a few seconds is
# unplanned downtime in today's running period.
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;dmi-forecast-api;HTTP;0;HTTP OK"
sleep 2
nagios_cmd "PROCESS_SERVICE_CHECK_RESULT;dmi-forecast-api;HTTP;2;CRITICAL - Socket timeout"
sleep 4
TODAY=$(date +%F)
report --from "$TODAY" --to "$TODAY" --format json >"$WORK/today.json" 2>"$WORK/err3"
check "today's report follows a CRITICAL forced just now: seconds of unplanned downtime, running" \
    python3 - "$WORK/today.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['period']['complete'] is False
svc = {s['service']: s for t in d['tenants'] for a in t['apps'] for s in a['services']}
assert 2 <= svc['HTTP']['unplanned_downtime_s'] <= 600, svc['HTTP']
assert svc['HTTP']['status'] in ('met', 'at risk', 'breached')
PY

report --from 2025-01-01 --to 2025-01-31 >/dev/null 2>"$WORK/err2"
check "a month before the log: exit 1" [ $? = 1 ]
check "... Nagios has no history for it" grep -q 'Nagios has no history for 2025-01:' "$WORK/err2"

curl -s -u "$NAGIOS_USER:$NAGIOS_PASSWORD" "$NAGIOS_URL/archivejson.cgi?query=statechangelist&objecttype=service&hostname=dmi-forecast-api&servicedescription=HTTP&starttime=$(t 2026-03-01)&endtime=$(t 2026-04-01)" >"$WORK/changes.json"
check "the real statechangelist of HTTP: critical at 10:00 on 10 March, ok 90 minutes later" \
    python3 - "$WORK/changes.json" "$(t '2026-03-10 10:00')" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [(c['timestamp'] // 1000, c['state']) for c in d['data']['statechangelist']]
t = int(sys.argv[2])
assert (t, 32) in ch and (t + 5400, 8) in ch, ch
PY
finish
