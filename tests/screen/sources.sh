#!/bin/bash
# Screen test: sources configured beside Kubernetes that misbehave (one unreachable, one
# answering an HTML page where its API belongs): the console starts and works, the header's
# token of each says what is wrong in a word, :sources says it in one line per source, and
# `govconsole check` exits 1 naming them; against govsim with basic auth it passes every source,
# and names a wrong password as rejected. At 80 columns the header names the failing sources
# and counts the others.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 60 --tenants 3 --seed 8 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

# A web server that answers HTML for every path (a login page where MapR's REST API belongs).
mkdir -p "$WORK/html/rest/node" "$WORK/html/rest/volume"
printf '<html><body>Please log in</body></html>\n' >"$WORK/html/rest/node/list"
cp "$WORK/html/rest/node/list" "$WORK/html/rest/volume/list" # what the datasets poll
python3 -m http.server 0 --bind 127.0.0.1 --directory "$WORK/html" >"$WORK/html.out" 2>&1 &
HTML_PID=$!
trap 'kill $HTML_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 50); do
    HTML_PORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$WORK/html.out" | head -1)
    [ -n "$HTML_PORT" ] && break
    sleep 0.1
done
[ -n "$HTML_PORT" ] || { echo "Bail out! the HTML server did not start"; exit 1; }

cat >"$WORK/config.ini" <<INI
[nagios]
url = http://127.0.0.1:1/nagios4/cgi-bin
interval = 5s
[mapr]
url = http://127.0.0.1:$HTML_PORT
interval = 5s
INI

start_console 160 30 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c pods"
check "the console starts and shows the pods" wait_for 'pods\(all\)\[60\]'
check "Kubernetes works beside the failing sources" wait_for 'kubernetes: connected'
check "the header says nagios is unreachable" wait_for 'nagios: unreachable'
check "the header says mapr gave a bad answer" wait_for 'mapr: bad answer'
keys : s o u r c e s Enter
check ":sources lists the three sources" wait_for 'sources\(all\)\[3\]'
check ":sources: kubernetes connected, with its URL" wait_for "^kubernetes +connected +$SIM_URL"
check ":sources: nagios unreachable, with the reason" wait_for '^nagios +unreachable .*(refused|connect)'
check ":sources: mapr's reason names the HTML page" wait_for '^mapr +bad answer .*HTML page'
check ":sources counts requests and bytes for kubernetes" wait_for '^kubernetes .* [0-9]+(\.[0-9])? (KB|MB) +[0-9]+ ms'
keys : p o d s Enter
check "back on the pods, still working" wait_for 'pods\(all\)\[60\]'
# 80 columns: the header names the sources that need a look and counts the others.
tm resize-window -t gc -x 80 -y 24
check "80 columns: the failing sources by name, the others counted" \
    wait_for 'nagios: unreachable  mapr: bad answer  1 other ok *$'
check "80 columns: the header still says who, without the console's name" \
    wait_for "^ $(id -un) · operator · all  "
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill

# check: one line a source, exit 1, each failure named with its reason.
out=$("$BIN/govconsole" check --config "$WORK/config.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
rc=$?
[ $rc -eq 1 ] && ok "check exits 1 when a source fails" || not_ok "check exits 1 (got $rc)" "$out"
printf '%s\n' "$out" | grep -Eq '^nagios +http://127.0.0.1:1/.* FAIL +unreachable' &&
    ok "check names nagios unreachable" || not_ok "check names nagios unreachable" "$out"
printf '%s\n' "$out" | grep -Eq "^mapr +http://127.0.0.1:$HTML_PORT/.* FAIL .*HTML page" &&
    ok "check names mapr's HTML answer" || not_ok "check names mapr's HTML answer" "$out"
json=$("$BIN/govconsole" check --format json --config "$WORK/config.ini" --kubeconfig "$WORK/kubeconfig" 2>/dev/null </dev/null)
[ "$(printf '%s' "$json" | jq -r '[.[] | "\(.source)=\(.ok)"] | join(" ")')" = \
  "kubernetes=$(printf '%s' "$json" | jq -r '.[0].ok') nagios=false mapr=false" ] &&
    ok "check --format json: one object a source, ok false for the failing ones" ||
    not_ok "check --format json" "$json"
[ "$(printf '%s' "$json" | jq -r '.[1].reachable, .[2].reachable' | tr '\n' ' ')" = "false true " ] &&
    ok "check --format json: reachable false for nagios, true for mapr" ||
    not_ok "check --format json: reachable" "$json"
# check against govsim, which asks every API but Kubernetes for a basic pair: all pass (exit 0)
# with the right password; a wrong one for ServiceNow is named as rejected (exit 1).
"$BIN/govsim" --port 0 --pods 30 --churn 0 --basic-auth gc:right >"$WORK/auth.out" 2>&1 &
AUTH_PID=$!
trap 'kill $HTML_PID $AUTH_PID 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do
    AUTH_PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/auth.out")
    [ -n "$AUTH_PORT" ] && break
    sleep 0.05
done
AUTH="http://127.0.0.1:$AUTH_PORT"
write_kubeconfig "$AUTH" >"$WORK/auth.yaml"
chmod 600 "$WORK/auth.yaml"
printf '[nagios]\nurl = %s/nagios4/cgi-bin\nuser = gc\n[servicenow]\nurl = %s\nuser = gc\n[mapr]\nurl = %s\nuser = gc\n[krakend]\nhealth = %s/__health\nconfig = %s/krakend.json\n' \
    "$AUTH" "$AUTH" "$AUTH" "$AUTH" "$AUTH" >"$WORK/auth.ini"
out=$(GOVCONSOLE_NAGIOS_PASSWORD=right GOVCONSOLE_SERVICENOW_PASSWORD=right GOVCONSOLE_MAPR_PASSWORD=right \
    "$BIN/govconsole" check --config "$WORK/auth.ini" --kubeconfig "$WORK/auth.yaml" 2>&1 </dev/null)
rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s\n' "$out" | grep -Ec '^[a-z]+ +http://127.0.0.1:[0-9]+/?[^ ]* +ok +reachable')" -eq 5 ] &&
    ok "check against govsim: five sources ok, exit 0" || not_ok "check against govsim (got $rc)" "$out"
printf '%s\n' "$out" | grep -Eq '^nagios .* ok .*credentials accepted.*Nagios Core 4' &&
    ok "check: nagios's credentials accepted, and what it says about itself" ||
    not_ok "check: nagios's credentials accepted" "$out"
out=$(GOVCONSOLE_NAGIOS_PASSWORD=right GOVCONSOLE_SERVICENOW_PASSWORD=wrong GOVCONSOLE_MAPR_PASSWORD=right \
    "$BIN/govconsole" check --config "$WORK/auth.ini" --kubeconfig "$WORK/auth.yaml" 2>&1 </dev/null)
rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -Eq '^servicenow .* FAIL .*credentials REJECTED.*401' &&
    [ "$(printf '%s\n' "$out" | grep -c ' FAIL ')" -eq 1 ] &&
    ok "check: a wrong password is named as rejected (401), exit 1, the others pass" ||
    not_ok "check: a wrong password is named as rejected (got $rc)" "$out"
printf '%s' "$out" | grep -q wrong && not_ok "the wrong password never appears" "$out" ||
    ok "the wrong password is not in the report"
kill $AUTH_PID 2>/dev/null

"$BIN/govconsole" check --format xml >/dev/null 2>&1 </dev/null
rc=$?
[ $rc -eq 2 ] && ok "check with a bad --format exits 2" || not_ok "check with a bad --format exits 2 (got $rc)"

# A kubeconfig others may read: said at start, as ssh says it of keys.
cp "$WORK/kubeconfig" "$WORK/loose.yaml"
chmod 644 "$WORK/loose.yaml"
start_console 160 30 "$BIN/govconsole --kubeconfig $WORK/loose.yaml -c pods"
check "a kubeconfig others may read is warned about at start" \
    wait_fixed "$WORK/loose.yaml: others may read it (mode 0644)"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# Credentials never go in clear beyond loopback unless the section allows it.
printf '[nagios]\nurl = http://0.0.0.0:1/nagios4/cgi-bin\nuser = gc\n' >"$WORK/plain.ini"
printf 's3cret\n' >"$WORK/gc.pw"
out=$(GOVCONSOLE_NAGIOS_PASSWORD=s3cret "$BIN/govconsole" check --config "$WORK/plain.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
printf '%s\n' "$out" | grep -Eq '^nagios .*FAIL .*refused: credentials would go in clear over http:// to 0.0.0.0' &&
    ok "basic credentials over http:// to another host are refused" ||
    not_ok "basic credentials over http:// to another host are refused" "$out"
printf '%s' "$out" | grep -q s3cret && not_ok "the password never appears" "$out" ||
    ok "the password is not in the report"
printf 'allow_plain_http = true\n' >>"$WORK/plain.ini"
out=$(GOVCONSOLE_NAGIOS_PASSWORD=s3cret timeout 60 "$BIN/govconsole" check --config "$WORK/plain.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
printf '%s\n' "$out" | grep -q '\[nagios\] sends its credentials in clear over http:// (allow_plain_http)' &&
    ! printf '%s\n' "$out" | grep -q 'refused: credentials would go in clear' &&
    ok "allow_plain_http lets them go, with a warning" ||
    not_ok "allow_plain_http lets them go, with a warning" "$out"

# A password file anyone may read is refused: the configuration is bad, exit 2, named.
printf 'secret\n' >"$WORK/pw"
chmod 644 "$WORK/pw"
printf '[nagios]\nurl = http://127.0.0.1:1/nagios4/cgi-bin\nuser = gc\npassword_file = %s\n' "$WORK/pw" >"$WORK/loose.ini"
out=$("$BIN/govconsole" check --config "$WORK/loose.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q "$WORK/pw: permissions 0644 are too open" &&
    ok "a password file with mode 0644 is refused (exit 2, named)" ||
    not_ok "a password file with mode 0644 is refused (got $rc)" "$out"
printf '%s' "$out" | grep -q secret && not_ok "the password never appears" "$out" ||
    ok "the password never appears"
finish
