#!/bin/bash
# Screen test: `l` on an app follows its pods' logs merged, each line after its pod's short name
# in that pod's colour; the set of pods follows a scale-up and a deleted pod; `p` reads every
# pod's previous run and the title says `ended` once they have; `c` after `p` drops `previous`
# for a container without a previous run and says so. A single pod's log: `p`, `c`, and
# `ended` when govsim ends the stream (the pod deleted). A tenant-scoped session too.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

# Running pods of an app that are not terminating, by name.
app_pods() { # ns app
    sim_get "/api/v1/namespaces/$1/pods" | jq -r --arg a "$2" \
        '.items[] | select(.metadata.labels["app.kubernetes.io/name"] == $a and .metadata.deletionTimestamp == null and .status.phase == "Running") | .metadata.name' | sort
}
scale() { # ns deployment replicas
    curl -s -o /dev/null -X PATCH -H 'Content-Type: application/merge-patch+json' \
        -d "{\"spec\":{\"replicas\":$3}}" "$SIM_URL/apis/apps/v1/namespaces/$1/deployments/$2/scale"
}
count_is() { [ "$(app_pods "$1" "$2" | wc -l)" -eq "$3" ]; }
# The colour escape the screen puts before a line that starts with "LABEL ".
prefix_sgr() { # label
    tm capture-pane -p -e -t gc | grep -o "^$(printf '\033')\\[[0-9;]*m$1 " | head -1 | sed "s/$1 \$//"
}
title() { screen | sed -n 2p; }

# For one pod's log: a pod with a sidecar whose main container runs and restarted.
read -r pns pod <<<"$(sim_get /api/v1/pods | jq -r '[.items[] | select(.status.phase == "Running" and .metadata.deletionTimestamp == null and (.spec.containers | length) == 2 and .status.containerStatuses[0].restartCount > 0 and .status.containerStatuses[0].lastState.terminated != null and .status.containerStatuses[0].state.running != null)] | sort_by(.metadata.namespace, .metadata.name) | .[0] | "\(.metadata.namespace) \(.metadata.name)"')"
if [ -z "$pod" ] || [ "$pod" = null ]; then
    echo "Bail out! govsim's world has no running pod with a sidecar and a restarted container"
    exit 1
fi
pmain=$(sim_get "/api/v1/namespaces/$pns/pods/$pod" | jq -r '.spec.containers[0].name')
papp=$(sim_get "/api/v1/namespaces/$pns/pods/$pod" | jq -r '.metadata.labels["app.kubernetes.io/name"]')

# An app of dmi (another) with a sidecar, scaled to two pods; its containers, init ones too.
app=$(sim_get /apis/apps/v1/namespaces/dmi/deployments | jq -r --arg not "$papp" '[.items[] | select((.spec.template.spec.containers | length) == 2 and .metadata.name != $not)] | sort_by(.metadata.name) | .[0].metadata.name')
main=$(sim_get "/apis/apps/v1/namespaces/dmi/deployments/$app" | jq -r '.spec.template.spec.containers[0].name')
nparts=$(sim_get "/apis/apps/v1/namespaces/dmi/deployments/$app" | jq -r '(.spec.template.spec.containers | length) + (.spec.template.spec.initContainers // [] | length)')
scale dmi "$app" 2
if ! wait_until 30 count_is dmi "$app" 2; then
    echo "Bail out! dmi/$app did not come down to 2 running pods: $(app_pods dmi "$app")"
    exit 1
fi
sleep 1 # the last pods' Running reaches the console's watch
read -r p1 p2 <<<"$(app_pods dmi "$app" | tr '\n' ' ')"
s1=${p1##*-}
s2=${p2##*-}

start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c apps"
check "the apps view is shown" wait_for 'apps\(all\)\[[0-9]+\]'
keys / "^dmi +dmi +$app " Enter
check "the filter selects dmi/$app" wait_for 'apps\(all\)\[1\]'
wait_for " 2/2 " >/dev/null
keys l
check "l on the app opens its merged log: the default container, following both pods" \
    wait_fixed "logs dmi/$app/$main  following 2 of 2 pods"
check "lines of $p1 come after its short name ($s1)" wait_for "^$s1 +[^ ]"
check "lines of $p2 come after its short name ($s2)" wait_for "^$s2 +[^ ]"
sgr1=$(prefix_sgr "$s1")
sgr2=$(prefix_sgr "$s2")
if [ -n "$sgr1" ] && [ -n "$sgr2" ] && [ "$sgr1" != "$sgr2" ]; then
    ok "each pod's name in its own colour ($(printf '%q' "$sgr1") / $(printf '%q' "$sgr2"))"
else
    not_ok "each pod's name in its own colour" "$(tm capture-pane -p -e -t gc | sed -n 3,8p | cat -v)"
fi
# No line carries two pods' names: lines never mix.
if screen | sed -n '3,39p' | grep -Eq "^($s1|$s2) .*(^|[^a-z0-9])($s1|$s2) "; then
    not_ok "no line holds two pods' prefixes" "$(screen)"
else
    ok "no line holds two pods' prefixes"
fi

# Scaled up: the new pod joins, its lines appear with its own name.
scale dmi "$app" 3
wait_until 20 count_is dmi "$app" 3
p3=$(comm -13 <(printf '%s\n' "$p1" "$p2" | sort) <(app_pods dmi "$app") | head -1)
s3=${p3##*-}
check "a scale-up: the new pod $p3 joins (a note)" wait_fixed "── pod $p3 joins" 20
check "... its lines come after its name ($s3)" wait_for "^$s3 +[^ ]" 20
check "... and the title counts 3 pods" wait_fixed "following 3 of 3 pods" 20

# A pod deleted: its stream ends with a note; its replacement joins.
curl -s -o /dev/null -X DELETE "$SIM_URL/api/v1/namespaces/dmi/pods/$p1"
check "a deleted pod: ── pod $p1 gone" wait_fixed "── pod $p1 gone" 20
check "... and its replacement joins" wait_for "── pod $app-[a-z0-9]+-[a-z0-9]+ joins" 20
keys G

# p: every pod's previous run; pods without one say so; ended once all have ended.
keys p
check "p: the title says [previous]" wait_fixed "logs dmi/$app/$main  [previous]"
check "... a pod that never restarted says so (the API's 400)" \
    wait_for "── pod $app-[a-z0-9]+-[a-z0-9]+ failed: HTTP 400: previous terminated container \"$main\""
check "... and once every pod's previous run is read the title says ended" \
    wait_for "\\[previous\\]  ended \\([0-9]+ pods\\)" 20

# c after p: the sidecar never restarted: previous is dropped, and the log says so.
keys c
check "c after p: the next container, previous dropped (title)" \
    wait_fixed "logs dmi/$app/log-shipper  following"
check "... and the log says why" wait_fixed "[log-shipper has no previous run: its current log follows]"
check "... the sidecar's lines come" wait_for "level=(info|warn) ts="
for _ in $(seq $((nparts - 1))); do keys c; done
check "c through the other containers ($nparts in all) back to $main: still not previous" \
    wait_fixed "logs dmi/$app/$main  following"
# Scaled past the cap: ten pods followed, the others counted as left out.
scale dmi "$app" 12
check "scaled to 12: 10 pods followed, 2 left out (the title)" \
    wait_fixed "following 10 of 10 pods, 2 left out (10 at most)" 30
keys q
check "q closes the log" wait_for 'apps\(all\)\[1\]'
scale dmi "$app" 3
wait_until 30 count_is dmi "$app" 3

# One pod's log.
keys : p o d s Enter
wait_for 'pods\(all\)' >/dev/null
keys / "$pns +$pod " Enter
check "the filter selects $pod" wait_for 'pods\(all\)\[1\]'
keys l
check "l on a pod: following" wait_fixed "logs $pns/$pod/$pmain  following"
keys p
check "p: its previous run, which ended: the title says ended" \
    wait_fixed "logs $pns/$pod/$pmain  [previous]  ended"
check "... after the run's last lines" wait_fixed "[end of log]"
keys c
check "c after p: the sidecar has no previous run: previous dropped, following" \
    wait_fixed "logs $pns/$pod/log-shipper  following"
keys g
check "... and the log says so, first" wait_fixed "[log-shipper has no previous run: its current log follows]"
keys G c
check "c back to $pmain: previous stays off" wait_fixed "logs $pns/$pod/$pmain  following"
keys c p
check "on the sidecar, p: the API's 400 (no previous run), ended" \
    wait_fixed "logs $pns/$pod/log-shipper  [previous]  ended"
check "... saying why" wait_fixed "HTTP 400: previous terminated container \"log-shipper\""
keys c
check "c after p to $pmain, which has a previous run: previous kept" \
    wait_fixed "logs $pns/$pod/$pmain  [previous]  ended"
check "... its previous run's lines, to their end" wait_fixed "[end of log]"
keys p
check "p again: the current log, following" wait_fixed "logs $pns/$pod/$pmain  following"
wait_for '^\{"time"' >/dev/null
curl -s -o /dev/null -X DELETE "$SIM_URL/api/v1/namespaces/$pns/pods/$pod"
check "the pod deleted: govsim ends the stream and the title says ended" \
    wait_fixed "logs $pns/$pod/$pmain  ended" 20
check "... after [end of log]" wait_fixed "[end of log]"
keys q q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# A session scoped to dmi follows the pods of dmi's app it may see.
n=$(app_pods dmi "$app" | wc -l)
start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --tenant dmi -c apps"
check "scoped: the apps view is dmi's" wait_for 'apps\(dmi\)\['
keys / "^dmi +dmi +$app " Enter
wait_for 'apps\(dmi\)\[1\]' >/dev/null
keys l
check "scoped: l follows the app's $n pods" wait_fixed "logs dmi/$app/$main  following $n of $n pods"
keys q q
[ "$(wait_exit 5)" = 0 ] && ok "q quits with status 0" || not_ok "q quits with status 0"
finish
