#!/bin/bash
# Runs every test and prints one closing line "tests: N passed, N failed".
# cmocka binaries report "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)";
# shell tests print TAP-style "ok - name" / "not ok - name" lines.
# GC_BIN_DIR: where govconsole, govsim and tests/ were built (default build).
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

run_one() { # kind path
    local name log rc
    name=$(basename "$2")
    log="$out/$name.log"
    printf '== %s\n' "$name"
    if [ "$1" = cmocka ]; then
        timeout 600 "$2" >"$log" 2>&1
    else
        timeout 600 bash "$2" >"$log" 2>&1
    fi
    rc=$?
    grep -E '^\[ *(PASSED|FAILED|  OK|RUN) *\]|^(not )?ok |^# ' "$log" | grep -v '^\[ RUN' | sed 's/^/   /'
    if [ "$1" = cmocka ]; then count_cmocka "$log" "$name" "$rc"; else count_tap "$log" "$name" "$rc"; fi
    if [ "$rc" -ne 0 ]; then
        echo "   (exit status $rc; last lines of $log:)"
        tail -n 15 "$log" | sed 's/^/   | /'
    fi
}

filter="${1:-}"
for t in tests/unit/test_*.c tests/integration/test_*.c; do
    [ -e "$t" ] || continue
    b="$GC_BIN_DIR/tests/$(basename "$t" .c)"
    [[ -n "$filter" && "$b" != *"$filter"* ]] && continue
    run_one cmocka "$b"
done
for t in tests/integration/*.sh tests/screen/*.sh; do
    [ -e "$t" ] || continue
    [[ -n "$filter" && "$t" != *"$filter"* ]] && continue
    run_one tap "$t"
done

if [ "${#failures[@]}" -ne 0 ]; then
    echo "failing: ${failures[*]}"
fi
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
