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

. tests/tap.bash
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
# The main world, as made, held still (--churn 0): its pod statuses are the world's variety
# before churn starts mending them, and paging sees no pod come or go. Churn's steady state
# is demo_steady.sh's test.
check "govsim --port 0 --pods 500 --seed 7 --churn 0 prints 'listening on 127.0.0.1:PORT'" \
    start_sim A --port 0 --pods 500 --seed 7 --churn 0
if [ -z "${A_PORT:-}" ]; then
    echo "# stderr:"
    sed 's/^/# /' "$TMP/A.err"
    exit 1
fi
P=$A_PORT

# --help and docs/simulator.md's option table name the same options.
help_opts=$("$BIN" --help | grep -o -- '--[a-z][a-z-]*' | sort -u | tr '\n' ' ')
doc_opts=$(sed -n 's/^| `\(--[a-z][a-z-]*\).*/\1/p' docs/simulator.md | sort -u | tr '\n' ' ')
check "govsim --help and docs/simulator.md list the same options ($help_opts)" test "$help_opts" = "$doc_opts"
"$BIN" --basic-auth no-colon >/dev/null 2>&1
check "--basic-auth without USER:PASSWORD is a bad command line (status 2)" test $? = 2
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
check "/apis/apps/v1 has deployments, replicasets, statefulsets and their scale subresources" \
    test "$(jget "$TMP/body" '",".join(sorted(r["name"] for r in d["resources"]))')" = "deployments,deployments/scale,replicasets,statefulsets,statefulsets/scale"
check "the scale subresources are autoscaling/v1 Scale (what kubectl's scale client resolves)" \
    test "$(jget "$TMP/body" '",".join(sorted(r.get("group","")+"/"+r.get("version","")+"/"+r["kind"]+"/"+" ".join(r["verbs"]) for r in d["resources"] if r["name"].endswith("/scale")))')" = "autoscaling/v1/Scale/get patch update,autoscaling/v1/Scale/get patch update"
get "$P" /api/v1 >/dev/null
check "/api/v1 has events (ev), resourcequotas (quota), pods/log, and pods can be deleted" \
    test "$(jget "$TMP/body" '",".join(sorted(r["name"]+"/"+"".join(r.get("shortNames",[])) for r in d["resources"] if r["name"] in ("events","resourcequotas","pods/log")))+" "+str("delete" in [r for r in d["resources"] if r["name"]=="pods"][0]["verbs"])')" = "events/ev,pods/log/,resourcequotas/quota True"
get "$P" /apis >/dev/null
check "/apis lists apps/v1, authorization.k8s.io/v1 and metrics.k8s.io/v1beta1" \
    test "$(jget "$TMP/body" '",".join(g["preferredVersion"]["groupVersion"] for g in d["groups"])')" = "apps/v1,authorization.k8s.io/v1,metrics.k8s.io/v1beta1"
code=$(get "$P" /apis/authorization.k8s.io)
check "/apis/authorization.k8s.io: an APIGroup preferring v1" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["preferredVersion"]["groupVersion"]')" = "200:APIGroup authorization.k8s.io/v1"
code=$(get "$P" /apis/metrics.k8s.io)
check "/apis/metrics.k8s.io: an APIGroup preferring v1beta1" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["preferredVersion"]["groupVersion"]')" = "200:APIGroup metrics.k8s.io/v1beta1"
get "$P" /apis/metrics.k8s.io/v1beta1 >/dev/null
check "/apis/metrics.k8s.io/v1beta1 has nodes (NodeMetrics) and pods (PodMetrics)" \
    test "$(jget "$TMP/body" '",".join(sorted(r["name"]+"/"+r["kind"] for r in d["resources"]))')" = "nodes/NodeMetrics,pods/PodMetrics"
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
check "govsim --token --forbid-namespace starts" \
    start_sim C --port 0 --pods 80 --token s3cret --churn 0 --forbid-namespace skat --forbid-namespace dmi-sandbox
code=$(get "$C_PORT" /api/v1/pods)
check "--token: no Authorization gives 401 Unauthorized Status" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["reason"]+" "+str(d["code"])')" = "401:Status Unauthorized 401"
code=$(get "$C_PORT" /api/v1/pods -H "Authorization: Bearer wrong")
check "--token: a wrong token gives 401" test "$code" = 401
code=$(get "$C_PORT" /api/v1/pods -H "Authorization: Bearer s3cret")
check "--token: the right token gives 200" test "$code:$(jget "$TMP/body" 'len(d["items"])')" = "200:80"
check "--forbid-namespace: cluster-wide lists still include skat's pods" \
    test "$(jget "$TMP/body" 'any(i["metadata"]["namespace"]=="skat" for i in d["items"])')" = True
SKAT_POD=$(jget "$TMP/body" '[i["metadata"]["name"] for i in d["items"] if i["metadata"]["namespace"]=="skat"][0]')
SA='User "system:serviceaccount:govcloud-system:govconsole"'
code=$(get "$C_PORT" /api/v1/namespaces/skat/pods -H "Authorization: Bearer s3cret")
check "--forbid-namespace skat: listing pods in it is 403 Forbidden with RBAC's message" \
    test "$code:$(jget "$TMP/body" 'd["reason"]+"|"+d["message"]+"|"+d["details"]["kind"]')" = "403:Forbidden|pods is forbidden: $SA cannot list resource \"pods\" in API group \"\" in the namespace \"skat\"|pods"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X DELETE -H "Authorization: Bearer s3cret" \
    "http://127.0.0.1:$C_PORT/api/v1/namespaces/skat/pods/$SKAT_POD")
check "--forbid-namespace skat: DELETE of a pod in it is 403 naming the pod, verb and namespace" \
    test "$code:$(jget "$TMP/body" 'd["message"]+"|"+d["details"]["name"]+"|"+d["details"]["kind"]')" = "403:pods \"$SKAT_POD\" is forbidden: $SA cannot delete resource \"pods\" in API group \"\" in the namespace \"skat\"|$SKAT_POD|pods"
code=$(get "$C_PORT" "/api/v1/namespaces/skat/pods/$SKAT_POD" -H "Authorization: Bearer s3cret")
check "... and the pod is still there (a forbidden DELETE changes nothing), though a GET is 403 too" test "$code" = 403
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H "Authorization: Bearer s3cret" \
    -H 'Content-Type: application/merge-patch+json' -d '{"spec":{"replicas":1}}' \
    "http://127.0.0.1:$C_PORT/apis/apps/v1/namespaces/skat/deployments/tax-calc/scale")
check "--forbid-namespace: PATCH of a deployment's scale is 403 on deployments/scale in group apps" \
    test "$code:$(jget "$TMP/body" 'd["message"]')" = "403:deployments.apps \"tax-calc\" is forbidden: $SA cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"skat\""
code=$(get "$C_PORT" /api/v1/namespaces/dmi-sandbox/events -H "Authorization: Bearer s3cret")
check "--forbid-namespace is repeatable (dmi-sandbox events: 403)" test "$code" = 403
code=$(get "$C_PORT" /api/v1/namespaces/dmi/pods -H "Authorization: Bearer s3cret")
check "--forbid-namespace: other namespaces are served" test "$code" = 200
curl -s -o "$TMP/body" -H "Authorization: Bearer s3cret" "http://127.0.0.1:$C_PORT/api/v1/namespaces/skat/pods?limit=1" >/dev/null

# SelfSubjectAccessReview: allowed follows the refusals above.
SSAR=/apis/authorization.k8s.io/v1/selfsubjectaccessreviews
# review ATTRS_JSON [curl args...]: POSTs a review of those spec fields; body to $TMP/body.
review() {
    local spec=$1
    shift
    curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' "$@" \
        -d "{\"kind\":\"SelfSubjectAccessReview\",\"apiVersion\":\"authorization.k8s.io/v1\",\"spec\":$spec}" \
        "http://127.0.0.1:$C_PORT$SSAR"
}
AUTH=(-H "Authorization: Bearer s3cret")
code=$(review '{"resourceAttributes":{"verb":"list","resource":"pods"}}')
check "SelfSubjectAccessReview without the token: 401 as everywhere" test "$code" = 401
code=$(review '{"resourceAttributes":{"namespace":"skat","verb":"delete","resource":"pods"}}' "${AUTH[@]}")
check "review of delete pods in skat: 201, the review echoed, allowed false" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["apiVersion"]+" "+d["spec"]["resourceAttributes"]["verb"]+" "+d["spec"]["resourceAttributes"]["namespace"]+" "+str(d["status"]["allowed"])')" = "201:SelfSubjectAccessReview authorization.k8s.io/v1 delete skat False"
code=$(review '{"resourceAttributes":{"namespace":"dmi","verb":"delete","resource":"pods"}}' "${AUTH[@]}")
check "review of delete pods in dmi: allowed" test "$code:$(jget "$TMP/body" 'd["status"]["allowed"]')" = "201:True"
code=$(review '{"resourceAttributes":{"verb":"list","resource":"pods"}}' "${AUTH[@]}")
check "review of a cluster-wide list of pods: allowed, as /api/v1/pods answers 200 with skat's pods" \
    test "$code:$(jget "$TMP/body" 'd["status"]["allowed"]'):$(get "$C_PORT" /api/v1/pods "${AUTH[@]}")" = "201:True:200"
code=$(review '{"resourceAttributes":{"verb":"get","resource":"namespaces","name":"dmi-sandbox"}}' "${AUTH[@]}")
check "review of get namespaces/dmi-sandbox: not allowed, as its GET is 403" \
    test "$code:$(jget "$TMP/body" 'd["status"]["allowed"]'):$(get "$C_PORT" /api/v1/namespaces/dmi-sandbox "${AUTH[@]}")" = "201:False:403"
code=$(review '{"resourceAttributes":{"namespace":"skat","verb":"patch","group":"apps","resource":"deployments","subresource":"scale","name":"tax-calc"}}' "${AUTH[@]}")
check "review of patch deployments/scale in skat: not allowed, the attributes echoed" \
    test "$code:$(jget "$TMP/body" 'd["spec"]["resourceAttributes"]["subresource"]+" "+d["spec"]["resourceAttributes"]["name"]+" "+str(d["status"]["allowed"])')" = "201:scale tax-calc False"
code=$(review '{"nonResourceAttributes":{"path":"/healthz","verb":"get"}}' "${AUTH[@]}")
check "review of a non-resource path: allowed" test "$code:$(jget "$TMP/body" 'd["status"]["allowed"]')" = "201:True"
code=$(review '{}' "${AUTH[@]}")
check "a review with neither attribute set: 422 Invalid" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "422:Invalid"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X POST "${AUTH[@]}" -d 'not json' "http://127.0.0.1:$C_PORT$SSAR")
check "a review that is not JSON: 400" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "400:BadRequest"
code=$(get "$C_PORT" "$SSAR" "${AUTH[@]}")
check "GET of selfsubjectaccessreviews: 405" test "$code" = 405
get "$C_PORT" /apis/authorization.k8s.io/v1 "${AUTH[@]}" >/dev/null
check "/apis/authorization.k8s.io/v1 lists selfsubjectaccessreviews (create, cluster-scoped)" \
    test "$(jget "$TMP/body" '",".join(r["name"]+"/"+r["kind"]+"/"+" ".join(r["verbs"])+"/"+str(r["namespaced"]) for r in d["resources"])')" = "selfsubjectaccessreviews/SelfSubjectAccessReview/create/False"
stop_sim C

# ---------------------------------------------------------------------------------------
# Mutations, logs, events, quotas and metrics in a quiet world (no churn: every change
# below comes from the requests themselves and the controller that follows them up).
check "govsim --churn 0 (mutations world) starts" start_sim E --port 0 --pods 400 --seed 5 --churn 0
P=$E_PORT
API="http://127.0.0.1:$P"

# This world has an unscheduled pod with a sidecar: no container statuses, so kubectl's
# STATUS is the phase, Pending, not the sidecar's ContainerCreating.
get "$P" "/api/v1/pods" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "an unscheduled pod with a sidecar reads 0/2 Pending, as kubectl prints it" \
    test "$(jget "$TMP/body" '",".join(sorted(set(r["cells"][1]+" "+r["cells"][2] for r in d["rows"] if r["cells"][6]=="<none>" and r["cells"][1].endswith("/2"))))')" = "0/2 Pending"

# /_sim/delay?get=MS holds back GETs of one object, and only those, and only their own
# connection. secs: seconds from a curl -w time_total, as milliseconds.
ms_of() { python3 -c 'import sys; print(int(float(sys.argv[1]) * 1000))' "$1"; }
DPOD=$(curl -s "$API/api/v1/namespaces/dmi/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["metadata"]["name"])')
code=$(post "$P" "/_sim/delay?get=1500")
check "POST /_sim/delay?get=1500 answers {\"get\":1500}" test "$code:$(jget "$TMP/post" 'd["get"]')" = "200:1500"
curl -s -o /dev/null -w '%{http_code} %{time_total}' "$API/api/v1/namespaces/dmi/pods/$DPOD" >"$TMP/delayed" &
DELAYED=$!
sleep 0.3
read -r l_code t_list < <(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$API/api/v1/namespaces/dmi/pods")
read -r g_code t_log < <(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$API/api/v1/namespaces/dmi/pods/$DPOD/log?tailLines=1&container=$(curl -s "$API/api/v1/namespaces/dmi/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["spec"]["containers"][0]["name"])')")
t_watch=$(curl -s -o /dev/null -w '%{time_total}' "$API/api/v1/namespaces/dmi/pods?watch=1&fieldSelector=metadata.name%3D$DPOD&timeoutSeconds=1")
wait "$DELAYED"
read -r d_code d_time <"$TMP/delayed"
echo "# delay 1500 ms: the pod GET took $(ms_of "$d_time") ms; meanwhile a list $(ms_of "$t_list") ms, a log $(ms_of "$t_log") ms"
check "with the delay, a GET of one pod answers after 1.5 s" test "$d_code" = 200 -a "$(ms_of "$d_time")" -ge 1450
check "... while the list and the pod's log, on other connections, answer at once" \
    test "$l_code:$g_code" = "200:200" -a "$(ms_of "$t_list")" -lt 1000 -a "$(ms_of "$t_log")" -lt 1000
check "... and a watch is not held back (it ends at its timeoutSeconds=1)" test "$(ms_of "$t_watch")" -lt 1400
t_dep=$(curl -s -o /dev/null -w '%{time_total}' "$API/apis/apps/v1/namespaces/dmi/deployments/forecast-api")
check "a GET of one Deployment is held back too" test "$(ms_of "$t_dep")" -ge 1450
get "$P" /_sim/stats >/dev/null
check "/_sim/stats reports getDelayMs" test "$(jget "$TMP/body" 'd["getDelayMs"]')" = 1500
code=$(post "$P" "/_sim/delay?get=0")
t_pod=$(curl -s -o /dev/null -w '%{time_total}' "$API/api/v1/namespaces/dmi/pods/$DPOD")
check "/_sim/delay?get=0 turns it off" test "$code" = 200 -a "$(ms_of "$t_pod")" -lt 1000
code=$(post "$P" "/_sim/delay?get=soon")
check "/_sim/delay with get that is not milliseconds: 400" test "$code" = 400

# pods_of NS APP: "name uid phase ready deleting" of the app's pods, one a line, sorted.
pods_of() {
    curl -s --max-time 10 "$API/api/v1/namespaces/$1/pods?labelSelector=app.kubernetes.io%2Fname%3D$2" |
        python3 -c '
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
for i in json.load(sys.stdin)["items"]:
    cs = i["status"].get("containerStatuses", [])
    print(i["metadata"]["name"], i["metadata"]["uid"], i["status"]["phase"],
          all(c["ready"] for c in cs) and bool(cs), "deleting" if "deletionTimestamp" in i["metadata"] else "-")'
}
# deploy_status NS NAME: "spec replicas updated ready available progressingReason generation"
deploy_status() {
    curl -s --max-time 10 "$API/apis/apps/v1/namespaces/$1/deployments/$2" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["status"]
prog = [c["reason"] for c in s.get("conditions", []) if c["type"] == "Progressing"]
print(d["spec"]["replicas"], s.get("replicas", 0), s.get("updatedReplicas", 0), s.get("readyReplicas", 0),
      s.get("availableReplicas", 0), prog[0] if prog else "-", d["metadata"]["generation"])'
}

# A Deployment of a few replicas whose pods all run, without a sidecar: APP in NS.
get "$P" "/apis/apps/v1/deployments" >/dev/null
cp "$TMP/body" "$TMP/deploys.json"
get "$P" "/api/v1/pods" >/dev/null
cp "$TMP/body" "$TMP/pods_e.json"
read -r NS APP REPLICAS <<<"$(python3 -c '
import json, sys
deps = json.load(open(sys.argv[1]))["items"]
pods = json.load(open(sys.argv[2]))["items"]
for d in deps:
    ns, name, n = d["metadata"]["namespace"], d["metadata"]["name"], d["spec"]["replicas"]
    mine = [p for p in pods if p["metadata"]["namespace"] == ns and p["metadata"]["labels"].get("app.kubernetes.io/name") == name]
    if ns.endswith("sandbox") or ns == "kube-system" or not 3 <= n <= 6 or len(mine) != n:
        continue
    if all(p["status"]["phase"] == "Running" and len(p["spec"]["containers"]) == 1 and "deletionTimestamp" not in p["metadata"]
           and all(c["ready"] for c in p["status"]["containerStatuses"]) for p in mine):
        print(ns, name, n)
        break' "$TMP/deploys.json" "$TMP/pods_e.json")"
echo "# mutations use deployment $NS/$APP ($REPLICAS replicas)"
check "a Deployment with all its $REPLICAS pods Running was found" test -n "${APP:-}"

# ReplicaSets: one per Deployment at its revision, the previous revision's kept at 0.
get "$P" "/apis/apps/v1/replicasets" >/dev/null
cp "$TMP/body" "$TMP/rs.json"
check "every Deployment has one ReplicaSet at its revision with its replicas, owned (controller) by it; older ones are at 0" python3 -c '
import json, sys
deps = json.load(open(sys.argv[1]))["items"]
rs = json.load(open(sys.argv[2]))["items"]
rev = lambda o: int(o["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
ok = len(rs) > len(deps) and all(r["metadata"]["ownerReferences"][0]["kind"] == "Deployment" and r["metadata"]["ownerReferences"][0]["controller"] is True for r in rs)
for d in deps:
    mine = [r for r in rs if r["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]]
    cur = [r for r in mine if rev(r) == rev(d)]
    old = [r for r in mine if rev(r) < rev(d)]
    good = (len(cur) == 1 and len(old) == len(mine) - 1 and cur[0]["spec"]["replicas"] == d["spec"]["replicas"]
            and cur[0]["metadata"]["name"] == d["metadata"]["name"] + "-" + cur[0]["metadata"]["labels"]["pod-template-hash"]
            and cur[0]["spec"]["selector"]["matchLabels"]["pod-template-hash"] == cur[0]["metadata"]["labels"]["pod-template-hash"]
            and sum(r["status"]["replicas"] for r in mine) == d["status"].get("replicas", 0)
            and all(r["spec"]["replicas"] == 0 and r["status"]["replicas"] == 0 for r in old))
    if not good:
        print("# %s/%s: %s" % (d["metadata"]["namespace"], d["metadata"]["name"], [(r["metadata"]["name"], rev(r), r["spec"]["replicas"]) for r in mine]))
    ok = ok and good
sys.exit(0 if ok else 1)' "$TMP/deploys.json" "$TMP/rs.json"
check "every Deployment pod is owned by a listed ReplicaSet (name, uid) with its pod-template-hash" python3 -c '
import json, sys
rs = {r["metadata"]["uid"]: r for r in json.load(open(sys.argv[1]))["items"]}
n = 0
for p in json.load(open(sys.argv[2]))["items"]:
    o = p["metadata"].get("ownerReferences", [{}])[0]
    if o.get("kind") != "ReplicaSet":
        continue
    n += 1
    r = rs.get(o["uid"])
    if r is None or r["metadata"]["name"] != o["name"] or r["metadata"]["labels"]["pod-template-hash"] != p["metadata"]["labels"]["pod-template-hash"]:
        print("# " + p["metadata"]["name"]); sys.exit(1)
sys.exit(0 if n > 100 else 1)' "$TMP/rs.json" "$TMP/pods_e.json"
check "ReplicaSets listed in pages of 7 are the unpaged list, sorted by namespace and name" python3 -c '
import json, sys, urllib.parse, urllib.request
want = [(r["metadata"]["namespace"], r["metadata"]["name"]) for r in json.load(open(sys.argv[1]))["items"]]
got, cont = [], ""
while True:
    d = json.load(urllib.request.urlopen(sys.argv[2] + "/apis/apps/v1/replicasets?limit=7" + ("&continue=" + urllib.parse.quote(cont) if cont else "")))
    got += [(r["metadata"]["namespace"], r["metadata"]["name"]) for r in d["items"]]
    cont = d["metadata"].get("continue")
    if not cont:
        break
sys.exit(0 if got == want == sorted(want) else 1)' "$TMP/rs.json" "$API"
check "a Deployment's previous ReplicaSet ran an older release: another image and app.kubernetes.io/version (its labels and its template's), the pod template otherwise the same" python3 -c '
import json, sys
deps = json.load(open(sys.argv[1]))["items"]
rs = json.load(open(sys.argv[2]))["items"]
rev = lambda o: int(o["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
ver = lambda o: o["metadata"]["labels"].get("app.kubernetes.io/version")
image = lambda t: t["spec"]["containers"][0]["image"]
def bare(t):
    t = json.loads(json.dumps(t))
    for k in ("pod-template-hash", "app.kubernetes.io/version"):
        t["metadata"]["labels"].pop(k, None)
    for c in t["spec"]["containers"] + t["spec"].get("initContainers", []):
        c.pop("image")
    return t
n = 0
for d in deps:
    mine = sorted((r for r in rs if r["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"]), key=rev)
    if len(mine) != 2:
        continue
    old, cur = mine
    n += 1
    tenant = d["metadata"]["namespace"] != "kube-system"
    good = (image(old["spec"]["template"]) != image(cur["spec"]["template"]) == image(d["spec"]["template"])
            and old["spec"]["template"]["spec"].get("initContainers", [{"image": 1}])[0]["image"] in (1, image(old["spec"]["template"]))
            and ver(old) == ver(old["spec"]["template"]) and ver(cur) == ver(cur["spec"]["template"]) == ver(d)
            and (ver(old) != ver(cur) if tenant else ver(old) is None)
            and bare(old["spec"]["template"]) == bare(cur["spec"]["template"]))
    if not good:
        print("# %s/%s: %s %s, %s %s" % (d["metadata"]["namespace"], d["metadata"]["name"], ver(old), image(old["spec"]["template"]), ver(cur), image(cur["spec"]["template"])))
        sys.exit(1)
sys.exit(0 if n > 20 else 1)' "$TMP/deploys.json" "$TMP/rs.json"
check "kubectl's rule finds each Deployment's current ReplicaSet: exactly one has its pod template (pod-template-hash aside), the one at its revision" python3 -c '
import json, sys
deps = json.load(open(sys.argv[1]))["items"]
rs = json.load(open(sys.argv[2]))["items"]
rev = lambda o: o["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
def bare(t):
    t = json.loads(json.dumps(t))
    t["metadata"]["labels"].pop("pod-template-hash", None)
    return t
for d in deps:
    same = [r for r in rs if r["metadata"]["ownerReferences"][0]["uid"] == d["metadata"]["uid"] and bare(r["spec"]["template"]) == bare(d["spec"]["template"])]
    if len(same) != 1 or rev(same[0]) != rev(d):
        print("# %s/%s: %s" % (d["metadata"]["namespace"], d["metadata"]["name"], [r["metadata"]["name"] for r in same]))
        sys.exit(1)' "$TMP/deploys.json" "$TMP/rs.json"
OLD_RS=$(jget "$TMP/rs.json" '[r["metadata"]["namespace"]+"/"+r["metadata"]["name"] for r in d["items"] if r["spec"]["replicas"] == 0][0]')
code=$(get "$P" "/apis/apps/v1/namespaces/${OLD_RS%%/*}/replicasets/${OLD_RS#*/}")
check "GET of an old ReplicaSet ($OLD_RS): kind ReplicaSet, 0 replicas" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+str(d["spec"]["replicas"])+" "+str(d["status"]["replicas"])')" = "200:ReplicaSet 0 0"
get "$P" "/apis/apps/v1/namespaces/${OLD_RS%%/*}/replicasets" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "replicasets Table: Name, Desired, Current, Ready, Age and the old one at 0 0 0" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"] if c["priority"]==0)+" "+str([r["cells"][1:4] for r in d["rows"] if r["cells"][0]=="'"${OLD_RS#*/}"'"])')" = "Name,Desired,Current,Ready,Age [[0, 0, 0]]"

# Restarted containers tell why their last run ended.
check "every restarted container has lastState.terminated (reason, exitCode, startedAt <= finishedAt <= the current start); OOMKilled (137) and Error among them" python3 -c '
import json, sys
reasons = set()
ok = True
for p in json.load(open(sys.argv[1]))["items"]:
    for c in p["status"].get("containerStatuses", []):
        if c["restartCount"] == 0:
            continue
        t = c["lastState"].get("terminated")
        cur = c["state"].get("running", c["state"].get("terminated", {})).get("startedAt", "9")
        if not t or t["startedAt"] > t["finishedAt"] or t["finishedAt"] > cur or {t["reason"]: t["exitCode"]} not in ({"OOMKilled": 137}, {"Error": 1}):
            print("# %s: %s" % (p["metadata"]["name"], c["lastState"]))
            ok = False
        else:
            reasons.add(t["reason"])
sys.exit(0 if ok and reasons == {"OOMKilled", "Error"} else 1)' "$TMP/pods_e.json"

# kubectl delete pod: the pod (with deletionTimestamp), then DELETED, and the ReplicaSet's
# replacement (a new name and uid) Running a second or two later.
pods_of "$NS" "$APP" >"$TMP/before"
read -r VICTIM VICTIM_UID _ <"$TMP/before"
get "$P" "/api/v1/namespaces/$NS/pods?limit=1" >/dev/null
RV=$(jget "$TMP/body" 'd["metadata"]["resourceVersion"]')
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X DELETE -H 'Content-Type: application/json' \
    -d '{"kind":"DeleteOptions","apiVersion":"v1","propagationPolicy":"Background"}' "$API/api/v1/namespaces/$NS/pods/$VICTIM")
check "DELETE pod: 200 with the Pod, its deletionTimestamp and grace period" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["metadata"]["name"]+" "+str("deletionTimestamp" in d["metadata"])+" "+str(d["metadata"]["deletionGracePeriodSeconds"])')" = "200:Pod $VICTIM True 30"
replaced() {
    pods_of "$NS" "$APP" >"$TMP/after"
    [ "$(grep -c . "$TMP/after")" = "$REPLICAS" ] && ! grep -q "^$VICTIM " "$TMP/after" &&
        [ "$(grep -c ' Running True -$' "$TMP/after")" = "$REPLICAS" ]
}
check "the deleted pod goes and the owner's replacement (new name) is Running within 10 s" wait_for 10 replaced
check "the replacement has a new uid" bash -c "! grep -q '$VICTIM_UID' '$TMP/after'"
timeout 5 curl -sN "$API/api/v1/namespaces/$NS/pods?watch=1&resourceVersion=$RV&timeoutSeconds=1" >"$TMP/delwatch" 2>/dev/null
check "a watch from before sees the pod MODIFIED (Terminating), DELETED, and the replacement ADDED" python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mine = [(e["type"], e["object"]["metadata"]["name"]) for e in ev]
victim = sys.argv[2]
ok = ("MODIFIED", victim) in mine and ("DELETED", victim) in mine
ok = ok and any(t == "ADDED" and n != victim and n.startswith(sys.argv[3] + "-") for t, n in mine)
sys.exit(0 if ok else 1)' "$TMP/delwatch" "$VICTIM" "$APP"
code=$(get "$P" "/api/v1/namespaces/$NS/pods/$VICTIM")
check "GET of the deleted pod: 404" test "$code" = 404
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X DELETE "$API/api/v1/namespaces/$NS/pods/no-such-pod")
check "DELETE of an unknown pod: 404 NotFound Status" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["reason"]+" "+d["message"]')" = '404:Status NotFound pods "no-such-pod" not found'
get "$P" "/api/v1/namespaces/$NS/events?fieldSelector=involvedObject.name%3D$VICTIM,reason%3DKilling" >/dev/null
check "the deleted pod has a Killing event" test "$(jget "$TMP/body" 'len(d["items"])')" -ge 1
curl -s --max-time 10 -o /dev/null -X DELETE "$API/api/v1/namespaces/dmi/pods/obs-db-1?gracePeriodSeconds=0"
sts_back() {
    code=$(get "$P" "/api/v1/namespaces/dmi/pods/obs-db-1")
    [ "$code" = 200 ] && [ "$(jget "$TMP/body" 'd["status"]["phase"]+" "+d["metadata"]["ownerReferences"][0]["kind"]')" = "Running StatefulSet" ]
}
check "a StatefulSet pod deleted with gracePeriodSeconds=0 comes back under the same name, Running" wait_for 10 sts_back

# kubectl scale: the scale subresource, GET, PATCH (merge patch) and PUT.
code=$(get "$P" "/apis/apps/v1/namespaces/$NS/deployments/$APP/scale")
check "GET .../scale: an autoscaling/v1 Scale with spec.replicas, status.replicas and the selector" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+d["apiVersion"]+" "+str(d["spec"]["replicas"])+" "+str(d["status"]["replicas"])+" "+d["status"]["selector"]')" = "200:Scale autoscaling/v1 $REPLICAS $REPLICAS app.kubernetes.io/name=$APP"
UP=$((REPLICAS + 2))
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d "{\"spec\":{\"replicas\":$UP}}" "$API/apis/apps/v1/namespaces/$NS/deployments/$APP/scale")
check "PATCH .../scale (merge patch) to $UP answers the Scale with spec.replicas $UP" \
    test "$code:$(jget "$TMP/body" 'd["kind"]+" "+str(d["spec"]["replicas"])')" = "200:Scale $UP"
scaled_to() {
    pods_of "$NS" "$APP" >"$TMP/after"
    [ "$(grep -c . "$TMP/after")" = "$1" ] && [ "$(grep -c ' Running True -$' "$TMP/after")" = "$1" ] &&
        [ "$(deploy_status "$NS" "$APP" | cut -d' ' -f1-5)" = "$1 $1 $1 $1 $1" ]
}
check "scale up: $UP pods Running and the deployment's spec/status say $UP within 10 s" wait_for 10 scaled_to "$UP"
curl -s --max-time 10 -o "$TMP/body" -X PUT -H 'Content-Type: application/json' \
    -d "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"$APP\",\"namespace\":\"$NS\"},\"spec\":{\"replicas\":1}}" \
    "$API/apis/apps/v1/namespaces/$NS/deployments/$APP/scale"
check "PUT .../scale to 1 answers spec.replicas 1" test "$(jget "$TMP/body" 'd["spec"]["replicas"]')" = 1
check "scale down: 1 pod left and the deployment's spec/status say 1 within 10 s" wait_for 10 scaled_to 1
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    -d "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"$APP\",\"resourceVersion\":\"1\"},\"spec\":{\"replicas\":2}}" \
    "$API/apis/apps/v1/namespaces/$NS/deployments/$APP/scale")
check "PUT .../scale with a stale resourceVersion: 409 Conflict" \
    test "$code:$(jget "$TMP/body" 'd["reason"]')" = "409:Conflict"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d '{"spec":{"replicas":-1}}' "$API/apis/apps/v1/namespaces/$NS/deployments/$APP/scale")
check "PATCH .../scale to -1: 422 Invalid" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "422:Invalid"
curl -s --max-time 10 -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d "{\"spec\":{\"replicas\":$REPLICAS}}" "$API/apis/apps/v1/namespaces/$NS/deployments/$APP/scale"
check "scale back to $REPLICAS" wait_for 10 scaled_to "$REPLICAS"

# kubectl rollout restart: the strategic merge patch of the template's restartedAt; every
# pod is replaced (new ReplicaSet hash, new uids) and the rollout completes.
pods_of "$NS" "$APP" | cut -d' ' -f2 >"$TMP/old_uids"
GEN=$(deploy_status "$NS" "$APP" | cut -d' ' -f7)
AT="2024-05-01T12:00:00+02:00"
get "$P" "/apis/apps/v1/namespaces/$NS/replicasets?labelSelector=app.kubernetes.io%2Fname%3D$APP" >/dev/null
cp "$TMP/body" "$TMP/rs_before.json"
RS_RV=$(jget "$TMP/body" 'd["metadata"]["resourceVersion"]')
t0=$(date +%s%N)
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' \
    -d "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"$AT\"}}}}}" \
    "$API/apis/apps/v1/namespaces/$NS/deployments/$APP?fieldManager=kubectl-rollout")
check "PATCH deployment (strategic merge, restartedAt): 200 with the annotation and generation $((GEN + 1))" \
    test "$code:$(jget "$TMP/body" 'd["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]+" "+str(d["metadata"]["generation"])')" = "200:$AT $((GEN + 1))"
rolled() {
    pods_of "$NS" "$APP" >"$TMP/after"
    [ "$(grep -c . "$TMP/after")" = "$REPLICAS" ] && [ "$(grep -c ' Running True -$' "$TMP/after")" = "$REPLICAS" ] &&
        ! cut -d' ' -f2 "$TMP/after" | grep -qxFf "$TMP/old_uids" &&
        [ "$(deploy_status "$NS" "$APP" | cut -d' ' -f1-6)" = "$REPLICAS $REPLICAS $REPLICAS $REPLICAS $REPLICAS NewReplicaSetAvailable" ]
}
check "rollout restart replaces every pod (all new uids) and completes within 30 s" wait_for 30 rolled
t1=$(date +%s%N)
echo "# rollout of $REPLICAS replicas took $(((t1 - t0) / 1000000)) ms"
check "the new pods carry the new ReplicaSet's pod-template-hash" python3 -c '
import json, sys, urllib.request
d = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v1/namespaces/" + sys.argv[2] + "/pods?labelSelector=app.kubernetes.io%2Fname%3D" + sys.argv[3]))
r = json.load(urllib.request.urlopen(sys.argv[1] + "/apis/apps/v1/namespaces/" + sys.argv[2] + "/replicasets?labelSelector=app.kubernetes.io%2Fname%3D" + sys.argv[3]))
h = max(r["items"], key=lambda i: int(i["metadata"]["annotations"]["deployment.kubernetes.io/revision"]))["metadata"]["labels"]["pod-template-hash"]
sys.exit(0 if d["items"] and all(p["metadata"]["labels"]["pod-template-hash"] == h and p["metadata"]["ownerReferences"][0]["name"] == sys.argv[3] + "-" + h for p in d["items"]) else 1)' "$API" "$NS" "$APP"
get "$P" "/apis/apps/v1/namespaces/$NS/replicasets?labelSelector=app.kubernetes.io%2Fname%3D$APP" >/dev/null
cp "$TMP/body" "$TMP/rs_after.json"
check "after the rollout: a new ReplicaSet at the next revision runs all $REPLICAS, the previous one is at 0, the one before it is gone (revisionHistoryLimit 1)" python3 -c '
import json, sys
rev = lambda o: int(o["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
before = sorted(json.load(open(sys.argv[1]))["items"], key=rev)
after = sorted(json.load(open(sys.argv[2]))["items"], key=rev)
n = int(sys.argv[3])
ok = (len(after) == 2 and after[0]["metadata"]["uid"] == before[-1]["metadata"]["uid"] and rev(after[1]) == rev(before[-1]) + 1
      and after[1]["metadata"]["name"] not in [b["metadata"]["name"] for b in before]
      and after[0]["spec"]["replicas"] == after[0]["status"]["replicas"] == 0
      and after[1]["spec"]["replicas"] == after[1]["status"]["replicas"] == after[1]["status"].get("readyReplicas") == n
      and after[1]["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"] == sys.argv[4])
sys.exit(0 if ok else 1)' "$TMP/rs_before.json" "$TMP/rs_after.json" "$REPLICAS" "$AT"
check "a restart changes neither image nor version: the previous ReplicaSet now has the image and app.kubernetes.io/version the current one had, and so does the new one" python3 -c '
import json, sys
rev = lambda o: int(o["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
rel = lambda r: (r["metadata"]["labels"]["app.kubernetes.io/version"], r["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"],
                 r["spec"]["template"]["spec"]["containers"][0]["image"])
before = sorted(json.load(open(sys.argv[1]))["items"], key=rev)
after = sorted(json.load(open(sys.argv[2]))["items"], key=rev)
ok = len(set(rel(before[-1])[:2])) == 1 and rel(after[0]) == rel(after[1]) == rel(before[-1])
if len(before) > 1:
    ok = ok and rel(before[0]) != rel(before[-1])
sys.exit(0 if ok else 1)' "$TMP/rs_before.json" "$TMP/rs_after.json"
timeout 5 curl -sN "$API/apis/apps/v1/namespaces/$NS/replicasets?watch=1&resourceVersion=$RS_RV&timeoutSeconds=1" >"$TMP/rswatch" 2>/dev/null
check "a ReplicaSet watch from before the restart: the new one ADDED and scaled up, the previous one MODIFIED down to 0, the older one DELETED" python3 -c '
import json, sys
rev = lambda o: int(o["metadata"]["annotations"]["deployment.kubernetes.io/revision"])
before = sorted(json.load(open(sys.argv[1]))["items"], key=rev)
after = sorted(json.load(open(sys.argv[2]))["items"], key=rev)
ev = [json.loads(l) for l in open(sys.argv[3]) if l.strip()]
mine = lambda name: [(e["type"], e["object"]["spec"]["replicas"]) for e in ev if e["object"]["metadata"]["name"] == name]
new, prev = mine(after[1]["metadata"]["name"]), mine(before[-1]["metadata"]["name"])
ok = new and new[0][0] == "ADDED" and new[-1] == ("MODIFIED", int(sys.argv[4])) and prev and prev[-1] == ("MODIFIED", 0)
if len(before) > 1:
    ok = ok and mine(before[0]["metadata"]["name"]) == [("DELETED", 0)]
ok = ok and all(int(e["object"]["metadata"]["resourceVersion"]) > int(sys.argv[5]) for e in ev)
sys.exit(0 if ok else 1)' "$TMP/rs_before.json" "$TMP/rs_after.json" "$TMP/rswatch" "$REPLICAS" "$RS_RV"
get "$P" "/api/v1/namespaces/$NS/events?fieldSelector=involvedObject.kind%3DDeployment,involvedObject.name%3D$APP,reason%3DScalingReplicaSet" >/dev/null
check "the rollout left ScalingReplicaSet events on the deployment" test "$(jget "$TMP/body" 'len(d["items"])')" -ge 2
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json-patch+json' \
    -d '[{"op":"add","path":"/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt","value":"2024-05-02T00:00:00Z"}]' \
    "$API/apis/apps/v1/namespaces/$NS/deployments/$APP")
check "a JSON patch of the same annotation works too" \
    test "$code:$(jget "$TMP/body" 'd["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]')" = "200:2024-05-02T00:00:00Z"
# kubectl set image: a strategic merge patch of the app container's image. The previous
# revision keeps the image it ran; the version label is the template's, unchanged.
rollout_done() {
    [ "$(deploy_status "$NS" "$APP" | cut -d' ' -f1-6)" = "$REPLICAS $REPLICAS $REPLICAS $REPLICAS $REPLICAS NewReplicaSetAvailable" ] &&
        [ "$(pods_of "$NS" "$APP" | grep -c ' Running True -$')" = "$REPLICAS" ]
}
check "the JSON patch's rollout completes within 30 s" wait_for 30 rollout_done
get "$P" "/apis/apps/v1/namespaces/$NS/deployments/$APP" >/dev/null
read -r IMG VER <<<"$(jget "$TMP/body" 'd["spec"]["template"]["spec"]["containers"][0]["image"]+" "+d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"]')"
NEW_IMG="${IMG%:*}:9.9.9-test"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/strategic-merge-patch+json' \
    -d "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"$APP\",\"image\":\"$NEW_IMG\"}]}}}}" \
    "$API/apis/apps/v1/namespaces/$NS/deployments/$APP")
check "PATCH of the container image (strategic merge): 200 with the new image and the same version label" \
    test "$code:$(jget "$TMP/body" 'd["spec"]["template"]["spec"]["containers"][0]["image"]+" "+d["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/version"]')" = "200:$NEW_IMG $VER"
get "$P" "/api/v1/namespaces/$NS/pods?labelSelector=app.kubernetes.io%2Fname%3D$APP" >/dev/null
cp "$TMP/body" "$TMP/pods_img.json"
get "$P" "/apis/apps/v1/namespaces/$NS/replicasets?labelSelector=app.kubernetes.io%2Fname%3D$APP" >/dev/null
check "after an image change the new ReplicaSet runs $NEW_IMG, the previous one $IMG, both at version $VER" \
    test "$(jget "$TMP/body" '" ".join(r["spec"]["template"]["spec"]["containers"][0]["image"]+"@"+r["metadata"]["labels"]["app.kubernetes.io/version"] for r in sorted(d["items"], key=lambda r: int(r["metadata"]["annotations"]["deployment.kubernetes.io/revision"])))')" = "$IMG@$VER $NEW_IMG@$VER"
check "during that rollout every pod runs its ReplicaSet's image and carries its version label" python3 -c '
import json, sys
rs = {r["metadata"]["labels"]["pod-template-hash"]: r for r in json.load(open(sys.argv[1]))["items"]}
pods = json.load(open(sys.argv[2]))["items"]
ok = bool(pods)
for p in pods:
    r = rs.get(p["metadata"]["labels"]["pod-template-hash"])
    img = [c["image"] for c in p["spec"]["containers"] if c["name"] == sys.argv[3]] + [c["image"] for c in p["status"].get("containerStatuses", []) if c["name"] == sys.argv[3]]
    ok = ok and r is not None and p["metadata"]["labels"]["app.kubernetes.io/version"] == r["metadata"]["labels"]["app.kubernetes.io/version"] \
        and set(img) == {r["spec"]["template"]["spec"]["containers"][0]["image"]}
sys.exit(0 if ok else 1)' "$TMP/body" "$TMP/pods_img.json" "$APP"
check "the image rollout completes within 30 s" wait_for 30 rollout_done
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/apply-patch+yaml' \
    -d 'spec: {}' "$API/apis/apps/v1/namespaces/$NS/deployments/$APP")
check "an apply patch: 415 UnsupportedMediaType" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "415:UnsupportedMediaType"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d '{}' "$API/apis/apps/v1/namespaces/$NS/deployments/no-such-app")
check "PATCH of an unknown deployment: 404 with the apps group" \
    test "$code:$(jget "$TMP/body" 'd["message"]')" = '404:deployments.apps "no-such-app" not found'

# StatefulSets.
get "$P" "/apis/apps/v1/statefulsets" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "statefulsets Table: Name, Ready, Age, Containers, Images and dmi's obs-db 3/3" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"])+" "+str([r["cells"][1] for r in d["rows"] if r["cells"][0]=="obs-db"])')" = "Name,Ready,Age,Containers,Images ['3/3']"
get "$P" "/apis/apps/v1/namespaces/dmi/statefulsets/obs-db" >/dev/null
check "GET statefulset dmi/obs-db: kind StatefulSet, serviceName, revisions, 3 ready replicas" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+d["spec"]["serviceName"]+" "+str(d["status"]["currentRevision"]==d["status"]["updateRevision"])+" "+str(d["status"]["readyReplicas"])')" = "StatefulSet obs-db True 3"

# Logs.
# A pod that has been running for a while (so that its log has a history), not touched above.
read -r LOGNS LOGPOD LOGAPP <<<"$(python3 -c '
import json, sys, datetime
now = datetime.datetime.utcnow()
for p in json.load(open(sys.argv[1]))["items"]:
    cs = p["status"].get("containerStatuses", [])
    run = cs[0]["state"].get("running") if cs else None
    if (run and len(cs) == 1 and cs[0]["restartCount"] == 0 and p["status"]["phase"] == "Running" and "deletionTimestamp" not in p["metadata"]
            and p["metadata"]["labels"].get("app.kubernetes.io/name") != sys.argv[2] and "ownerReferences" in p["metadata"]
            and p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet"
            and (now - datetime.datetime.strptime(run["startedAt"], "%Y-%m-%dT%H:%M:%SZ")).total_seconds() > 3600):
        print(p["metadata"]["namespace"], p["metadata"]["name"], cs[0]["name"]); break' "$TMP/pods_e.json" "$APP")"
LOG="$API/api/v1/namespaces/$LOGNS/pods/$LOGPOD/log"
code=$(curl -s --max-time 10 -o "$TMP/log" -w '%{http_code}' "$LOG?tailLines=5")
check "log?tailLines=5: 200, five lines" test "$code:$(grep -c '' "$TMP/log")" = "200:5"
curl -s --max-time 10 -o "$TMP/log" "$LOG?tailLines=20&timestamps=true"
check "log?timestamps=true: every line starts with an RFC3339Nano timestamp" \
    test "$(grep -cvE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z ' "$TMP/log")" = 0
check "the timestamps are in order and recent" python3 -c '
import sys, datetime
ts = [l.split(" ", 1)[0] for l in open(sys.argv[1], encoding="utf-8", errors="replace", newline="\n")]  # a CR inside a line is not a line end
t = [datetime.datetime.strptime(x[:26], "%Y-%m-%dT%H:%M:%S.%f") for x in ts]
now = datetime.datetime.utcnow()
sys.exit(0 if len(t) == 20 and t == sorted(t) and (now - t[-1]).total_seconds() < 120 else 1)' "$TMP/log"
code=$(curl -s --max-time 10 -o "$TMP/body" -w '%{http_code}' "$LOG?previous=true")
check "log?previous=true of a pod that never restarted: 400 'previous terminated container ... not found'" \
    test "$code:$(jget "$TMP/body" 'd["reason"]+" "+d["message"]')" = "400:BadRequest previous terminated container \"$LOGAPP\" in pod \"$LOGPOD\" not found"
curl -s --max-time 10 -o "$TMP/log" "$LOG?limitBytes=100"
check "log?limitBytes=100: exactly 100 bytes" test "$(stat -c %s "$TMP/log")" = 100
curl -s --max-time 10 -o "$TMP/log" "$LOG?tailLines=1000"
check "the log holds ESC sequences and a BEL now and then (sanitizer test material)" \
    python3 -c 'import sys; b = open(sys.argv[1], "rb").read(); sys.exit(0 if b"\x1b[" in b and b"\x07" in b else 1)' "$TMP/log"
timeout 3 curl -sN "$LOG?follow=true&tailLines=0&timestamps=true" >"$TMP/follow" 2>/dev/null
check "log?follow=true streams new lines (got $(grep -c '' "$TMP/follow") in 3 s at 2 lines/s)" \
    test "$(grep -c '' "$TMP/follow")" -ge 3
asked=$(date -u +%Y-%m-%dT%H:%M:%S.%N | cut -c1-26) # when the request left, not when python starts
curl -s --max-time 10 -o "$TMP/log" "$LOG?sinceSeconds=3&timestamps=true"
check "log?sinceSeconds=3: only the last seconds' lines" python3 -c '
import sys, datetime
asked = datetime.datetime.strptime(sys.argv[2], "%Y-%m-%dT%H:%M:%S.%f")
t = [datetime.datetime.strptime(l[:26], "%Y-%m-%dT%H:%M:%S.%f") for l in open(sys.argv[1], encoding="utf-8", errors="replace")]
sys.exit(0 if 1 <= len(t) <= 12 and all((asked - x).total_seconds() < 4 for x in t) else 1)' "$TMP/log" "$asked"
read -r CL_NS CL_POD <<<"$(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["items"]:
    cs = p["status"].get("containerStatuses", [])
    if cs and cs[0]["state"].get("waiting", {}).get("reason") == "CrashLoopBackOff":
        print(p["metadata"]["namespace"], p["metadata"]["name"]); break' "$TMP/pods_e.json")"
read -r SC_NS SC_POD SC_MAIN <<<"$(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["items"]:
    c = p["spec"]["containers"]
    if len(c) == 2 and p["status"]["phase"] == "Running" and "deletionTimestamp" not in p["metadata"]:
        print(p["metadata"]["namespace"], p["metadata"]["name"], c[0]["name"]); break' "$TMP/pods_e.json")"
read -r W_NS W_POD W_REASON <<<"$(python3 -c '
import json, sys
for p in json.load(open(sys.argv[1]))["items"]:
    cs = p["status"].get("containerStatuses", [])
    if p["spec"].get("nodeName") and cs and cs[0]["state"].get("waiting", {}).get("reason") == "ContainerCreating":
        print(p["metadata"]["namespace"], p["metadata"]["name"], "ContainerCreating"); break' "$TMP/pods_e.json")"
code=$(curl -s --max-time 10 -o "$TMP/log" -w '%{http_code}' "$API/api/v1/namespaces/$CL_NS/pods/$CL_POD/log?previous=true&tailLines=3")
check "log?previous=true of a crash-looping pod ($CL_POD): the last run, ending in a fatal line" \
    test "$code:$(tail -n 1 "$TMP/log" | grep -c '"level":"fatal"')" = "200:1"
code=$(get "$P" "/api/v1/namespaces/$SC_NS/pods/$SC_POD/log")
check "log of a two-container pod without ?container: 400 naming the containers" \
    test "$code:$(jget "$TMP/body" 'd["message"]')" = "400:a container name must be specified for pod $SC_POD, choose one of: [$SC_MAIN log-shipper]"
code=$(curl -s --max-time 10 -o "$TMP/log" -w '%{http_code}' "$API/api/v1/namespaces/$SC_NS/pods/$SC_POD/log?container=log-shipper&tailLines=3")
check "log?container=log-shipper: the sidecar's own lines" test "$code:$(grep -c '^level=' "$TMP/log")" = "200:3"
code=$(get "$P" "/api/v1/namespaces/$SC_NS/pods/$SC_POD/log?container=bogus")
check "log?container=bogus: 400 'container bogus is not valid for pod'" \
    test "$code:$(jget "$TMP/body" 'd["message"]')" = "400:container bogus is not valid for pod $SC_POD"
if [ -n "${W_POD:-}" ]; then
    code=$(get "$P" "/api/v1/namespaces/$W_NS/pods/$W_POD/log")
    check "log of a ContainerCreating pod: 400 'is waiting to start: ContainerCreating'" \
        test "$code:$(jget "$TMP/body" 'd["message"]' | sed 's/.* is waiting/is waiting/')" = "400:is waiting to start: ContainerCreating"
fi

# Events.
get "$P" "/api/v1/events" >/dev/null
check "/api/v1/events: an EventList of core/v1 Events with involvedObject, source, count, type" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+str(len(d["items"])>10)+" "+str(all(set(("involvedObject","reason","message","source","count","type","firstTimestamp","lastTimestamp","reportingComponent")) <= set(i) for i in d["items"]))')" = "EventList True True"
check "the events name their object like the recorder (OBJECT.<16 hex>)" \
    test "$(jget "$TMP/body" 'all(__import__("re").fullmatch(i["involvedObject"]["name"] + r"\.[0-9a-f]{16}", i["metadata"]["name"]) for i in d["items"])')" = True
CL_UID=$(curl -s "$API/api/v1/namespaces/$CL_NS/pods/$CL_POD" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["uid"])')
get "$P" "/api/v1/namespaces/$CL_NS/events?fieldSelector=involvedObject.name%3D$CL_POD,involvedObject.namespace%3D$CL_NS,involvedObject.uid%3D$CL_UID,involvedObject.kind%3DPod" >/dev/null
check "fieldSelector involvedObject.name/namespace/uid/kind (kubectl describe): the crash-looping pod's events, a BackOff Warning among them" \
    test "$(jget "$TMP/body" 'str(len(d["items"])>0 and all(i["involvedObject"]["uid"]=="'"$CL_UID"'" for i in d["items"]))+" "+str(any(i["reason"]=="BackOff" and i["type"]=="Warning" and i["count"]>1 for i in d["items"]))')" = "True True"
get "$P" "/api/v1/events" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "events Table: the apiserver's columns" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"])')" = "Last Seen,Type,Reason,Object,Subobject,Source,Message,First Seen,Count,Name"
code=$(get "$P" "/api/v1/events?fieldSelector=bogus%3Dx")
check "events fieldSelector on an unknown field: 400" test "$code" = 400

# ResourceQuotas: one per tenant namespace; used is what the pods request.
get "$P" "/api/v1/resourcequotas" >/dev/null
cp "$TMP/body" "$TMP/quotas.json"
get "$P" "/api/v1/pods" >/dev/null
cp "$TMP/body" "$TMP/pods_q.json"
get "$P" "/api/v1/namespaces?labelSelector=govcloud.sit.dk%2Ftenant" >/dev/null
check "one ResourceQuota per tenant namespace" \
    test "$(jget "$TMP/quotas.json" 'sorted(i["metadata"]["namespace"] for i in d["items"])')" = "$(jget "$TMP/body" 'sorted(i["metadata"]["name"] for i in d["items"])')"
check "quota status.used = the sum of the pods' requests and limits (pods not finished)" python3 -c '
import json, sys
def q(s):
    units = {"m": 0.001, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}
    for u, f in units.items():
        if s.endswith(u):
            return float(s[: -len(u)]) * f
    return float(s)
quotas = json.load(open(sys.argv[1]))["items"]
pods = json.load(open(sys.argv[2]))["items"]
ok = bool(quotas)
for quota in quotas:
    ns = quota["metadata"]["namespace"]
    want = {"pods": 0, "requests.cpu": 0, "requests.memory": 0, "limits.cpu": 0, "limits.memory": 0}
    for p in pods:
        if p["metadata"]["namespace"] != ns or p["status"]["phase"] in ("Succeeded", "Failed"):
            continue
        want["pods"] += 1
        for c in p["spec"]["containers"]:
            r = c["resources"]
            want["requests.cpu"] += q(r["requests"]["cpu"])
            want["requests.memory"] += q(r["requests"]["memory"])
            want["limits.cpu"] += q(r["limits"].get("cpu", "0"))
            want["limits.memory"] += q(r["limits"]["memory"])
    used = {k: q(v) for k, v in quota["status"]["used"].items()}
    hard = {k: q(v) for k, v in quota["status"]["hard"].items()}
    for k in want:
        if abs(used[k] - want[k]) > 1e-6 or hard[k] < used[k]:
            print("# %s %s: used %s, pods say %s, hard %s" % (ns, k, used[k], want[k], hard[k]))
            ok = False
sys.exit(0 if ok else 1)' "$TMP/quotas.json" "$TMP/pods_q.json"
check "quota spec.hard = status.hard and both set requests.cpu, requests.memory and pods" \
    test "$(jget "$TMP/quotas.json" 'all(q["spec"]["hard"] == q["status"]["hard"] and {"requests.cpu", "requests.memory", "pods"} <= set(q["spec"]["hard"]) <= set(q["status"]["used"]) for q in d["items"])')" = True
get "$P" "/api/v1/namespaces/dmi/resourcequotas" -H "Accept: $TABLE_ACCEPT" >/dev/null
check "resourcequotas Table: Name, Age, Request, Limit as the apiserver prints them" \
    test "$(jget "$TMP/body" '",".join(c["name"] for c in d["columnDefinitions"])+" "+str(bool(__import__("re").fullmatch(r"pods: \d+/\d+, requests.cpu: \w+/\w+, requests.memory: \w+/\w+", d["rows"][0]["cells"][2])))+" "+str(d["rows"][0]["cells"][3].startswith("limits.cpu: "))')" = "Name,Age,Request,Limit True True"

# metrics.k8s.io
get "$P" "/apis/metrics.k8s.io/v1beta1/namespaces/dmi/pods" >/dev/null
cp "$TMP/body" "$TMP/pm.json"
get "$P" "/api/v1/namespaces/dmi/pods" >/dev/null
check "PodMetrics for exactly the running pods of dmi, with cpu (n/u/m) and memory (Ki/Mi) per container" python3 -c '
import json, re, sys
pm = json.load(open(sys.argv[1]))
pods = json.load(open(sys.argv[2]))["items"]
running = sorted(p["metadata"]["name"] for p in pods if p["status"]["phase"] == "Running"
                 and all("running" in c["state"] for c in p["status"]["containerStatuses"][:1]))
got = sorted(i["metadata"]["name"] for i in pm["items"])
ok = pm["kind"] == "PodMetricsList" and pm["apiVersion"] == "metrics.k8s.io/v1beta1" and got == running
for i in pm["items"]:
    ok = ok and i["window"] and i["timestamp"] and all(re.fullmatch(r"\d+[num]?", c["usage"]["cpu"]) and re.fullmatch(r"\d+(Ki|Mi|Gi)?", c["usage"]["memory"]) for c in i["containers"])
sys.exit(0 if ok else 1)' "$TMP/pm.json" "$TMP/body"
get "$P" "/apis/metrics.k8s.io/v1beta1/pods" >/dev/null
cp "$TMP/body" "$TMP/pm_all.json"
get "$P" "/api/v1/pods" >/dev/null
cp "$TMP/body" "$TMP/pods_m.json"
check "PodMetrics of all namespaces: exactly the running pods (namespace, name and labels as the pods)" python3 -c '
import json, sys
pods = json.load(open(sys.argv[2]))["items"]
running = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["metadata"]["labels"] for p in pods
           if p["status"]["phase"] == "Running" and all("running" in c["state"] for c in p["status"]["containerStatuses"][:1])}
got = {(i["metadata"]["namespace"], i["metadata"]["name"]): i["metadata"]["labels"] for i in json.load(open(sys.argv[1]))["items"]}
sys.exit(0 if len(running) > 300 and got == running else 1)' "$TMP/pm_all.json" "$TMP/pods_m.json"
# node_sums: ok when, within one scrape, each node uses its pods' usage plus 250-700m and 1.2-2.5 GiB of its own.
node_sums() {
    curl -s --max-time 10 -o "$TMP/pm_n.json" "$API/apis/metrics.k8s.io/v1beta1/pods"
    curl -s --max-time 10 -o "$TMP/nm_n.json" "$API/apis/metrics.k8s.io/v1beta1/nodes"
    python3 -c '
import json, sys
def cpu(s):
    return int(s[:-1]) if s.endswith("n") else int(s[:-1]) * 1000 if s.endswith("u") else int(s[:-1]) * 1000000 if s.endswith("m") else int(s) * 10**9
def mem(s):
    for u, f in (("Ki", 1024), ("Mi", 1024**2), ("Gi", 1024**3)):
        if s.endswith(u):
            return int(s[:-2]) * f
    return int(s)
pm = json.load(open(sys.argv[1]))["items"]
nm = json.load(open(sys.argv[2]))["items"]
pods = {(p["metadata"]["namespace"], p["metadata"]["name"]): p["spec"].get("nodeName") for p in json.load(open(sys.argv[3]))["items"]}
nodes = sorted(n["metadata"]["name"] for n in json.load(open(sys.argv[4]))["items"])
if len({i["timestamp"] for i in pm + nm}) != 1 or sorted(n["metadata"]["name"] for n in nm) != nodes:
    sys.exit(1)
want = {n: [0, 0] for n in nodes}
for i in pm:
    node = pods[(i["metadata"]["namespace"], i["metadata"]["name"])]
    for c in i["containers"]:
        want[node][0] += cpu(c["usage"]["cpu"])
        want[node][1] += mem(c["usage"]["memory"])
ok = True
for n in nm:
    dc = cpu(n["usage"]["cpu"]) - want[n["metadata"]["name"]][0]
    dm = mem(n["usage"]["memory"]) - want[n["metadata"]["name"]][1]
    ok = ok and 250 * 10**6 <= dc < 701 * 10**6 and 1200 * 1024**2 <= dm < 2501 * 1024**2
sys.exit(0 if ok else 1)' "$TMP/pm_n.json" "$TMP/nm_n.json" "$TMP/pods_m.json" "$TMP/nodes_m.json"
}
curl -s --max-time 10 -o "$TMP/nodes_m.json" "$API/api/v1/nodes"
check "NodeMetrics name every node, each its pods' usage plus 250-700m and 1.2-2.5 GiB of its own" wait_for 20 node_sums
code=$(get "$P" "/apis/metrics.k8s.io/v1beta1/namespaces/$CL_NS/pods/$CL_POD")
check "a crash-looping pod has no metrics: 404" test "$code" = 404
code=$(get "$P" "/apis/metrics.k8s.io/v1beta1/namespaces/$LOGNS/pods/$LOGPOD")
check "GET one PodMetrics: kind PodMetrics" test "$code:$(jget "$TMP/body" 'd["kind"]')" = "200:PodMetrics"
get "$P" "/apis/metrics.k8s.io/v1beta1/nodes" >/dev/null
NODES=$(curl -s "$API/api/v1/nodes" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
check "NodeMetrics for each of the $NODES nodes" \
    test "$(jget "$TMP/body" 'd["kind"]+" "+str(len(d["items"]))')" = "NodeMetricsList $NODES"
get "$P" "/api/v1/nodes/node-02" >/dev/null
check "nodes report Ready, capacity, allocatable and the kubelet version" \
    test "$(jget "$TMP/body" '[c["status"] for c in d["status"]["conditions"] if c["type"]=="Ready"][0]+" "+d["status"]["capacity"]["cpu"]+" "+d["status"]["allocatable"]["memory"]+" "+d["status"]["nodeInfo"]["kubeletVersion"]')" = "True 16 64716688Ki v1.29.0"

stop_sim E

# ---------------------------------------------------------------------------------------
# The other APIs on the same port: O answers anyone, S wants --basic-auth (and a token for
# Kubernetes). hdr NAME: a response header of the last get_h, "" when absent.
check "govsim with the other APIs starts (open)" start_sim O --port 0 --pods 60 --seed 3 --churn 0
check "govsim --basic-auth --token starts" \
    start_sim S --port 0 --pods 60 --seed 3 --churn 0 --basic-auth svc.govconsole:s3cr3t --token k8s-t0ken
get_h() { get "$@" -D "$TMP/hdr"; }
hdr() { sed -n "s/^$1: *//Ip" "$TMP/hdr" | tr -d '\r' | tail -n 1; }
NAG=/nagios4/cgi-bin/statusjson.cgi
code=$(get_h "$O_PORT" "$NAG?query=programstatus")
check "Nagios programstatus: 200 JSON, the CGI's envelope, type_code 0" \
    test "$code:$(hdr Content-Type):$(jget "$TMP/body" 'str(d["format_version"])+" "+d["result"]["cgi"]+" "+d["result"]["query"]+" "+str(d["result"]["type_code"])+" "+d["result"]["type_text"]')" = "200:application/json; charset=utf-8:0 statusjson.cgi programstatus 0 Success"
check "Nagios without --basic-auth reports the user nagiosadmin" \
    test "$(jget "$TMP/body" 'd["result"]["user"]')" = nagiosadmin
check "Nagios programstatus: version 4.4.6, a pid, started with the world (epoch ms, not in the future)" \
    python3 -c 'import json, sys, time
d = json.load(open(sys.argv[1])); p = d["data"]["programstatus"]; r = d["result"]
now = time.time() * 1000
sys.exit(0 if p["version"] == "4.4.6" and p["nagios_pid"] > 0 and p["daemon_mode"] is True
         and p["program_start"] == r["program_start"] and now - 600000 < r["program_start"] <= now
         and r["program_start"] <= r["query_time"] <= now + 1000 else 1)' "$TMP/body"
check "Nagios answers are not to be cached (Cache-Control no-store, Expires in 1970)" \
    test "$(hdr Cache-Control)|$(hdr Expires)" = "no-store|Thu, 01 Jan 1970 00:00:00 GMT"
code=$(get "$O_PORT" "$NAG?query=bogus")
check "Nagios unknown query: HTTP 200 with type_code 6 Option Value Invalid naming the value" \
    test "$code:$(jget "$TMP/body" 'str(d["result"]["type_code"])+"|"+d["result"]["type_text"]+"|"+d["result"]["message"]')" = "200:6|Option Value Invalid|The query option value 'bogus' is invalid."
check "... and the CGI's help for the query option, listing the queries govsim serves" \
    test "$(jget "$TMP/body" 'd["data"]["options"]["query"]["type"]+" "+",".join(d["data"]["options"]["query"]["valid_values"])')" = "enumeration programstatus,hostcount,hostlist,host,servicecount,servicelist,service,commentlist,downtimelist"
code=$(get "$O_PORT" "/nagios4/cgi-bin/status.cgi?host=all")
check "Nagios: a CGI govsim does not have is Apache's 404 page" \
    test "$code:$(grep -c '<title>404 Not Found</title>' "$TMP/body")" = "404:1"
code=$(get_h "$S_PORT" "$NAG?query=programstatus")
check "--basic-auth: Nagios without credentials is Apache's 401 with a Basic challenge" \
    test "$code:$(hdr WWW-Authenticate):$(grep -c '<title>401 Unauthorized</title>' "$TMP/body")" = '401:Basic realm="Nagios Access":1'
code=$(get "$S_PORT" "$NAG?query=programstatus" -u svc.govconsole:wrong)
check "--basic-auth: Nagios with a wrong password is 401" test "$code" = 401
code=$(get "$S_PORT" "$NAG?query=programstatus" -u svc.govconsole:s3cr3t)
check "--basic-auth: Nagios with the pair answers, result.user is the authenticated user" \
    test "$code:$(jget "$TMP/body" 'd["result"]["user"]+" "+str(d["result"]["type_code"])')" = "200:svc.govconsole 0"
code=$(get "$S_PORT" "$NAG?query=programstatus" -H "Authorization: Bearer k8s-t0ken")
check "--basic-auth: the Kubernetes token does not open Nagios" test "$code" = 401
code=$(get "$S_PORT" /api/v1/namespaces -u svc.govconsole:s3cr3t)
check "--basic-auth: the basic pair does not open Kubernetes (its --token does)" \
    test "$code:$(get "$S_PORT" /api/v1/namespaces -H "Authorization: Bearer k8s-t0ken")" = "401:200"
SN=/api/now/table/sys_user
# The world's tenants, as Kubernetes names them.
TENANTS=$(curl -s "http://127.0.0.1:$O_PORT/api/v1/namespaces?labelSelector=govcloud.sit.dk%2Ftenant" | python3 -c '
import json, sys
print(" ".join(sorted({n["metadata"]["labels"]["govcloud.sit.dk/tenant"] for n in json.load(sys.stdin)["items"]})))')
N_TENANTS=$(echo "$TENANTS" | wc -w)
code=$(get_h "$O_PORT" "$SN?sysparm_limit=1")
check "ServiceNow sys_user?sysparm_limit=1: 200 JSON, one record, X-Total-Count: admin + 2 a tenant" \
    test "$code:$(hdr Content-Type):$(jget "$TMP/body" 'len(d["result"])'):$(hdr X-Total-Count)" = "200:application/json;charset=UTF-8:1:$((1 + 2 * N_TENANTS))"
check "a sys_user record has the real field names, every value a string, a 32-hex sys_id" \
    python3 -c 'import json, re, sys
r = json.load(open(sys.argv[1]))["result"][0]
need = {"sys_id", "user_name", "name", "first_name", "last_name", "email", "active", "locked_out", "title", "company", "department", "sys_created_on", "sys_updated_on", "sys_class_name"}
ok = need <= set(r) and all(isinstance(v, (str, dict)) for v in r.values())
ok = ok and re.fullmatch("[0-9a-f]{32}", r["sys_id"]) and r["sys_class_name"] == "sys_user" and r["active"] == "true"
ok = ok and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["sys_created_on"])
sys.exit(0 if ok else 1)' "$TMP/body"
code=$(get "$O_PORT" "$SN?sysparm_limit=1&user_name=admin")
check "sys_user?user_name=admin: the instance's System Administrator" \
    test "$code:$(jget "$TMP/body" '",".join(r["user_name"]+"/"+r["name"] for r in d["result"])')" = "200:admin/System Administrator"
ADMIN_ID=$(jget "$TMP/body" 'd["result"][0]["sys_id"]')
code=$(get "$O_PORT" "$SN")
check "every tenant has two people, mailed at TENANT.dk, referencing the tenant's company" \
    python3 -c 'import json, sys
rs = json.load(open(sys.argv[1]))["result"]
by = {}
for r in rs:
    if r["user_name"] != "admin":
        by.setdefault(r["email"].split("@")[1], set()).add(r["company"]["value"])
sys.exit(0 if sorted(by) == sorted(t + ".dk" for t in sys.argv[2].split()) and all(len(v) == 1 for v in by.values())
         and len({r["user_name"] for r in rs}) == len(rs) else 1)' "$TMP/body" "$TENANTS"
code=$(get "$O_PORT" "$SN?sysparm_query=user_name%3Dadmin&sysparm_fields=user_name,sys_id")
check "sysparm_query and sysparm_fields narrow rows and fields" \
    test "$code:$(jget "$TMP/body" 'json.dumps(d["result"])')" = "200:[{\"user_name\": \"admin\", \"sys_id\": \"$ADMIN_ID\"}]"
code=$(get "$O_PORT" "$SN/$ADMIN_ID")
check "sys_user/SYS_ID: {\"result\":{the record}}" test "$code:$(jget "$TMP/body" 'd["result"]["user_name"]')" = "200:admin"
code=$(get "$O_PORT" "$SN/0123456789abcdef0123456789abcdef")
check "an unknown sys_id: 404 in ServiceNow's error shape" \
    test "$code:$(jget "$TMP/body" 'd["status"]+"|"+d["error"]["message"]+"|"+d["error"]["detail"]')" = "404:failure|No Record found|Record doesn't exist or ACL restricts the record retrieval"
code=$(get "$O_PORT" /api/now/table/no_such_table)
check "an unknown table: 400 {\"error\":{\"message\":\"Invalid table ...\",\"detail\":null},\"status\":\"failure\"}" \
    test "$code:$(jget "$TMP/body" 'd["error"]["message"]+"|"+str(d["error"]["detail"])+"|"+d["status"]')" = "400:Invalid table no_such_table|None|failure"
code=$(get "$O_PORT" "/api/v1/namespaces/dmi")
check "/api/now/ does not shadow the apiserver's /api (a namespace GET is still Kubernetes)" \
    test "$code:$(jget "$TMP/body" 'd["kind"]')" = "200:Namespace"
code=$(get_h "$S_PORT" "$SN?sysparm_limit=1")
check "--basic-auth: ServiceNow without credentials is 401 with its JSON error and Basic realm Service-now" \
    test "$code:$(hdr WWW-Authenticate):$(cat "$TMP/body")" = '401:Basic realm="Service-now":{"error":{"message":"User is not authenticated","detail":"Required to provide Auth information"},"status":"failure"}'
code=$(get "$S_PORT" "$SN?sysparm_limit=1&user_name=svc.govconsole" -u svc.govconsole:s3cr3t)
check "--basic-auth: with the pair, the authenticated user is a sys_user (an integration account)" \
    test "$code:$(jget "$TMP/body" 'd["result"][0]["user_name"]+" "+d["result"][0]["web_service_access_only"]')" = "200:svc.govconsole true"
code=$(get "$S_PORT" "$SN?sysparm_limit=1" -u svc.govconsole:nope)
check "--basic-auth: ServiceNow with a wrong password is 401" test "$code" = 401
code=$(get "$O_PORT" /rest/node/list)
check "MapR node/list: 200, status OK, total = the world's nodes, timestamp in ms and timeofday" \
    python3 -c 'import json, re, sys, time
d = json.load(open(sys.argv[1])); nodes = json.load(open(sys.argv[2]))["items"]
ok = sys.argv[3] == "200" and d["status"] == "OK" and d["total"] == len(nodes) == len(d["data"])
ok = ok and abs(d["timestamp"] - time.time() * 1000) < 60000
ok = ok and re.fullmatch(r"\d{4}-\d\d-\d\d (0\d|1[0-2]):\d\d:\d\d\.\d{3} GMT\+0000 (AM|PM)", d["timeofday"])
want = {n["metadata"]["name"] + ".govcloud.sit.dk": [a["address"] for a in n["status"]["addresses"] if a["type"] == "InternalIP"][0] for n in nodes}
ok = ok and {r["hostname"]: r["ip"] for r in d["data"]} == want
ok = ok and all(r["health"] == 0 and r["healthDesc"] == "Healthy" and "fileserver" in r["service"] for r in d["data"])
sys.exit(0 if ok else 1)' "$TMP/body" <(curl -s "http://127.0.0.1:$O_PORT/api/v1/nodes") "$code"
code=$(get "$O_PORT" "/rest/node/list?columns=ip,svc")
check "MapR node/list?columns=ip,svc: hostname, ip and service only (short names work)" \
    test "$code:$(jget "$TMP/body" '",".join(sorted(d["data"][0]))')" = "200:hostname,ip,service"
code=$(get "$O_PORT" /rest/volume/lost)
check "MapR unknown command: the ERROR envelope with errors[{id, desc}]" \
    test "$code:$(jget "$TMP/body" 'd["status"]+" "+str(d["errors"][0]["id"])+" "+d["errors"][0]["desc"]+" "+str("timestamp" in d)')" = "404:ERROR 22 Unknown command: volume/lost True"
code=$(get_h "$S_PORT" /rest/node/list)
check "--basic-auth: MapR without credentials is Jetty's 401 page with a Basic challenge" \
    test "$code:$(hdr WWW-Authenticate):$(grep -c 'HTTP ERROR 401' "$TMP/body")" = '401:Basic realm="MapR":1'
code=$(get "$S_PORT" /rest/node/list -u svc.govconsole:s3cr3t)
check "--basic-auth: MapR with the pair answers OK" test "$code:$(jget "$TMP/body" 'd["status"]')" = "200:OK"
code=$(get_h "$S_PORT" /__health)
check "KrakenD /__health, even with --basic-auth: 200 {agents:{}, now, status ok}" \
    test "$code:$(hdr Content-Type):$(jget "$TMP/body" 'json.dumps(d["agents"])+" "+d["status"]+" "+",".join(sorted(d))')" = "200:application/json; charset=utf-8:{} ok agents,now,status"
check "KrakenD's now is the current time as Go prints it (time.Time.String with the monotonic reading)" \
    python3 -c 'import datetime, json, re, sys
now = json.load(open(sys.argv[1]))["now"]
m = re.fullmatch(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(\.\d{1,9})? \+0000 UTC m=\+\d+\.\d{9}", now)
t = m and datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=datetime.timezone.utc)
sys.exit(0 if t and abs((t - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) < 60 else 1)' "$TMP/body"
code=$(get "$S_PORT" /krakend.json)
check "KrakenD /krakend.json, even with --basic-auth: 200, version 3" test "$code:$(jget "$TMP/body" 'd["version"]')" = "200:3"
check "krakend.json: every endpoint is /TENANT/... of a world tenant, GET, with backend host and url_pattern" \
    python3 -c 'import json, sys
d = json.load(open(sys.argv[1])); tenants = set(sys.argv[2].split())
eps = d["endpoints"]
ok = len(eps) > 0 and {e["endpoint"].split("/")[1] for e in eps} == tenants
for e in eps:
    b = e["backend"][0]
    ok = ok and e["method"] == "GET" and b["host"][0].startswith("http://") and b["url_pattern"].startswith("/v1/")
    ok = ok and e["endpoint"].endswith(b["url_pattern"]) and "qos/ratelimit/router" in e["extra_config"]
sys.exit(0 if ok else 1)' "$TMP/body" "$TENANTS"
check "krakend.json: API keys for dmi (root keys and endpoint roles), JWT (auth/validator) for skat, none for dst" \
    test "$(jget "$TMP/body" '" ".join(e["endpoint"].split("/")[1]+":"+",".join(sorted(k for k in e["extra_config"] if k.startswith("auth/"))) for e in d["endpoints"] if e["endpoint"] in ("/dmi/v1/forecast","/skat/v1/eindkomst","/dst/v1/statbank"))') $(jget "$TMP/body" 'len([k for k in d["extra_config"]["auth/api-keys"]["keys"] if "dmi-partner" in k["roles"]])')" = "dmi:auth/api-keys dst: skat:auth/validator 2"
check "krakend.json: a backend is the app's Service in the tenant's namespace, on the app's port" \
    test "$(jget "$TMP/body" '[e["backend"][0]["host"][0] for e in d["endpoints"] if e["endpoint"]=="/dmi/v1/forecast"][0]')" = "http://forecast-api.dmi.svc.cluster.local:$(curl -s "http://127.0.0.1:$O_PORT/apis/apps/v1/namespaces/dmi/deployments/forecast-api" | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"])')"
code=$(get "$O_PORT" /__healthz)
check "KrakenD: an unknown path under its prefixes is gin's 404 page not found" \
    test "$code:$(cat "$TMP/body")" = "404:404 page not found"
# KrakenD's Prometheus page (issue 15): the routes of krakend.json, counters that only grow,
# and 503s that follow a crash-looping app.
get "$O_PORT" /krakend.json >/dev/null
cp "$TMP/body" "$TMP/krakend.json"
code=$(get_h "$O_PORT" /krakend/metrics)
cp "$TMP/body" "$TMP/metrics1"
check "KrakenD /krakend/metrics: 200 text/plain version 0.0.4, HELP and TYPE histogram" \
    test "$code:$(hdr Content-Type):$(grep -c '^# TYPE http_server_duration histogram$' "$TMP/body")" = "200:text/plain; version=0.0.4; charset=utf-8:1"
check "metrics: every sample line is name{labels} value, and every route is an endpoint of krakend.json (:id for {id})" \
    python3 -c 'import json, re, sys
eps = {e["endpoint"].replace("{id}", ":id") for e in json.load(open(sys.argv[2]))["endpoints"]}
routes = set()
for line in open(sys.argv[1]):
    if line.startswith("#"):
        continue
    m = re.fullmatch(r"[a-z_]+(\{[^}]*\})? [0-9.e+]+\n", line)
    if not m:
        sys.exit(1)
    r = re.search(r"http_route=\"([^\"]*)\"", line)
    if r:
        routes.add(r.group(1))
sys.exit(0 if routes and routes <= eps else 1)' "$TMP/metrics1" "$TMP/krakend.json"
code=$(post "$O_PORT" "/_sim/crashloop?ns=dmi&app=forecast-api")
check "POST /_sim/crashloop sends the app's pods into CrashLoopBackOff" \
    test "$code:$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pods"] > 0)' "$TMP/post")" = "200:True"
check "the crash-looping app's Deployment has no ready replica" \
    test "$(curl -s "http://127.0.0.1:$O_PORT/apis/apps/v1/namespaces/dmi/deployments/forecast-api" | python3 -c 'import json,sys; print(json.load(sys.stdin)["status"].get("readyReplicas", 0))')" = 0
code=$(post "$O_PORT" "/_sim/crashloop?ns=dmi&app=no-such-app")
check "POST /_sim/crashloop of an unknown app: 404" test "$code" = 404
sleep 1.5
get "$O_PORT" /krakend/metrics >/dev/null
cp "$TMP/body" "$TMP/metrics2"
check "metrics: no counter went back; the crash-looping app's routes counted new 503s, the routes without 503s before got none" \
    python3 -c 'import re, sys
def read(path):
    out = {}
    for line in open(path):
        if not line.startswith("#"):
            k, v = line.rsplit(" ", 1)
            out[k] = float(v)
    return out
a, b = read(sys.argv[1]), read(sys.argv[2])
if any(b.get(k, -1) < v for k, v in a.items()):
    sys.exit(1)
def errs(d, route):
    return sum(v for k, v in d.items() if k.startswith("http_server_duration_count") and "\"503\"" in k and ("http_route=\"%s\"" % route) in k)
grew = any(errs(b, r) > errs(a, r) for r in ("/dmi/v1/forecast", "/dmi/v1/forecast/:id"))
def route(k):
    return re.search(r"http_route=\"([^\"]*)\"", k).group(1)
clean = {route(k) for k in a if k.startswith("http_server_duration_count")} - \
        {route(k) for k in a if "\"503\"" in k} - {"/dmi/v1/forecast", "/dmi/v1/forecast/:id"}
spoilt = [k for k, v in b.items() if k.startswith("http_server_duration_count") and "\"503\"" in k and route(k) in clean and v > 1]
sys.exit(0 if grew and clean and not spoilt else 1)' "$TMP/metrics1" "$TMP/metrics2"
stop_sim S
stop_sim O

# ---------------------------------------------------------------------------------------
check "govsim --no-metrics --log-rate 5000 starts" start_sim G --port 0 --pods 60 --seed 2 --churn 0 --no-metrics --log-rate 5000
P=$G_PORT
get "$P" /apis >/dev/null
check "--no-metrics: /apis lists apps and authorization.k8s.io only" test "$(jget "$TMP/body" '",".join(g["name"] for g in d["groups"])')" = "apps,authorization.k8s.io"
code=$(get "$P" "/apis/metrics.k8s.io/v1beta1/pods")
check "--no-metrics: the metrics API is 404" test "$code:$(jget "$TMP/body" 'd["reason"]')" = "404:NotFound"
code=$(get "$P" /apis/apps/v1)
check "--no-metrics: the rest of the API is served (apps/v1 discovery 200)" test "$code" = 200
FPOD=$(curl -s "http://127.0.0.1:$P/api/v1/pods" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    if p["status"]["phase"] == "Running" and len(p["spec"]["containers"]) == 1 and p["status"]["containerStatuses"][0]["state"].get("running"):
        print(p["metadata"]["namespace"] + "/" + p["metadata"]["name"]); break')
nm_codes=""
for path in /apis/metrics.k8s.io /apis/metrics.k8s.io/v1beta1 /apis/metrics.k8s.io/v1beta1/nodes /apis/metrics.k8s.io/v1beta1/nodes/node-01 \
    /apis/metrics.k8s.io/v1beta1/namespaces/dmi/pods "/apis/metrics.k8s.io/v1beta1/namespaces/${FPOD%%/*}/pods/${FPOD#*/}"; do
    nm_codes+="$(get "$P" "$path") "
done
check "--no-metrics: discovery (group, version) and every resource path of metrics.k8s.io are 404" test "$nm_codes" = "404 404 404 404 404 404 "
t0=$(date +%s%N)
timeout 3 curl -sN "http://127.0.0.1:$P/api/v1/namespaces/${FPOD%%/*}/pods/${FPOD#*/}/log?follow=true&tailLines=0" >"$TMP/fast" 2>/dev/null
t1=$(date +%s%N)
lines=$(grep -c '' "$TMP/fast")
echo "# --log-rate 5000: $lines lines ($(( $(stat -c %s "$TMP/fast") / 1024 )) KiB) in $(((t1 - t0) / 1000000)) ms, $((lines * 1000000000 / (t1 - t0))) lines/s"
check "--log-rate 5000: a followed log delivers thousands of lines a second" test "$lines" -ge 9000
stop_sim G

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

# A page ends at the object its continue token names, even when objects are created inside
# its range while it is served (else the objects between its last one and the token's were in
# no page, and, older than the list, in no watch event either). The page is read through a
# small receive window, so govsim is still rendering it when a Deployment late in it scales up.
page_race() {
    python3 - "$D_PORT" <<'PY'
import base64, http.client, json, socket, sys, time, urllib.request
port, limit = int(sys.argv[1]), 1000
api = "http://127.0.0.1:%d" % port
def get(path):
    return json.load(urllib.request.urlopen(api + path, timeout=30))
page = get("/api/v1/pods?limit=%d" % limit)["items"]
for i in range(limit - 20, limit // 2, -1):
    if page[i]["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet":
        ns, app = page[i]["metadata"]["namespace"], page[i]["metadata"]["labels"]["app.kubernetes.io/name"]
        break
path = "/apis/apps/v1/namespaces/%s/deployments/%s/scale" % (ns, app)
replicas = get(path)["spec"]["replicas"]
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.connect(("127.0.0.1", port))
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
conn.sock = s
conn.request("GET", "/api/v1/pods?limit=%d" % limit)
resp = conn.getresponse()
head = resp.read(4096)
time.sleep(0.3)
urllib.request.urlopen(urllib.request.Request(api + path, method="PATCH",
    data=json.dumps({"spec": {"replicas": replicas + 25}}).encode(),
    headers={"Content-Type": "application/merge-patch+json"}), timeout=30).read()
d = json.loads(head + resp.read())
tok = d["metadata"]["continue"]
start = json.loads(base64.urlsafe_b64decode(tok + "=" * (-len(tok) % 4)))["start"].rstrip("\0")
last = d["items"][-1]["metadata"]
print("# a page met 25 new pods: %d items, the last %s/%s, the token's %s" % (len(d["items"]), last["namespace"], last["name"], start))
sys.exit(0 if "%s/%s" % (last["namespace"], last["name"]) == start and len(d["items"]) > limit else 1)
PY
}
check "a page that meets new objects in its range still ends at its continue key" page_race
stop_sim D

echo "# $failures failure(s)"
[ "$failures" -eq 0 ]
