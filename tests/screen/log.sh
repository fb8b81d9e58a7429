#!/bin/bash
# Screen test: --log FILE. A refused file stops the program before it takes the terminal;
# the keystroke timing lines never carry what the user types into a prompt.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 50 --tenants 3 --seed 5 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

# A refused --log: exit status 2 and the reason on stderr, before the terminal is needed.
ln -s "$WORK/elsewhere" "$WORK/link.log"
"$BIN/govconsole" --kubeconfig "$WORK/kubeconfig" --log "$WORK/link.log" </dev/null >"$WORK/out" 2>"$WORK/err"
rc=$?
check "a symbolic link as --log exits with status 2" test "$rc" = 2
check "and says why on stderr" grep -qx "govconsole: --log $WORK/link.log: refusing a symbolic link" "$WORK/err"
check "and creates nothing through the link" test ! -e "$WORK/elsewhere"

# Keys typed into the filter prompt are logged as -1; the table's command keys by their code.
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig -c pods --log $WORK/gc.log"
check "the console starts with --log" wait_for 'pods\(all\)\[50\]'
check "the log file is created 0600" test "$(stat -c %a "$WORK/gc.log")" = 600
for k in / x y z Escape j : p o d Escape; do
    keys "$k"
    sleep 0.3
done
keys q
check "q exits" test "$(wait_exit 10)" = 0
grep -o 'key [0-9-]*:' "$WORK/gc.log" | tr '\n' ' ' >"$WORK/keys"
echo "# logged: $(cat "$WORK/keys")"
check "the '/' that opens the filter is logged as a command key (47)" grep -q 'key 47:' "$WORK/keys"
check "letters typed into the filter and the command line are logged as -1" \
    test "$(grep -o 'key -1:' "$WORK/keys" | wc -l)" -ge 5
check "no typed letter's code is in the log (x y z p o d)" \
    bash -c "! grep -Eq 'key (120|121|122|112|111|100):' '$WORK/keys'"
check "Esc and the table's j keep their codes" grep -q 'key 27:.*key 106:' "$WORK/keys"
finish
