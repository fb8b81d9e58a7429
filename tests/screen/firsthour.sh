#!/bin/bash
# Screen test: what a new operator meets first. The console starts on the tenants view (the
# tree tenants > apps > pods) and the footer hints at what works there; an unreachable server
# says why and what to try where the table would be; a --tenant that names no tenant ends
# with status 2 naming those that exist; a missing kubeconfig suggests --demo; a bad flag is
# one line and "try --help"; :messages keeps the messages whole; a command that succeeds
# clears the last one.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 120 --tenants 4 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig"
check "without -c the console starts on the tenants view" wait_for 'tenants\(all\)\[4\]'
check "the footer hints at Enter, d, ? and the filter" wait_for '<Enter> open .*<\?> help +</> filter'
keys Enter
check "Enter opens the tenant's apps" wait_for 'tenants > .* > apps'
check "... where the footer hints at d and l too" wait_for '<Enter> open +<d> describe +<l> logs'
keys : b o g u s Enter
check "an unknown command says so" wait_fixed "unknown command 'bogus'"
keys : a p p s Enter
check "a command that succeeds clears the last message" wait_gone "unknown command 'bogus'" 3
keys : m e s s a g e s Enter
check ":messages lists the messages, with the time" wait_for '^[0-9]{2}:[0-9]{2}:[0-9]{2} +error +unknown command .bogus. \(views: :tenants'
keys q
[ "$(wait_exit 5)" = 0 ] && ok "q exits 0" || not_ok "q exits 0"
tm_kill
rm -f "$WORK/exit"

# An unreachable server: the reason and what to try, in the table's place.
write_kubeconfig "http://127.0.0.1:1" >"$WORK/dead.yaml"
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/dead.yaml -c pods"
check "the body says the server's error" wait_for '^ kubernetes: .*(refused|connect)'
check "... and what to try: check, --help, --demo" wait_for 'govconsole check .*reachable'
check "... --demo among them" wait_for 'govconsole --demo +the built-in simulated platform'
keys q
wait_exit 5 >/dev/null
tm_kill
rm -f "$WORK/exit"

# A --tenant that matches no tenant: status 2 once the namespaces are listed, naming them.
start_console 120 30 "$BIN/govconsole --kubeconfig $WORK/kubeconfig --tenant nope 2>$WORK/err.txt"
[ "$(wait_exit 15)" = 2 ] && ok "--tenant nope exits 2" || not_ok "--tenant nope exits 2" "$(cat "$WORK/err.txt")"
grep -q "^govconsole: --tenant nope: no such tenant here (tenants: .*dmi" "$WORK/err.txt" &&
    ok "... naming the tenants that exist" || not_ok "... naming the tenants that exist" "$(cat "$WORK/err.txt")"
tm_kill
rm -f "$WORK/exit"

# A missing kubeconfig: one line, exit 2, suggesting --demo; a bad flag: one line and --help.
out=$("$BIN/govconsole" --kubeconfig "$WORK/none.yaml" 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q -- '--demo' &&
    ok "a missing kubeconfig: one line, exit 2, suggesting --demo" ||
    not_ok "a missing kubeconfig: one line, exit 2, suggesting --demo (rc $rc)" "$out"
out=$("$BIN/govconsole" --bogus 2>&1 </dev/null)
rc=$?
[ $rc -eq 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] && printf '%s' "$out" | grep -q "try 'govconsole --help'" &&
    ! printf '%s' "$out" | grep -q 'usage:' &&
    ok "a bad flag: what is wrong and 'try --help', not the whole usage" ||
    not_ok "a bad flag: what is wrong and 'try --help' (rc $rc)" "$out"
finish
