#!/bin/bash
# govsim's MapR data (sim/mapr/datasets.c), checked with curl: volumes, snapshots, streams,
# topics, alarms, tables and HttpFS over the world's tenants, time moving as documented, and the
# /_sim/mapr/ controls (a late dataset, ERROR and HTML answers). TAP-style.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN="${GC_BIN_DIR:-build}/govsim"
. tests/tap.bash
TMP=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT

check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc" "$(head -c 600 "$TMP/body" 2>/dev/null)"; fi
}
# py EXPR: true when the Python expression over d (the last body as JSON) and now (epoch ms)
# holds.
py() {
    python3 -c 'import json, sys, time, datetime
d = json.load(open(sys.argv[1])); now = time.time() * 1000
def mtime(s):  # MapR topic info time: 12-hour clock, zone, AM/PM
    t = datetime.datetime.strptime(s, "%Y-%m-%dT%I:%M:%S.%f%z %p")
    return t.timestamp() * 1000
sys.exit(0 if eval(sys.argv[2]) else 1)' "$TMP/body" "$1" 2>"$TMP/py.err"
}
get() { curl -s -o "$TMP/body" -w '%{http_code}' "http://127.0.0.1:$PORT$1" "${@:2}"; }
post() { curl -s -o "$TMP/body" -X POST "http://127.0.0.1:$PORT$1"; }

"$BIN" --port 0 --tenants 3 --pods 40 --churn 0 --basic-auth reader:pw >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$TMP/out")
    [ -n "$PORT" ] && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "Bail out! govsim did not start"; exit 1; }
A=(-u reader:pw)

code=$(get /rest/volume/list "${A[@]}")
check "volume list: OK, a home volume a tenant, dmi's forecast and mirror, registry's orgs" \
    test "$code:$(python3 -c 'import json,sys; print(",".join(sorted(v["volumename"] for v in json.load(open(sys.argv[1]))["data"])))' "$TMP/body")" = \
    "200:t.dmi.forecast,t.dmi.forecast.mirror,t.dmi.home,t.registry.home,t.registry.orgs,t.skat.home"
check "volume list: sizes in MB as strings, mount paths, the mirror flagged" \
    py '[(v["mountdir"], v["quota"], v["advisoryquota"]) for v in d["data"] if v["volumename"] == "t.dmi.forecast"] == [("/tenants/dmi/forecast", "16384", "14336")] and [v["volumetype"] for v in d["data"] if v["volumename"].endswith(".mirror")] == [1] and d["total"] == len(d["data"])'
code=$(get "/rest/volume/list?columns=used,quota" "${A[@]}")
check "volume list with columns: only those and volumename" \
    py 'all(sorted(v) == ["quota", "used", "volumename"] for v in d["data"]) and len(d["data"]) == 6'
code=$(get "/rest/volume/snapshot/list?columns=volumename,creationtime" "${A[@]}")
check "snapshot list with columns: volumename and creationtime only" \
    py 'len(d["data"]) > 0 and all(sorted(s) == ["creationtime", "volumename"] for s in d["data"])'
code=$(get "/rest/volume/info?name=t.nope.x" "${A[@]}")
check "volume info of an unknown volume: the ERROR envelope" \
    py 'd["status"] == "ERROR" and d["errors"][0]["desc"] == "Volume t.nope.x does not exist"'
code=$(get /rest/alarm/list "${A[@]}")
check "alarm list: registry's volume past its advisory quota" \
    py '[(a["entity"], a["alarm name"], a["alarm state"]) for a in d["data"]] == [("t.registry.orgs", "VOLUME_ALARM_ADVISORY_QUOTA_EXCEEDED", 1)]'
code=$(get "/webhdfs/v1/tenants/dmi/forecast?op=GETFILESTATUS" "${A[@]}")
check "HttpFS: the forecast's mount path changed 10 minutes past the last fourth hour" \
    py 'd["FileStatus"]["type"] == "DIRECTORY" and d["FileStatus"]["modificationTime"] == (now - 600000) // 14400000 * 14400000 + 600000'
code=$(get /rest/table/metadata/list "${A[@]}")
check "table metadata list: dmi's forecast index, registry's two tables, sizes as numbers" \
    py 'd["status"] == "OK" and d["total"] == 3 and [(t["path"], t["totalphysicalsize"]) for t in d["data"]] == [("/tenants/dmi/forecast_index", 96), ("/tenants/registry/orgs_index", 2100), ("/tenants/registry/legacy_names", 640)]'
code=$(get "/rest/table/info?path=/tenants/registry/orgs_index" "${A[@]}")
check "table info: one table's fields" py 'd["total"] == 1 and d["data"][0]["numregions"] == 12 and "totalrows" in d["data"][0]'
code=$(get "/rest/table/info?path=/tenants/nope" "${A[@]}")
check "table info of an unknown table: the ERROR envelope" py 'd["status"] == "ERROR" and d["errors"][0]["id"] == 2'
code=$(get "/webhdfs/v1/tenants/registry/legacy_names?op=GETFILESTATUS" "${A[@]}")
check "HttpFS: the legacy table was last written nine days before today's midnight" \
    py 'd["FileStatus"]["type"] == "FILE" and d["FileStatus"]["modificationTime"] == now // 86400000 * 86400000 - 9 * 86400000'
code=$(get "/webhdfs/v1/tenants/nope?op=GETFILESTATUS" "${A[@]}")
check "HttpFS: an unknown path is 404 FileNotFoundException" \
    test "$code:$(py 'd["RemoteException"]["exception"] == "FileNotFoundException"' && echo y)" = "404:y"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' "http://127.0.0.1:$PORT/webhdfs/v1/tenants/dmi?op=GETFILESTATUS")
check "HttpFS asks for the --basic-auth pair too" test "$code" = 401
code=$(get "/rest/stream/topic/list?path=/tenants/dmi/observations" "${A[@]}")
check "topic list of the observation stream: synop (3 partitions) and lightning (1)" \
    py '[(t["topic"], t["partitions"]) for t in d["data"]] == [("synop", 3), ("lightning", 1)]'
code=$(get "/rest/stream/topic/info?path=/tenants/dmi/observations&topic=synop" "${A[@]}")
check "topic info: one row a partition, its newest message within the last seconds" \
    py 'len(d["data"]) == 3 and all(abs(mtime(p["maxtimestamp"]) - now) < 5000 and p["maxoffset"] > 0 for p in d["data"])'
code=$(get "/rest/stream/info?path=/tenants/x" "${A[@]}")
check "stream info of an unknown stream: the ERROR envelope" py 'd["status"] == "ERROR"'

post "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=36000"
code=$(get "/webhdfs/v1/tenants/dmi/forecast?op=GETFILESTATUS" "${A[@]}")
check "/_sim/mapr/late: the forecast's newest data stays 10 hours back" \
    py 'abs(d["FileStatus"]["modificationTime"] - (now - 36000000)) < 5000'
code=$(get /rest/volume/snapshot/list "${A[@]}")
check "... and so does its newest snapshot" \
    py 'abs(max(s["creationtime"] for s in d["data"] if s["volumename"] == "t.dmi.forecast") - (now - 36000000)) < 5000'
post "/_sim/mapr/late?dataset=/tenants/dmi/observations&seconds=600"
code=$(get "/rest/stream/topic/info?path=/tenants/dmi/observations&topic=lightning" "${A[@]}")
check "/_sim/mapr/late on the stream: its partitions' newest message is 10 minutes old" \
    py 'abs(mtime(d["data"][0]["maxtimestamp"]) - (now - 600000)) < 5000'
post "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=0"
code=$(get "/webhdfs/v1/tenants/dmi/forecast?op=GETFILESTATUS" "${A[@]}")
check "seconds=0 lets the forecast run again" \
    py 'd["FileStatus"]["modificationTime"] == (now - 600000) // 14400000 * 14400000 + 600000'

post "/_sim/mapr/fail?mode=error"
code=$(get /rest/volume/list "${A[@]}")
check "/_sim/mapr/fail?mode=error: 200 with the ERROR envelope" \
    test "$code:$(py 'd["status"] == "ERROR" and "CLDB" in d["errors"][0]["desc"]' && echo y)" = "200:y"
code=$(get /rest/node/list "${A[@]}")
check "... node list (the probe) still answers" py 'd["status"] == "OK"'
post "/_sim/mapr/fail?mode=html"
code=$(get /rest/alarm/list "${A[@]}")
check "/_sim/mapr/fail?mode=html: a sign-in page" grep -q '<html>' "$TMP/body"
post "/_sim/mapr/fail?mode=off"
code=$(get /rest/alarm/list "${A[@]}")
check "mode=off: OK again" py 'd["status"] == "OK"'
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/_sim/mapr/fail?mode=bogus")
check "a bad mode is 400" test "$code" = 400

post "/_sim/mapr/scale?volumes=100"
code=$(get /rest/volume/list "${A[@]}")
check "/_sim/mapr/scale?volumes=100: 100 more volumes, the tenants' in turn" \
    py 'd["total"] == 106 and sum(v["volumename"].startswith(("t.dmi.v", "t.registry.v", "t.skat.v")) for v in d["data"]) == 100 and "t.skat.v00002" in [v["volumename"] for v in d["data"]]'
post "/_sim/mapr/scale?volumes=2000"
code=$(get "/rest/volume/list?columns=used,mirror-percent-complete,actualreplication" "${A[@]}")
check "volume list with columns at 2,006 volumes (written as text): valid JSON, total the items, only those columns and volumename" \
    py 'd["status"] == "OK" and d["total"] == len(d["data"]) == 2006 and all(set(v) == {"volumename", "used", "actualreplication"} | ({"mirror-percent-complete"} if v["volumename"] == "t.dmi.forecast.mirror" else set()) for v in d["data"])'
code=$(get "/rest/volume/snapshot/list?columns=snapshotname" "${A[@]}")
check "snapshot list with columns at 2,006 volumes: total the items, volumename, creationtime and the one asked, in order" \
    py 'd["total"] == len(d["data"]) > 14000 and all(list(s) == ["volumename", "creationtime", "snapshotname"] for s in d["data"])'
# a generated volume is found by name and by path without a walk over the 2,000
code=$(get "/rest/volume/list?columns=mountdir" "${A[@]}")
read -r last_name last_mount < <(python3 -c 'import json, sys; v = json.load(open(sys.argv[1]))["data"][-1]; print(v["volumename"], v["mountdir"])' "$TMP/body")
code=$(get "/rest/volume/info?name=$last_name" "${A[@]}")
check "volume info of the last generated volume ($last_name) by name: that volume" \
    py 'd["status"] == "OK" and [(v["volumename"], v["mountdir"]) for v in d["data"]] == [("'"$last_name"'", "'"$last_mount"'")]'
code=$(get "/webhdfs/v1$last_mount?op=GETFILESTATUS" "${A[@]}")
check "HttpFS of its mount path: a directory" \
    test "$code:$(py 'd["FileStatus"]["type"] == "DIRECTORY"' && echo y)" = "200:y"
short=$(echo "$last_name" | sed 's/\.v0*\([0-9]\)/.v\1/')
code=$(get "/rest/volume/info?name=$short" "${A[@]}")
check "volume info of $short (the number without its zeros): no such volume" py 'd["status"] == "ERROR"'
swap=registry
case $last_mount in /tenants/registry/*) swap=dmi ;; esac
other=$(echo "$last_mount" | sed "s|^/tenants/[^/]*/|/tenants/$swap/|")
code=$(get "/webhdfs/v1$other?op=GETFILESTATUS" "${A[@]}")
check "HttpFS of the same number under another tenant ($other): 404" test "$code" = 404
code=$(get "/rest/alarm/list" "${A[@]}")
check "alarm list at 2,006 volumes: total the items, registry's advisory alarm among them" \
    py 'd["total"] == len(d["data"]) and ("t.registry.orgs", "VOLUME_ALARM_ADVISORY_QUOTA_EXCEEDED") in [(a["entity"], a["alarm name"]) for a in d["data"]]'
post "/_sim/mapr/scale?volumes=0"

kill -TERM "$PID"
wait "$PID"
rc=$?
PID=""
check "govsim stops with status 0" test "$rc" = 0
echo "# $failures failure(s)"
[ "$failures" -eq 0 ]
