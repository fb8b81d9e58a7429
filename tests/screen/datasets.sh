#!/bin/bash
# Screen test: the datasets view against govsim's MapR. -c datasets lists every volume, table
# and the configured stream with tenant, use against quota (a bar), replication, snapshots,
# mirror, alarms, consumer lag and freshness against the [dataset] cadences; a forecast dump
# that is late turns its row OVERDUE; Enter on the stream shows its topics, d every field of
# one; MapR answering an error keeps the rows and says so; a session scoped to a tenant sees
# its datasets only. The tenants view counts each tenant's datasets, marks one overdue, and
# Enter on a tenant offers its apps and its datasets. --demo without [dataset] sections judges
# freshness by the demo's cadences.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 40 --tenants 3 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
cat >"$WORK/config.ini" <<INI
[kubernetes]
interval_metrics = 1h
[mapr]
url = $SIM_URL
httpfs = $SIM_URL
interval = 1s
[dataset t.dmi.forecast]
cadence = 4h
owner = "DMI forecast team"
[dataset /tenants/dmi/observations]
cadence = 1m
[dataset t.registry.*]
cadence = 1d
[dataset /tenants/skat/events]
cadence = 1h
[dataset /tenants/dmi/forecast_index]
cadence = 4h
INI
AGE='[0-9]+[smhd]([0-9]+[smh])?' # an age as the views print it: 45s, 16m, 3h40m, 2d

start_console 230 30 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig -c datasets"
check "-c datasets: six volumes, three tables and the two configured streams" wait_for 'datasets\(all\)\[11\]'
check "the forecast volume: tenant, path, a use bar against its quota, 3/3 copies, fresh" \
    wait_for '^dmi +t\.dmi\.forecast +volume +/tenants/dmi/forecast +\[#+\.*\] +[0-9]+% 1[23]\.[0-9]G/16\.0G +3/3 +6 '"$AGE"'.* 4h +ok +DMI forecast team'
check "the mirror: percent and age of its last sync" wait_for '^dmi +t\.dmi\.forecast\.mirror +mirror .* 100% '"$AGE"
check "registry's volume past its advisory quota: one alarm, fresh for its daily cadence" \
    wait_for '^registry +t\.registry\.orgs +volume .* +1 +- +'"$AGE"' +1d +ok'
check "the observation stream: consumer lag, newest message seconds old, fresh" \
    wait_for '^dmi +/tenants/dmi/observations +stream .* [0-9]+ +[0-9]+s +1m +ok'
check "a table: its path, its size (no quota, replication, snapshots or mirror of its own), fresh by its path's time" \
    wait_for '^dmi +/tenants/dmi/forecast_index +table +/tenants/dmi/forecast_index +96M +- +- +- +0 +- +'"$AGE"' +4h +ok'
check "a table without a [dataset] section gets no verdict" \
    wait_for '^registry +/tenants/registry/legacy_names +table .* 640M .* +- +- *$'
check "a volume without a [dataset] section gets no verdict" wait_for '^skat +t\.skat\.home +volume .* +- +- *$'
check "a configured stream MapR does not know: failing" wait_for '^skat +/tenants/skat/events +stream .* 1h +failing'
keys / s k a t / e v e n t s Enter d
check "d on it: MapR's own words" wait_for 'Stream /tenants/skat/events does not exist'
keys Escape Escape

sim_post "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=20000"
check "a forecast dump 5.5 hours late turns its row OVERDUE" \
    wait_for '^dmi +t\.dmi\.forecast +volume .* 5h3[0-9]m +4h +OVERDUE' 15
sim_post "/_sim/mapr/late?dataset=t.dmi.forecast&seconds=0"
check "once it is written again, the row is fresh again" wait_for '^dmi +t\.dmi\.forecast +volume .* 4h +ok' 15

# Enter on the stream: its topics.
keys / o b s e r v Enter
check "the filter finds the stream" wait_for 'datasets\(all\)\[1/11\]|datasets\(all\)\[1\]'
keys Enter
check "Enter on the stream: its two topics" wait_for 'observations > topics\(all\)\[2\]'
check "synop: 3 partitions, 2 consumers, newest message seconds old" wait_for ' synop +3 +2 +[0-9]+s +[0-9]+ '
keys d
check "d on a topic: every field of its partitions" wait_for 'maxtimestamp'
keys Escape Escape
check "Esc back to the datasets, the stream selected" wait_for 'datasets\(all\)\[1/11\]|datasets\(all\)\[1\]'
keys Escape
check "Esc clears the filter" wait_for 'datasets\(all\)\[11\]'

keys : d a t a s e t s Space r e g i s t r y Enter
check ":datasets registry narrows to registry's two volumes and two tables" wait_for 'datasets\(registry\)\[4\]'
keys : d a t a s e t s Enter
check ":datasets: every tenant's again" wait_for 'datasets\(all\)\[11\]'

# MapR answering ERROR: the rows stay, the source says why, they are marked stale.
check "before: the MapR rows are fresh (not stale)" eval '! screen | grep -q "stale since"'
sim_post "/_sim/mapr/fail?mode=error"
# "bad answer" until three intervals (3 s here) after the last good poll, "stale since" after:
# a loaded machine can miss the first, so either counts
check "MapR answering ERROR: the header names the failure" \
    wait_for 'mapr: (bad answer|stale since [0-9]+:[0-9]+)' 15
check "... and the message line gives MapR's words" wait_for 'mapr: MapR: CLDB is not reachable'
check "... and the last rows stay" wait_for 't\.dmi\.forecast'
keys : s o u r c e s Enter
check ":sources gives MapR's own words" wait_for '^mapr .*CLDB is not reachable'
sim_post "/_sim/mapr/fail?mode=off"
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill
rm -f "$WORK/exit"

# The tenants view: a DATASETS column with a mark when one is overdue; Enter on a tenant
# offers its apps and datasets.
start_console 230 30 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig"
check "tenants: DATASETS counts dmi's three volumes, its table and its stream" wait_for '^dmi .* 5 *$'
# The stream's writer stops 75 s ago: late for its 1m cadence, overdue 90 s after its last
# message, with nothing changing in the store meanwhile.
sim_post "/_sim/mapr/late?dataset=/tenants/dmi/observations&seconds=75"
sleep 3
check "a stream late but within its grace: no mark yet" wait_for '^dmi .* 5 *$'
check "once it is overdue (time alone), dmi's DATASETS is marked" wait_for '^dmi .* 5 ! *$' 25
check "registry's datasets are fine" wait_for '^registry .* 4 *$'
sim_post "/_sim/mapr/late?dataset=/tenants/dmi/observations&seconds=0"
keys Enter
check "Enter on a tenant offers its apps and datasets" wait_for '1  apps' && wait_for '2  datasets'
keys Escape
check "Esc closes the menu" wait_gone '2  datasets'
keys Enter 2
check "2 opens dmi's datasets" wait_for 'tenants > dmi > datasets\(dmi\)\[5\]'
keys Escape Enter Enter
check "Enter on the first item opens dmi's apps" wait_for 'tenants > dmi > apps\(dmi\)'
keys q q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# A session scoped to registry: its two volumes and two tables only, no other tenant's names.
start_console 230 30 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig --tenant registry -c datasets"
check "--tenant registry: its two volumes and two tables" wait_for 'datasets\(registry\)\[4\]'
sleep 2
screen | grep -Eq 'dmi|skat|observations' && not_ok "no other tenant's dataset is named" "$(screen)" ||
    ok "no other tenant's dataset is named"
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# --demo without a configuration: the demo's cadences give verdicts, fresh and overdue.
mkdir -p "$WORK/empty"
start_console 230 30 "env XDG_CONFIG_HOME=$WORK/empty $BIN/govconsole --demo -c datasets"
check "--demo: the forecast dump fresh for its 4h cadence" \
    wait_for '^dmi +t\.dmi\.forecast +volume .* 4h +ok +DMI forecast team' 20
check "--demo: the observation stream fresh for its 1m cadence" \
    wait_for '^dmi +/tenants/dmi/observations +stream .* 1m +ok'
check "--demo: registry's legacy table, no longer fed, OVERDUE for its daily cadence" \
    wait_for '^registry +/tenants/registry/legacy_names +table .* 9d +1d +OVERDUE' 20
keys q
wait_exit 5 >/dev/null
finish
