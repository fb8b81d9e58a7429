#!/bin/bash
# govsim's ServiceNow Table API (sim/servicenow/): the envelope, display values and reference
# fields, X-Total-Count and Link, encoded queries, the error envelope, and writes with their
# business rules (number, priority, mandatory fields, state transitions, journal entries).
# TAP; run from the repository root (GC_BIN_DIR: where govsim was built).
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

AUTH=svc.govconsole:s3cr3t
start_sim --pods 400 --seed 5 --churn 0 --basic-auth "$AUTH"
API="$SIM_URL/api/now/table"

# sn PATH [curl args]: the body to $WORK/b, the headers to $WORK/h, the status on stdout.
sn() {
    local path=$1
    shift
    curl -s --max-time 30 -u "$AUTH" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}' "$@" "$API/$path"
}
# js EXPR: a Python expression over d = the last body.
js() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$WORK/b" "$1"; }
count() { sn "incident?sysparm_fields=number&sysparm_query=$1" >/dev/null; js 'len(d["result"])'; }

code=$(curl -s -o "$WORK/b" -w '%{http_code}' "$API/incident")
check "no credentials: 401 in the instance's envelope" \
    test "$code" = 401 -a "$(js 'd["error"]["message"]')" = "User is not authenticated"

code=$(sn 'incident?sysparm_limit=3&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_fields=number,company,state,sys_updated_on&sysparm_query=active=true')
total=$(tr -d '\r' <"$WORK/h" | sed -n 's/^X-Total-Count: //p')
check "a page: 200, three records in result" test "$code" = 200 -a "$(js 'len(d["result"])')" = 3
check "Link names the next page" grep -q 'sysparm_offset=3&sysparm_limit=3>;rel="next"' "$WORK/h"
check "display_value=all: a reference is display_value and value, no link" \
    test "$(js 'sorted(d["result"][0]["company"].keys())')" = "['display_value', 'value']"
check "only the fields asked for" test "$(js 'sorted(d["result"][0].keys())')" = "['company', 'number', 'state', 'sys_updated_on']"
check "X-Total-Count counts every match ($total)" test "${total:-0}" -gt 3 -a "$(count 'active=true')" = "$total"
sn 'incident?sysparm_limit=1&sysparm_fields=company' >/dev/null
check "without display values a reference is link and value" \
    test "$(js 'sorted(d["result"][0]["company"].keys())')" = "['link', 'value']"

n1=$(count 'state=1') n2=$(count 'state=2')
check "^OR: state=1^ORstate=2 is both ($n1 + $n2)" test "$(count 'state=1%5EORstate=2')" = $((n1 + n2))
check "IN: stateIN1,2 is the same" test "$(count 'stateIN1,2')" = $((n1 + n2))
check "NOT IN and IN split the table" \
    test $(($(count 'stateNOT%20IN1,2') + n1 + n2)) = "$(count '')"
sn 'core_company?sysparm_fields=name,sys_id' >/dev/null
company=$(js 'd["result"][0]["name"]')
prefix=${company:0:4}
check "STARTSWITH on a dot-walked field: only $company's" \
    test "$(count "company.nameSTARTSWITH${prefix// /%20}")" -ge 1
sn "incident?sysparm_fields=company.name&sysparm_query=company.nameSTARTSWITH${prefix// /%20}" >/dev/null
check "... and every one of them is $company's" \
    test "$(js 'set(r["company.name"][:4] for r in d["result"])')" = "{'$prefix'}"
check "LIKE matches inside the text" test "$(count 'short_descriptionLIKEcertificate')" -ge 1
sn 'incident?sysparm_fields=sys_updated_on&sysparm_query=ORDERBYDESCsys_updated_on' >/dev/null
check "ORDERBYDESC orders newest first" \
    test "$(js 'all(a["sys_updated_on"] >= b["sys_updated_on"] for a, b in zip(d["result"], d["result"][1:]))')" = True

# writes
code=$(sn 'incident?sysparm_fields=sys_id,number,state,priority' -X POST -H 'Content-Type: application/json' \
    -d "{\"short_description\":\"disk full\",\"impact\":\"1\",\"urgency\":\"2\",\"company\":\"$company\",\"work_notes\":\"first note\",\"correlation_id\":\"gc-test-1\"}")
check "POST: 201 with a number" test "$code" = 201 -a "$(js 'd["result"]["number"][:3]')" = INC
check "POST: state New, priority from impact 1 and urgency 2 (High)" \
    test "$(js 'd["result"]["state"] + "/" + d["result"]["priority"]')" = 1/2
id=$(js 'd["result"]["sys_id"]')
sn "sys_journal_field?sysparm_query=element_id=$id" >/dev/null
check "POST: work_notes became a journal entry" test "$(js 'd["result"][0]["element"] + ":" + d["result"][0]["value"]')" = "work_notes:first note"
sn "incident?sysparm_query=correlation_id=gc-test-1&sysparm_fields=number" >/dev/null
check "the correlation id finds it" test "$(js 'len(d["result"])')" = 1
code=$(sn incident -X POST -d '{"impact":"1"}')
check "POST without a short description: 403, the data policy's words" \
    test "$code" = 403 -a "$(js 'd["error"]["detail"]')" = "Data Policy Exception: The following fields are mandatory: Short description"
code=$(sn "incident/$id" -X PATCH -d '{"state":"6"}')
check "resolving without a resolution code and notes: 403" test "$code" = 403
sleep 1
code=$(sn "incident/$id?sysparm_fields=state,resolved_at,assigned_to,sys_updated_on&sysparm_display_value=true" -X PATCH \
    -d '{"state":"6","close_code":"Solved (Permanently)","close_notes":"cleaned up","assigned_to":"admin","work_notes":"resolved"}')
check "PATCH resolves: 200, Resolved, resolved_at set, assigned by user name" \
    test "$code" = 200 -a "$(js 'd["result"]["state"]')" = Resolved -a -n "$(js 'd["result"]["resolved_at"]')" \
    -a "$(js 'd["result"]["assigned_to"]["display_value"]')" = "System Administrator"
updated=$(js 'd["result"]["sys_updated_on"]')
check "a delta query (sys_updated_on>) finds the change" test "$(count "sys_updated_on>=${updated// /%20}")" -ge 1
code=$(sn "incident/$id" -X PATCH -d '{"state":"1"}')
check "Resolved to New: 403, an invalid transition" test "$code" = 403 -a "$(js 'd["error"]["message"]')" = "Operation Failed"
code=$(sn "incident/0123" -X PATCH -d '{"state":"2"}')
check "an unknown record: 404" test "$code" = 404 -a "$(js 'd["error"]["message"]')" = "No Record found"
code=$(sn "incident" -X POST -d '{not json')
check "a body that is not JSON: 400" test "$code" = 400
code=$(sn "no_such_table")
check "an unknown table: 400" test "$code" = 400
code=$(sn "core_company" -X POST -d '{"name":"x"}')
check "a read-only table refuses writes: 403" test "$code" = 403
for t in change_request sys_user_group cmdb_ci_service; do
    code=$(sn "$t?sysparm_limit=1")
    check "$t answers" test "$code" = 200 -a "$(js 'len(d["result"])')" = 1
done
kill -TERM "$SIM_PID"
wait "$SIM_PID"
rc=$?
SIM_PID=""
check "govsim stops on SIGTERM with status 0" test "$rc" = 0
check "govsim: no sanitizer reports" bash -c "! grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:' '$WORK/sim.err'"
finish
