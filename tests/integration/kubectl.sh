#!/bin/bash
# Real kubectl against govsim (TAP-style: "ok - ..." / "not ok - ...").
# Uses the kubectl on PATH: Debian's kubernetes-client (1.20) or google-cloud-cli's
# version dispatcher (1.32), which picks a kubectl matching the server's /version.
# Everything kubectl writes (kubeconfig, discovery cache, HOME) lives in a temp dir;
# ~/.kube is never read or written. GC_BIN_DIR says where govsim was built (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN="${GC_BIN_DIR:-build}/govsim"
for tool in kubectl curl python3 timeout; do
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
SIM_PID=""
BG_PIDS=()

cleanup() {
    local p
    for p in "${BG_PIDS[@]}" $SIM_PID; do
        kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. tests/tap.bash
check() {
    local desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}
wait_for() {
    local limit=$1 i
    shift
    for i in $(seq 1 $((limit * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# A private environment: kubectl (and the gcloud dispatcher) only see this directory.
REAL_HOME=${HOME:-/nonexistent}
touch "$TMP/stamp"
mkdir -p "$TMP/home" "$TMP/cache"
export HOME="$TMP/home"
export KUBECONFIG="$TMP/kubeconfig"
export KUBECACHEDIR="$TMP/cache"
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
# gcloud's dispatcher must not try to prompt, update or report.
export CLOUDSDK_CORE_DISABLE_PROMPTS=1
export CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK=1
export CLOUDSDK_CORE_DISABLE_USAGE_REPORTING=1
KFLAGS=(--request-timeout=20s --cache-dir="$TMP/cache")

echo "# kubectl: $(command -v kubectl) ($(timeout 20 kubectl version --client 2>&1 | head -n 1))"

"$BIN" --port 0 --pods 400 --seed 11 --churn 0 >"$TMP/sim.out" 2>"$TMP/sim.err" &
SIM_PID=$!
P=""
for i in $(seq 1 300); do
    P=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/sim.out")
    [ -n "$P" ] && break
    sleep 0.1
done
if [ -z "$P" ]; then
    echo "not ok - govsim did not start"
    sed 's/^/# /' "$TMP/sim.err"
    exit 1
fi
ok "govsim listens on 127.0.0.1:$P"
API="http://127.0.0.1:$P"

cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: govsim
  cluster:
    server: $API
contexts:
- name: govsim
  context:
    cluster: govsim
    user: govsim
current-context: govsim
users:
- name: govsim
  user: {}
EOF

kc() { timeout 60 kubectl "${KFLAGS[@]}" "$@"; }

TABLE_ACCEPT='application/json;as=Table;v=v1;g=meta.k8s.io,application/json'

# What the API says, fetched with curl: "namespace name ready status" a pod.
curl -s --max-time 30 -H "Accept: $TABLE_ACCEPT" "$API/api/v1/pods" |
    python3 -c '
import json, sys
d = json.load(sys.stdin)
for r in d["rows"]:
    c = r["cells"]
    print(r["object"]["metadata"]["namespace"], c[0], c[1], c[2])' | sort >"$TMP/api_pods"
check "the API lists pods ($(wc -l <"$TMP/api_pods"))" test "$(wc -l <"$TMP/api_pods")" -ge 390

# kubectl get pods -A
kc get pods -A >"$TMP/k_pods" 2>"$TMP/k_err"
rc=$?
check "kubectl get pods -A succeeds" test "$rc" = 0
if [ "$rc" -ne 0 ]; then sed 's/^/# /' "$TMP/k_err" | head -n 20; fi
check "kubectl get pods -A prints the apiserver's columns" \
    grep -qE '^NAMESPACE +NAME +READY +STATUS +RESTARTS +AGE *$' "$TMP/k_pods"
tail -n +2 "$TMP/k_pods" | awk '{print $1, $2, $3, $4}' | sort >"$TMP/k_pods_cols"
check "kubectl shows exactly the API's pods with the same READY and STATUS" \
    cmp -s "$TMP/api_pods" "$TMP/k_pods_cols"
if ! cmp -s "$TMP/api_pods" "$TMP/k_pods_cols"; then
    diff "$TMP/api_pods" "$TMP/k_pods_cols" | head -n 10 | sed 's/^/# /'
fi
for s in CrashLoopBackOff OOMKilled Pending ContainerCreating ErrImagePull Init:0/1 Completed Terminating; do
    check "kubectl shows $s pods" grep -q " $s " "$TMP/k_pods"
done
check "kubectl shows restarts with their age, e.g. '4 (2m ago)'" \
    grep -qE ' [0-9]+ \([0-9a-z]+ ago\) ' "$TMP/k_pods"

# kubectl get ns
kc get ns >"$TMP/k_ns" 2>"$TMP/k_err"
check "kubectl get ns succeeds" test $? = 0
curl -s "$API/api/v1/namespaces" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["name"], "Active")' >"$TMP/api_ns"
tail -n +2 "$TMP/k_ns" | awk '{print $1, $2}' >"$TMP/k_ns_cols"
check "kubectl get ns shows the API's namespaces, all Active" cmp -s "$TMP/api_ns" "$TMP/k_ns_cols"
check "kubectl get ns has dmi and registry" grep -qE '^(dmi|registry) ' "$TMP/k_ns"
kc get ns -l govcloud.sit.dk/tenant=dmi -o name >"$TMP/k_ns_dmi" 2>/dev/null
check "kubectl get ns -l govcloud.sit.dk/tenant=dmi: dmi and dmi-sandbox" \
    test "$(sort "$TMP/k_ns_dmi" | tr '\n' ' ')" = "namespace/dmi namespace/dmi-sandbox "

# kubectl get deploy -A
kc get deploy -A >"$TMP/k_deploy" 2>"$TMP/k_err"
check "kubectl get deploy -A succeeds" test $? = 0
check "kubectl get deploy -A prints NAMESPACE NAME READY UP-TO-DATE AVAILABLE AGE" \
    grep -qE '^NAMESPACE +NAME +READY +UP-TO-DATE +AVAILABLE +AGE *$' "$TMP/k_deploy"
curl -s "$API/apis/apps/v1/deployments" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    s = i["status"]
    print(i["metadata"]["namespace"], i["metadata"]["name"],
          "%d/%d" % (s.get("readyReplicas", 0), i["spec"]["replicas"]))' | sort >"$TMP/api_deploy"
tail -n +2 "$TMP/k_deploy" | awk '{print $1, $2, $3}' | sort >"$TMP/k_deploy_cols"
check "kubectl shows the API's deployments with READY = readyReplicas/replicas" \
    cmp -s "$TMP/api_deploy" "$TMP/k_deploy_cols"
check "dmi/forecast-api is among them" grep -q '^dmi forecast-api ' "$TMP/k_deploy_cols"

# kubectl get pods -n dmi -l app.kubernetes.io/name=forecast-api
curl -s "$API/api/v1/namespaces/dmi/pods?labelSelector=app.kubernetes.io%2Fname%3Dforecast-api" |
    python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["name"])' >"$TMP/api_fa"
kc get pods -n dmi -l app.kubernetes.io/name=forecast-api --no-headers >"$TMP/k_fa" 2>"$TMP/k_err"
check "kubectl get pods -n dmi -l app.kubernetes.io/name=forecast-api succeeds" test $? = 0
awk '{print $1}' "$TMP/k_fa" >"$TMP/k_fa_names"
check "it lists the same $(wc -l <"$TMP/api_fa") forecast-api pods as the API" \
    test -s "$TMP/api_fa" -a "$(cat "$TMP/api_fa")" = "$(cat "$TMP/k_fa_names")"
check "every one is named forecast-api-<hash>-<suffix>" \
    test "$(grep -cvE '^forecast-api-[bcdfghjklmnpqrstvwxz2456789]{10}-[bcdfghjklmnpqrstvwxz2456789]{5}$' "$TMP/k_fa_names")" = 0

# kubectl get pod NAME -n NS -o json: a crash-looping pod, compared with the API.
read -r CL_NS CL_NAME _ <<<"$(grep ' CrashLoopBackOff$' "$TMP/api_pods" | head -n 1)"
kc get pod "$CL_NAME" -n "$CL_NS" -o json >"$TMP/k_pod.json" 2>"$TMP/k_err"
check "kubectl get pod $CL_NAME -n $CL_NS -o json succeeds" test $? = 0
curl -s "$API/api/v1/namespaces/$CL_NS/pods/$CL_NAME" >"$TMP/api_pod.json"
check "kubectl's JSON has the API's uid, phase and CrashLoopBackOff waiting reason" python3 -c '
import json, sys
k = json.load(open(sys.argv[1]))
a = json.load(open(sys.argv[2]))
same = k["metadata"]["uid"] == a["metadata"]["uid"] and k["status"]["phase"] == a["status"]["phase"]
reason = k["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
sys.exit(0 if same and k["kind"] == "Pod" and reason == "CrashLoopBackOff" else 1)' "$TMP/k_pod.json" "$TMP/api_pod.json"
kc get pod no-such-pod -n dmi >/dev/null 2>"$TMP/k_err"
rc=$?
check "kubectl get of a missing pod fails with NotFound" \
    test "$rc" -ne 0 -a "$(grep -c 'NotFound\|not found' "$TMP/k_err")" -ge 1

# kubectl get pods -A --watch, then churn: a change line must arrive.
timeout 40 kubectl "${KFLAGS[@]}" get pods -A --watch --request-timeout=0 >"$TMP/k_watch" 2>"$TMP/k_watch_err" &
WATCH_PID=$!
BG_PIDS+=($WATCH_PID)
listed() { test "$(wc -l <"$TMP/k_watch")" -ge "$(wc -l <"$TMP/api_pods")"; }
check "kubectl get pods -A --watch prints the current pods first" wait_for 20 listed
before=$(wc -l <"$TMP/k_watch")
RV=$(curl -s "$API/api/v1/pods?limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["resourceVersion"])')
sleep 1
curl -s -X POST "$API/_sim/churn?n=6" >/dev/null
grew() { test "$(wc -l <"$TMP/k_watch")" -gt "$before"; }
check "after POST /_sim/churn, kubectl --watch prints change lines" wait_for 15 grew
sleep 1
# The pods that changed, from the API's own watch history.
curl -s --max-time 10 "$API/api/v1/pods?watch=1&resourceVersion=$RV&timeoutSeconds=1" |
    python3 -c '
import json, sys
for l in sys.stdin:
    if l.strip():
        e = json.loads(l)
        print(e["object"]["metadata"]["namespace"], e["object"]["metadata"]["name"])' | sort -u >"$TMP/changed"
tail -n +"$((before + 1))" "$TMP/k_watch" | awk '{print $1, $2}' | sort -u >"$TMP/k_changed"
check "kubectl's change lines name pods the API reports as changed" \
    test -s "$TMP/k_changed" -a -z "$(comm -23 "$TMP/k_changed" "$TMP/changed")"
kill "$WATCH_PID" 2>/dev/null
wait "$WATCH_PID" 2>/dev/null
if [ -s "$TMP/k_watch_err" ]; then
    sed 's/^/# kubectl: /' "$TMP/k_watch_err" | head -n 5
fi

# kubectl copes with what the simulator does not serve (openapi) when describing.
kc describe pod "$CL_NAME" -n "$CL_NS" >"$TMP/k_describe" 2>"$TMP/k_err"
check "kubectl describe pod works and shows the CrashLoopBackOff reason" \
    grep -q 'Reason: *CrashLoopBackOff' "$TMP/k_describe"

# ---------------------------------------------------------------------------------------
# Everything below changes the world; each action's effect is checked through the API.

# pods_of NS APP: "name uid phase" of the app's pods, sorted by name.
pods_of() {
    curl -s --max-time 10 "$API/api/v1/namespaces/$1/pods?labelSelector=app.kubernetes.io%2Fname%3D$2" |
        python3 -c '
import json, signal, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["name"], i["metadata"]["uid"], i["status"]["phase"],
          "deleting" if "deletionTimestamp" in i["metadata"] else "-")'
}
# The deployment to act on: one of a tenant's apps whose pods all run.
read -r NS APP <<<"$(curl -s "$API/apis/apps/v1/deployments" | python3 -c '
import json, sys, urllib.request
pods = json.load(urllib.request.urlopen(sys.argv[1] + "/api/v1/pods"))["items"]
for d in json.load(sys.stdin)["items"]:
    ns, name, n = d["metadata"]["namespace"], d["metadata"]["name"], d["spec"]["replicas"]
    mine = [p for p in pods if p["metadata"]["namespace"] == ns and p["metadata"]["labels"].get("app.kubernetes.io/name") == name]
    if ns in ("dmi", "registry", "skat") and 3 <= n <= 8 and len(mine) == n and all(
            p["status"]["phase"] == "Running" and "deletionTimestamp" not in p["metadata"]
            and len(p["spec"]["containers"]) == 1
            and all(c["ready"] for c in p["status"]["containerStatuses"]) for p in mine):
        print(ns, name); break' "$API")"
echo "# kubectl acts on deployment $NS/$APP"

# kubectl logs: tail, timestamps, -c, --previous, -f.
LP=$(pods_of "$NS" "$APP" | awk '$3 == "Running" && $4 == "-" {print $1; exit}')
kc logs -n "$NS" "$LP" --tail 5 >"$TMP/k_log" 2>"$TMP/k_err"
check "kubectl logs --tail 5: five lines" test "$?:$(grep -c '' "$TMP/k_log")" = "0:5"
curl -s --max-time 10 "$API/api/v1/namespaces/$NS/pods/$LP/log?tailLines=20" >"$TMP/api_log"
check "... the lines the API's log?tailLines=20 ends with (bar the newest)" \
    test "$(grep -cxFf "$TMP/api_log" "$TMP/k_log")" = 5
kc logs -n "$NS" "$LP" --tail 3 --timestamps >"$TMP/k_log" 2>"$TMP/k_err"
check "kubectl logs --timestamps: RFC3339Nano prefixes" \
    test "$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z ' "$TMP/k_log")" = 3
read -r SC_NS SC_POD <<<"$(curl -s "$API/api/v1/pods" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    if len(p["spec"]["containers"]) == 2 and p["status"]["phase"] == "Running":
        print(p["metadata"]["namespace"], p["metadata"]["name"]); break')"
kc logs -n "$SC_NS" "$SC_POD" -c log-shipper --tail 2 >"$TMP/k_log" 2>"$TMP/k_err"
check "kubectl logs -c log-shipper: the sidecar's lines" test "$?:$(grep -c '^level=' "$TMP/k_log")" = "0:2"
read -r CL2_NS CL2_POD <<<"$(curl -s "$API/api/v1/pods" | python3 -c '
import json, sys
for p in json.load(sys.stdin)["items"]:
    cs = p["status"].get("containerStatuses", [])
    if cs and cs[0]["state"].get("waiting", {}).get("reason") == "CrashLoopBackOff":
        print(p["metadata"]["namespace"], p["metadata"]["name"]); break')"
kc logs -n "$CL2_NS" "$CL2_POD" --previous --tail 3 >"$TMP/k_log" 2>"$TMP/k_err"
check "kubectl logs --previous of a crash-looping pod ends with its fatal line" \
    test "$?:$(tail -n 1 "$TMP/k_log" | grep -c '"level":"fatal"')" = "0:1"
kc logs -n "$NS" "$LP" --previous >"$TMP/k_log" 2>"$TMP/k_err"
rc=$?
check "kubectl logs --previous of a pod that never restarted fails with the kubelet's message" \
    test "$rc" -ne 0 -a "$(grep -c 'previous terminated container' "$TMP/k_err")" -ge 1
timeout 3 kubectl "${KFLAGS[@]}" logs -f -n "$NS" "$LP" --tail 0 >"$TMP/k_follow" 2>/dev/null
check "kubectl logs -f streams new lines until stopped ($(grep -c '' "$TMP/k_follow") in 3 s)" \
    test "$(grep -c '' "$TMP/k_follow")" -ge 2

# kubectl get statefulsets -A, kubectl get events, kubectl top pods.
kc get statefulsets -A >"$TMP/k_sts" 2>"$TMP/k_err"
check "kubectl get statefulsets -A succeeds with NAMESPACE NAME READY AGE" \
    grep -qE '^NAMESPACE +NAME +READY +AGE *$' "$TMP/k_sts"
curl -s "$API/apis/apps/v1/statefulsets" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["namespace"], i["metadata"]["name"], "%d/%d" % (i["status"].get("readyReplicas", 0), i["spec"]["replicas"]))' >"$TMP/api_sts"
tail -n +2 "$TMP/k_sts" | awk '{print $1, $2, $3}' >"$TMP/k_sts_cols"
check "kubectl shows the API's StatefulSets ($(wc -l <"$TMP/api_sts")) with READY" \
    test -s "$TMP/api_sts" -a "$(cat "$TMP/api_sts")" = "$(cat "$TMP/k_sts_cols")"
kc get events -n "$NS" >"$TMP/k_ev" 2>"$TMP/k_err"
check "kubectl get events -n $NS succeeds with LAST SEEN TYPE REASON OBJECT MESSAGE" \
    grep -qE '^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE *$' "$TMP/k_ev"
curl -s "$API/api/v1/namespaces/$NS/events" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["type"], i["reason"], i["involvedObject"]["kind"].lower() + "/" + i["involvedObject"]["name"])' | sort >"$TMP/api_ev"
tail -n +2 "$TMP/k_ev" | awk '{print $2, $3, $4}' | sort >"$TMP/k_ev_cols"
check "kubectl shows the API's $(wc -l <"$TMP/api_ev") events in $NS" \
    test -s "$TMP/api_ev" -a "$(cat "$TMP/api_ev")" = "$(cat "$TMP/k_ev_cols")"
# api_names PATH: the names of the items the API lists at PATH, sorted.
api_names() {
    curl -s "$API$1" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["name"])' | sort
}
kc top pods -n "$NS" >"$TMP/k_top" 2>"$TMP/k_err"
check "kubectl top pods -n $NS succeeds" grep -qE '^NAME +CPU\(cores\) +MEMORY\(bytes\) *$' "$TMP/k_top"
api_names "/apis/metrics.k8s.io/v1beta1/namespaces/$NS/pods" >"$TMP/api_top"
tail -n +2 "$TMP/k_top" | awk '{print $1}' | sort >"$TMP/k_top_names"
check "kubectl top pods lists the API's $(wc -l <"$TMP/api_top") PodMetrics, with millicores and MiB" \
    test -s "$TMP/api_top" -a "$(cat "$TMP/api_top")" = "$(cat "$TMP/k_top_names")" -a \
    "$(tail -n +2 "$TMP/k_top" | grep -cvE ' [0-9]+m +[0-9]+Mi *$')" = 0
# kubectl get rs, get quota, top node.
kc get rs -A >"$TMP/k_rs" 2>"$TMP/k_err"
check "kubectl get rs -A prints NAMESPACE NAME DESIRED CURRENT READY AGE" \
    grep -qE '^NAMESPACE +NAME +DESIRED +CURRENT +READY +AGE *$' "$TMP/k_rs"
curl -s "$API/apis/apps/v1/replicasets" | python3 -c '
import json, sys
for i in json.load(sys.stdin)["items"]:
    print(i["metadata"]["namespace"], i["metadata"]["name"], i["spec"]["replicas"], i["status"]["replicas"], i["status"].get("readyReplicas", 0))' | sort >"$TMP/api_rs"
tail -n +2 "$TMP/k_rs" | awk '{print $1, $2, $3, $4, $5}' | sort >"$TMP/k_rs_cols"
check "kubectl shows the API's $(wc -l <"$TMP/api_rs") ReplicaSets with DESIRED, CURRENT, READY, old revisions at 0 0 0" \
    test -s "$TMP/api_rs" -a "$(cat "$TMP/api_rs")" = "$(cat "$TMP/k_rs_cols")" -a "$(grep -c ' 0 0 0$' "$TMP/k_rs_cols")" -ge 1
kc get quota -A --no-headers >"$TMP/k_quota" 2>"$TMP/k_err"
check "kubectl get quota -A shows each tenant namespace's used/hard pods, requests.cpu and requests.memory as the API has them" python3 -c '
import json, sys, urllib.request
lines = {tuple(l.split()[:2]): l for l in open(sys.argv[1]) if l.strip()}
qs = json.load(urllib.request.urlopen(sys.argv[2] + "/api/v1/resourcequotas"))["items"]
ok = len(qs) > 6 and len(lines) == len(qs)
for q in qs:
    u, h = q["status"]["used"], q["status"]["hard"]
    want = ", ".join("%s: %s/%s" % (k, u[k], h[k]) for k in ("pods", "requests.cpu", "requests.memory"))
    ok = ok and want in lines.get((q["metadata"]["namespace"], q["metadata"]["name"]), "")
sys.exit(0 if ok else 1)' "$TMP/k_quota" "$API"
kc top node >"$TMP/k_topn" 2>"$TMP/k_err"
api_names /api/v1/nodes >"$TMP/api_nodes"
tail -n +2 "$TMP/k_topn" | awk '{print $1}' | sort >"$TMP/k_topn_names"
check "kubectl top node: every node ($(wc -l <"$TMP/api_nodes")) with millicores, MiB and percentages of allocatable" \
    test -s "$TMP/api_nodes" -a "$(cat "$TMP/api_nodes")" = "$(cat "$TMP/k_topn_names")" -a \
    "$(tail -n +2 "$TMP/k_topn" | grep -cvE '^node-[0-9]+ +[0-9]+m +[0-9]+% +[0-9]+Mi +[0-9]+% *$')" = 0
kc describe pod "$CL2_POD" -n "$CL2_NS" >"$TMP/k_describe" 2>"$TMP/k_err"
check "kubectl describe pod shows its Events (BackOff with a count)" \
    grep -qE '^ +Warning +BackOff +[0-9a-z]+ \(x[0-9]+ over [0-9a-z]+\) +kubelet +Back-off restarting failed container' "$TMP/k_describe"

# kubectl scale deploy, then kubectl get deploy and the API agree.
REPLICAS=$(curl -s "$API/apis/apps/v1/namespaces/$NS/deployments/$APP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["spec"]["replicas"])')
UP=$((REPLICAS + 2))
kc scale deploy "$APP" -n "$NS" --replicas "$UP" >"$TMP/k_out" 2>"$TMP/k_err"
check "kubectl scale deploy $APP --replicas $UP succeeds" test "$?:$(cat "$TMP/k_out")" = "0:deployment.apps/$APP scaled"
scaled() {
    [ "$(pods_of "$NS" "$APP" | awk '$3 == "Running" && $4 == "-"' | wc -l)" = "$1" ] &&
        [ "$(curl -s "$API/apis/apps/v1/namespaces/$NS/deployments/$APP" | python3 -c 'import json,sys; d=json.load(sys.stdin); s=d["status"]; print(d["spec"]["replicas"], s.get("readyReplicas",0), s.get("availableReplicas",0))')" = "$1 $1 $1" ]
}
check "the API shows $UP Running pods and the deployment ready $UP/$UP" wait_for 15 scaled "$UP"
kc get deploy "$APP" -n "$NS" --no-headers >"$TMP/k_out" 2>"$TMP/k_err"
check "kubectl get deploy shows $UP/$UP" test "$(awk '{print $2, $3, $4}' "$TMP/k_out")" = "$UP/$UP $UP $UP"
kc scale deploy "$APP" -n "$NS" --replicas "$REPLICAS" >/dev/null 2>&1
check "kubectl scale back to $REPLICAS: the API follows" wait_for 15 scaled "$REPLICAS"

# kubectl describe deployment: NewReplicaSet is the ReplicaSet whose pod template equals the
# Deployment's (pod-template-hash aside), which must be the one at its revision.
# new_rs_ok WHEN: the check, with the name the API gives that ReplicaSet.
new_rs_ok() {
    local want
    want=$(python3 -c '
import json, sys, urllib.request
get = lambda p: json.load(urllib.request.urlopen(sys.argv[1] + p))
d = get("/apis/apps/v1/namespaces/%s/deployments/%s" % (sys.argv[2], sys.argv[3]))
rev = d["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
rs = get("/apis/apps/v1/namespaces/%s/replicasets?labelSelector=app.kubernetes.io%%2Fname%%3D%s" % (sys.argv[2], sys.argv[3]))["items"]
print(" ".join(r["metadata"]["name"] for r in rs if r["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == rev))' "$API" "$NS" "$APP")
    kc describe deployment "$APP" -n "$NS" >"$TMP/k_describe" 2>"$TMP/k_err"
    check "kubectl describe deployment $APP $1: NewReplicaSet is the one at its revision ($want)" \
        test -n "$want" -a "$(awk '$1 == "NewReplicaSet:" {print $2}' "$TMP/k_describe")" = "$want"
}
new_rs_ok "in the world as made"

# kubectl rollout restart, then kubectl rollout status.
pods_of "$NS" "$APP" | awk '{print $2}' >"$TMP/old_uids"
kc rollout restart deploy "$APP" -n "$NS" >"$TMP/k_out" 2>"$TMP/k_err"
check "kubectl rollout restart deploy $APP succeeds" test "$?:$(cat "$TMP/k_out")" = "0:deployment.apps/$APP restarted"
kc rollout status deploy "$APP" -n "$NS" --timeout 60s >"$TMP/k_out" 2>"$TMP/k_err"
rc=$?
check "kubectl rollout status deploy $APP --timeout 60s succeeds" \
    test "$rc:$(tail -n 1 "$TMP/k_out")" = "0:deployment \"$APP\" successfully rolled out"
if [ "$rc" -ne 0 ]; then sed 's/^/# /' "$TMP/k_err" | head -n 5; fi
pods_of "$NS" "$APP" | awk '$4 == "-"' >"$TMP/new_pods"
kc get rs -n "$NS" -l "app.kubernetes.io/name=$APP" --no-headers >"$TMP/k_out" 2>"$TMP/k_err"
check "kubectl get rs after the restart: the new ReplicaSet at $REPLICAS $REPLICAS $REPLICAS, the previous one at 0 0 0" \
    test "$(awk '{print $2, $3, $4}' "$TMP/k_out" | sort | tr '\n' ',')" = "0 0 0,$REPLICAS $REPLICAS $REPLICAS,"
new_rs_ok "after the restart"
kc rollout history deploy "$APP" -n "$NS" >"$TMP/k_out" 2>"$TMP/k_err"
REV=$(curl -s "$API/apis/apps/v1/namespaces/$NS/deployments/$APP" | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata"]["annotations"]["deployment.kubernetes.io/revision"])')
check "kubectl rollout history lists revisions $((REV - 1)) and $REV (the kept ReplicaSets)" \
    test "$(awk '$1 ~ /^[0-9]+$/ {print $1}' "$TMP/k_out" | tr '\n' ' ')" = "$((REV - 1)) $REV "
check "the API shows $REPLICAS pods, all Running with new uids, and the restartedAt annotation" \
    test "$(wc -l <"$TMP/new_pods"):$(awk '$3 != "Running"' "$TMP/new_pods" | wc -l):$(awk '{print $2}' "$TMP/new_pods" | grep -cxFf "$TMP/old_uids")" = "$REPLICAS:0:0" -a \
    "$(curl -s "$API/apis/apps/v1/namespaces/$NS/deployments/$APP" | python3 -c 'import json,sys; print("kubectl.kubernetes.io/restartedAt" in json.load(sys.stdin)["spec"]["template"]["metadata"].get("annotations", {}))')" = True

# kubectl delete pod: the replacement appears.
read -r DP DP_UID _ <<<"$(pods_of "$NS" "$APP" | awk '$3 == "Running" && $4 == "-"' | head -n 1)"
kc delete pod "$DP" -n "$NS" >"$TMP/k_out" 2>"$TMP/k_err"
rc=$?
check "kubectl delete pod $DP succeeds (it waits for the pod to go)" test "$rc:$(cat "$TMP/k_out")" = "0:pod \"$DP\" deleted"
[ "$rc" = 0 ] || sed "s/^/# /" "$TMP/k_err" | head -n 5
code=$(curl -s -o /dev/null -w '%{http_code}' "$API/api/v1/namespaces/$NS/pods/$DP")
check "the API no longer has $DP (404)" test "$code" = 404
replaced() {
    pods_of "$NS" "$APP" >"$TMP/after"
    [ "$(awk '$3 == "Running" && $4 == "-"' "$TMP/after" | wc -l)" = "$REPLICAS" ] && ! grep -q "$DP_UID" "$TMP/after"
}
check "the replacement appears and runs: $REPLICAS Running pods again" wait_for 15 replaced
kc get pods -n "$NS" -l "app.kubernetes.io/name=$APP" --no-headers >"$TMP/k_out" 2>/dev/null
check "kubectl get pods shows the replacement, not the deleted pod" \
    test "$(awk '{print $1}' "$TMP/k_out" | sort | tr '\n' ' ')" = "$(awk '{print $1}' "$TMP/after" | sort | tr '\n' ' ')"

# RBAC-like 403: a second govsim with a forbidden namespace. kubectl sends a kubeconfig's
# credentials over TLS only, so against govsim's plain HTTP it is system:anonymous.
"$BIN" --port 0 --pods 60 --seed 4 --churn 0 --forbid-namespace skat >"$TMP/sim2.out" 2>"$TMP/sim2.err" &
SIM2_PID=$!
BG_PIDS+=($SIM2_PID)
P2=""
for i in $(seq 1 100); do
    P2=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/sim2.out")
    [ -n "$P2" ] && break
    sleep 0.1
done
sed -e "s#server: .*#server: http://127.0.0.1:$P2#" "$KUBECONFIG" >"$TMP/kubeconfig2"
FP=$(curl -s "http://127.0.0.1:$P2/api/v1/pods" | python3 -c '
import json, sys
print([i["metadata"]["name"] for i in json.load(sys.stdin)["items"] if i["metadata"]["namespace"] == "skat"][0])')
KUBECONFIG="$TMP/kubeconfig2" timeout 60 kubectl --request-timeout=20s --cache-dir="$TMP/cache2" delete pod "$FP" -n skat >"$TMP/k_out" 2>"$TMP/k_err"
rc=$?
check "kubectl delete pod in a forbidden namespace fails with the apiserver's Forbidden message" \
    test "$rc" -ne 0 -a "$(grep -c "Error from server (Forbidden): pods \"$FP\" is forbidden: User \"system:anonymous\" cannot delete resource \"pods\" in API group \"\" in the namespace \"skat\"" "$TMP/k_err")" = 1
if [ "$rc" -eq 0 ] || ! grep -q Forbidden "$TMP/k_err"; then sed 's/^/# /' "$TMP/k_err" | head -n 3; fi
check "... and the API still has the pod" \
    test "$(curl -s "http://127.0.0.1:$P2/api/v1/pods?fieldSelector=metadata.name%3D$FP" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')" = 1
# kubectl auth can-i asks a SelfSubjectAccessReview; the answers follow what the API does.
k2() { KUBECONFIG="$TMP/kubeconfig2" timeout 60 kubectl --request-timeout=20s --cache-dir="$TMP/cache2" "$@"; }
k2 auth can-i list pods -A >"$TMP/k_out" 2>"$TMP/k_err"
rc=$?
check "kubectl auth can-i list pods -A: yes (exit 0), as the cluster-wide list answers 200" \
    test "$rc:$(cat "$TMP/k_out"):$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P2/api/v1/pods")" = "0:yes:200"
if [ "$rc" -ne 0 ]; then sed 's/^/# /' "$TMP/k_err" | head -n 3; fi
k2 auth can-i delete pods -n skat >"$TMP/k_out" 2>"$TMP/k_err"
rc=$?
check "kubectl auth can-i delete pods -n skat: no (exit 1), as the delete above was 403" \
    test "$rc:$(cut -c1-2 "$TMP/k_out")" = "1:no"
if [ "$rc" -ne 1 ]; then sed 's/^/# /' "$TMP/k_err" | head -n 3; fi
k2 auth can-i delete pods -n dmi >"$TMP/k_out" 2>"$TMP/k_err"
check "kubectl auth can-i delete pods -n dmi: yes" test "$?:$(cat "$TMP/k_out")" = "0:yes"
kill -TERM "$SIM2_PID"
wait "$SIM2_PID"
check "the second govsim stops with status 0" test $? = 0
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim2.err"; then
    not_ok "second govsim: no sanitizer reports"
    grep -E -m 5 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim2.err" | sed 's/^/# /'
fi

# Nothing under the real ~/.kube may be newer than the start of this test.
untouched() {
    [ ! -d "$REAL_HOME/.kube" ] || [ -z "$(find "$REAL_HOME/.kube" -newer "$TMP/stamp" 2>/dev/null | head -n 1)" ]
}
check "the real ~/.kube was not touched" untouched

kill -TERM "$SIM_PID"
wait "$SIM_PID"
rc=$?
SIM_PID=""
check "govsim stops on SIGTERM with status 0" test "$rc" = 0
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim.err"; then
    not_ok "govsim: no sanitizer reports"
    grep -E -m 5 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim.err" | sed 's/^/# /'
else
    ok "govsim: no sanitizer reports"
fi

echo "# $failures failure(s)"
[ "$failures" -eq 0 ]
