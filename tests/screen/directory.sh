#!/bin/bash
# Screen test: directory enrichment (docs/directory.md) against govsim and the private slapd
# of tests/integration/slapd.bash, whose seed registers dmi and registry with a manager, mail
# and telephone, and their apps and datasets with owners. The tenants view shows the
# directory's display name (not the namespace annotation), the responsible person and the
# contact; the apps view shows forecast-api's owner, the datasets view t.dmi.forecast's (over
# its [dataset] owner); without [directory] those columns are empty; at 80x24 the directory's
# free text gives way first. Stopping slapd leaves the data on screen, and the header says the
# directory is failing, then stale.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
. tests/integration/slapd.bash

if ! slapd_start; then
    echo "Bail out! slapd could not be started"
    exit 1
fi
trap 'slapd_stop; cleanup' EXIT

start_sim --pods 60 --tenants 3 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
printf '%s' "$SLAPD_SERVICE_PW" >"$WORK/ldap.pw"
chmod 600 "$WORK/ldap.pw"
cat >"$WORK/system.ini" <<INI
[directory]
uri = $SLAPD_URI
base = $SLAPD_BASE
bind_dn = $SLAPD_SERVICE_DN
password_file = $WORK/ldap.pw
timeout = 2s
interval = 2s
INI
chmod 644 "$WORK/system.ini"
cat >"$WORK/config.ini" <<INI
[kubernetes]
interval_metrics = 1h
[mapr]
url = $SIM_URL
httpfs = $SIM_URL
[dataset t.dmi.forecast]
owner = "DMI forecast team"
[dataset t.registry.*]
owner = "Registry team"
INI
GC="GOVCONSOLE_SYSTEM_CONFIG=$WORK/system.ini $BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig"

# 1. Without the directory: the columns are there, empty; the annotation names the tenant.
start_console 250 30 "GOVCONSOLE_SYSTEM_CONFIG=/nonexistent $BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig"
check "without [directory] the tenants view starts" wait_for 'tenants\(all\)\[3\]'
check "the headings RESPONSIBLE and CONTACT are there" wait_for 'RESPONSIBLE +CONTACT *$'
check "dmi: the namespace annotation's display name, nothing responsible" \
    wait_for '^dmi +Danmarks Meteorologiske Institut .*[0-9] *$'
tm_kill

# 2. With it.
start_console 250 30 "$GC"
check "the tenants view starts" wait_for 'tenants\(all\)\[3\]'
check "dmi: the directory's display name, responsible person and contact" \
    wait_for '^dmi +Danish Meteorological Institute .* Alice Tester +ops@dmi\.example, \+45 3915 7500 *$'
check "registry: Bob, the entry's own mail and telephone" \
    wait_for '^registry +Central Business Registry .* Bob Tester +registry@erst\.example, \+45 7220 0030 *$'
check "a tenant the directory does not register: its annotation, and - for both" \
    wait_for '^skat +Skattestyrelsen .* - +- *$'
check "the header says the directory is ok" wait_for 'directory: ok|[0-9] others? ok'
keys d
check "d on the first tenant names the responsible person" wait_for 'Responsible: +(Alice|Bob) Tester'
keys Escape
keys : a p p s Space d m i Enter
check "the apps view: forecast-api's registered owner" wait_for ' forecast-api .* Alice Tester *$'
check "obs-ingest is Bob's" wait_for ' obs-ingest .* Bob Tester *$'
check "an app the directory does not register: -" wait_for ' radar-tiles .* - *$'
keys : d a t a s e t s Enter
check "the datasets view: the directory's owner over [dataset] owner" \
    wait_for '^dmi +t\.dmi\.forecast +volume .* Alice Tester *$' 15
check "where the directory has none, [dataset] owner" wait_for '^registry +t\.registry\.[a-z0-9.]+ +volume .* Registry team *$'

# At 80x24 the directory's free text gives way first: NAME, PODS OK and FAILING stay.
keys : t e n a n t s Enter
check "back on the tenants view" wait_for 'tenants\(all\)\[3\]'
tm resize-window -t gc -x 80 -y 24
sleep 0.5
head_80=$(screen | grep -E '^ *NAME ' | head -1)
if printf '%s\n' "$head_80" | grep -q 'PODS OK' && printf '%s\n' "$head_80" | grep -q FAILING &&
    ! printf '%s\n' "$head_80" | grep -q CONTACT; then
    ok "80x24: NAME, PODS OK, FAILING shown; CONTACT gives way"
else
    not_ok "80x24: NAME, PODS OK, FAILING shown; CONTACT gives way" "$head_80"
fi
tm resize-window -t gc -x 250 -y 30
check "250 wide again: RESPONSIBLE and CONTACT back" wait_for 'RESPONSIBLE +CONTACT *$'

# 3. The directory goes away: the last data stays, the header says so.
slapd_stop
trap cleanup EXIT
check "slapd stopped: the header says the directory is unreachable (or already stale)" \
    wait_for 'directory: (unreachable|stale since [0-9]{2}:[0-9]{2})' 15
check "then stale, three intervals after its last read" wait_for 'directory: stale since [0-9]{2}:[0-9]{2}' 20
check "dmi's directory data is still shown" \
    wait_for '^dmi +Danish Meteorological Institute .* Alice Tester +ops@dmi\.example, \+45 3915 7500 *$'
keys : s o u r c e s Enter
check ":sources: the directory with the reason" wait_for '^directory +stale since [0-9:]+ +ldap://127\.0\.0\.1:[0-9]+ .*Connection refused'
keys q q
finish
