#!/bin/bash
# The demo's world keeps a steady state (issue 12.3): govsim at the churn `--demo` uses, read
# every 10 s for 80 s through its Kubernetes API. Most pods stay Running, terminating pods go
# by their deletion time, pods are replaced, and the three troubles it keeps for the demo (a
# crash-looping app, an app pending for CPU, a slow rollout) persist. TAP-style output.
# Run from the repository root; GC_BIN_DIR says where govsim was built (default build).
set -u
cd "$(dirname "$0")/../.." || exit 1
BIN="${GC_BIN_DIR:-build}/govsim"
. tests/tap.bash
for tool in curl python3; do
    command -v "$tool" >/dev/null 2>&1 || { not_ok "$tool is required by this test"; exit 1; }
done
[ -x "$BIN" ] || { not_ok "$BIN not found (run make, or set GC_BIN_DIR)"; exit 1; }

TMP=$(mktemp -d)
SIM=""
cleanup() {
    [ -n "$SIM" ] && kill "$SIM" 2>/dev/null
    wait 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# The demo's settings: core/demo.c starts govsim with its defaults (300 pods, churn 2/s).
"$BIN" --port 0 >"$TMP/sim.out" 2>"$TMP/sim.err" &
SIM=$!
port=""
for _ in $(seq 1 300); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$TMP/sim.out")
    [ -n "$port" ] && break
    sleep 0.1
done
if [ -z "$port" ]; then
    not_ok "govsim starts"
    exit 1
fi
ok "govsim starts at the demo's churn"

SAMPLES=9
for i in $(seq 1 $SAMPLES); do
    [ "$i" -gt 1 ] && sleep 10
    curl -s --max-time 20 -o "$TMP/pods.$i" "http://127.0.0.1:$port/api/v1/pods"
    curl -s --max-time 20 -o "$TMP/deploys.$i" "http://127.0.0.1:$port/apis/apps/v1/deployments"
    date -u +%s >"$TMP/now.$i"
done

python3 - "$TMP" "$SAMPLES" <<'EOF'
import json, sys, datetime

tmp, n = sys.argv[1], int(sys.argv[2])
def when(s):
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()
bad = 0
def report(ok, what, detail=""):
    global bad
    bad += 0 if ok else 1
    print(("ok - " if ok else "not ok - ") + what)
    if not ok and detail:
        print("# " + detail)

def status(p):
    if p["metadata"].get("deletionTimestamp"):
        return "Terminating"
    for c in p["status"].get("containerStatuses") or []:
        r = (c.get("state") or {}).get("waiting", {}).get("reason")
        if r:
            return r
    return p["status"].get("phase", "?")

def app(p):
    labels = p["metadata"].get("labels") or {}
    name = labels.get("app.kubernetes.io/name") or labels.get("app") or p["metadata"]["name"]
    return p["metadata"]["namespace"] + "/" + name

samples = []
for i in range(1, n + 1):
    try:
        pods = json.load(open(f"{tmp}/pods.{i}"))["items"]
        deps = json.load(open(f"{tmp}/deploys.{i}"))["items"]
    except Exception as e:
        report(False, f"sample {i} is a pod and deployment list", str(e))
        sys.exit(1)
    samples.append((float(open(f"{tmp}/now.{i}").read()), pods, deps))
report(True, f"{n} samples read over {int(samples[-1][0] - samples[0][0])} s")

shares, late, crash_sets, cpu_sets, rolling = [], [], [], [], set()
for now, pods, deps in samples:
    live = [p for p in pods if p["status"].get("phase") not in ("Succeeded", "Failed")]
    running = [p for p in live if status(p) == "Running"]
    shares.append(len(running) / max(len(live), 1))
    for p in pods:
        d = p["metadata"].get("deletionTimestamp")
        if d and when(d) < now - 5:
            late.append(f"{p['metadata']['name']} {int(now - when(d))} s past its deletion time")
    by_app = {}
    for p in live:
        by_app.setdefault(app(p), []).append(status(p))
    crash_sets.append({a for a, s in by_app.items()
                       if s and all(x == "CrashLoopBackOff" for x in s)})
    cpu = set()
    for p in live:
        for c in p["status"].get("conditions") or []:
            if c.get("type") == "PodScheduled" and "Insufficient cpu" in (c.get("message") or ""):
                cpu.add(app(p))
    cpu_sets.append(cpu)
    for d in deps:
        want = d["spec"].get("replicas", 1)
        if d["status"].get("updatedReplicas", want) < want:
            rolling.add(d["metadata"]["namespace"] + "/" + d["metadata"]["name"])

low = min(shares)
report(low >= 0.80, "at least 80% of the live pods are Running in every sample",
       "shares: " + " ".join(f"{s:.2f}" for s in shares))
report(max(shares) < 1.0, "never every pod Running: the demo keeps its problems",
       "shares: " + " ".join(f"{s:.2f}" for s in shares))
report(not late, "no pod stays Terminating past its deletion time", "; ".join(late[:5]))

first = {p["metadata"]["uid"] for p in samples[0][1]}
last = {p["metadata"]["uid"] for p in samples[-1][1]}
gone = len(first - last)
report(gone >= 5, "churn replaces pods (uids gone between the first and last sample)",
       f"{gone} gone")
counts = [len(s[1]) for s in samples]
report(max(counts) - min(counts) <= len(samples[0][1]) // 10,
       "the number of pods stays within 10% of the start", f"counts: {counts}")

kept = set.intersection(*crash_sets)
report(len(kept) == 1, "exactly one app has every pod crash-looping in every sample",
       f"per sample: {[sorted(s) for s in crash_sets]}")
kept = set.intersection(*cpu_sets)
report(len(kept) == 1, "one app has a pod pending for CPU in every sample",
       f"per sample: {[sorted(s) for s in cpu_sets]}")
report(len(rolling) >= 1, "a Deployment rolls out slowly (updated below desired in a sample)",
       f"rolling: {sorted(rolling)}")
sys.exit(1 if bad else 0)
EOF
[ $? -eq 0 ] || failures=$((failures + 1))

kill "$SIM" 2>/dev/null
wait "$SIM" 2>/dev/null
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim.err"; then
    not_ok "govsim: no sanitizer reports"
    grep -E -m 5 'AddressSanitizer|LeakSanitizer|runtime error:' "$TMP/sim.err" | sed 's/^/# /'
else
    ok "govsim: no sanitizer reports"
fi
SIM=""
echo "# $failures failure(s)"
[ "$failures" -eq 0 ]
