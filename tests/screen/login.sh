#!/bin/bash
# Screen test: who is at the keyboard (issue 16), against the private slapd of
# tests/integration/slapd.bash. --login asks for the password on the terminal without
# echo: two wrong passwords then the right one run the console as that user (scope from
# their groups; the audit log names them and their DN); three wrong ones exit 3; a user with
# no role exits 3 with a message; Ctrl-C at the prompt leaves echo on. Without --login the
# login name is the user. A directory that is down exits 3 with a message within the
# timeout, unless [directory] required = false: then the session sees no tenant and says so.
# `govconsole check` names the user's groups and role.
cd "$(dirname "$0")/../.." || exit 1
. tests/screen/lib.bash
. tests/integration/slapd.bash

start_sim --pods 60 --tenants 5 --seed 21 --churn 0
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"
slapd_screen_start
# A system configuration with the directory (extra lines from the arguments).
write_system() { # file uri [line...]
    local f=$1 uri=$2
    shift 2
    slapd_system_config "$f" "$uri" "timeout = 2s" "$@"
}
write_system "$WORK/system.ini" "$SLAPD_URI"
CONSOLE="GOVCONSOLE_SYSTEM_CONFIG=$WORK/system.ini $BIN/govconsole --kubeconfig $WORK/kubeconfig"
WRONG1="Wrong-Secret-4471"
WRONG2="Wrong-Secret-5582"

# Two wrong passwords, then the right one.
start_console 150 40 "$CONSOLE --login vera -c tenants"
check "--login asks for the user's password" wait_fixed "Directory password for vera:"
keys "$WRONG1" Enter
check "a wrong password is refused" wait_fixed "login refused: wrong user name or password"
keys "$WRONG2" Enter
check "a second wrong password is refused" \
    wait_until 10 bash -c "[ \$(tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -c 'login refused') -ge 2 ]"
check "the refusals are typed out without the password" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -t gc | grep -Fq -e '$WRONG1' -e '$WRONG2'"
keys "$SLAPD_USER_PW" Enter
check "the right password on the third try runs the console, scoped to vera's tenant" \
    wait_for 'tenants\(registry\)\[1\]' 15
check "no password was ever on the screen" \
    bash -c "! tmux -L $TMUX_SOCK capture-pane -p -S - -t gc | grep -Fq -e '$WRONG1' -e '$WRONG2' -e '$SLAPD_USER_PW'"
keys q
check "q leaves with status 0" test "$(wait_exit 5)" = 0
AUDIT="$XDG_STATE_HOME/govconsole/audit.log"
check "the audit log has vera's refused tries" \
    test "$(grep -c '"user":"vera".*"action":"login".*"result":"refused' "$AUDIT" 2>/dev/null)" = 2
check "the audit log has vera's login with her DN and scope" \
    grep -q "\"user\":\"vera\",\"dn\":\"uid=vera,ou=People,$SLAPD_BASE\".*\"scope\":\"registry\".*\"action\":\"login\".*\"result\":\"ok\"" "$AUDIT"
tm_kill

# Three wrong passwords: exit 3.
rm -f "$WORK/exit"
start_console 150 40 "$CONSOLE --login vera"
for w in "$WRONG1" "$WRONG2" "$WRONG1"; do
    wait_fixed "Directory password for vera:" >/dev/null
    keys "$w" Enter
    sleep 0.3
done
check "three wrong passwords exit with status 3" test "$(wait_exit 10)" = 3
check "and say so" wait_fixed "login refused: wrong user name or password (3 tries)"
tm_kill

# An unknown user is refused exactly like a wrong password.
rm -f "$WORK/exit"
start_console 150 40 "$CONSOLE --login nosuchuser"
wait_fixed "Directory password for nosuchuser:" >/dev/null
keys "$SLAPD_USER_PW" Enter
check "an unknown user reads like a wrong password" \
    wait_fixed "login refused: wrong user name or password"
tm_kill

# Ctrl-C at the prompt: the program ends by SIGINT (130) and the terminal echoes again. A
# bash with an INT trap runs it, so that the pane outlives the signal to look at the tty.
cat >"$WORK/ctrlc.sh" <<SH
trap 'echo interrupted >>$WORK/int' INT
GOVCONSOLE_SYSTEM_CONFIG=$WORK/system.ini $BIN/govconsole --kubeconfig $WORK/kubeconfig --login vera
echo \$? >$WORK/ctrlc.rc
stty -a >$WORK/stty
sleep 60
SH
tm new-session -d -s gc -x 150 -y 40 "env -u TMUX TERM=xterm-256color bash $WORK/ctrlc.sh"
wait_fixed "Directory password for vera:" >/dev/null
keys C-c
check "Ctrl-C at the prompt ends the program (status 130)" \
    wait_until 5 grep -qx 130 "$WORK/ctrlc.rc"
check "the terminal echoes again after Ctrl-C at the prompt" \
    wait_until 5 grep -Eq '(^|[ ;])echo([ ;]|$)' "$WORK/stty"
tm_kill

# A user with no role.
rm -f "$WORK/exit"
start_console 150 40 "$CONSOLE --login nora"
wait_fixed "Directory password for nora:" >/dev/null
keys "$SLAPD_USER_PW" Enter
check "a user with no role exits with status 3" test "$(wait_exit 10)" = 3
check "and is told why" wait_fixed "nora: no role"
tm_kill

# Without --login: the login name, an operator in the seed.
rm -f "$WORK/exit"
start_console 150 40 "$CONSOLE -c tenants"
check "without --login the login name ($SLAPD_SELF, an operator) sees every tenant" \
    wait_for 'tenants\(all\)\[5\]' 15
keys q
wait_exit 5 >/dev/null
tm_kill

# --tenant outside the grant.
rm -f "$WORK/exit"
start_console 150 40 "$CONSOLE --login vera --tenant dmi"
wait_fixed "Directory password for vera:" >/dev/null
keys "$SLAPD_USER_PW" Enter
check "--tenant outside the grant exits with status 3" test "$(wait_exit 10)" = 3
tm_kill

# --login without a directory is a usage error.
printf '[ui]\nmouse = false\n' >"$WORK/nodir.ini"
OUT=$(GOVCONSOLE_SYSTEM_CONFIG=$WORK/nodir.ini $BIN/govconsole --kubeconfig "$WORK/kubeconfig" --login vera 2>&1 </dev/null)
check "--login without [directory] exits with status 2 and says why" \
    test "$?:$OUT" = "2:govconsole: --login needs a directory ([directory] uri in the system configuration)"

# govconsole check resolves the user too: groups and role.
CHECK=$(GOVCONSOLE_SYSTEM_CONFIG=$WORK/system.ini $BIN/govconsole check --kubeconfig "$WORK/kubeconfig" 2>&1)
check "check reports the directory's bind and the user's groups and role" \
    grep -Eq "^directory .* ok .*credentials accepted.*user $SLAPD_SELF \(uid=$SLAPD_SELF,ou=People,$SLAPD_BASE\): groups govcloud-operators; role operator" <<<"$CHECK"

# The directory down (a closed port).
port=$(slapd_random_port)
write_system "$WORK/down.ini" "ldap://127.0.0.1:$port"
rm -f "$WORK/exit"
start_console 150 40 "GOVCONSOLE_SYSTEM_CONFIG=$WORK/down.ini $BIN/govconsole --kubeconfig $WORK/kubeconfig"
check "a directory that is down exits with status 3" test "$(wait_exit 10)" = 3
check "and says why" wait_fixed "the directory cannot say who you are: cannot connect to ldap://127.0.0.1:$port"
tm_kill

# The directory silent (accepts, never answers): exit 3; with required = false a session that
# sees nothing.
exec 9< <(exec python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)')
read -r SILENT_PORT <&9
write_system "$WORK/silent-required.ini" "ldap://127.0.0.1:$SILENT_PORT"
rm -f "$WORK/exit"
start_console 150 40 "GOVCONSOLE_SYSTEM_CONFIG=$WORK/silent-required.ini $BIN/govconsole --kubeconfig $WORK/kubeconfig"
check "while it waits, the console says what it is waiting for" \
    wait_fixed "govconsole: asking the directory (ldap://127.0.0.1:$SILENT_PORT) who you are..." 3
check "a directory that never answers exits with status 3 (timeout 2s)" test "$(wait_exit 10)" = 3
check "and says it did not answer" \
    wait_fixed "the directory cannot say who you are: no answer from ldap://127.0.0.1:$SILENT_PORT"
tm_kill

write_system "$WORK/silent.ini" "ldap://127.0.0.1:$SILENT_PORT" "required = false"
rm -f "$WORK/exit"
start_console 150 40 "GOVCONSOLE_SYSTEM_CONFIG=$WORK/silent.ini $BIN/govconsole --kubeconfig $WORK/kubeconfig -c tenants"
check "required = false: the session runs and says the directory could not answer" \
    wait_fixed "the directory cannot say who you are (no answer from ldap://127.0.0.1:$SILENT_PORT" 15
check "and sees no tenant" wait_for 'tenants\(.*\)\[0\]' 10
keys q
check "q leaves with status 0" test "$(wait_exit 5)" = 0
tm_kill

# The same session's report: nothing to report on, said as such (not "no services").
GOVCONSOLE_SYSTEM_CONFIG=$WORK/silent.ini "$BIN/govconsole" report sla --from 2026-11-01 \
    --to 2026-11-30 >"$WORK/report.out" 2>"$WORK/report.err"
rc=$?
[ "$rc" = 1 ] && grep -q 'your session has no tenant to report on' "$WORK/report.err" &&
    [ ! -s "$WORK/report.out" ] &&
    ok "required = false: report sla says the session has no tenant, exit 1" ||
    not_ok "required = false: report sla says the session has no tenant, exit 1 (rc $rc)" \
        "$(cat "$WORK/report.err")"

finish
