#!/bin/bash
# Screen test: every view the registry has (as --help lists them), on --demo, at 80x24 and at
# 40x10: its title with a count, a column header and its first row (where the demo has any) are
# shown; no view refuses a small terminal. A view added later is covered without editing this test.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
# "-c, --command VIEW view to start on: tenants (tenant, te), apps (...), ..." -> the names.
views=$("$BIN/govconsole" --help | sed -n 's/.*view to start on: //p' | sed 's/([^)]*)//g; s/\[[^]]*\]//g' |
    tr ',' '\n' | tr -d ' ' | grep -E '^[a-z]+$')
n=$(printf '%s\n' "$views" | wc -l)
[ "$n" -ge 5 ] && ok "--help names $n views: $(printf '%s ' $views)" || not_ok "--help names the views" "$views"

start_console 80 24 "$BIN/govconsole --demo"
check "--demo starts" wait_for 'tenants\(all\)\[[1-9]' 20
for size in "80 24" "40 10"; do
    read -r cols rows <<<"$size"
    tm resize-window -t gc -x "$cols" -y "$rows"
    for v in $views; do
        keys Escape : "$v" Enter
        if ! wait_for "^ ([a-z]+ > )*$v\\(" 10 >/dev/null; then
            not_ok "${cols}x$rows $v: the view is shown" "$(screen)"
            continue
        fi
        sleep 0.5
        s=$(screen)
        count=$(printf '%s\n' "$s" | sed -n 2p | sed -n 's/^[^[]*\[\([0-9][0-9,]*\)\].*/\1/p' | tr -d ,)
        head=$(printf '%s\n' "$s" | sed -n 3p)
        first=$(printf '%s\n' "$s" | sed -n 4p | tr -d ' ')
        if printf '%s\n' "$s" | grep -q 'too small'; then
            not_ok "${cols}x$rows $v: shown, not refused" "$s"
        elif ! printf '%s' "$head" | grep -Eq '^ ?[A-Z][A-Z/ ]+'; then
            not_ok "${cols}x$rows $v: a column header" "$s"
        elif [ -z "$count" ] || { [ "$count" -gt 0 ] && [ -z "$first" ]; }; then
            not_ok "${cols}x$rows $v: a count in the title, and its first row shown" "$s"
        else
            ok "${cols}x$rows $v: title with its count ($count), column header, rows"
        fi
    done
done
keys Escape : q Enter
check "the console quits" test "$(wait_exit 5)" = 0
finish
