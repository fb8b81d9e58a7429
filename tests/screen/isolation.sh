#!/bin/bash
# Screen test: the isolation property (issue 16). Over randomized govsim worlds whose tenants
# are named like one another (--lookalike: dmi, dmi2, dmi-sandbox-2, registry1 ...), with every
# source configured (Kubernetes, Nagios, ServiceNow, MapR, KrakenD), a session scoped to one
# tenant walks every view the registry has (as --help lists them), a filter, Enter, describe,
# YAML, logs, Tab completion (:pods <Tab> among them), a bad command's error, `report sla` and
# the audit log. No name, namespace, app, pod, Nagios host, incident, change, dataset or display
# name of another tenant may appear anywhere (names compared as whole tokens, so dmi2 is not
# dmi's), the counts the views show are the tenant's own, and an action on another tenant's
# object (a relabel while the dialog is open; `:pods OTHER` ...) is refused before any request
# leaves the console: govsim's request log (GET /_sim/requests) shows none.
#
# The sessions: an operator narrowed with --tenant, and sessions of each role the directory
# grants (the private slapd of tests/integration/slapd.bash, with groups for the world's tenant
# added per world): a developer and a viewer scoped by their groups alone, and on-call staff
# narrowed with --tenant; each logs in with --login, the password typed at the prompt. World 0
# runs the operator and the developer, world 1 the viewer and on-call staff
# (GC_ISOLATION_ALL_ROLES=1: every session in every world).
#
# The seed is printed; GC_ISOLATION_SEED=N replays a run, GC_ISOLATION_WORLDS=K walks K worlds
# (default 2: the shortest stem, e.g. dmi, whose neighbours contain it, then a look-alike);
# GC_ISOLATION_KEEP=DIR keeps every screen and the request log there.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
. tests/integration/slapd.bash

export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
base=${GC_ISOLATION_SEED:-$(((RANDOM << 15 | RANDOM) % 999983 + 1))}
worlds=${GC_ISOLATION_WORLDS:-2}
echo "# seed $base (GC_ISOLATION_SEED=$base replays this run)"

# The views a scoped session is offered: --help's list without those "not with --tenant".
views=$(help_views scoped)
n=$(printf '%s\n' "$views" | wc -l)
[ "$n" -ge 10 ] && ok "--help offers a scoped session $n views: $(printf '%s ' $views)" ||
    not_ok "--help names the views" "$views"

# ---- the directory: who each session is ----
slapd_screen_start
slapd_system_config "$WORK/system.ini" "$SLAPD_URI"
export GOVCONSOLE_SYSTEM_CONFIG="$WORK/system.ini"
# Puts user $2 (created when new) in group cn=$1 (created when new).
dir_member() { # group user
    local g="cn=$1,ou=Groups,$SLAPD_BASE" u
    u=$(slapd_user_dn "$2")
    slapd_user_entry "$2" | ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PW" \
        >/dev/null 2>&1
    printf 'dn: %s\nobjectClass: groupOfNames\ncn: %s\nmember: %s\n' "$g" "$1" "$u" |
        ldapadd -x -H "$SLAPD_URI" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PW" >/dev/null 2>&1 ||
        printf 'dn: %s\nchangetype: modify\nadd: member\nmember: %s\n' "$g" "$u" |
        ldapmodify -x -H "$SLAPD_URI" -D "$SLAPD_ROOT_DN" -w "$SLAPD_ROOT_PW" >/dev/null 2>&1
}

# ---- the sessions: one function per kind, printing the console's arguments for tenant $1 ----
# The test's own login name is an operator in the directory (slapd.bash): narrowed with --tenant.
session_operator_tenant() { echo "--tenant $1"; }
# Users whose groups make them a developer, or a viewer, of $1 alone (world $2).
session_developer() { echo "--login isodev$2"; }
session_viewer() { echo "--login isoview$2"; }
# On-call staff (otto, govcloud-oncall) see every tenant: narrowed with --tenant.
session_oncall() { echo "--login otto --tenant $1"; }
if [ "${GC_ISOLATION_ALL_ROLES:-0}" = 1 ]; then
    SESSIONS_0="session_operator_tenant session_developer session_viewer session_oncall"
    SESSIONS_1=$SESSIONS_0
else
    SESSIONS_0="session_operator_tenant session_developer"
    SESSIONS_1="session_viewer session_oncall"
fi

mark() { sim_get /_sim/requests | jq -r .next; }
requests_since() { # mark: the lines since; a line "DROPPED N" when the log lost some
    sim_get "/_sim/requests?since=$1" | jq -r '(select(.dropped > 0) | "DROPPED \(.dropped)"), .requests[]'
}

# What the world holds, from govsim's own APIs: per tenant its namespaces, apps, pods, Nagios
# hosts, incidents, changes, datasets and display name, as "TENANT<TAB>TOKEN" lines.
world_tokens() {
    sim_get /api/v1/namespaces | jq -r '.items[] | .metadata as $m |
        ($m.labels["govcloud.sit.dk/tenant"] // "") | select(. != "") |
        "\(.)\t\($m.name)", "\(.)\t\(.)", "\(.)\ttenant-\(.)"' | sort -u >"$WORK/ns.tsv"
    {
        cat "$WORK/ns.tsv"
        for path in /apis/apps/v1/deployments /apis/apps/v1/statefulsets /api/v1/pods; do
            sim_get "$path" | jq -r '.items[].metadata | "\(.namespace)\t\(.name)"'
        done | awk -F'\t' 'NR == FNR { t[$2] = $1; next } ($1 in t) { print t[$1] "\t" $2 }' \
            "$WORK/ns.tsv" -
        sim_get /apis/apps/v1/deployments | jq -r '.items[].metadata | "\(.namespace)\t\(.name)"' |
            awk -F'\t' 'NR == FNR { t[$2] = $1; next } ($1 in t) { print t[$1] "\t" t[$1] "-" $2 }' \
                "$WORK/ns.tsv" -
        sim_get /rest/volume/list | jq -r '.data[].volumename | "\(split(".")[1])\t\(.)"'
    } | sort -u >"$WORK/tokens.tsv"
    # Display names (phrases), and the incidents and changes of each tenant's company.
    sim_get /api/v1/namespaces | jq -r '.items[] | .metadata |
        select((.labels["govcloud.sit.dk/tenant"] // "") != "") |
        "\(.labels["govcloud.sit.dk/tenant"])\t\(.annotations["govcloud.sit.dk/display-name"])"' |
        sort -u >"$WORK/phrases.tsv"
    for table in incident change_request; do
        sim_get "/api/now/table/$table?sysparm_display_value=true&sysparm_fields=number,company" |
            jq -r '.result[] | "\(.company.display_value // .company)\t\(.number)"'
    done | awk -F'\t' 'NR == FNR { t[$2] = $1; next } ($1 in t) { print t[$1] "\t" $2 }' \
        "$WORK/phrases.tsv" - >>"$WORK/tokens.tsv"
}

# The leak checker: prints every token or phrase of another tenant found in the files given.
cat >"$WORK/leak.py" <<'PY'
import re, sys
own, tokens, phrases = sys.argv[1], sys.argv[2], sys.argv[3]
mine, theirs, their_phrases = set(), {}, {}
for line in open(tokens):
    t, tok = line.rstrip("\n").split("\t", 1)
    (mine.add(tok) if t == own else theirs.setdefault(tok, t))
for line in open(phrases):
    t, p = line.rstrip("\n").split("\t", 1)
    if t != own:
        their_phrases[p] = t
theirs = {k: v for k, v in theirs.items() if k not in mine}
found = []
for f in sys.argv[4:]:
    text = open(f, encoding="utf-8", errors="replace").read()
    typed = f.rsplit("@", 1)[1][:-4] if "@" in f.rsplit("/", 1)[-1] else None
    for m in re.finditer(r"[A-Za-z0-9._-]+", text):
        tok = m.group(0).strip(".-")
        if tok == typed:
            continue
        if tok in theirs:
            found.append("%s: %s (tenant %s)" % (f.rsplit("/", 1)[-1], tok, theirs[tok]))
        elif len(tok) >= 8 and "-" in tok and not any(x.startswith(tok) for x in mine):
            # A name cut short by a narrow column: a prefix of theirs only.
            hit = next((x for x in theirs if x.startswith(tok)), None)
            if hit:
                found.append("%s: %s (cut %s, tenant %s)" % (f.rsplit("/", 1)[-1], tok, hit, theirs[hit]))
    for p, t in their_phrases.items():
        if p in text:
            found.append("%s: '%s' (tenant %s)" % (f.rsplit("/", 1)[-1], p, t))
print("\n".join(sorted(set(found))[:20]))
PY

# Saves the screen for the leak check, as NNNN-WHAT.txt; a file named ...@NAME.txt is a screen
# where the user typed NAME, which may show it (a refusal repeats what was asked for).
shot=0
snap() { # what
    shot=$((shot + 1))
    screen >"$WORK/shots/$(printf '%04d' $shot)-$1.txt"
}
settle() { sleep "${1:-0.3}"; }
# Sends keys, waits until the screen changes (at most about 0.4 s: a key a view does not have
# may change nothing) and a little more, and saves it.
key_snap() { # what keys...
    local what=$1 before i
    shift
    before=$(screen)
    keys "$@"
    for i in 1 2 3 4 5 6 7 8; do
        [ "$(screen)" = "$before" ] || break
        sleep 0.05
    done
    settle 0.1
    snap "$what"
}

# Walks every view and what a row offers, saving every screen. $1: the scoped tenant.
walk() {
    local t=$1 v
    for v in $views; do
        keys Escape Escape : "$v" Enter
        if ! wait_for "^ ([a-z]+ > )*$v\\($t\\)\\[" 10 >/dev/null; then
            not_ok "$t: :$v is shown, scoped to $t" "$(screen)"
            continue
        fi
        settle
        snap "$v"
        # A filter that other tenants' look-alike names would match.
        key_snap "$v-filter@$STEM" / "$STEM" Enter
        keys Escape
        for k in Enter d y l; do
            key_snap "$v-$k" "$k"
            keys Escape Escape
        done
    done
}

# Completion, refused routes, a refused action, the counts, the report and the audit log; then
# every screen, the report, the audit log and the request log are checked for other tenants.
finish_session() { # session tenant mark
    local session=$1 t=$2 m0=$3 o n want got
    local other=$(printf '%s\n' "$others" | head -1)
    # Tab completion: view names, then :pods' tenants and namespaces.
    keys Escape Escape :
    key_snap complete-view Tab
    keys C-u
    key_snap complete-pods p o d s Space Tab
    screen | grep -Eq "(^|[[:space:]:])$t([[:space:]]|$)" && ok "$t: :pods <Tab> offers $t" ||
        not_ok "$t: :pods <Tab> offers $t" "$(screen)"
    key_snap complete-pods-2 Tab
    keys C-u
    # Command-line routes to the other tenants that look most alike: refused in the same words
    # as a name that does not exist, and nothing is asked of a server about them (below).
    # Consecutive commands name different tenants, so that a message left from the one before
    # cannot pass for the answer.
    local asked refused=0 tries=0
    asked=$(printf '%s\n' $others | grep -F -- "$STEM" | head -2; echo "no-such-$STEM")
    for v in pods apps incidents alerts datasets routes; do
        for o in $asked; do
            tries=$((tries + 1))
            keys Escape Escape : "$v" Space "$o" Enter
            if wait_fixed "no tenant or namespace '$o' in your scope ($t)" 3; then
                refused=$((refused + 1))
            else
                not_ok "$t: :$v $o is refused, as for a name that does not exist" "$(screen)"
            fi
            snap "route-$v@$o"
        done
    done
    [ "$refused" = "$tries" ] && ok "$t: :VIEW NAME refused $refused times, as for a name that does not exist"
    keys Escape Escape
    key_snap "bad-command@$other" : n o s u c h v i e w Space "$other" Enter
    keys Escape Escape
    # A restart whose app moves to another tenant while its dialog is open: refused.
    local app
    app=$(sim_get "/apis/apps/v1/namespaces/$t/deployments" | jq -r '.items[0].metadata.name')
    keys : a p p s Enter
    wait_for "apps\\($t\\)\\[[1-9]" >/dev/null
    keys / "^$t +$t +$app " Enter
    if ! wait_for "apps\\($t\\)\\[1\\]" 5 >/dev/null; then
        not_ok "$t: the filter selects $t/$app" "$(screen)"
    elif [ "$session" = session_viewer ]; then
        keys r
        check "$t: a viewer's r is refused with the reason" wait_fixed "role viewer may not restart"
        snap refused
        check "$t: and no dialog opens" bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Fq 'Restart deployment'"
    else
        keys r
        check "$t: r asks to restart $t/$app" wait_fixed "Restart deployment $t/$app?"
        sim_post "/_sim/label?namespace=$t&tenant=$other"
        check "$t: $t/$app moved to $other leaves the view" wait_for "apps\\($t\\)\\[0\\]"
        keys y
        check "$t: confirming the restart is refused" wait_fixed "not in your tenant scope"
        snap refused
        sim_post "/_sim/label?namespace=$t&tenant=$t"
        wait_for "apps\\($t\\)\\[1\\]" >/dev/null
    fi
    keys Escape Escape
    # The counts the views show are the tenant's own.
    local nss pods
    nss=$(sim_get /api/v1/namespaces | jq --arg t "$t" '[.items[] |
        select(.metadata.labels["govcloud.sit.dk/tenant"] == $t)] | length')
    pods=0
    for n in $(sim_get /api/v1/namespaces | jq -r --arg t "$t" '.items[].metadata |
        select(.labels["govcloud.sit.dk/tenant"] == $t) | .name'); do
        got=$(sim_get "/api/v1/namespaces/$n/pods" | jq '.items | length')
        pods=$((pods + ${got:-0}))
    done
    local apps=0 dsets
    for n in $(sim_get /api/v1/namespaces | jq -r --arg t "$t" '.items[].metadata |
        select(.labels["govcloud.sit.dk/tenant"] == $t) | .name'); do
        for kind in deployments statefulsets; do
            got=$(sim_get "/apis/apps/v1/namespaces/$n/$kind" | jq '.items | length')
            apps=$((apps + ${got:-0}))
        done
    done
    dsets=$(sim_get /rest/volume/list | jq --arg t "$t" '[.data[] | select(.volumename | split(".")[1] == $t)] | length')
    got=$(sim_get /rest/table/metadata/list | jq --arg t "$t" '[.data[] | select(.path | split("/")[2] == $t)] | length')
    dsets=$((dsets + ${got:-0})) # MapR-DB tables: /tenants/T/NAME
    for want in "namespaces $nss" "pods $pods" "apps $apps" "datasets $dsets"; do
        set -- $want
        keys Escape Escape : "$1" Enter
        check "$t: :$1 counts the tenant's own ($2)" wait_for "$1\\($t\\)\\[$2\\]"
    done
    keys Escape : q Enter
    o=$(wait_exit 15)
    [ "$o" = 0 ] && ok "$t: the console quits, exit status 0" ||
        not_ok "$t: the console quits, exit status 0 (not $o)" "$(screen)"
    # report sla for the tenant.
    "$BIN/govconsole" report sla --config "$WORK/config.ini" --tenant "$t" \
        --from "$(date -d '-20 days' +%F)" --to "$(date -d '-1 days' +%F)" >"$WORK/shots/report.csv" 2>&1
    grep -q "^[^,]*,tenant,$t," "$WORK/shots/report.csv" && ok "$t: report sla --tenant $t has the tenant's rows" ||
        not_ok "$t: report sla --tenant $t has the tenant's rows" "$(head -5 "$WORK/shots/report.csv")"
    cp "$AUDIT" "$WORK/shots/audit.log" 2>/dev/null
    local why='not in your tenant scope'
    [ "$session" = session_viewer ] && why='role viewer may not restart'
    grep -q "$why" "$WORK/shots/audit.log" 2>/dev/null &&
        ok "$session $t: the audit log has the refusal ($why)" ||
        not_ok "$session $t: the audit log has the refusal ($why)"
    # Nothing of another tenant's anywhere.
    leaks=$(python3 "$WORK/leak.py" "$t" "$WORK/tokens.tsv" "$WORK/phrases.tsv" "$WORK"/shots/*)
    [ -z "$leaks" ] && ok "$session $t: none of $(printf '%s\n' $others | wc -l) other tenants' names in $(ls "$WORK/shots" | wc -l) screens, the report and the audit log" ||
        not_ok "$session $t: no other tenant's names on any screen, in the report or the audit log" "$leaks"
    # The request log: nothing changed, nothing asked about another tenant's objects.
    requests_since "$m0" >"$WORK/requests.txt"
    n=$(wc -l <"$WORK/requests.txt")
    [ "$n" -gt 0 ] && grep -q "/namespaces/$t/" "$WORK/requests.txt" &&
        ok "$t: govsim logged the session's $n requests" || not_ok "$t: govsim logged the session's requests" "$(head "$WORK/requests.txt")"
    o=$(grep -E '^(POST|PUT|PATCH|DELETE|DROPPED) ' "$WORK/requests.txt")
    [ -z "$o" ] && ok "$t: no request changed anything (none lost from the log)" ||
        not_ok "$t: no request changed anything (none lost from the log)" "$o"
    # ... nor named another tenant's object, nor a name typed after :VIEW (as whole tokens).
    { cat "$WORK/tokens.tsv"; printf 'typed\t%s\n' $asked; } >"$WORK/asked.tsv"
    leaks=$(python3 "$WORK/leak.py" "$t" "$WORK/asked.tsv" "$WORK/phrases.tsv" "$WORK/requests.txt")
    [ -z "$leaks" ] && ok "$t: no request named another tenant's object or $(printf '%s ' $asked)" ||
        not_ok "$t: no request named another tenant's object or a name typed after :VIEW" "$leaks"
    rm -f "$AUDIT"
    # GC_ISOLATION_KEEP=DIR keeps the screens and the request log, to read after a failure.
    if [ -n "${GC_ISOLATION_KEEP:-}" ]; then
        mkdir -p "$GC_ISOLATION_KEEP/$t" && cp "$WORK"/shots/* "$WORK/requests.txt" "$GC_ISOLATION_KEEP/$t/"
    fi
}

for w in $(seq 0 $((worlds - 1))); do
    seed=$((base + w))
    stop_sim
    tm_kill
    start_sim --lookalike --tenants 10 --pods 150 --seed "$seed" --churn 0
    write_sources_config "$WORK/config.ini"
    world_tokens
    tenants=$(cut -f1 "$WORK/ns.tsv" | sort -u)
    # World 0: the shortest stem another tenant's name contains; later worlds: a look-alike.
    if [ "$w" = 0 ]; then
        T=$(for x in $tenants; do
            printf '%s\n' "$tenants" | grep -v -x -- "$x" | grep -q -F -- "$x" && echo "${#x} $x"
        done | sort -n | head -1 | cut -d' ' -f2)
    else
        T=$(for x in $tenants; do
            printf '%s\n' "$tenants" | grep -v -x -- "$x" | grep -q -- "^${x%%[-0-9x]*}" &&
                [ "$x" != "${x%%[-0-9x]*}" ] && echo "$x"
        done | shuf --random-source=<(yes "$seed") -n 1)
    fi
    [ -n "$T" ] || T=$(printf '%s\n' "$tenants" | head -1)
    STEM=${T%%[-0-9x]*}
    others=$(printf '%s\n' "$tenants" | grep -v -x -- "$T")
    echo "# world $w: seed $seed, tenants $(printf '%s ' $tenants), session scoped to $T"
    mkdir -p "$WORK/shots"
    rm -f "$WORK"/shots/*
    # This world's developer and viewer of $T, and nothing else.
    dir_member "tenant-$T-developers" "isodev$w"
    dir_member "tenant-$T-viewers" "isoview$w"
    sessions=SESSIONS_$((w % 2))
    for session in ${!sessions}; do
        args=$($session "$T" "$w")
        tm_kill
        m0=$(mark)
        start_console 160 40 "$BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig $args -c tenants"
        case "$args" in
        *--login*)
            wait_fixed "Directory password for" 10 >/dev/null
            keys "$SLAPD_USER_PW" Enter
            ;;
        esac
        check "$session $T: the session starts scoped to $T" wait_for "tenants\\($T\\)\\[1\\]"
        walk "$T"
        finish_session "$session" "$T" "$m0"
    done
done
finish
