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
failures=0

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

ok() { echo "ok - $1"; }
not_ok() {
    echo "not ok - $1"
    failures=$((failures + 1))
}
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
