# TAP-style results for the shell tests: "ok - ..." / "not ok - ..." lines that
# tests/run.sh counts, and a failure counter for the script's exit status.
# shellcheck shell=bash
failures=0

ok() { echo "ok - $1"; }

# not_ok DESCRIPTION [DETAIL]: DETAIL (e.g. a screen capture) is printed as '#' lines.
not_ok() {
    echo "not ok - $1"
    failures=$((failures + 1))
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | sed 's/^/#   /'; fi
}
