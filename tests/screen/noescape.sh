#!/bin/bash
# Screen test: no shell escape, for a customer's console run as an SSH forced command
# (docs/security.md, "Deployment model"). With PAGER, EDITOR, VISUAL and SHELL set to a marker
# script, and the marker first in PATH as sh, bash, less, more, vi, nano and the rest, a scoped
# session walks every view with every source configured and tries what spawns a program
# elsewhere: d, y and l (and in their pager !, |, v, Ctrl-Z, :!sh), !, |, v, e, :!sh, :sh, :shell, :e and
# Ctrl-Z. The marker never runs; Ctrl-Z does not stop the console (the terminal is in raw mode,
# so it is a key, not SIGTSTP) and the session goes on; Ctrl-C still quits.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash

start_sim --pods 60 --tenants 3 --seed 9 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
write_sources_config "$WORK/config.ini"
MARK="$WORK/ran"
mkdir -p "$WORK/bin"
cat >"$WORK/bin/marker" <<SH
#!/bin/sh
echo "\$0 \$*" >>"$MARK"
SH
chmod 755 "$WORK/bin/marker"
for p in sh bash dash zsh less more most pager sensible-pager vi vim nano editor sensible-editor \
    xdg-open sensible-browser w3m lynx; do
    ln -s marker "$WORK/bin/$p"
done
# The marker itself works: run as less, it leaves its line (then the file is removed).
"$WORK/bin/less" probe && grep -q 'less probe' "$MARK" && ok "the marker records a run" ||
    not_ok "the marker records a run"
rm -f "$MARK"
# The variables go to the console only: tmux and the test's own shell keep theirs.
ESC_ENV="PAGER=$WORK/bin/marker EDITOR=$WORK/bin/marker VISUAL=$WORK/bin/marker SHELL=$WORK/bin/marker PATH=$WORK/bin:$PATH"
views=$(help_views scoped)

start_console 160 40 "env $ESC_ENV $BIN/govconsole --config $WORK/config.ini --kubeconfig $WORK/kubeconfig --tenant dmi -c tenants"
check "the console starts with PAGER, EDITOR, VISUAL and SHELL set to the marker" wait_for 'tenants\(dmi\)\[1\]'
gc=$(console_pid)
tr '\0' '\n' <"/proc/$gc/environ" 2>/dev/null | grep -qx "PAGER=$WORK/bin/marker" &&
    tr '\0' '\n' <"/proc/$gc/environ" | grep -qx "SHELL=$WORK/bin/marker" &&
    ok "the console (pid $gc) has PAGER and SHELL set to the marker" ||
    not_ok "the console has PAGER and SHELL set to the marker" "console '$gc'"
tried=0
for v in $views; do
    keys Escape Escape : "$v" Enter
    wait_for "^ ([a-z]+ > )*$v\\(dmi\\)\\[" 10 >/dev/null || { not_ok ":$v is shown" "$(screen)"; continue; }
    sleep 0.3
    for k in d y l; do
        # In the view's pager (or on the message that there is none): what would spawn a program
        # in less, more or vi.
        keys "$k"
        sleep 0.2
        keys '!' Enter '|' Enter v C-z : '!' s h Enter
        sleep 0.1
        keys Escape Escape Escape
        tried=$((tried + 1))
    done
    keys '!' '|' v e C-z
    keys : '!' s h Enter
    keys Escape : s h Enter
    keys Escape : s h e l l Enter
    keys Escape : e Space x Enter
    sleep 0.2
    keys Escape Escape
done
ok "tried $tried describe, YAML and log screens and $(printf '%s\n' $views | wc -l) views"
# Ctrl-Z on its own: the console is not stopped, the next command is served.
keys Escape Escape C-z
sleep 0.5
keys : p o d s Enter
check "after Ctrl-Z the console goes on (not stopped)" wait_for 'pods\(dmi\)\['
keys : '!' s h Enter
check ":!sh is an unknown command" wait_fixed "unknown command"
[ ! -e "$MARK" ] && ok "no pager, editor or shell ran" ||
    not_ok "no pager, editor or shell ran" "$(cat "$MARK")"
keys C-c
check "Ctrl-C quits" test "$(wait_exit 10)" = 0
[ ! -e "$MARK" ] && ok "... nor at exit" || not_ok "... nor at exit" "$(cat "$MARK")"
finish
