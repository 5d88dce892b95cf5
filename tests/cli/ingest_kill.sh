#!/bin/sh
# ingest_kill.sh - a file is stored whole or not at all, even when tix is
# killed with SIGKILL in the middle of it: the store stays intact, keeps
# exactly what was committed before, reads work straight after the crash,
# and the same file ingested again goes in completely.
set -eu

: "${TIX:?TIX must point at the tix binary}"
for tool in sqlite3 awk; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: skipped"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ingest_kill.XXXXXX")
pid=
trap '[ -z "$pid" ] || kill -9 "$pid" 2>/dev/null || true; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

TIX_NOW=2026-11-01T00:00:00Z
export TIX_NOW
DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
same() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        printf '  got:  %s\n  want: %s\n' "$2" "$3"
    fi
}

HEADER='"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"'

# A Feodo Tracker CSV of $1 distinct C2s in 10.0.0.0/8: one transaction, in
# which the store writes out what it has folded every 262144 rows.
feodo() {
    awk -v n="$1" -v h="$HEADER" 'BEGIN {
        print h
        for (i = 0; i < n; i++)
            printf "\"2026-10-%02d 12:00:00\",\"10.%d.%d.%d\",\"443\",\"online\",\"2026-10-31\",\"Emotet\"\n",
                i % 28 + 1, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    }'
}

# The store before the big file: one small feed file, committed.
SMALL="$T/small.csv"
{
    echo "$HEADER"
    echo '"2026-09-01 10:00:00","192.0.2.10","8080","online","2026-10-30","QakBot"'
    echo '"2026-09-02 10:00:00","192.0.2.11","443","offline","2026-10-29","Dridex"'
    echo '"2026-09-03 10:00:00","198.51.100.12","447","online","2026-10-31","TrickBot"'
} >"$SMALL"

fresh_store() {
    rm -f "$DB" "$DB-wal" "$DB-shm"
    tix init >/dev/null
    out=$(tix ingest feed --format feodo-csv --source feodo "$SMALL")
    same "small file" "$out" \
        "$SMALL: 3 records, 3 observations, 3 new observables, 0 relationships, 0 objects
vet: 3 observables: 3 blocked, 0 warned
enrich: 3 IPs, 0 placed, 0 with a constituency; 0 names with a registered domain"
    tix stats >"$T/stats.before"
    sqlite3 "$DB" 'select count(*) from evidence' >"$T/evidence.before"
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# How long the big file takes here (sanitizer builds are many times
# slower) is measured on a copy, so that the kill can be aimed: first at 80%
# of the run, past the store's mid-transaction write-out of its first 262144
# rows (65%) and before the commit; then, should that miss, earlier, and
# with more rows.
rows=400000
pct=80
killed=false
attempt=1
while [ $attempt -le 4 ]; do
    feodo $rows >"$T/big.csv"
    fresh_store
    cp "$DB" "$T/ref.db"
    t0=$(now_ms)
    "$TIX" --db "$T/ref.db" ingest feed --no-vet --format feodo-csv --source feodo \
        "$T/big.csv" >/dev/null
    took=$(($(now_ms) - t0))
    rm -f "$T/ref.db" "$T/ref.db-wal" "$T/ref.db-shm"

    "$TIX" --db "$DB" ingest feed --no-vet --format feodo-csv --source feodo \
        "$T/big.csv" >"$T/kill.out" 2>"$T/kill.err" &
    pid=$!
    sleep "$(awk -v ms="$took" -v p="$pct" 'BEGIN { printf "%.3f", ms * p / 100000 }')"
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
    fi
    status=0
    wait "$pid" || status=$?
    pid=
    if [ "$status" -eq 137 ]; then
        killed=true
        break
    fi
    echo "attempt $attempt: $rows rows took ${took} ms; finished before the kill at $pct%"
    if [ $pct -gt 50 ]; then
        pct=50
    else
        rows=$((rows * 2))
    fi
    attempt=$((attempt + 1))
done
if ! $killed; then
    fail "never caught the ingest running"
    exit 1
fi
same "killed ingest printed nothing" "$(cat "$T/kill.out")" ""

# Reads first, read-only, before anything else opens the store for writing
# (which would recover the WAL for them).
tix stats >"$T/stats.after" || fail "tix stats right after the crash"
if ! cmp -s "$T/stats.before" "$T/stats.after"; then
    fail "stats after the kill differ from before it"
    diff "$T/stats.before" "$T/stats.after" || true
fi
tix show 198.51.100.12 >"$T/show.out" 2>&1 || fail "show of a committed IP after the crash"
grep -q '^ipv4 198.51.100.12$' "$T/show.out" || { fail "show output"; cat "$T/show.out"; }
if tix show 10.0.0.1 >/dev/null 2>&1; then
    fail "an IP of the killed file is in the store"
fi
same "list after the crash" "$(tix list --format csv | tail -n +2 | cut -d, -f2 | tr '\n' ' ')" \
    "192.0.2.10 192.0.2.11 198.51.100.12 "

same "integrity" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
same "evidence rows" "$(sqlite3 "$DB" 'select count(*) from evidence')" "$(cat "$T/evidence.before")"
same "documents" "$(sqlite3 "$DB" 'select count(*) from document')" 1
tix stats >"$T/stats.after"
cmp -s "$T/stats.before" "$T/stats.after" || fail "stats after integrity_check"

# The same file again is new to the store: all of it goes in.
out=$(tix ingest feed --format feodo-csv --source feodo "$T/big.csv")
same "big file after the kill" "$out" \
    "$T/big.csv: $rows records, $rows observations, $rows new observables, 0 relationships, 0 objects
vet: $rows observables: $rows blocked, 0 warned
enrich: $rows IPs, 0 placed, 0 with a constituency; 0 names with a registered domain"
same "every observable vetted" "$(sqlite3 "$DB" 'select count(distinct observable_id) from verdict')" \
    $((rows + 3))
same "observables" "$(tix stats | awk '$1 == "observables" { print $2 }')" $((rows + 3))
same "evidence" "$(sqlite3 "$DB" 'select count(*) from evidence')" $((rows + 3))
same "integrity after" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
# the first and the last row of the big file, and one that is not in it
tix show 10.0.0.0 --format json | grep -q '"evidence_count":1,' || fail "first row of the big file"
last=$(awk -v i=$((rows - 1)) 'BEGIN { printf "10.%d.%d.%d", int(i / 65536) % 256, int(i / 256) % 256, i % 256 }')
tix show "$last" >/dev/null || fail "last row of the big file ($last)"
tix show 198.51.100.12 >/dev/null || fail "first file after the second ingest"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ingest_kill: killed at $pct% of ~$took ms ($rows rows); all checks passed"
