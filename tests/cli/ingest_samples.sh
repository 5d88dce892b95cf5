#!/bin/sh
# ingest_samples.sh - `tix ingest sample` as users run it, checked through
# `tix show`, `tix list` and `tix stats`: the summary line, evidence offsets
# and counts, sample hashes and types, list formats and filters, repeated
# ingests, encrypted and damaged archives, --skip-bad, symbolic links, and
# the messages for unknown values and missing stores.
set -eu

: "${TIX:?TIX must point at the tix binary}"
for tool in python3 zip sha256sum sha1sum md5sum; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: skipped"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/ingest_samples.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# every time the store records comes from here, so outputs are exact
TIX_NOW=2026-11-01T00:00:00Z
export TIX_NOW
DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
first_line() { printf '%s\n' "$1" | sed -n 1p; }
# usage: same WHAT GOT WANT
same() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        printf '  got:  %s\n  want: %s\n' "$2" "$3"
    fi
}

# The UTF-16LE form of an ASCII string.
u16() {
    s=$1
    while [ -n "$s" ]; do
        c=${s%"${s#?}"}
        printf '%s\000' "$c"
        s=${s#?}
    done
}

# ---- inputs -------------------------------------------------------------------

IN="$T/in"
mkdir "$IN"
printf 'ops note\nbeacon 203.0.113.77 every 60s\nstage2 hxxp://cdn-update[.]example[.]org/dl/stage2 via 203.0.113.77\nretry 203.0.113.77\n' >"$IN/a.txt"
printf 'contact abuse@mail.example.net about CVE-2021-44228\n' >"$IN/b.txt"
{ printf '\001\002\000\000'; u16 'callback 192.0.2.200 ok'; printf '\000\000\377'; } >"$IN/c.bin"
printf 'nothing to see here\n' >"$IN/d.txt"

# ---- init, first ingest -------------------------------------------------------

out=$(tix init)
same "init" "$out" "$DB: sqlite store, schema version 4"

# a: sha256 + ipv4 (x3) + url + its host; b: sha256 + email + cve;
# c: sha256 + ipv4 (UTF-16LE); d: sha256 only
out=$(tix ingest sample "$IN")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "first ingest summary" "$out" \
    "$IN: 4 files, 4 new samples, 0 already known, 10 evidence rows, 10 new observables"

# The IP: one evidence row standing for 3 occurrences, at the first one's
# byte offset; a vendor sample (trust 80) at full confidence gives 80.
tix show 203.0.113.77 --format json >"$T/ip.json"
python3 - "$T/ip.json" "$IN/a.txt" <<'EOF' || fail "show 203.0.113.77 --format json"
import json, sys
r = json.load(open(sys.argv[1]))
data = open(sys.argv[2], "rb").read()
want_off = data.index(b"203.0.113.77")
assert data.count(b"203.0.113.77") == 3
checks = [
    (r["type"], "ipv4"), (r["value"], "203.0.113.77"),
    (r["first_seen"], "2026-11-01T00:00:00Z"), (r["last_seen"], "2026-11-01T00:00:00Z"),
    (r["confidence"], 80), (r["evidence_count"], 1), (r["sources"], 1),
    (len(r["evidence"]), 1), (r["relationships"], []),
]
e = r["evidence"][0]
checks += [(e["offset"], want_off), (e["count"], 3), (e["source"], "local"),
           (e["sample_name"], sys.argv[2]), (e["confidence"], 100),
           (e["tlp"], "amber"), (e["defanged"], False), (e["utf16le"], False)]
import hashlib
checks.append((e["sample"], hashlib.sha256(data).hexdigest()))
bad = [(g, w) for g, w in checks if g != w]
if bad:
    sys.exit("got/want: %r" % bad)
EOF

# The defanged URL and the UTF-16LE IP, at offsets computed from the bytes.
tix show 'hxxp://cdn-update[.]example[.]org/dl/stage2' --format json >"$T/url.json"
tix show 192.0.2.200 --format json >"$T/u16.json"
python3 - "$T/url.json" "$T/u16.json" "$IN/a.txt" "$IN/c.bin" <<'EOF' || fail "url / utf16 evidence"
import json, sys
url = json.load(open(sys.argv[1]))
u16 = json.load(open(sys.argv[2]))
a = open(sys.argv[3], "rb").read()
c = open(sys.argv[4], "rb").read()
eu, e16 = url["evidence"][0], u16["evidence"][0]
checks = [
    (url["value"], "http://cdn-update.example.org/dl/stage2"),
    (eu["offset"], a.index(b"hxxp://")), (eu["defanged"], True), (eu["count"], 1),
    (len(url["relationships"]), 1),
    (url["relationships"][0]["type"], "has-host"),
    (url["relationships"][0]["direction"], "out"),
    (url["relationships"][0]["other_is"], "domain cdn-update.example.org"),
    (e16["offset"], c.index("192.0.2.200".encode("utf-16-le"))),
    (e16["utf16le"], True), (e16["defanged"], False), (u16["confidence"], 80),
]
bad = [(g, w) for g, w in checks if g != w]
if bad:
    sys.exit("got/want: %r" % bad)
EOF

# A sample by each of its hashes.
sha256=$(sha256sum "$IN/a.txt" | cut -d' ' -f1)
sha1=$(sha1sum "$IN/a.txt" | cut -d' ' -f1)
md5=$(md5sum "$IN/a.txt" | cut -d' ' -f1)
size=$(wc -c <"$IN/a.txt" | tr -d ' ')
for h in "$sha256" "$sha1" "$md5"; do
    tix show "$h" --format json >"$T/sample.json" || fail "show sample $h"
    python3 - "$T/sample.json" "$sha256" "$sha1" "$md5" "$size" "$IN/a.txt" <<'EOF' ||
import json, sys
r = json.load(open(sys.argv[1]))
s = r["sample"]
sha256, sha1, md5, size, name = sys.argv[2:7]
checks = [(s["sha256"], sha256), (s["sha1"], sha1), (s["md5"], md5),
          (s["size"], int(size)), (s["name"], name), (s["mime"], "text/plain"),
          (s["first_seen"], "2026-11-01T00:00:00Z"),
          ("text" in s["file_type"].lower(), True),
          (sorted((f["type"], f["value"]) for f in r["found"]),
           [("domain", "cdn-update.example.org"), ("ipv4", "203.0.113.77"),
            ("sha256", sha256), ("url", "http://cdn-update.example.org/dl/stage2")])]
bad = [(g, w) for g, w in checks if g != w]
if bad:
    sys.exit("got/want: %r" % bad)
EOF
        fail "show sample by $h"
done
# the text form names the hashes too
tix show "$sha256" >"$T/sample.txt"
grep -q "^  md5         $md5\$" "$T/sample.txt" || fail "show sample text: md5"
grep -q "^  mime        text/plain\$" "$T/sample.txt" || fail "show sample text: mime"

# ---- a second source, earlier, for the filters --------------------------------

# A sensor (trust 40) saw the IP a month before, and one IP of its own.
# 203.0.113.77 is then 1 - 0.2 x 0.6 = 88 from 2 sources.
printf 'blocked 203.0.113.77 and 198.51.100.5\n' >"$T/e.txt"
out=$(TIX_NOW=2026-10-01T00:00:00Z tix ingest sample --source honeypot --kind sensor "$T/e.txt")
out=$(first_line "$out")
same "sensor ingest" "$out" \
    "$T/e.txt: 1 file, 1 new sample, 0 already known, 3 evidence rows, 2 new observables"
e_sha=$(sha256sum "$T/e.txt" | cut -d' ' -f1)
ip_id=$("$TIX" id 203.0.113.77 | cut -f3)
b_sha=$(sha256sum "$IN/b.txt" | cut -d' ' -f1)
c_sha=$(sha256sum "$IN/c.bin" | cut -d' ' -f1)
d_sha=$(sha256sum "$IN/d.txt" | cut -d' ' -f1)

tix list --format csv >"$T/list.csv"
same "csv header" "$(head -n 1 "$T/list.csv")" \
    "type,value,id,first_seen,last_seen,confidence,evidence,sources,status"
same "csv row of the IP seen by both" "$(grep ',203\.0\.113\.77,' "$T/list.csv")" \
    "ipv4,203.0.113.77,$ip_id,2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,88,2,2,blocked"
# (type, value) order: types as listed in the README, values as strings
same "csv order" "$(tail -n +2 "$T/list.csv" | cut -d, -f1,2 | tr '\n' ' ')" \
    "ipv4,192.0.2.200 ipv4,198.51.100.5 ipv4,203.0.113.77 domain,cdn-update.example.org url,http://cdn-update.example.org/dl/stage2 email,abuse@mail.example.net $(
    printf 'sha256,%s\n' "$sha256" "$b_sha" "$c_sha" "$d_sha" "$e_sha" | LC_ALL=C sort | tr '\n' ' ')cve,CVE-2021-44228 "

tix list --format jsonl >"$T/list.jsonl"
python3 - "$T/list.jsonl" <<'EOF' || fail "list --format jsonl"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 12, len(rows)
by = {(r["type"], r["value"]): r for r in rows}
r = by[("ipv4", "198.51.100.5")]
want = {"first_seen": "2026-10-01T00:00:00Z", "last_seen": "2026-10-01T00:00:00Z",
        "confidence": 40, "evidence": 1, "sources": 1}
bad = {k: (r[k], v) for k, v in want.items() if r[k] != v}
assert not bad, bad
assert sum(1 for r in rows if r["confidence"] == 80) == 9
EOF

tix list >"$T/list.table"
same "table header" "$(head -n 1 "$T/list.table" | tr -s ' ')" \
    "TYPE VALUE CONF FIRST LAST EVIDENCE SRC STATUS"
same "table rows" "$(wc -l <"$T/list.table" | tr -d ' ')" 13
same "table row" "$(grep ' 198\.51\.100\.5 ' "$T/list.table" | tr -s ' ')" \
    "ipv4 198.51.100.5 40 2026-10-01 2026-10-01 1 1 blocked"

count() { tix list --format csv "$@" | tail -n +2 | wc -l | tr -d ' '; }
values() { tix list --format csv "$@" | tail -n +2 | cut -d, -f2 | tr '\n' ' '; }
same "--type ip" "$(values --type ip)" "192.0.2.200 198.51.100.5 203.0.113.77 "
same "--type url,cve" "$(values --type url,cve)" \
    "http://cdn-update.example.org/dl/stage2 CVE-2021-44228 "
same "--type hash" "$(count --type hash)" 5
same "--min-confidence 81" "$(values --min-confidence 81)" "203.0.113.77 "
same "--min-confidence 80" "$(count --min-confidence 80)" 10
same "--min-confidence 100" "$(count --min-confidence 100)" 0
same "--since after the sensor" "$(count --since 2026-10-15)" 10
same "--since the sensor's day" "$(count --since 2026-10-01)" 12
same "--since tomorrow" "$(count --since 2026-11-02)" 0
same "--source honeypot" "$(values --source honeypot)" "198.51.100.5 203.0.113.77 $e_sha "
same "--source local" "$(count --source local)" 10
same "--source nobody" "$(count --source nobody)" 0
same "filters together" "$(values --type ipv4 --source honeypot --since 2026-10-15)" \
    "203.0.113.77 "
same "--limit" "$(count --limit 2)" 2

# ---- the same files again add nothing -----------------------------------------

tix stats >"$T/stats.before"
out=$(tix ingest sample "$IN")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "second ingest summary" "$out" \
    "$IN: 4 files, 0 new samples, 4 already known, 0 evidence rows, 0 new observables"
tix stats >"$T/stats.after"
cmp -s "$T/stats.before" "$T/stats.after" || fail "stats changed by a repeated ingest"
same "stats after the first two sources" "$(grep -E '^(observables|evidence|samples|documents|sources|relationships) ' "$T/stats.after" | tr -s ' ' | tr '\n' ';')" \
    "observables 12;evidence 13;samples 5;relationships 1;documents 0;sources 2;"

# ---- encrypted archives -------------------------------------------------------

Z="$T/z"
mkdir "$Z"
printf 'exfil to 198.18.0.66 via hxxps://drop[.]example[.]com/u\n' >"$Z/loot.txt"
printf 'second stage 100.64.7.7\n' >"$Z/other.txt"
(cd "$Z" && zip -q -P infected enc.zip loot.txt && zip -q -P s3cret enc2.zip other.txt)

# zip member: sha256 + ip + url + host
out=$(tix ingest sample "$Z/enc.zip")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "zip with 'infected'" "$out" \
    "$Z/enc.zip: 1 file, 1 new sample, 0 already known, 4 evidence rows, 4 new observables"
tix show "$(sha256sum "$Z/loot.txt" | cut -d' ' -f1)" --format json >"$T/member.json"
python3 - "$T/member.json" "$Z/enc.zip!loot.txt" <<'EOF' || fail "zip member as a sample"
import json, sys
s = json.load(open(sys.argv[1]))["sample"]
assert s["name"] == sys.argv[2], s["name"]
assert s["mime"] == "text/plain", s["mime"]
EOF
tix show 198.18.0.66 >"$T/member.txt" || fail "show an IP from a zip member"
grep -q "local  sample [0-9a-f]*\.\. ($Z/enc.zip!loot.txt) offset 9  confidence 100  tlp:amber\$" "$T/member.txt" ||
    { fail "show names the member in its archive"; cat "$T/member.txt"; }
out=$(tix ingest sample "$Z/enc.zip" 2>"$T/err")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "the same archive again" "$out" \
    "$Z/enc.zip: 0 files, 0 new samples, 0 already known, 0 evidence rows, 0 new observables (already ingested)"
same "the same archive again: note" "$(cat "$T/err")" \
    "tix: ingest: $Z/enc.zip: already ingested on 2026-11-01T00:00:00Z; nothing added"

tix stats >"$T/stats.before"
if tix ingest sample "$Z/enc2.zip" >"$T/out" 2>"$T/err"; then
    fail "a zip with an unknown password is ingested"
fi
same "unknown password: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q "^tix: ingest: $Z/enc2.zip!other.txt: .*; the failing file was not stored\$" "$T/err" ||
    { fail "unknown password: message"; cat "$T/err"; }
tix stats >"$T/stats.after"
cmp -s "$T/stats.before" "$T/stats.after" || fail "a failed archive changed the store"
out=$(tix ingest sample --password s3cret "$Z/enc2.zip")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "zip with --password" "$out" \
    "$Z/enc2.zip: 1 file, 1 new sample, 0 already known, 2 evidence rows, 2 new observables"
tix show 100.64.7.7 >/dev/null || fail "IP from the --password zip"

# ---- a damaged archive: all or nothing ----------------------------------------

# Stored (not deflated) members of 3000 bytes, cut in the middle of the
# second: the first member reads fine, so only a rollback keeps it out.
D="$T/dmg"
mkdir "$D"
i=1
while [ $i -le 3 ]; do
    { head -c 2990 /dev/zero | tr '\0' 'x'; printf '\n10.77.0.%d\n' $i; } >"$D/m$i.txt"
    i=$((i + 1))
done
(cd "$D" && zip -q -0 full.zip m1.txt m2.txt m3.txt)
head -c 4500 "$D/full.zip" >"$D/cut.zip"
tix stats >"$T/stats.before"
if tix ingest sample "$D/cut.zip" >"$T/out" 2>"$T/err"; then
    fail "a truncated zip is ingested"
fi
same "truncated zip: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q "^tix: ingest: $D/cut.zip!m2.txt: .*; the failing file was not stored\$" "$T/err" ||
    { fail "truncated zip: message"; cat "$T/err"; }
same "truncated zip: stdout" "$(cat "$T/out")" ""
tix stats >"$T/stats.after"
cmp -s "$T/stats.before" "$T/stats.after" || fail "a truncated zip left something behind"
if tix show 10.77.0.1 >/dev/null 2>&1; then
    fail "the member before the damage was stored"
fi
# --skip-bad: the directory's other files go in, the bad one is reported
S="$T/skip"
mkdir "$S"
printf 'first 10.88.0.1\n' >"$S/a-first.txt"
cp "$D/cut.zip" "$S/b-cut.zip"
printf 'last 10.88.0.3\n' >"$S/c-last.txt"
out=$(tix ingest sample --skip-bad "$S" 2>"$T/err") || fail "--skip-bad exits non-zero"
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "--skip-bad summary" "$out" \
    "$S: 2 files, 2 new samples, 0 already known, 4 evidence rows, 4 new observables, 1 skipped"
same "--skip-bad report: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q "^tix: ingest: $S/b-cut.zip!m2.txt: .* (skipped)\$" "$T/err" ||
    { fail "--skip-bad report"; cat "$T/err"; }
tix show 10.88.0.1 >/dev/null || fail "--skip-bad: file before the bad one"
tix show 10.88.0.3 >/dev/null || fail "--skip-bad: file after the bad one"
if tix show 10.77.0.1 >/dev/null 2>&1; then
    fail "--skip-bad stored part of the bad archive"
fi

# without --skip-bad, a directory stops at the bad file; what came before stays
S2="$T/stop"
mkdir "$S2"
printf 'first 10.99.0.1\n' >"$S2/a-first.txt"
cp "$D/cut.zip" "$S2/b-cut.zip"
printf 'last 10.99.0.3\n' >"$S2/c-last.txt"
if tix ingest sample "$S2" >"$T/out" 2>"$T/err"; then
    fail "a directory with a bad file succeeds without --skip-bad"
fi
same "stop: one line" "$(wc -l <"$T/err" | tr -d ' ')" 1
grep -q "^tix: ingest: $S2/b-cut.zip!m2.txt: .*; the failing file was not stored, the sample before it is\$" "$T/err" ||
    { fail "stop: message"; cat "$T/err"; }
tix show 10.99.0.1 >/dev/null || fail "stop: the file before the bad one"

# A source named only by a failed ingest does not stay behind, with a trust
# that a corrected second run could then not set.
tix stats >"$T/stats.before"
if tix ingest sample --source first-try --trust 90 "$D/cut.zip" >/dev/null 2>&1; then
    fail "a truncated zip is ingested under a new source"
fi
tix stats >"$T/stats.after"
cmp -s "$T/stats.before" "$T/stats.after" || fail "a failed ingest left its new source"
out=$(tix ingest sample --source first-try --trust 30 "$D/full.zip")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "the whole zip under that source" "$out" \
    "$D/full.zip: 3 files, 3 new samples, 0 already known, 6 evidence rows, 6 new observables"
same "its trust is the second run's" "$(tix source list | awk '$1 == "first-try" { print $2, $3 }')" \
    "vendor 30"
same "confidence at trust 30" "$(tix list --format csv --type ipv4 --source first-try | cut -d, -f2,6 | tail -n +2 | tr '\n' ' ')" \
    "10.77.0.1,30 10.77.0.2,30 10.77.0.3,30 "

# ---- symbolic links below a directory are not followed ------------------------

L="$T/links"
OUTSIDE="$T/outside"
mkdir "$L" "$OUTSIDE"
printf 'real 10.66.0.1\n' >"$L/real.txt"
printf 'secret 10.66.0.2\n' >"$OUTSIDE/secret.txt"
ln -s "$OUTSIDE/secret.txt" "$L/file-link.txt"
ln -s "$OUTSIDE" "$L/dir-link"
out=$(tix ingest sample "$L")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "links not followed" "$out" \
    "$L: 1 file, 1 new sample, 0 already known, 2 evidence rows, 2 new observables"
if tix show 10.66.0.2 >/dev/null 2>&1; then
    fail "a link below a directory was followed"
fi
# a link named on the command line is what the user asked for
out=$(tix ingest sample "$L/file-link.txt")
out=$(first_line "$out") # the vet and enrich lines: tests/cli/vet.sh
same "a named link is read" "$out" \
    "$L/file-link.txt: 1 file, 1 new sample, 0 already known, 2 evidence rows, 2 new observables"

# ---- messages ------------------------------------------------------------------

if tix show 9.9.9.9 >"$T/out" 2>"$T/err"; then
    fail "show of an unknown value exits 0"
else
    same "show unknown: status" "$?" 1
fi
same "show unknown: message" "$(cat "$T/err")" "tix: show: ipv4 9.9.9.9: not in the store"
same "show unknown: stdout" "$(cat "$T/out")" ""
set +e
tix show 'hello world' >/dev/null 2>"$T/err"
rc=$?
tix show 5d41402abc4b2a76b9719d911017c592 >/dev/null 2>"$T/err2"
rc2=$?
"$TIX" --db "$T/missing.db" list >"$T/out" 2>"$T/err3"
rc3=$?
"$TIX" --db "$T/missing.db" ingest sample "$IN" >/dev/null 2>"$T/err4"
rc4=$?
set -e
same "show non-observable: status" "$rc" 1
[ -s "$T/err" ] || fail "show non-observable: no message"
same "show unknown hash: status" "$rc2" 1
same "show unknown hash: message" "$(cat "$T/err2")" \
    "tix: show: md5 5d41402abc4b2a76b9719d911017c592: not in the store"
same "list on a missing store: status" "$rc3" 1
same "list on a missing store: message" "$(cat "$T/err3")" \
    "tix: list: $T/missing.db: no such store (run 'tix init')"
same "ingest into a missing store: status" "$rc4" 1
grep -q "run 'tix init'" "$T/err4" || fail "ingest into a missing store: message"
[ ! -e "$T/missing.db" ] || fail "a missing store was created by list or ingest"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "ingest_samples: all checks passed"
