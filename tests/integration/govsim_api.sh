#!/bin/bash
# govsim's Kubernetes API subset, checked with curl (TAP-style: "ok - ..." / "not ok - ...").
# Run from the repository root; GC_BIN_DIR says where govsim was built (default build).
# Needs curl and python3 (for reading JSON). Every govsim started here is stopped on exit.
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN="${GC_BIN_DIR:-build}/govsim"
for tool in curl python3 timeout; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "not ok - $tool is required by this test but is not installed"
        exit 1
    fi
done
if [ ! -x "$BIN" ]; then
    echo "not ok - $BIN not found (run make govsim, or set GC_BIN_DIR)"
    exit 1
fi

TMP=$(mktemp -d)
SIM_PIDS=()
BG_PIDS=()
failures=0

cleanup() {
    local p
    for p in "${BG_PIDS[@]}" "${SIM_PIDS[@]}"; do
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok - $1"; }
not_ok() {
    echo "not ok - $1"
    failures=$((failures + 1))
}
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# jget FILE EXPR: evaluates a Python expression over d = the JSON in FILE; lists print
# one item a line. Fails (prints nothing) when FILE is not JSON.
jget() {
    python3 -c '
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    r = eval(sys.argv[2])
except Exception as e:
    sys.stderr.write("jget: %s\n" % e)
    sys.exit(1)
if isinstance(r, list):
    print("\n".join(str(x) for x in r))
else:
    print(r)
' "$1" "$2"
}

# start_sim NAME ARGS...: starts govsim, waits for its "listening on" line, and sets
# NAME_PID and NAME_PORT.
start_sim() {
    local name=$1
    shift
    "$BIN" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
    local pid=$!
    SIM_PIDS+=("$pid")
    local port="" i
    for i in $(seq 1 1200); do
        port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/$name.out")
        [ -n "$port" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    printf -v "${name}_PID" '%s' "$pid"
    printf -v "${name}_PORT" '%s' "$port"
    [ -n "$port" ]
}

# stop_sim NAME: SIGTERM, then the exit status must be 0.
stop_sim() {
    local name=$1 pidvar="${1}_PID"
    local pid=${!pidvar} rc
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    rc=$?
    if [ "$rc" -eq 0 ]; then
        ok "$name: stops on SIGTERM with status 0"
    else
        not_ok "$name: stops on SIGTERM with status 0 (got $rc)"
        tail -n 20 "$TMP/$name.err" | sed 's/^/# /'
    fi
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/$name.err"; then
        not_ok "$name: no sanitizer reports"
        grep -E -m 5 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/$name.err" | sed 's/^/# /'
    else
        ok "$name: no sanitizer reports"
    fi
}

# get PORT PATH [curl args...]: body to $TMP/body, status code on stdout.
get() {
    local port=$1 path=$2
    shift 2
    curl -s --max-time 30 -o "$TMP/body" -w '%{http_code}' "$@" "http://127.0.0.1:$port$path"
}

post() {
    curl -s --max-time 30 -X POST -o "$TMP/post" -w '%{http_code}' "http://127.0.0.1:$1$2"
}

# wait_for SECONDS COMMAND...: polls the command every 0.1 s until it succeeds.
wait_for() {
    local limit=$1 i
    shift
    for i in $(seq 1 $((limit * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

TABLE_ACCEPT='application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json'

# ---------------------------------------------------------------------------------------
# The main world, as the contract starts it.
check "govsim --port 0 --pods 500 --seed 7 prints 'listening on 127.0.0.1:PORT'" \
    start_sim A --port 0 --pods 500 --seed 7
if [ -z "${A_PORT:-}" ]; then
    echo "# stderr:"
    sed 's/^/# /' "$TMP/A.err"
    exit 1
fi
P=$A_PORT

check "stdout is exactly the listening line" \
    test "$(cat "$TMP/A.out")" = "listening on 127.0.0.1:$P"

# Discovery.
code=$(get "$P" /version)
check "/version answers gitVersion v1.29.0" \
    test "$code:$(jget "$TMP/body" 'd["gitVersion"]+" "+d["major"]+"."+d["minor"]')" = "200:v1.29.0 1.29"
get "$P" /api >/dev/null
check "/api lists v1" test "$(jget "$TMP/body" 'd["kind"]+" "+",".join(d["versions"])')" = "APIVersions v1"
get "$P" /api/v1 >/dev/null
check "/api/v1 has pods (po), namespaces (ns), nodes" \
    test "$(jget "$TMP/body" '",".join(sorted(r["name"]+"/"+"".join(r.get("shortNames",[])) for r in d["resources"] if r["name"] in ("pods","namespaces","nodes")))')" = "namespaces/ns,nodes/no,pods/po"
check "/api/v1 pods are namespaced and watchable" \
    test "$(jget "$TMP/body" '[r for r in d["resources"] if r["name"]=="pods"][0]["namespaced"] and "watch" in [r for r in d["resources"] if r["name"]=="pods"][0]["verbs"]')" = "True"
get "$P" /apis >/dev/null
check "/apis lists apps/v1" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+d["groups"][0]["preferredVersion"]["groupVersion"]')" = "APIGroupList apps/v1"
get "$P" /apis/apps/v1 >/dev/null
check "/apis/apps/v1 has deployments and replicasets" \
    test "$(jget "$TMP/body" '",".join(sorted(r["name"] for r in d["resources"]))')" = "deployments,replicasets"
for h in healthz livez readyz; do
    code=$(get "$P" "/$h")
    check "/$h answers ok" test "$code:$(cat "$TMP/body")" = "200:ok"
done
code=$(get "$P" /openapi/v2)
check "/openapi/v2 is 404 with a Status" test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["reason"]')" = "404:Status NotFound"

# Paginated list: every pod exactly once, and the count matches /_sim/stats.
count_paged() {
    local c="" pages=0 code
    : >"$TMP/uids"
    : >"$TMP/totals"
    get "$P" /_sim/stats >/dev/null
    jget "$TMP/body" 'd["pods"]' >"$TMP/stats_before"
    while :; do
        code=$(get "$P" "/api/v1/pods?limit=100${c:+&continue=$c}")
        [ "$code" = 200 ] || return 1
        jget "$TMP/body" '[i["metadata"]["uid"] for i in d["items"]]' >>"$TMP/uids"
        jget "$TMP/body" 'd["metadata"].get("remainingItemCount", -1)' >>"$TMP/totals"
        c=$(jget "$TMP/body" 'd["metadata"].get("continue", "")')
        pages=$((pages + 1))
        [ -z "$c" ] && break
        [ "$pages" -gt 100 ] && return 1
    done
    get "$P" /_sim/stats >/dev/null
    jget "$TMP/body" 'd["pods"]' >"$TMP/stats_after"
    PAGES=$pages
    TOTAL=$(grep -c . "$TMP/uids")
    UNIQUE=$(sort -u "$TMP/uids" | grep -c .)
    STATS=$(cat "$TMP/stats_after")
    [ "$(cat "$TMP/stats_before")" = "$STATS" ] && [ "$TOTAL" = "$UNIQUE" ] && [ "$TOTAL" = "$STATS" ]
}
PAGES=0 TOTAL=0 UNIQUE=0 STATS=0
counted=1
for attempt in 1 2 3 4 5; do
    if count_paged; then
        counted=0
        break
    fi
done
echo "# paged list: $PAGES pages, $TOTAL items, $UNIQUE unique uids, /_sim/stats says $STATS"
check "paged list (limit=100): unique uids == items == /_sim/stats pods" test "$counted" = 0
check "paged list took several pages" test "$PAGES" -ge 5
check "pod count is near --pods 500" test "$TOTAL" -ge 480 -a "$TOTAL" -le 520
check "remainingItemCount is set on pages that continue" \
    test "$(head -n 1 "$TMP/totals")" -gt 0

# List envelope and object shape.
get "$P" "/api/v1/namespaces/dmi/pods?limit=2" >/dev/null
check "PodList envelope: kind, apiVersion, metadata.resourceVersion, items without kind" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+d["apiVersion"]+" "+str(d["metadata"]["resourceVersion"].isdigit())+" "+str("kind" in d["items"][0])')" = "PodList v1 True False"
check "pod metadata: uid is a UUID, ownerReferences point at a ReplicaSet" \
    test "$(jget "$TMP/body" '__import__("re").fullmatch("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", d["items"][0]["metadata"]["uid"]) is not None and d["items"][0]["metadata"]["ownerReferences"][0]["kind"] in ("ReplicaSet","Job")')" = "True"
POD=$(jget "$TMP/body" 'd["items"][0]["metadata"]["name"]')
code=$(get "$P" "/api/v1/namespaces/dmi/pods/$POD")
check "GET one pod: kind Pod, same name" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["metadata"]["name"]')" = "200:Pod $POD"
code=$(get "$P" "/api/v1/namespaces/dmi/pods/no-such-pod")
check "missing pod: 404 Status NotFound with details" \
    test "$code:$(jget "$TMP/body" 'd["reason"]+" "+d["message"]+" "+d["details"]["kind"]')" = '404:NotFound pods "no-such-pod" not found pods'
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST "http://127.0.0.1:$P/api/v1/pods")
check "POST on a collection: 405 MethodNotAllowed" \
    test "$code:$(jget "$TMP/body" 'd["reason"]')" = "405:MethodNotAllowed"

# Namespaces carry the tenant label and display name.
get "$P" /api/v1/namespaces >/dev/null
check "namespace dmi has the tenant label and display-name annotation" \
    test "$(jget "$TMP/body" '[i["metadata"]["labels"]["govcloud.sit.dk/tenant"]+"|"+i["metadata"]["annotations"]["govcloud.sit.dk/display-name"] for i in d["items"] if i["metadata"]["name"]=="dmi"][0]')" = "dmi|Danmarks Meteorologiske Institut"
check "kube-system has no tenant label" \
    test "$(jget "$TMP/body" '[("govcloud.sit.dk/tenant" in i["metadata"]["labels"]) for i in d["items"] if i["metadata"]["name"]=="kube-system"][0]')" = "False"
check "namespaces are sorted by name" \
    test "$(jget "$TMP/body" '[i["metadata"]["name"] for i in d["items"]]==sorted(i["metadata"]["name"] for i in d["items"])')" = "True"

# Selectors.
get "$P" "/api/v1/pods" >/dev/null
ALL=$(jget "$TMP/body" 'len(d["items"])')
check "pods are sorted by (namespace, name)" \
    test "$(jget "$TMP/body" '[(i["metadata"]["namespace"],i["metadata"]["name"]) for i in d["items"]]==sorted((i["metadata"]["namespace"],i["metadata"]["name"]) for i in d["items"])')" = "True"
get "$P" "/api/v1/namespaces/dmi/pods?labelSelector=app.kubernetes.io%2Fname%3Dforecast-api" >/dev/null
N=$(jget "$TMP/body" 'len(d["items"])')
check "labelSelector k=v narrows ($N of $ALL) to matching pods" \
    test "$N" -gt 0 -a "$N" -lt "$ALL" -a "$(jget "$TMP/body" 'all(i["metadata"]["labels"]["app.kubernetes.io/name"]=="forecast-api" for i in d["items"])')" = "True"
get "$P" "/api/v1/pods?labelSelector=govcloud.sit.dk%2Ftenant%20in%20(dmi,registry),app.kubernetes.io%2Fname!%3Dorg-api" >/dev/null
check "labelSelector 'in (...)' and '!=' combine" \
    test "$(jget "$TMP/body" 'len(d["items"])>0 and all(i["metadata"]["labels"]["govcloud.sit.dk/tenant"] in ("dmi","registry") and i["metadata"]["labels"]["app.kubernetes.io/name"]!="org-api" for i in d["items"])')" = "True"
get "$P" "/api/v1/pods?labelSelector=job-name" >/dev/null
check "labelSelector existence (job-name) selects CronJob pods" \
    test "$(jget "$TMP/body" 'len(d["items"])>0 and all(i["metadata"]["ownerReferences"][0]["kind"]=="Job" for i in d["items"])')" = "True"
get "$P" "/api/v1/pods?labelSelector=!job-name" >/dev/null
check "labelSelector !key excludes them" \
    test "$(jget "$TMP/body" 'len(d["items"])>0 and all("job-name" not in i["metadata"]["labels"] for i in d["items"])')" = "True"
get "$P" "/api/v1/pods?fieldSelector=status.phase%3DPending" >/dev/null
check "fieldSelector status.phase=Pending" \
    test "$(jget "$TMP/body" 'len(d["items"])>0 and all(i["status"]["phase"]=="Pending" for i in d["items"])')" = "True"
get "$P" "/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-01,metadata.namespace!%3Ddmi" >/dev/null
check "fieldSelector spec.nodeName=node-01,metadata.namespace!=dmi" \
    test "$(jget "$TMP/body" 'len(d["items"])>0 and all(i["spec"]["nodeName"]=="node-01" and i["metadata"]["namespace"]!="dmi" for i in d["items"])')" = "True"
code=$(get "$P" "/api/v1/pods?fieldSelector=spec.bogus%3Dx")
check "unsupported field label: 400 BadRequest" \
    test "$code:$(jget "$TMP/body" 'd["reason"]')" = "400:BadRequest"

# The pod statuses the console must show.
get "$P" "/api/v1/pods" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "as=Table answers a meta.k8s.io/v1 Table with the apiserver's pod columns" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+d["apiVersion"]+" "+",".join(c["name"] for c in d["columnDefinitions"])')" = "Table meta.k8s.io/v1 Name,Ready,Status,Restarts,Age,IP,Node,Nominated Node,Readiness Gates"
check "Table rows carry PartialObjectMetadata by default" \
    test "$(jget "$TMP/body" 'd["rows"][0]["object"]["kind"]+" "+str("namespace" in d["rows"][0]["object"]["metadata"])')" = "PartialObjectMetadata True"
STATUSES=$(jget "$TMP/body" '",".join(sorted(set(r["cells"][2] for r in d["rows"])))')
echo "# pod statuses: $STATUSES"
for s in Running CrashLoopBackOff OOMKilled Pending ContainerCreating ErrImagePull ImagePullBackOff Init:0/1 Completed Terminating; do
    check "the world has $s pods" grep -q "\(^\|,\)$s\(,\|$\)" <<<"$STATUSES"
done
check "restarts print like '4 (2m ago)'" \
    test "$(jget "$TMP/body" 'any(__import__("re").fullmatch(r"\d+ \(\w+ ago\)", r["cells"][3]) for r in d["rows"])')" = "True"
check "a sidecar pod shows 1/2 Running" \
    test "$(jget "$TMP/body" 'any(r["cells"][1]=="1/2" and r["cells"][2]=="Running" for r in d["rows"])')" = "True"
get "$P" "/api/v1/pods?fieldSelector=status.phase%3DRunning" >/dev/null
check "CrashLoopBackOff pods have a waiting reason, lastState.terminated and restarts" \
    test "$(jget "$TMP/body" 'any(c["state"].get("waiting",{}).get("reason")=="CrashLoopBackOff" and c["lastState"]["terminated"]["reason"]=="Error" and c["restartCount"]>0 for i in d["items"] for c in i["status"]["containerStatuses"])')" = "True"
get "$P" "/apis/apps/v1/deployments" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "deployments Table columns" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"])')" = "Name,Ready,Up-to-date,Available,Age,Containers,Images,Selector"
get "$P" "/apis/apps/v1/namespaces/dmi/deployments/forecast-api" >/dev/null
check "GET deployment dmi/forecast-api: kind Deployment with app labels" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+d["metadata"]["labels"]["app.kubernetes.io/name"]+" "+str("app.kubernetes.io/version" in d["metadata"]["labels"])')" = "Deployment forecast-api True"
get "$P" "/api/v1/nodes" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "nodes Table: Name,Status,Roles,Age,Version and node-01 first" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"] if c["priority"]==0)+" "+d["rows"][0]["cells"][0]')" = "Name,Status,Roles,Age,Version node-01"

# Watch from a list's resourceVersion sees changes made by /_sim/churn.
get "$P" "/api/v1/pods?limit=1" >/dev/null
RV=$(jget "$TMP/body" 'd["metadata"]["resourceVersion"]')
timeout 15 curl -sN "http://127.0.0.1:$P/api/v1/pods?watch=1&resourceVersion=$RV&timeoutSeconds=10" >"$TMP/watch1" 2>/dev/null &
BG_PIDS+=($!)
sleep 0.3
code=$(post "$P" "/_sim/churn?n=5")
check "POST /_sim/churn?n=5 answers the new resourceVersion" \
    test "$code" = 200 -a "$(jget "$TMP/post" 'int(d["resourceVersion"])>'"$RV")" = "True"
check "watch from the list's resourceVersion receives MODIFIED/ADDED events" \
    wait_for 5 grep -qE '"type":"(MODIFIED|ADDED)"' "$TMP/watch1"
sleep 0.3
check "every watch line is one JSON event with a full Pod object" \
    python3 -c '
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip()]
ok = len(lines) > 0
for l in lines:
    e = json.loads(l)
    ok = ok and e["type"] in ("ADDED", "MODIFIED", "DELETED") and e["object"]["kind"] == "Pod" \
        and e["object"]["apiVersion"] == "v1" and int(e["object"]["metadata"]["resourceVersion"]) > '"$RV"'
sys.exit(0 if ok else 1)' "$TMP/watch1"

# Compaction: an old resourceVersion gets the 410 ERROR event, an old continue gets 410.
get "$P" "/api/v1/pods?limit=50" >/dev/null
OLD_RV=$(jget "$TMP/body" 'd["metadata"]["resourceVersion"]')
CONT=$(jget "$TMP/body" 'd["metadata"]["continue"]')
code=$(post "$P" /_sim/compact)
check "POST /_sim/compact" test "$code" = 200
timeout 10 curl -sN "http://127.0.0.1:$P/api/v1/pods?watch=1&resourceVersion=$OLD_RV" >"$TMP/watch410" 2>/dev/null
rc=$?
check "watch from a compacted resourceVersion gets one ERROR event with code 410 and ends" \
    test "$rc" = 0 -a "$(jget "$TMP/watch410" 'd["type"]+" "+d["object"]["kind"]+" "+d["object"]["reason"]+" "+str(d["object"]["code"])')" = "ERROR Status Expired 410"
check "the 410 message names the resourceVersion" \
    grep -q "too old resource version: $OLD_RV (" "$TMP/watch410"
code=$(get "$P" "/api/v1/pods?limit=50&continue=$CONT")
check "an expired continue token: HTTP 410 Status Expired" \
    test "$code:$(jget "$TMP/body" 'd["reason"]+" "+str(d["code"])')" = "410:Expired 410"
code=$(get "$P" "/api/v1/pods?limit=50&continue=not-a-token")
check "a malformed continue token: 400" test "$code" = 400

stop_sim A

# ---------------------------------------------------------------------------------------
# A quiet world (no churn) for bookmarks, faults and many watches.
check "govsim --churn 0 --bookmark-interval 1 starts" \
    start_sim B --port 0 --pods 200 --seed 3 --churn 0 --bookmark-interval 1
P=$B_PORT

check "same seed, same world (first page identical across two runs)" bash -c "
    '$BIN' --port 0 --pods 200 --seed 3 --churn 0 >'$TMP/B2.out' 2>/dev/null & pid=\$!
    for i in \$(seq 1 100); do grep -q listening '$TMP/B2.out' && break; sleep 0.1; done
    p2=\$(sed -n 's/^listening on 127.0.0.1://p' '$TMP/B2.out')
    a=\$(curl -s 'http://127.0.0.1:$P/api/v1/pods?limit=20' | python3 -c 'import json,sys; print([i[\"metadata\"][\"name\"] for i in json.load(sys.stdin)[\"items\"]])')
    b=\$(curl -s \"http://127.0.0.1:\$p2/api/v1/pods?limit=20\" | python3 -c 'import json,sys; print([i[\"metadata\"][\"name\"] for i in json.load(sys.stdin)[\"items\"]])')
    kill \$pid; wait \$pid
    [ -n \"\$a\" ] && [ \"\$a\" = \"\$b\" ]"

get "$P" /api/v1/pods?limit=1 >/dev/null
RV=$(jget "$TMP/body" 'd["metadata"]["resourceVersion"]')
timeout 10 curl -sN "http://127.0.0.1:$P/api/v1/pods?watch=true&resourceVersion=$RV&allowWatchBookmarks=true&timeoutSeconds=3" >"$TMP/bookmarks" 2>/dev/null
rc=$?
check "timeoutSeconds=3 ends the watch cleanly" test "$rc" = 0
check "bookmarks arrive: BOOKMARK events with kind Pod and a resourceVersion" \
    python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
bm = [e for e in ev if e["type"] == "BOOKMARK"]
sys.exit(0 if len(bm) >= 2 and all(e["object"]["kind"] == "Pod" and e["object"]["metadata"]["resourceVersion"].isdigit() for e in bm) else 1)' "$TMP/bookmarks"

timeout 10 curl -sN "http://127.0.0.1:$P/api/v1/namespaces/dmi/pods?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan&timeoutSeconds=1" >"$TMP/initial" 2>/dev/null
get "$P" /api/v1/namespaces/dmi/pods >/dev/null
N=$(jget "$TMP/body" 'len(d["items"])')
check "sendInitialEvents: ADDED for each of the $N dmi pods, then the initial-events-end bookmark" \
    python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
added = [e for e in ev if e["type"] == "ADDED"]
bm = [i for i, e in enumerate(ev) if e["type"] == "BOOKMARK" and e["object"]["metadata"].get("annotations", {}).get("k8s.io/initial-events-end") == "true"]
sys.exit(0 if len(added) == int(sys.argv[2]) and bm and bm[0] == len(added) else 1)' "$TMP/initial" "$N"

# Twenty concurrent watches, all fed, then dropped abruptly.
for i in $(seq 1 20); do
    timeout 30 curl -sN "http://127.0.0.1:$P/api/v1/pods?watch=1&resourceVersion=$RV&timeoutSeconds=25" >"$TMP/w$i" 2>/dev/null &
    BG_PIDS+=($!)
    echo $! >"$TMP/w$i.pid"
done
open_watches() {
    get "$P" /_sim/stats >/dev/null
    test "$(jget "$TMP/body" 'd["openWatches"]')" = "$1"
}
check "20 concurrent watches are open" wait_for 10 open_watches 20
post "$P" "/_sim/churn?n=3" >/dev/null
all_fed() {
    local i
    for i in $(seq 1 20); do
        grep -q '"type":"MODIFIED"\|"type":"ADDED"\|"type":"DELETED"' "$TMP/w$i" || return 1
    done
}
check "all 20 watches receive the churn events" wait_for 10 all_fed
code=$(post "$P" /_sim/drop-watches)
check "POST /_sim/drop-watches" test "$code:$(jget "$TMP/post" 'd["dropped"]')" = "200:20"
clean_ends=0
for i in $(seq 1 20); do
    pid=$(cat "$TMP/w$i.pid")
    wait "$pid"
    rc=$?
    # curl reports the unfinished chunked stream (18 partial file or 56 receive error);
    # 0 would be a clean end, 124 the timeout of the test itself.
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then clean_ends=$((clean_ends + 1)); fi
done
check "dropped watches end abruptly (curl sees an unfinished stream)" test "$clean_ends" = 0
check "no watch is open afterwards" wait_for 5 open_watches 0

# Faults.
fault() { post "$P" "/_sim/fault?mode=$1&count=${2:-1}${3:+&path=$3}" >/dev/null; }
fault 500
code=$(get "$P" /api/v1/pods)
check "fault 500: InternalError Status" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "500:InternalError"
code=$(get "$P" "/api/v1/pods?limit=1")
check "fault count=1: the next request is fine again" test "$code" = 200
fault 401
code=$(get "$P" /api/v1/pods)
check "fault 401: Unauthorized Status" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "401:Unauthorized"
fault 403
code=$(get "$P" /api/v1/namespaces/kube-system/pods)
check "fault 403: Forbidden Status like the apiserver's" \
    test "$code:$(jget "$TMP/body" 'd["reason"]+" "+d["details"]["kind"]')" = "403:Forbidden pods" -a \
    "$(jget "$TMP/body" 'd["message"]')" = 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" in the namespace "kube-system"'
fault garbage
code=$(get "$P" /api/v1/pods)
check "fault garbage: 200 with a body that is not JSON" \
    test "$code" = 200 -a "$(python3 -c 'import json,sys; json.load(open(sys.argv[1],"rb"))' "$TMP/body" 2>/dev/null && echo json)" = ""
fault truncate
curl -s --max-time 10 -o "$TMP/trunc" "http://127.0.0.1:$P/api/v1/pods"
rc=$?
check "fault truncate: the body is cut mid-list and the connection closes (curl rc=$rc)" \
    test "$rc" -ne 0 -a "$(head -c 20 "$TMP/trunc")" = '{"kind":"PodList","a' -a \
    "$(python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/trunc" 2>/dev/null && echo json)" = ""
fault hang
start=$(date +%s%N)
curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$P/api/v1/pods" &
hang_pid=$!
BG_PIDS+=($hang_pid)
sleep 0.3
code=$(curl -s --max-time 1 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/version")
check "fault hang does not block other requests" test "$code" = 200
wait "$hang_pid"
rc=$?
check "fault hang: no answer until the client gives up (curl timeout, rc=$rc)" test "$rc" = 28
fault escape
code=$(get "$P" /api/v1/pods)
check "fault escape: 200 with a valid PodList whose names hold ESC and BEL" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+str(any("\x1b" in i["metadata"]["name"] for i in d["items"]) and any("\x07" in i["metadata"]["name"] for i in d["items"]))')" = "200:PodList True"
check "fault escape: statuses hold escape sequences too" \
    test "$(jget "$TMP/body" 'any("\x1b" in c["state"]["waiting"]["reason"] for i in d["items"] for c in i["status"]["containerStatuses"] if "waiting" in c["state"])')" = "True"
fault 500 1 /api/v1/namespaces
code1=$(get "$P" /api/v1/pods?limit=1)
code2=$(get "$P" /api/v1/namespaces)
check "fault path=/api/v1/namespaces only hits that path" test "$code1:$code2" = "200:500"
get "$P" /_sim/stats >/dev/null
check "/_sim/stats reports pods, namespaces, resourceVersion, requests" \
    test "$(jget "$TMP/body" 'd["pods"]==200 and d["namespaces"]>8 and d["resourceVersion"].isdigit() and d["requestsServed"]>10')" = "True"

stop_sim B

# ---------------------------------------------------------------------------------------
check "govsim --token starts" start_sim C --port 0 --pods 30 --token s3cret --churn 0
code=$(get "$C_PORT" /api/v1/pods)
check "--token: no Authorization gives 401 Unauthorized Status" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["reason"]+" "+str(d["code"])')" = "401:Status Unauthorized 401"
code=$(get "$C_PORT" /api/v1/pods -H "Authorization: Bearer wrong")
check "--token: a wrong token gives 401" test "$code" = 401
code=$(get "$C_PORT" /api/v1/pods -H "Authorization: Bearer s3cret")
check "--token: the right token gives 200" test "$code:$(jget "$TMP/body" 'len(d["items"])')" = "200:30"
stop_sim C

# ---------------------------------------------------------------------------------------
t0=$(date +%s%N)
check "a 50,000-pod world starts" start_sim D --port 0 --pods 50000 --seed 7 --churn 0
t1=$(date +%s%N)
code=$(curl -s --max-time 300 -o "$TMP/big.json" -w '%{http_code}' "http://127.0.0.1:$D_PORT/api/v1/pods")
t2=$(date +%s%N)
size=$(stat -c %s "$TMP/big.json")
rss=$(ps -o rss= -p "$D_PID" 2>/dev/null | tr -d ' ')
printf '# 50,000 pods: started in %d ms; unpaged list %d ms, %d MB; govsim RSS %d MB\n' \
    $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000)) $((size / 1000000)) $((${rss:-0} / 1024))
n=$(grep -o '"generateName":"' "$TMP/big.json" | wc -l)
check "the 50,000-pod list is complete ($n items)" test "$code:$n" = "200:50000"
check "the 50,000-pod list ends the JSON document" test "$(tail -c 2 "$TMP/big.json")" = "]}"
rm -f "$TMP/big.json"
stop_sim D

echo "# $failures failure(s)"
[ "$failures" -eq 0 ]
