#!/bin/bash
# Screen test: `n` on an alert and on an app opens the ServiceNow incident form prefilled with
# what the console knows (issue 14): the short description names what is wrong, the
# description ends in the evidence (Nagios' state, attempt and output; the app's replicas and
# restarts), the CI is the tenant's app. The incident opened from the alert links the Nagios
# service in its detail. On --demo, where every source runs.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
start_console 200 40 "$BIN/govconsole --demo -c alerts"
# the rows' tenants come with the host map (objectjson hostgrouplist), which may arrive after
# the services: wait for them, not for the first row
check "the alerts view, worst first, the rows' tenants known" wait_for '^CRITICAL +[a-z][a-z0-9-]* ' 20
read -r _ tenant app host service _ < <(screen | grep -E '^CRITICAL ' | head -1)
keys n
check "n on an alert opens the form" wait_fixed ' New incident '
check "... the tenant is the alert's ($tenant)" wait_for "Tenant\\* +$tenant "
check "... the short description names the service, the host and the state" \
    wait_for "Short description\\* +$app: $service on $host is CRITICAL"
check "... the description ends in Nagios' evidence" \
    wait_for 'Description +Evidence from govconsole:'
check "... on several lines: Nagios' report on a row of its own" \
    wait_for '^ *(x|│)? +Nagios reports .* CRITICAL \((hard|soft)'
check "... the CI is the tenant's app" wait_for "Configuration item +$tenant-$app"
keys C-s
check "Ctrl-S asks to confirm" wait_for "Open an incident for $tenant\\?"
keys y
check "opened: its number in the flash" wait_for "opened [a-z]+/incidents/new: INC[0-9]+" 15
num=$(screen | grep -Eo 'opened [a-z]+/incidents/new: INC[0-9]+' | grep -Eo 'INC[0-9]+' | head -1)

# Its detail links the Nagios service the incident names (and the Kubernetes app).
keys : i n c i d e n t s Enter
check "the new incident is listed" wait_for "^ *$num " 90
keys / "$num" Enter
check "... selected" wait_for "incidents\\(all\\)\\[1\\]"
keys Enter
check "its detail links the alert's Nagios service" wait_for "Nagios: $service on $host is CRITICAL \\(:alerts $tenant\\)"
keys q

keys : a p p s Space "$tenant" Enter
check "the tenant's apps" wait_for "apps\\($tenant\\)"
keys / "$app" Enter
check "the app selected" wait_for "apps\\($tenant\\)\\[[1-9]"
keys n
check "n on an app opens the form" wait_fixed ' New incident '
check "... the short description counts its ready replicas" \
    wait_for "Short description\\* +$app: [0-9]+ of [0-9]+ replicas ready"
check "... the description ends in the app's evidence" \
    wait_for "Description +Evidence from govconsole:"
check "... on several lines: the workload on a row of its own" \
    wait_for "^ *(x|│)? +(Deployment|StatefulSet) $tenant/[a-z0-9-]+, version "
check "... the CI is the tenant's app" wait_for "Configuration item +$tenant-$app"
keys Escape
keys : q Enter
check "the console quits" test "$(wait_exit 5)" = 0
finish
