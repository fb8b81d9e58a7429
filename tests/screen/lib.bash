# Shared helpers for screen tests: a private tmux server, a govsim on a free loopback port,
# a private kubeconfig, TAP output. Source it from a test script run at the repo root.

set -u
# Files the tests write (kubeconfigs with tokens among them) are for the user alone, as a
# real kubeconfig should be: govconsole warns about one others may read.
umask 077
BIN="${GC_BIN_DIR:-build}"
TMUX_SOCK="gc-test-$$"
WORK=$(mktemp -d)
SIM_PID=""
# The console reads no configuration and writes no audit log of the user running the tests
# (nor of another test running beside this one); a test may point these elsewhere.
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

tm() { tmux -L "$TMUX_SOCK" -f /dev/null "$@"; }

cleanup() {
    tm kill-server >/dev/null 2>&1
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT

. tests/tap.bash
check() { # description command...
    local d="$1"
    shift
    if "$@"; then ok "$d"; else not_ok "$d" "$(screen)"; fi
}
finish() { exit $((failures > 0)); }

# Starts govsim with the given arguments; sets SIM_URL and writes $WORK/kubeconfig.
start_sim() {
    "$BIN/govsim" --port 0 "$@" >"$WORK/sim.out" 2>"$WORK/sim.err" &
    SIM_PID=$!
    for _ in $(seq 100); do
        grep -q 'listening on' "$WORK/sim.out" 2>/dev/null && break
        sleep 0.05
    done
    SIM_PORT=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$WORK/sim.out")
    if [ -z "$SIM_PORT" ]; then
        echo "Bail out! govsim did not start: $(cat "$WORK/sim.err")"
        exit 1
    fi
    SIM_URL="http://127.0.0.1:$SIM_PORT"
    write_kubeconfig "$SIM_URL" >"$WORK/kubeconfig"
}

write_kubeconfig() { # server
    cat <<KC
apiVersion: v1
kind: Config
current-context: sim
clusters:
- name: sim
  cluster:
    server: $1
contexts:
- name: sim
  context:
    cluster: sim
    user: sim
users:
- name: sim
  user:
    token: test-token
KC
}

# Runs a command in a fresh tmux session of the given size; its exit status goes to
# $WORK/exit when it ends.
start_console() { # cols rows command...
    local cols=$1 rows=$2
    shift 2
    # A status left by the session before must not pass for this one's, and wait_exit must
    # never read the file half written: written aside, then renamed.
    rm -f "$WORK/exit"
    tm new-session -d -s gc -x "$cols" -y "$rows" \
        "env -u TMUX TERM=xterm-256color $* ; echo \$? > $WORK/exit.new; mv $WORK/exit.new $WORK/exit; sleep 60"
}

screen() { tm capture-pane -p -t gc 2>/dev/null; }
# The pid of this test's console: the child of its own pane's shell (a pattern over every
# process could find another test's console, make test running two at once).
console_pid() { pgrep -P "$(tm list-panes -t gc -F '#{pane_pid}')" -x govconsole | head -1; }
keys() { tm send-keys -t gc "$@"; }

# Waits until the screen matches an extended regex (default 10 s).
wait_for() { # regex [seconds]
    local end=$((SECONDS + ${2:-10}))
    while [ $SECONDS -lt $end ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

wait_exit() { # seconds; prints the exit status
    local end=$((SECONDS + ${1:-5}))
    while [ $SECONDS -lt $end ]; do
        if [ -s "$WORK/exit" ]; then cat "$WORK/exit"; return 0; fi
        sleep 0.05
    done
    echo none
    return 1
}

sim_get() { curl -s --max-time 30 "$SIM_URL$1"; }
sim_post() { curl -s --max-time 30 -X POST "$SIM_URL$1" >/dev/null; }

# Is the process running? A zombie counts as gone (a container's init may never reap it).
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Waits until the screen shows a fixed string (default 10 s).
wait_fixed() { # string [seconds]
    local end=$((SECONDS + ${2:-10}))
    while [ $SECONDS -lt $end ]; do
        screen | grep -Fq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

# Waits until a command succeeds, trying every 0.2 s.
wait_until() { # seconds command...
    local end=$((SECONDS + $1))
    shift
    while [ $SECONDS -lt $end ]; do
        "$@" && return 0
        sleep 0.2
    done
    return 1
}

# Waits until the screen no longer matches (default 5 s).
wait_gone() { # regex [seconds]
    local end=$((SECONDS + ${2:-5}))
    while [ $SECONDS -lt $end ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.1
    done
    return 1
}

# Ends the tmux server and waits until it is gone, so the next session starts a new one.
tm_kill() {
    tm kill-server >/dev/null 2>&1
    for _ in $(seq 40); do
        tm has-session 2>/dev/null || break
        sleep 0.05
    done
    sleep 0.2
}

# (s7-isolation) Stops the govsim start_sim started, so that another can start.
stop_sim() {
    [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null && wait "$SIM_PID" 2>/dev/null
    SIM_PID=""
}

# (s7-isolation) A configuration with every source of the running govsim (Kubernetes comes from
# $WORK/kubeconfig): Nagios, ServiceNow, MapR and KrakenD (its krakend.json fetched to $WORK).
write_sources_config() { # file
    sim_get /krakend.json >"$WORK/krakend.json"
    cat >"$1" <<INI
[nagios]
url = $SIM_URL/nagios4/cgi-bin
[servicenow]
url = $SIM_URL
[mapr]
url = $SIM_URL
httpfs = $SIM_URL
[krakend]
config = $WORK/krakend.json
metrics = $SIM_URL/krakend/metrics
health = $SIM_URL/__health
INI
}

# (s7-isolation) The views --help lists, one a line; with "scoped", those offered to a --tenant
# session (not those marked "not with --tenant").
help_views() { # [scoped]
    "$BIN/govconsole" --help | sed -n 's/.*view to start on: //p' | sed 's/([^)]*)//g' |
        tr ',' '\n' | { if [ "${1:-}" = scoped ]; then grep -v 'not with --tenant'; else cat; fi; } |
        sed 's/\[[^]]*\]//g' | tr -d ' ' | grep -E '^[a-z]+$'
}
