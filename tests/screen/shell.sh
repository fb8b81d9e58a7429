#!/bin/bash
# Screen test: the console shell: command line, completion, filter, sort, help, drill-down,
# pager, confirm dialog, themes, configuration errors.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 200 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
mkdir -p "$XDG_CONFIG_HOME/govconsole/themes"
start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c tenants"
check "-c tenants starts on the tenants view" wait_for 'tenants\(all\)\[5\]'

# Command line: completion, unknown commands, the views from the registry.
keys : t e Tab
check "Tab offers the candidates for :te" wait_for 'tenants +tenant +te'
keys C-u s o u Tab
check "Tab completes a unique prefix (:sou -> :sources)" wait_for '^:sources'
keys C-u p o d s Enter
check ":pods switches to the pods view" wait_for 'pods\(all\)\[200\]'
keys : b o g u s Enter
check "an unknown command is named" wait_for "unknown command 'bogus'"
keys : w i d g e t s Enter
check "a view that does not exist is answered with the registry's views" \
    wait_for "unknown command 'widgets' \\(views: :tenants :apps :pods :namespaces :nodes :sources"
keys : Up
check "Up walks the command history" wait_for '^:widgets'
keys Up
check "Up again goes further back" wait_for '^:bogus'
keys Escape

# Filter: live, highlighted, invalid pattern reported, Esc clears.
ns_failing=$(sim_get /api/v1/pods | jq -r '[.items[] | select(.status.containerStatuses[0].state.waiting.reason == "CrashLoopBackOff")] | length')
keys / C r a s h L o o p
check "the filter narrows to CrashLoopBackOff rows ($ns_failing)" wait_for "pods\(all\)\[$ns_failing\]  </CrashLoop>"
tm capture-pane -p -e -t gc >"$WORK/hl.txt"
if grep -q 'CrashLoop' "$WORK/hl.txt" && [ "$(grep -c $'\e\\[[0-9;]*m[^\e]*CrashLoop' "$WORK/hl.txt")" -gt 0 ]; then
    ok "matches are painted with their own attributes (highlight)"
else
    not_ok "matches are painted with their own attributes (highlight)"
fi
keys Enter
check "Enter keeps the filter" wait_for '</CrashLoop>'
keys Escape
check "Esc clears the filter" wait_for 'pods\(all\)\[200\]$'
keys / 'a(b'
check "an invalid pattern is reported with PCRE2's message" wait_for 'missing closing parenthesis'
keys Escape
keys / '!Running'
notrunning=$(sim_get /api/v1/pods | jq -r '[.items[] | select(.status.phase != "Running" or ([.status.containerStatuses[]?.ready] | all | not))] | length')
check "! inverts the filter" wait_for '</!Running>'
keys Escape

# Sorting: Shift+letter, header marker, a number column largest first, reverse on repeat.
keys T
check "Shift-T sorts by RESTARTS (marked in the header), largest first" wait_for 'RESTARTS↓'
max=$(sim_get /api/v1/pods | jq '[.items[] | [.status.containerStatuses[]?.restartCount] | add // 0] | max')
if screen | sed -n 4p | grep -Eq " $max( \(| +[0-9])"; then
    ok "the first press puts the most restarted pod first ($max)"
else
    not_ok "the first press puts the most restarted pod first ($max)" "$(screen | sed -n 3,5p)"
fi
keys T
check "again reverses it" wait_for 'RESTARTS↑'
first=$(screen | sed -n 4p | awk '{print $6}')
[ "$first" != "" ] && ok "sorted rows are shown" || not_ok "sorted rows are shown"
keys N
check "a text column (NAME) sorts from A first" wait_for 'NAME↑'
keys T
keys '>'
check "> moves the sort to the next column, a number: largest first" wait_for 'CPU↓'
keys C
check "C again sorts by CPU, lowest first" wait_for 'CPU↑'
keys C
check "and C once more, highest first" wait_for 'CPU↓'
if screen | sed -n 4p | grep -Eq ' [0-9]+(\.[0-9])?m? +[0-9]+(\.[0-9])?[MG]i +[0-9]+[smhd]'; then
    ok "the busiest pod shows CPU and memory from metrics.k8s.io"
else
    not_ok "the busiest pod shows CPU and memory from metrics.k8s.io" "$(screen | sed -n 3,5p)"
fi

# Help overlay, generated from the keymap of this view.
keys '?'
check "? shows this view's keys" wait_for 'Keys: pods'
check "the help lists the sort keys" wait_for 'Sort by STATUS'
keys Escape
check "Esc closes the help" wait_gone 'Keys: pods'

# Drill-down and back with the same row selected: tenants > TENANT > apps > APP > pods.
keys : t e n a n t s Enter
wait_for 'tenants\(all\)' >/dev/null
keys j j
check "the third tenant is selected" wait_for 'row 3 of 5'
tenant=$(screen | sed -n 6p | awk '{print $1}')
keys Enter
check "Enter drills into the tenant's apps, with a breadcrumb" wait_for "tenants > $tenant > apps\($tenant\)"
keys Escape
check "Esc returns to tenants with the same row selected" wait_for 'row 3 of 5'
keys g
wait_for 'row 1 of 5' >/dev/null
[ "$(screen | sed -n 4p | awk '{print $1}')" = dmi ] && ok "dmi is the first tenant" ||
    not_ok "dmi is the first tenant" "$(screen)"
napps=$(( $(sim_get /apis/apps/v1/deployments | jq '[.items[] | select(.metadata.labels["govcloud.sit.dk/tenant"] == "dmi")] | length') +
          $(sim_get /apis/apps/v1/statefulsets | jq '[.items[]? | select(.metadata.labels["govcloud.sit.dk/tenant"] == "dmi")] | length') ))
keys Enter
check "Enter on dmi shows its apps ($napps deployments and statefulsets)" wait_for "tenants > dmi > apps\(dmi\)\[$napps\]"
keys j
check "the second app is selected" wait_for "row 2 of $napps"
app_ns=$(screen | sed -n 5p | awk '{print $2}')
app=$(screen | sed -n 5p | awk '{print $4}')
npods=$(sim_get "/api/v1/namespaces/$app_ns/pods?labelSelector=app.kubernetes.io%2Fname%3D$app" | jq '.items | length')
keys Enter
check "Enter on $app shows its pods ($npods in $app_ns), with a breadcrumb" wait_for "tenants > dmi > apps > $app > pods\(.*\)\[$npods\]"
shown=$(screen | sed -n '4,$p' | awk '$1 == "dmi"' | grep -c .)
others=$(screen | sed -n '4,$p' | awk '$1 == "dmi" && index($3, "'"$app"'-") != 1' | grep -c .)
[ "$npods" -gt 0 ] && [ "$shown" -eq "$npods" ] && [ "$others" -eq 0 ] &&
    ok "every pod on screen belongs to $app ($shown rows)" ||
    not_ok "every pod on screen belongs to $app ($shown rows, $others others)" "$(screen)"
# ... > logs: the selected pod's log, then back to the same pods.
pod=$(screen | sed -n 4p | awk '{print $3}')
keys l
check "l on $pod opens its log" wait_fixed "logs $app_ns/$pod/"
keys q
check "q closes the log and returns to $app's pods" wait_for "tenants > dmi > apps > $app > pods\(.*\)\[$npods\]"
keys Escape
check "Esc returns to the apps" wait_for "tenants > dmi > apps\\(dmi\\)\\[$napps\\]"
check "  ... with the same app selected" wait_for "row 2 of $napps"
keys Escape
check "Esc again returns to tenants with the same row selected" wait_for 'row 1 of 5'
check "  ... on the tenants view" wait_for 'tenants\(all\)\[5\]'

# Pager: raw object as YAML, search, JSON with Tab, q closes.
keys : p o d s Enter
wait_for 'pods\(all\)\[200\]' >/dev/null
keys y
check "y shows the object as YAML" wait_for '^kind: Pod'
keys / r e s t a r t C o u n t Enter
check "pager search finds restartCount" wait_for 'restartCount'
keys n
check "n goes to the next match" wait_for 'restartCount'
keys Tab
check "Tab switches to JSON" wait_for '"kind": "Pod"'
keys q
check "q closes the pager" wait_for 'pods\(all\)\[200\]'

# Confirm dialog: default No; a delete needs the name typed.
keys C-d
check "Ctrl-D asks before deleting, naming the pod" wait_for 'Type .* to confirm'
keys y Enter
check "Enter with a wrong name does not delete, and says the name is wrong" wait_for "'y' is not the name"
keys Escape
check "Esc cancels" wait_for 'cancelled'

# Themes: switch live; a bad theme is reported with file:line and the default stays.
keys : t h e m e ' ' h i g h - c o n t r a s t Enter
check ":theme high-contrast switches" wait_for 'theme high-contrast'
printf 'header red blue bold\nnot-a-slot red blue\n' >"$XDG_CONFIG_HOME/govconsole/themes/broken.theme"
keys : t h e m e ' ' b r o k e n Enter
check "a bad theme file is reported with file:line" wait_for 'broken.theme:2'

# Mouse: a click selects the row under it, the wheel scrolls (SGR mouse reports).
keys g
wait_for 'row 1 of 200' >/dev/null
tm send-keys -t gc -l $'\e[<0;10;9M\e[<0;10;9m'
check "a click on the 6th row selects it" wait_for 'row 6 of 200'
tm send-keys -t gc -l $'\e[<65;10;9M'
check "the wheel scrolls down by three" wait_for 'row 9 of 200'

# Resize to 60x20, smaller than the smallest, and back.
tm resize-window -t gc -x 60 -y 20
check "60x20: the table, what fits" wait_for 'pods\(all\)\[200\]'
tm resize-window -t gc -x 39 -y 10
check "39x10: the small-terminal message" wait_for 'terminal too small: 39x10'
tm resize-window -t gc -x 150 -y 40
check "back to 150x40: the table" wait_for 'pods\(all\)\[200\]'
keys q
check "q on the first view exits 0" bash -c "[ \"\$(cat $WORK/exit 2>/dev/null; sleep 1; cat $WORK/exit)\" != '' ] && grep -qx 0 $WORK/exit"
tm_kill
rm -f "$WORK/exit"

# --theme with a bad theme at start: the default is used and the problem shown.
start_console 150 40 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --theme broken -c pods"
check "--theme broken: reported at start, default used" wait_for 'broken.theme:2.*default theme'
keys q
tm_kill

# [ui] mouse = false: clicks do nothing.
printf '[ui]\nmouse = false\n' >"$WORK/nomouse.ini"
rm -f "$WORK/exit"
start_console 150 40 "$BIN/govconsole --config $WORK/nomouse.ini --kubeconfig $WORK/kubeconfig -c pods"
# The view comes back with the sort the consoles above left (a metrics column): the rows move
# when the metrics land, and the selection with its pod. Wait for them, then go to the top.
wait_for ' [0-9]+Mi ' >/dev/null
keys g
wait_for 'row 1 of 200' >/dev/null
tm send-keys -t gc -l $'\e[<0;10;9M\e[<0;10;9m'
sleep 0.5
check "[ui] mouse = false: a click selects nothing" wait_for 'row 1 of 200' 1
keys q
tm_kill

# Configuration errors: file:line and status 2.
printf '[ui]\ntheme = default\nrefresh = soon\n' >"$WORK/bad.ini"
out=$("$BIN/govconsole" --config "$WORK/bad.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && printf '%s' "$out" | grep -q 'bad.ini:3' && ok "a bad config value: file:line and exit 2" ||
    not_ok "a bad config value: file:line and exit 2 (rc $rc)" "$out"
out=$("$BIN/govconsole" --config "$WORK/none.ini" --kubeconfig "$WORK/kubeconfig" 2>&1 </dev/null)
[ $? -eq 2 ] && ok "a missing --config file exits 2" || not_ok "a missing --config file exits 2" "$out"
out=$("$BIN/govconsole" --help)
for flag in --config --kubeconfig --context --command --tenant --theme --readonly --demo --version --help; do
    printf '%s' "$out" | grep -q -- "$flag" || not_ok "--help lists $flag"
done
ok "--help lists every contract flag that exists"
"$BIN/govconsole" --version | grep -q '^govconsole ' && ok "--version prints the version" || not_ok "--version"
finish
