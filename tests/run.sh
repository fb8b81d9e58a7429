#!/bin/bash
# Runs every test and prints one closing line "tests: N passed, N failed".
# cmocka binaries report "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)";
# shell tests print TAP-style "ok - name" / "not ok - name" lines.
# GC_BIN_DIR: where govconsole, govsim and tests/ were built (default build).
# GC_TEST_JOBS: how many tests run at once (default 2). Most of a screen or integration test's
# time is spent waiting for a server or a screen, so two lanes nearly halve the run on two
# cores; every test has its own temporary directory, free ports, tmux socket and servers.
# Each test's lines are printed together as soon as it has finished.
set -u
cd "$(dirname "$0")/.."
export GC_BIN_DIR="${GC_BIN_DIR:-build}"
export GC_ROOT="$PWD"
out=tests/out
mkdir -p "$out"
passed=0
failed=0
failures=()

count_cmocka() { # file name rc
    local p f
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" | tail -n 1)
    p=${p:-0}
    f=${f:-0}
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi # crashed or exited early
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -ne 0 ] && failures+=("$2")
}

count_tap() { # file name rc
    local p f
    p=$(grep -c '^ok ' "$1")
    f=$(grep -c '^not ok ' "$1")
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi # a test that asserted nothing fails
    passed=$((passed + p))
    failed=$((failed + f))
    [ "$f" -ne 0 ] && failures+=("$2")
}

# Runs one test; its lines for the report go to $out/NAME.report, its status to $out/NAME.rc.
run_one() { # kind path
    local name log rc
    name=$(basename "$2")
    log="$out/$name.log"
    if [ "$1" = cmocka ]; then
        timeout 600 "$2" >"$log" 2>&1
    else
        timeout 600 bash "$2" >"$log" 2>&1
    fi
    rc=$?
    {
        printf '== %s\n' "$name"
        grep -E '^\[ *(PASSED|FAILED|  OK|RUN) *\]|^(not )?ok |^# ' "$log" | grep -v '^\[ RUN' | sed 's/^/   /'
        if [ "$rc" -ne 0 ]; then
            echo "   (exit status $rc; last lines of $log:)"
            tail -n 15 "$log" | sed 's/^/   | /'
        fi
    } >"$out/$name.report"
    echo "$rc" >"$out/$name.rc"
    flock "$out/.print" cat "$out/$name.report"
}

if [ "${1:-}" = --one ]; then # a lane's worker: run_one KIND PATH
    run_one "$2" "$3"
    exit 0
fi

filter="${1:-}"
jobs="${GC_TEST_JOBS:-2}"
list=()
for t in tests/unit/test_*.c tests/integration/test_*.c; do
    [ -e "$t" ] || continue
    b="$GC_BIN_DIR/tests/$(basename "$t" .c)"
    [[ -n "$filter" && "$b" != *"$filter"* ]] && continue
    list+=(cmocka "$b")
done
for t in tests/integration/*.sh tests/screen/*.sh; do
    [ -e "$t" ] || continue
    [[ -n "$filter" && "$t" != *"$filter"* ]] && continue
    list+=(tap "$t")
done
# The longest tests start first, so that the lanes end together.
slow="govsim_api.sh isolation.sh demo_steady.sh kubectl.sh"
order=()
for s in $slow; do
    for ((i = 0; i < ${#list[@]}; i += 2)); do
        [ "$(basename "${list[i + 1]}")" = "$s" ] && order+=("${list[i]}" "${list[i + 1]}")
    done
done
for ((i = 0; i < ${#list[@]}; i += 2)); do
    case " $slow " in *" $(basename "${list[i + 1]}") "*) continue ;; esac
    order+=("${list[i]}" "${list[i + 1]}")
done
for ((i = 0; i < ${#list[@]}; i += 2)); do
    rm -f "$out/$(basename "${list[i + 1]}").report" "$out/$(basename "${list[i + 1]}").rc"
done
if [ "${#order[@]}" -gt 0 ]; then
    printf '%s\0' "${order[@]}" | xargs -0 -n 2 -P "$jobs" bash tests/run.sh --one
fi
for ((i = 0; i < ${#list[@]}; i += 2)); do
    name=$(basename "${list[i + 1]}")
    if [ ! -e "$out/$name.rc" ]; then # the lane never ran it: that is a failure too
        printf '== %s\n   (not run)\n' "$name"
        failed=$((failed + 1))
        failures+=("$name")
        continue
    fi
    rc=$(cat "$out/$name.rc")
    if [ "${list[i]}" = cmocka ]; then
        count_cmocka "$out/$name.log" "$name" "$rc"
    else
        count_tap "$out/$name.log" "$name" "$rc"
    fi
done

if [ "${#failures[@]}" -ne 0 ]; then
    echo "failing: ${failures[*]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
