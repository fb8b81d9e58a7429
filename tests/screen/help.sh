#!/bin/bash
# Screen test: help that helps. `?` draws a bordered box over the dimmed table, wraps long
# descriptions instead of cutting them, marks the actions this session may not use (here
# --readonly) instead of listing them as if they worked, scrolls, and acts on no key under
# it. In a pager it lists the pager's keys (and the describe/YAML or log keys); at 40x10 it
# still fits.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 60 --tenants 3 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
# Line drawing as tmux captures it: Unicode, or the VT100 letters without a UTF-8 locale.
H='(─|q)' V='(│|x)' TL='(┌|l)' TR='(┐|k)' BL='(└|m)' BR='(┘|j)'

start_console 80 24 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --readonly -c apps"
check "the apps view is shown" wait_for 'apps\(all\)\[[0-9]+\]'
keys '?'
check "? opens the keys of this view" wait_for 'Keys: apps'
check "... in a bordered box" wait_for "$TL$H Keys: apps $H+$TR"
screen | grep -Eq "$BL$H.*q/\?/Esc close $H$BR" && ok "... whose bottom border says how to close it" ||
    not_ok "... whose bottom border says how to close it" "$(screen)"
# A description longer than the box goes on over the next line, not cut with '~'.
screen | grep -Eq "Scale the selected app: asks for the replica count, *$V" &&
    screen | grep -Eq "^ *.$V +then confirms +$V" &&
    ok "a long description is wrapped, not cut" || not_ok "a long description is wrapped, not cut" "$(screen)"
screen | grep -Eq "~ *$V" && not_ok "nothing in the box is cut with ~" "$(screen)" || ok "nothing in the box is cut with ~"
check "restart is marked as not for this session, with why" \
    wait_for '\(not in this session: read-only session \(--readonly\)\)'
n_off=$(screen | grep -c 'not in this session')
[ "$n_off" -ge 2 ] && ok "... and scale too ($n_off marks)" || not_ok "... and scale too" "$(screen)"
screen | grep -A1 'Describe the selected object' | grep -q 'not in this session' &&
    not_ok "describe is not marked" "$(screen)" || ok "describe is not marked"
# The table under the box is dimmed (SGR 2 on the rows beside it).
if tm capture-pane -e -p -t gc | sed -n 5,20p | grep -q $'\e\[2m'; then
    ok "the table under the box is dimmed"
else
    not_ok "the table under the box is dimmed" "$(tm capture-pane -e -p -t gc | sed -n 5p | cat -v)"
fi
keys j
check "j scrolls the help" wait_for '2-[0-9]+ of [0-9]+ '
keys d
sleep 0.5
screen | grep -q 'Keys: apps' && ! screen | grep -q '^ describe ' &&
    ok "a key under the box (d) is not acted on blind" || not_ok "a key under the box (d) is not acted on blind" "$(screen)"
keys Escape
check "Esc closes the help" wait_gone 'Keys: apps'

# In a pager: the pager's keys, `?` works there, and q closes only the help.
keys d
check "d describes the app" wait_for '^ describe '
check "the pager's footer hints at ?" wait_for '\? keys'
keys '?'
check "? in the describe pager lists its keys" wait_for 'Keys: describe and YAML'
check "... Tab for YAML/JSON" wait_for 'Tab +Switch between YAML and JSON'
check "... and the pager's moving and searching keys" wait_for 'n, N +Next, previous match'
keys q
check "q closes the help ..." wait_gone 'Keys: describe'
check "... and leaves the pager open" wait_for '^ describe '
keys / '?'
check "in the pager's search prompt ? is text, not help" wait_for '^/\?'
screen | grep -q 'Keys: ' && not_ok "... no help opened" "$(screen)" || ok "... no help opened"
keys Escape q
check "back on the apps" wait_for 'apps\(all\)'

# In a followed log: the log's own keys.
keys l
check "l follows the app's log" wait_for '^ logs .*(follow|paused)'
keys '?'
check "? in the log lists its keys" wait_for 'Keys: log'
check "... p for the previous run" wait_for 'p +The previous run of the container'
keys q q
check "back on the apps after the log" wait_for 'apps\(all\)'

# 40x10: still a box, still wrapped, still closable.
tm resize-window -t gc -x 40 -y 10
sleep 0.5
keys '?'
check "40x10: the help opens" wait_for "$TL$H Keys: apps $H+$TR"
check "40x10: ... and says how far it goes" wait_for '1-[0-9]+ of [0-9]+'
keys q
check "40x10: q closes it" wait_gone 'Keys: apps'
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
finish
