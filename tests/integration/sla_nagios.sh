#!/bin/bash
# `govconsole report sla` against Debian's real Nagios 4 CGIs (nagios4-cgi): archivejson.cgi
# and objectjson.cgi read a private configuration and a backdated nagios.log (no daemon is
# needed for the archive), served on 127.0.0.1 by a small CGI runner. March 2026 in
# Europe/Copenhagen (743 hours: the clocks go forward on the 29th) with a 90-minute outage of
# HTTP and a maintenance of Pods inside scheduled downtime: the figures must be the
# hand-computed ones (below). Also: a month before the log is "no history" (exit 1), and the
# timeline of HTTP from statechangelist reads. Needs nagios4-cgi (make test installs it) and
# python3.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
export TZ=Europe/Copenhagen
CGI_DIR=/usr/lib/cgi-bin/nagios4
if [ ! -x "$CGI_DIR/archivejson.cgi" ]; then
    echo "not ok - $CGI_DIR/archivejson.cgi missing: install nagios4-cgi (make deps)"
    exit 1
fi

N="$WORK/n"
mkdir -p "$N/etc" "$N/var"
cat >"$N/etc/nagios.cfg" <<CFG
log_file=$N/var/nagios.log
status_file=$N/var/status.dat
object_cache_file=$N/var/objects.cache
log_rotation_method=n
log_archive_path=$N/var
CFG
cat >"$N/etc/cgi.cfg" <<CFG
main_config_file=$N/etc/nagios.cfg
physical_html_path=/usr/share/nagios4/htdocs
url_html_path=/nagios4
use_authentication=1
authorized_for_all_services=sla
authorized_for_all_hosts=sla
CFG
: >"$N/var/status.dat"
# The objects as the daemon would have cached them: hostgroup tenant-dmi, host dmi-api with
# the services HTTP and Pods.
cat >"$N/var/objects.cache" <<'OBJ'
define timeperiod {
	timeperiod_name	24x7
	alias	24x7
	monday	00:00-24:00
}
define command {
	command_name	c
	command_line	/bin/true
}
define contact {
	contact_name	nobody
	host_notification_period	24x7
	service_notification_period	24x7
	host_notification_commands	c
	service_notification_commands	c
}
define hostgroup {
	hostgroup_name	tenant-dmi
	alias	dmi
	members	dmi-api
}
define host {
	host_name	dmi-api
	address	127.0.0.1
	check_period	24x7
	contacts	nobody
	notification_period	24x7
	max_check_attempts	1
}
define service {
	host_name	dmi-api
	service_description	HTTP
	check_period	24x7
	check_command	c
	contacts	nobody
	notification_period	24x7
	max_check_attempts	1
}
define service {
	host_name	dmi-api
	service_description	Pods
	check_period	24x7
	check_command	c
	contacts	nobody
	notification_period	24x7
	max_check_attempts	1
}
OBJ
t() { date -d "$1" +%s; }
{
    echo "[$(t '2026-02-28 12:00')] Nagios 4.4.6 starting... (PID=1)"
    echo "[$(t '2026-02-28 12:00')] INITIAL HOST STATE: dmi-api;UP;HARD;1;PING OK"
    echo "[$(t '2026-02-28 12:00')] INITIAL SERVICE STATE: dmi-api;HTTP;OK;HARD;1;HTTP OK"
    echo "[$(t '2026-02-28 12:00')] INITIAL SERVICE STATE: dmi-api;Pods;OK;HARD;1;3/3 ready"
    echo "[$(t '2026-03-10 10:00')] SERVICE ALERT: dmi-api;HTTP;CRITICAL;HARD;1;connection refused"
    echo "[$(t '2026-03-10 11:30')] SERVICE ALERT: dmi-api;HTTP;OK;HARD;1;HTTP OK"
    echo "[$(t '2026-03-20 02:00')] SERVICE DOWNTIME ALERT: dmi-api;Pods;STARTED; Service has entered a period of scheduled downtime"
    echo "[$(t '2026-03-20 02:10')] SERVICE ALERT: dmi-api;Pods;CRITICAL;HARD;1;restarting"
    echo "[$(t '2026-03-20 02:30')] SERVICE ALERT: dmi-api;Pods;OK;HARD;1;3/3 ready"
    echo "[$(t '2026-03-20 03:00')] SERVICE DOWNTIME ALERT: dmi-api;Pods;STOPPED; Service has exited from a period of scheduled downtime"
    echo "[$(t '2026-04-02 12:00')] SERVICE ALERT: dmi-api;Pods;OK;HARD;1;3/3 ready"
} >"$N/var/nagios.log"

# A CGI runner on 127.0.0.1 with basic auth (user sla, any password): /nagios4/cgi-bin/X.cgi.
cat >"$WORK/cgi.py" <<'PY'
import base64, http.server, os, subprocess, sys
conf, port_file = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path, _, query = self.path.partition('?')
        auth = self.headers.get('Authorization', '')
        user = base64.b64decode(auth[6:]).decode().split(':')[0] if auth.startswith('Basic ') else ''
        name = path.rsplit('/', 1)[-1]
        if not user:
            self.send_response(401); self.send_header('WWW-Authenticate', 'Basic realm="Nagios Access"'); self.end_headers(); return
        if not path.startswith('/nagios4/cgi-bin/') or name not in ('archivejson.cgi', 'objectjson.cgi'):
            self.send_response(404); self.end_headers(); return
        env = {'REQUEST_METHOD': 'GET', 'QUERY_STRING': query, 'REMOTE_USER': user,
               'NAGIOS_CGI_CONFIG': conf, 'TZ': os.environ.get('TZ', '')}
        out = subprocess.run(['/usr/lib/cgi-bin/nagios4/' + name], env=env, capture_output=True).stdout
        head, _, body = out.partition(b'\r\n\r\n')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json'); self.send_header('Content-Length', str(len(body)))
        self.end_headers(); self.wfile.write(body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(('127.0.0.1', 0), H)
open(port_file, 'w').write(str(s.server_port))
s.serve_forever()
PY
python3 "$WORK/cgi.py" "$N/etc/cgi.cfg" "$WORK/port" &
CGI_PID=$!
trap 'kill $CGI_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || { echo "Bail out! the CGI runner did not start"; exit 1; }
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state" GOVCONSOLE_NAGIOS_PASSWORD=x
cat >"$WORK/config.ini" <<INI
[nagios]
url = http://127.0.0.1:$(cat "$WORK/port")/nagios4/cgi-bin
user = sla
INI
report() { "$BIN/govconsole" report sla --config "$WORK/config.ini" "$@"; }

report --from 2026-03-01 --to 2026-03-31 >"$WORK/march.csv" 2>"$WORK/err"
check "March 2026 from the real CGIs: exit 0" [ $? = 0 ]
# 743 h = 2,674,800 s; at 99.5% the budget is 13,374 s = 222.9 min.
# HTTP: 5400 s CRITICAL: 2,669,400 / 2,674,800 = 99.798%, 132.9 min (59.6%) left.
# Pods: 20 min CRITICAL and 40 min OK inside its downtime: 60 min scheduled, nothing unplanned;
# eligible 2,671,200 s, budget 13,356 s = 222.6 min.
want_http='2026-03,service,dmi,api,dmi-api,HTTP,99.5,99.798,90.0,0.0,0.0,44580.0,222.9,132.9,59.6,,,met'
want_pods='2026-03,service,dmi,api,dmi-api,Pods,99.5,100.000,0.0,60.0,0.0,44520.0,222.6,222.6,100.0,,,met'
want_tenant='2026-03,tenant,dmi,,,,99.5,99.798,90.0,0.0,0.0,44580.0,222.9,132.9,59.6,,,met'
check "HTTP: the hand-computed figures" grep -qx "$want_http"$'\r' "$WORK/march.csv"
check "Pods: downtime excluded, the hand-computed figures" grep -qx "$want_pods"$'\r' "$WORK/march.csv"
check "the tenant dmi (hostgroup tenant-dmi) shows its worst service, HTTP" grep -qx "$want_tenant"$'\r' "$WORK/march.csv"

report --from 2025-01-01 --to 2025-01-31 >/dev/null 2>"$WORK/err2"
check "a month before the log: exit 1" [ $? = 1 ]
check "... Nagios has no history for it" grep -q 'Nagios has no history for 2025-01:' "$WORK/err2"

curl -s -u sla:x "http://127.0.0.1:$(cat "$WORK/port")/nagios4/cgi-bin/archivejson.cgi?query=statechangelist&objecttype=service&hostname=dmi-api&servicedescription=HTTP&starttime=$(t 2026-03-01)&endtime=$(t 2026-04-01)" >"$WORK/changes.json"
check "the real statechangelist of HTTP: critical at 10:00 on 10 March, ok 90 minutes later" \
    python3 - "$WORK/changes.json" "$(t '2026-03-10 10:00')" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = [(c['timestamp'] // 1000, c['state']) for c in d['data']['statechangelist']]
t = int(sys.argv[2])
assert (t, 32) in ch and (t + 5400, 8) in ch, ch
PY
finish
