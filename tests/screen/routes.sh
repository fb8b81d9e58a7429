#!/bin/bash
# Screen test: the routes view (issue 15) over govsim's KrakenD: every endpoint of its
# krakend.json with tenant, method, auth, limits, circuit breaker, timeout and backends, and
# live rates from its Prometheus page; a route whose app crash-loops turns to Errors with a
# rising 5xx share; a route nobody calls stands out; d shows the endpoint's configuration;
# :routes TENANT narrows it; a session scoped to one tenant sees that tenant's routes only;
# the tenants view counts each tenant's routes and marks failing ones; a configuration that
# breaks keeps the last rows and says why; without [krakend] the view says it is not
# configured.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 6 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

# The configuration the console reads is a copy the test can break later.
sim_get /krakend.json >"$WORK/krakend.json"
cat >"$WORK/config.ini" <<INI
[krakend]
config = $WORK/krakend.json
metrics = $SIM_URL/krakend/metrics
health = $SIM_URL/__health
interval = 1s
INI
total=$(jq '.endpoints | length' "$WORK/krakend.json")
dmi=$(jq '[.endpoints[] | select(.endpoint | startswith("/dmi/"))] | length' "$WORK/krakend.json")
[ "$total" -gt 0 ] && [ "$dmi" -gt 0 ] && ok "the world's gateway has $total endpoints, $dmi of dmi" ||
    not_ok "the world's gateway has endpoints of dmi" "$total $dmi"

start_console 200 50 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c routes"
check "the routes view shows every endpoint" wait_for "routes\\(all\\)\\[$total\\]"
check "the columns: ENDPOINT TENANT METHOD STATUS REQ/S 5XX% P95 AUTH LIMIT CIRCUIT TIMEOUT" \
    wait_for 'ENDPOINT +TENANT +METHOD +STATUS +REQ/S +5XX% +P95 +AUTH +LIMIT +CIRCUIT +TIMEOUT'
check "a dmi route: API key, 500/20 limits, a 5/60s breaker, the root's 3000ms timeout" \
    wait_for '^ */dmi/v1/forecast +dmi +GET .* APIKey +500/20 +5/60s +3000ms'
check "a skat route: a JWT validator" wait_for '^ */skat/v1/[a-z-]+ +skat +GET .* JWT '
check "rates come with the second scrape: OK with requests a second and a p95" \
    wait_for '^ */dmi/v1/forecast +dmi +GET +OK +[0-9]+\.[0-9] +[0-9.]+% +[0-9.]+m?s ' 15
# Routes the gateway never served (a few seconds on): no series in its metrics.
served=$(sim_get /krakend/metrics | sed -n 's/.*http_route="\([^"]*\)".*/\1/p' | sed 's/:id/{id}/' | sort -u)
idle=$(jq -r '.endpoints[].endpoint' "$WORK/krakend.json" | sort -u | comm -23 - <(printf '%s\n' "$served") | head -1)
[ -n "$idle" ] && ok "a route of this world has no traffic ($idle)" || not_ok "a route of this world has no traffic"
check "a route without traffic stands out as NoTraffic" wait_for "^ *${idle//\{/\\\{} .* NoTraffic +0\\.0 " 15

# The backing app crash-loops: its routes' 5xx share rises above error_warn, and with its
# breaker's max_errors in a window the circuit is taken as open.
share() { screen | sed -n 's|^ */dmi/v1/forecast  *dmi  *GET  *[A-Za-z]*  *[0-9.]*  *\([0-9.]*\)%.*|\1|p' | head -1; }
before=$(share)
sim_post "/_sim/crashloop?ns=dmi&app=forecast-api"
check "the crash-looping app's route turns to Errors (or CircuitOpen)" \
    wait_for '^ */dmi/v1/forecast +dmi +GET +(Errors|CircuitOpen) ' 15
after=$(share)
awk -v a="${before:-x}" -v b="${after:-0}" 'BEGIN { exit !(a != "x" && a + 0 <= 1 && b > 50) }' &&
    ok "its 5xx share rises ($before% -> $after%), past error_warn 1%" ||
    not_ok "its 5xx share rises" "$before -> $after"
check "its circuit breaker is taken as open" wait_for '^ */dmi/v1/forecast +dmi +GET +CircuitOpen .* OPEN ' 15
check "another dmi app's route stays OK" wait_for '^ */dmi/v1/obs +dmi +GET +OK '

# d: the endpoint as the gateway sees it.
keys /
keys -l '^/dmi/v1/forecast '
keys Enter
sleep 0.3
keys Escape
keys d
check "d shows the endpoint's configuration" wait_for '"endpoint": "/dmi/v1/forecast",'
check "... with its backend and circuit breaker" wait_for '"qos/circuit-breaker"'
check "... and the root's timeout, as the gateway applies it" wait_for '"timeout": "3000ms"'
keys q
check "q leaves the describe" wait_for "routes\\(all\\)"

# The tenants view counts each tenant's routes, with a mark for the failing ones.
keys : t e n a n t s Enter
check ":tenants has a ROUTES column" wait_for ' ROUTES( |$)'
# (DATASETS, after it, stays empty: MapR is not configured here)
check "dmi's routes: $dmi, some failing (the crash-looping app's)" wait_for "^ *dmi .* $dmi [0-9]+! *\$"
keys : r o u t e s Space d m i Enter
check ":routes dmi narrows to dmi's routes" wait_for "routes\\(dmi\\)\\[$dmi\\]"
screen | grep -E '^ */[a-z]+/v1/' | grep -vqE '^ */dmi/' &&
    not_ok ":routes dmi shows only dmi's routes" "$(screen)" || ok ":routes dmi shows only dmi's routes"

# A configuration that breaks: the rows stay, the source says why.
printf '{"version": 3, "endpoints": "none"}\n' >"$WORK/krakend.json"
keys : r o u t e s Enter
check "a broken configuration is named with its JSON path" wait_for 'endpoints: an array expected' 15
check "... and the last routes stay" wait_for "routes\\(all\\)\\[$total\\]"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill
rm -f "$WORK/exit"

# A session scoped to one tenant sees its routes only: no other tenant's rows or names.
sim_get /krakend.json >"$WORK/krakend.json"
skat=$(jq '[.endpoints[] | select(.endpoint | startswith("/skat/"))] | length' "$WORK/krakend.json")
start_console 200 50 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig --tenant skat -c routes"
check "--tenant skat: the routes view counts skat's routes only" wait_for "routes\\(all\\)\\[$skat\\]|routes\\(skat\\)\\[$skat\\]"
screen | grep -Eq '/(dmi|registry|sst|digst|dst)/' &&
    not_ok "--tenant skat: no other tenant's route on the screen" "$(screen)" ||
    ok "--tenant skat: no other tenant's route on the screen"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# Without [krakend], the routes view says so instead of being empty.
start_console 160 20 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c routes"
check "without [krakend], :routes says KrakenD is not configured" \
    wait_for 'krakend is not configured: give its section in the configuration'
keys q
wait_exit 5 >/dev/null
finish
