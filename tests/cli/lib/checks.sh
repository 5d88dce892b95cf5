# checks.sh - the checks CLI tests share; sourced by tests/cli/*.sh.
# Each check counts a failure and goes on, so one run shows every failing
# check; `finish NAME` ends the test with the verdict.

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
# same WHAT GOT WANT
same() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        printf '  got:  %s\n  want: %s\n' "$2" "$3"
    fi
}
# has WHAT TEXT STRING: TEXT holds STRING as a fixed string
has() {
    if ! printf '%s\n' "$2" | grep -qF -- "$3"; then
        fail "$1"
        printf '  missing: %s\n  in:\n%s\n' "$3" "$2" | head -40
    fi
}
hasnt() {
    if printf '%s\n' "$2" | grep -qF -- "$3"; then
        fail "$1"
        printf '  unexpected: %s\n' "$3"
    fi
}
finish() {
    [ "$failures" -eq 0 ] || { echo "$1: $failures check(s) failed"; exit 1; }
    echo "$1: all checks passed"
}
