#!/bin/bash
# govsim --lookalike and GET /_sim/requests (s7-isolation, issue 16), checked with curl: tenants
# whose names contain one another, app and display names no two tenants share, every API
# following the world's tenants, the same world for the same seed; and a request log that has
# every request but /_sim/'s, from a mark on, bytes outside printable ASCII as %XX. TAP-style.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash # start_sim, stop_sim, sim_get; TAP

start() { # args...: a new govsim without churn
    stop_sim
    start_sim --churn 0 "$@"
}
get() { sim_get "$1"; }
tenants() {
    get /api/v1/namespaces | jq -r '.items[].metadata.labels["govcloud.sit.dk/tenant"] // empty' | sort -u
}

start --lookalike --tenants 12 --pods 200 --seed 11
T=$(tenants)
[ "$(printf '%s\n' "$T" | wc -l)" = 12 ] && ok "12 tenants: $(printf '%s ' $T)" || not_ok "12 tenants" "$T"
printf '%s\n' "$T" | head -3 | grep -qx dmi && printf '%s\n' "$T" | grep -qx registry &&
    printf '%s\n' "$T" | grep -qx skat && ok "the stems dmi, registry and skat are tenants" ||
    not_ok "the stems dmi, registry and skat are tenants" "$T"
n=0
for x in $T; do printf '%s\n' "$T" | grep -v -x -- "$x" | grep -q -F -- "$x" && n=$((n + 1)); done
[ "$n" -ge 2 ] && ok "$n tenants' names are part of another tenant's name" ||
    not_ok "tenants' names are part of others'" "$T"
dup=$(get /apis/apps/v1/deployments | jq -r '.items[].metadata | select(.labels["govcloud.sit.dk/tenant"]) |
    "\(.labels["govcloud.sit.dk/tenant"]) \(.name)"' | sort -u | awk '{ print $2 }' | sort | uniq -d)
[ -z "$dup" ] && ok "no app name is two tenants'" || not_ok "no app name is two tenants'" "$dup"
disp=$(get /api/v1/namespaces | jq -r '.items[].metadata | select(.labels["govcloud.sit.dk/tenant"]) |
    "\(.labels["govcloud.sit.dk/tenant"])\t\(.annotations["govcloud.sit.dk/display-name"])"' | sort -u)
[ "$(printf '%s\n' "$disp" | cut -f2 | sort -u | wc -l)" = 12 ] &&
    ok "12 display names, one a tenant" || not_ok "12 display names, one a tenant" "$disp"
companies=$(get '/api/now/table/core_company?sysparm_fields=name' | jq -r '.result[].name' | sort)
[ "$companies" = "$(printf '%s\n' "$disp" | cut -f2 | sort)" ] &&
    ok "ServiceNow's companies are the tenants' display names" || not_ok "ServiceNow's companies" "$companies"
vols=$(get /rest/volume/list | jq -r '.data[].volumename | select(endswith(".home")) | split(".")[1]' | sort)
[ "$vols" = "$T" ] && ok "MapR has each tenant's home volume" || not_ok "MapR has each tenant's home volume" "$vols"
eps=$(get /krakend.json | jq -r '.endpoints[].endpoint | split("/")[1]' | sort -u)
[ -n "$eps" ] && [ -z "$(comm -23 <(printf '%s\n' "$eps") <(printf '%s\n' "$T"))" ] &&
    ok "KrakenD's endpoints are the tenants' ($(printf '%s ' $eps))" || not_ok "KrakenD's endpoints are the tenants'" "$eps"
hosts=$(get '/nagios4/cgi-bin/objectjson.cgi?query=hostlist' | jq -r '.data.hostlist | keys[]')
bad=$(for h in $hosts; do printf '%s\n' "$T" | while read -r x; do case $h in "$x"-*) echo "$x" ;; esac; done |
    grep -q . || echo "$h"; done)
[ -n "$hosts" ] && [ -z "$bad" ] && ok "every Nagios host is TENANT-APP" || not_ok "every Nagios host is TENANT-APP" "$bad"
start --lookalike --tenants 12 --pods 200 --seed 11
[ "$(tenants)" = "$T" ] && ok "the same seed makes the same tenants" || not_ok "the same seed makes the same tenants" "$(tenants)"
start --lookalike --tenants 12 --pods 200 --seed 12
[ "$(tenants)" != "$T" ] && ok "another seed makes other tenants" || not_ok "another seed makes other tenants"
start --tenants 3 --pods 30 --seed 11
[ "$(tenants | tr '\n' ' ')" = "dmi registry skat " ] && ok "without --lookalike, the named tenants" ||
    not_ok "without --lookalike, the named tenants" "$(tenants)"

# The request log.
r=$(get /_sim/requests)
m=$(printf '%s' "$r" | jq -r .next)
[ "$m" -ge 1 ] && ok "the log counts the requests so far ($m)" || not_ok "the log counts the requests so far" "$r"
get /_sim/stats >/dev/null
get '/api/v1/namespaces/dmi/pods?limit=2&x=%FF%C3%A9&flag' >/dev/null
curl -s -X DELETE "$SIM_URL/api/v1/namespaces/dmi/pods/nosuch" >/dev/null
r=$(get "/_sim/requests?since=$m")
want='["GET /api/v1/namespaces/dmi/pods?limit=2&x=%FF%C3%A9&flag","DELETE /api/v1/namespaces/dmi/pods/nosuch"]'
[ "$(printf '%s' "$r" | jq -c .requests)" = "$want" ] &&
    ok "since the mark: the GET (bytes outside ASCII as %XX) and the DELETE, not /_sim/'s" ||
    not_ok "since the mark: the GET and the DELETE, not /_sim/'s" "$r"
[ "$(printf '%s' "$r" | jq -r '"\(.next) \(.dropped)"')" = "$((m + 2)) 0" ] &&
    ok "next is the mark plus two, none dropped" || not_ok "next is the mark plus two, none dropped" "$r"
[ "$(get "/_sim/requests?since=$((m + 2))" | jq -c .requests)" = "[]" ] &&
    ok "nothing since the new mark" || not_ok "nothing since the new mark"
finish
