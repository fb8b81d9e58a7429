#!/bin/bash
# govsim's Nagios against its Kubernetes: hostgroups are the tenants, one host per app of a
# tenant's home namespace, crash-looping apps CRITICAL, a scale-up seen as WARNING until the
# new pods are ready; single-object queries and their errors; cmd.cgi's acknowledge and
# downtime as the web UI sends them (the form first, for its CSRF form id), applied to what
# statusjson says, and its refusals. TAP.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

for tool in curl jq; do
    command -v "$tool" >/dev/null 2>&1 || { echo "not ok - $tool is required by this test"; exit 1; }
done
start_sim --pods 300 --tenants 5 --seed 7 --churn 0
CGI="$SIM_URL/nagios4/cgi-bin"
nag() { curl -s --max-time 30 "$CGI/$1"; }
# The web UI's way: GET the command's form (cookie NagFormId + field nagFormId), POST it.
form_id() { # cmd_typ host [service]
    curl -s --max-time 30 -c "$WORK/jar" "$CGI/cmd.cgi?cmd_typ=$1&host=$2${3:+&service=$3}" |
        sed -n "s/.*NAME='nagFormId' VALUE='\([0-9a-f]*\)'.*/\1/p"
}
cmd() { # body (with &nagFormId=...)
    curl -s --max-time 30 -b "$WORK/jar" -d "$1" "$CGI/cmd.cgi"
}
k8s() { sim_get "$1"; }
ok_if() { # description command...
    local d="$1"
    shift
    if "$@"; then ok "$d"; else not_ok "$d"; fi
}

# The tenants Kubernetes knows (labelled home namespaces) and Nagios' hostgroups.
k8s /api/v1/namespaces | jq -r '.items[] | select(.metadata.labels["govcloud.sit.dk/tenant"] == .metadata.name) | "tenant-" + .metadata.name' | sort >"$WORK/tenants"
nag 'objectjson.cgi?query=hostgrouplist&details=true' | jq -r '.data.hostgrouplist | keys[]' | sort >"$WORK/groups"
ok_if "one hostgroup tenant-NAME per tenant ($(wc -l <"$WORK/groups"))" \
    bash -c "[ -s '$WORK/groups' ] && cmp -s '$WORK/tenants' '$WORK/groups'"

# One host per Deployment and StatefulSet of a home namespace, named TENANT-APP.
{
    k8s /apis/apps/v1/deployments
    k8s /apis/apps/v1/statefulsets
} | jq -r '.items[] | select(.metadata.namespace as $n | $n != "kube-system" and ($n | test("-sandbox$") | not) and $n != "default") | .metadata.namespace + "-" + .metadata.labels["app.kubernetes.io/name"]' | sort -u >"$WORK/apps"
nag 'statusjson.cgi?query=hostlist&details=true' | jq -r '.data.hostlist | keys[]' | sort >"$WORK/hosts"
ok_if "one host per app of a home namespace ($(wc -l <"$WORK/hosts"))" \
    bash -c "[ -s '$WORK/hosts' ] && cmp -s '$WORK/apps' '$WORK/hosts'"
members=$(nag 'objectjson.cgi?query=hostgrouplist&details=true' | jq -r '.data.hostgrouplist[] | .group_name as $g | .members[] | select(startswith(($g | ltrimstr("tenant-")) + "-") | not)' | wc -l)
ok_if "every member of tenant-NAME is named NAME-..." test "$members" = 0

# Apps with a crash-looping pod are CRITICAL; apps with every pod ready are OK.
k8s /api/v1/pods | jq -r '.items[] | select(any(.status.containerStatuses[]?; .state.waiting.reason == "CrashLoopBackOff")) | .metadata.namespace + "-" + .metadata.labels["app.kubernetes.io/name"]' | sort -u | grep -Fxf "$WORK/hosts" >"$WORK/crashing"
nag 'statusjson.cgi?query=servicelist&details=true' | jq -r '.data.servicelist[][] | "\(.host_name) \(.description) \(.status)"' >"$WORK/services"
bad=0
while read -r h; do
    grep -qx "$h Pods 16" "$WORK/services" || bad=$((bad + 1))
done <"$WORK/crashing"
ok_if "every app with a crash-looping pod has Pods CRITICAL ($(wc -l <"$WORK/crashing") apps)" \
    bash -c "[ -s '$WORK/crashing' ] && [ $bad = 0 ]"
ok_if "two services per host, HTTP and Pods" \
    test "$(wc -l <"$WORK/services")" = "$((2 * $(wc -l <"$WORK/hosts")))"

# A healthy Deployment scaled up: WARNING while the new pods start, OK again once ready.
app=""
for h in $(grep ' Pods 2$' "$WORK/services" | cut -d' ' -f1); do
    ns=${h%%-*}
    name=${h#*-}
    if k8s "/apis/apps/v1/namespaces/$ns/deployments/$name" | jq -e '.kind == "Deployment"' >/dev/null 2>&1; then
        app=$name
        break
    fi
done
replicas=$(k8s "/apis/apps/v1/namespaces/$ns/deployments/$app" | jq '.spec.replicas')
since0=$(nag "statusjson.cgi?query=service&hostname=$ns-$app&servicedescription=Pods" | jq '.data.service.last_state_change')
curl -s --max-time 10 -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d "{\"spec\":{\"replicas\":$((replicas + 3))}}" "$SIM_URL/apis/apps/v1/namespaces/$ns/deployments/$app/scale"
pods_state() { nag "statusjson.cgi?query=service&hostname=$ns-$app&servicedescription=Pods" | jq -e ".data.service.status == $1" >/dev/null; }
ok_if "scaling $ns/$app up: its Pods service turns WARNING" wait_until 5 pods_state 4
since1=$(nag "statusjson.cgi?query=service&hostname=$ns-$app&servicedescription=Pods" | jq '.data.service.last_state_change')
now_ms=$(($(date +%s) * 1000))
ok_if "... its last_state_change moved to now" \
    bash -c "[ $since1 -gt $since0 ] && [ $((now_ms - since1)) -lt 10000 ]"
ok_if "... and OK again once the new pods are ready" wait_until 15 pods_state 2

# One object, and the errors for unknown ones (HTTP 200, type_code 6).
h=$(head -1 "$WORK/hosts")
ok_if "query=host answers the host" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=host&hostname=$h' | jq -e '.data.host.name == \"$h\" and .result.type_code == 0' >/dev/null"
out=$(nag 'statusjson.cgi?query=host&hostname=no-such-host' | jq -r '"\(.result.type_code)|\(.result.message)"')
ok_if "an unknown host: type_code 6, the CGI's message" test "$out" = "6|The host 'no-such-host' could not be found."
out=$(nag "statusjson.cgi?query=service&hostname=$h&servicedescription=Nope" | jq -r '.result.type_code')
ok_if "an unknown service: type_code 6" test "$out" = 6

# cmd.cgi: refusals change nothing; an acknowledgement and a downtime show in statusjson.
crit=$(head -1 "$WORK/crashing")
okhost=$(grep ' HTTP 2$' "$WORK/services" | head -1 | cut -d' ' -f1)
fid=$(form_id 34 "$crit" Pods)
ok_if "GET of the form: a form id in the field and the same in the cookie" \
    bash -c "[ -n '$fid' ] && grep -q 'NagFormId.$fid' '$WORK/jar'"
acked() { nag "statusjson.cgi?query=service&hostname=$crit&servicedescription=Pods" | jq -r '.data.service.problem_has_been_acknowledged'; }
out=$(curl -s --max-time 30 -d "cmd_typ=34&cmd_mod=2&host=$crit&service=Pods&com_data=x" "$CGI/cmd.cgi")
ok_if "a commit without the form id and cookie is refused (CSRF)" \
    bash -c "grep -q 'Invalid or missing CSRF cookie' <<<\"\$1\"" _ "$out"
out=$(curl -s --max-time 30 -b "NagFormId=0000000000000000" -d "cmd_typ=34&cmd_mod=2&nagFormId=0000000000000000&host=$crit&service=Pods&com_data=x" "$CGI/cmd.cgi")
ok_if "... and one with another form id" bash -c "grep -q 'Invalid or missing CSRF cookie' <<<\"\$1\"" _ "$out"
ok_if "... nothing was acknowledged" test "$(acked)" = false
ok_if "acknowledging an OK service is refused" \
    bash -c "grep -q \"CLASS='errorMessage'\" <<<\"\$1\"" _ "$(cmd "cmd_typ=34&cmd_mod=2&nagFormId=$fid&host=$okhost&service=HTTP&com_data=x")"
ok_if "a command without a comment is refused" \
    bash -c "grep -q 'Comment was not entered' <<<\"\$1\"" _ "$(cmd "cmd_typ=34&cmd_mod=2&nagFormId=$fid&host=$crit&service=Pods&com_data=")"
ok_if "a command for an unknown host is refused" \
    bash -c "grep -q 'Host does not exist' <<<\"\$1\"" _ "$(cmd "cmd_typ=33&cmd_mod=2&nagFormId=$fid&host=nobody&com_data=x")"
ok_if "acknowledge (34, sticky, notify): the CGI's success page" \
    bash -c "grep -q 'successfully submitted to Nagios' <<<\"\$1\"" _ "$(cmd "cmd_typ=34&cmd_mod=2&nagFormId=$fid&host=$crit&service=Pods&sticky_ack=on&send_notification=on&com_author=alice&com_data=on+it")"
ok_if "... the service is acknowledged" test "$(acked)" = true
ok_if "... with the comment (entry_type 4) by its author" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=commentlist&details=true' | jq -e '[.data.commentlist[] | select(.host_name == \"$crit\" and .entry_type == 4 and .author == \"alice\" and .comment_data == \"on it\")] | length == 1' >/dev/null"
start=$(date -d '+1 minute' '+%m-%d-%Y %H:%M:%S')
end=$(date -d '+61 minutes' '+%m-%d-%Y %H:%M:%S')
enc() { jq -rn --arg s "$1" '$s|@uri'; }
ok_if "a downtime with a bad time is refused" \
    bash -c "grep -q 'Invalid start or end time' <<<\"\$1\"" _ "$(cmd "cmd_typ=55&cmd_mod=2&nagFormId=$fid&host=$okhost&com_data=x&start_time=tomorrow&end_time=x")"
ok_if "schedule host downtime (55) from a minute on for an hour: success" \
    bash -c "grep -q 'successfully submitted' <<<\"\$1\"" _ "$(cmd "cmd_typ=55&cmd_mod=2&nagFormId=$fid&host=$okhost&com_author=bob&com_data=patching&fixed=1&hours=1&minutes=0&start_time=$(enc "$start")&end_time=$(enc "$end")")"
ok_if "... listed: 3600 s, not yet in effect" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=downtimelist&details=true' | jq -e '[.data.downtimelist[] | select(.host_name == \"$okhost\" and .duration == 3600 and .is_in_effect == false and .comment == \"patching\")] | length == 1' >/dev/null"
ok_if "... and the host is not in downtime yet" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=host&hostname=$okhost' | jq -e '.data.host.scheduled_downtime_depth == 0' >/dev/null"
now=$(date '+%m-%d-%Y %H:%M:%S')
cmd "cmd_typ=56&cmd_mod=2&nagFormId=$fid&host=$crit&service=HTTP&com_data=now&start_time=$(enc "$now")&end_time=$(enc "$end")" >/dev/null
ok_if "a service downtime starting now puts it in downtime (depth 1)" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=service&hostname=$crit&servicedescription=HTTP' | jq -e '.data.service.scheduled_downtime_depth == 1' >/dev/null"

# At a few thousand services the lists are written as text rather than dumped from trees:
# valid JSON, as many objects as the counts say, each with the members query=host/service
# has, in the same order; hostname= keeps one host's; objectjson's hostlist is written as text too.
stop_sim
start_sim --pods 8000 --tenants 160 --seed 3 --churn 0
CGI="$SIM_URL/nagios4/cgi-bin"
nag 'statusjson.cgi?query=servicelist&details=true' >"$WORK/slist"
nag 'statusjson.cgi?query=hostlist&details=true' >"$WORK/hlist"
nservices=$(nag 'statusjson.cgi?query=servicecount' | jq '[.data.count[]] | add')
nhosts=$(nag 'statusjson.cgi?query=hostcount' | jq '[.data.count[]] | add')
ok_if "servicelist at $nservices services: valid JSON, one object per service servicecount counts, under its host and description" \
    jq -e --argjson n "$nservices" '$n > 1000 and .result.type_code == 0 and ([.data.servicelist | to_entries[] | .key as $h | .value | to_entries[] | select(.value.host_name == $h and .value.description == .key)] | length) == $n' "$WORK/slist"
ok_if "hostlist at $nhosts hosts: valid JSON, one object per host hostcount counts, under its name" \
    jq -e --argjson n "$nhosts" '$n > 500 and ([.data.hostlist | to_entries[] | select(.value.name == .key)] | length) == $n' "$WORK/hlist"
h=$(jq -r '.data.hostlist | keys_unsorted[7]' "$WORK/hlist")
one=$(nag "statusjson.cgi?query=service&hostname=$h&servicedescription=Pods" | jq -c '.data.service | keys_unsorted')
ok_if "a listed service has query=service's members in its order" \
    jq -e --argjson k "$one" --arg h "$h" '(.data.servicelist[$h].Pods | keys_unsorted) == $k and ($k | length) > 20' "$WORK/slist"
one=$(nag "statusjson.cgi?query=host&hostname=$h" | jq -c '.data.host | keys_unsorted')
ok_if "a listed host has query=host's members in its order" \
    jq -e --argjson k "$one" --arg h "$h" '(.data.hostlist[$h] | keys_unsorted) == $k and ($k | length) > 20' "$WORK/hlist"
ok_if "objectjson hostlist at $nhosts hosts (written as text too): one per host, its services, its app" \
    bash -c "curl -s '$CGI/objectjson.cgi?query=hostlist&details=true' | jq -e --argjson n $nhosts '(.data.hostlist | length) == \$n and all(.data.hostlist | to_entries[]; .key == .value.name and .value.services == [\"HTTP\", \"Pods\"] and (.value.custom_variables.APP as \$a | .key | endswith(\"-\" + \$a)) and (.value | keys_unsorted) == [\"name\", \"display_name\", \"alias\", \"address\", \"services\", \"max_attempts\", \"custom_variables\"])' >/dev/null"
ok_if "servicelist&hostname=$h: that host's HTTP and Pods only" \
    bash -c "curl -s '$CGI/statusjson.cgi?query=servicelist&details=true&hostname=$h' | jq -e '(.data.servicelist | keys) == [\"$h\"] and (.data.servicelist[\"$h\"] | keys_unsorted) == [\"HTTP\", \"Pods\"]' >/dev/null"
finish
