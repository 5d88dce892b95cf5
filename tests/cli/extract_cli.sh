#!/bin/sh
# extract_cli.sh - `tix extract` as users run it: output formats, --unique,
# --types, stdin, bad files and options, threads, UTF-16LE.
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${BUILD:?BUILD must point at the build directory}"
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: skipped"
    exit 77
fi

T="$BUILD/tmp/extract_cli.$$"
rm -rf "$T"
mkdir -p "$T"
trap 'rm -rf "$T"; rmdir "$BUILD/tmp" 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# ---- inputs -----------------------------------------------------------------

A="$T/a.txt"
printf '%s\n' \
    'Beacon to 1.2.3.4 and hxxp://evil[.]example[.]com/gate.php?id=7' \
    'mail admin@example.org, hash D41D8CD98F00B204E9800998ECF8427E' \
    'CVE-2021-44228 and 1.2.3.4 again, then 1.2.3.4.' >"$A"
B="$T/b.txt"
printf 'nothing here\nbut 2001:DB8::1 and cve-2019-0708\n' >"$B"
W="$T/we,ird \"name\".txt"
printf 'x 9.9.9.9\n' >"$W"
U="$T/u16.bin"
python3 - "$U" <<'EOF'
import sys
s = "C2 at http://c2.example-domain.com/gate.php and 10.9.8.7"
open(sys.argv[1], "wb").write(b"\x01\x02\x00\x00" + s.encode("utf-16-le") + b"\x00\x00\xff")
EOF

# Check JSON lines against the hits expected in a file, computed from its text.
# usage: check_jsonl OUT FILE-FIELD EXPECTED-SPEC
#   EXPECTED-SPEC: lines "type|value|needle|nth|defanged|encoding": the hit
#   starts at the nth (1-based) occurrence of needle in the file's text
#   (UTF-16LE: in the decoded text, offset = 4 + 2 * index).
check_jsonl() {
    python3 - "$1" "$2" "$3" "$4" <<'EOF'
import json, sys
out, field, spec, path = sys.argv[1:5]
data = open(path, "rb").read()
utf16 = path.endswith(".bin")
text = data[4:].decode("utf-16-le", "replace") if utf16 else data.decode()
want = []
for line in spec.strip().splitlines():
    t, v, needle, nth, dfg, enc = line.split("|")
    i = -1
    for _ in range(int(nth)):
        i = text.index(needle, i + 1)
    off = 4 + 2 * len(text[:i]) if utf16 else len(text[:i].encode())
    want.append({"type": t, "value": v, "file": field, "offset": off,
                 "encoding": enc, "defanged": dfg == "true"})
got = []
for n, line in enumerate(open(out, encoding="utf-8").read().splitlines(), 1):
    try:
        obj = json.loads(line)
    except ValueError as e:
        sys.exit("line %d is not JSON (%s): %r" % (n, e, line))
    if list(obj) != ["type", "value", "file", "offset", "encoding", "defanged"]:
        sys.exit("line %d: keys %r" % (n, list(obj)))
    for k, ty in [("type", str), ("value", str), ("file", str), ("offset", int),
                  ("encoding", str), ("defanged", bool)]:
        if type(obj[k]) is not ty:
            sys.exit("line %d: %s is %s, want %s" % (n, k, type(obj[k]).__name__, ty.__name__))
    got.append(obj)
if got != want:
    print("got:")
    for g in got:
        print("  ", g)
    print("want:")
    for w in want:
        print("  ", w)
    sys.exit(1)
EOF
}

A_SPEC='ipv4|1.2.3.4|1.2.3.4|1|false|ascii
url|http://evil.example.com/gate.php?id=7|hxxp|1|true|ascii
domain|evil.example.com|evil[|1|true|ascii
email|admin@example.org|admin@|1|false|ascii
md5|d41d8cd98f00b204e9800998ecf8427e|D41D|1|false|ascii
cve|CVE-2021-44228|CVE-|1|false|ascii
ipv4|1.2.3.4|1.2.3.4|2|false|ascii
ipv4|1.2.3.4|1.2.3.4|3|false|ascii'

# ---- jsonl (the default) ----------------------------------------------------

if "$TIX" extract "$A" >"$T/a.jsonl" 2>"$T/err"; then
    check_jsonl "$T/a.jsonl" "$A" "$A_SPEC" "$A" || fail "jsonl of a.txt"
    [ -s "$T/err" ] && fail "jsonl of a.txt: stderr: $(cat "$T/err")"
else
    fail "tix extract a.txt: exit $?"
fi
"$TIX" extract --format jsonl "$A" >"$T/a2.jsonl" || fail "--format jsonl: exit $?"
cmp -s "$T/a.jsonl" "$T/a2.jsonl" || fail "--format jsonl differs from the default"

# a file name that needs escaping in JSON and quoting in CSV
"$TIX" extract "$W" >"$T/w.jsonl" || fail "extract '$W': exit $?"
check_jsonl "$T/w.jsonl" "$W" 'ipv4|9.9.9.9|9.9|1|false|ascii' "$W" ||
    fail "jsonl of a file name with a comma and quotes"

# ---- csv --------------------------------------------------------------------

"$TIX" extract --format csv "$A" "$W" >"$T/a.csv" || fail "--format csv: exit $?"
"$TIX" extract "$A" "$W" >"$T/aw.jsonl" || fail "extract two files: exit $?"
python3 - "$T/a.csv" "$T/aw.jsonl" <<'EOF' || fail "csv output"
import csv, json, sys
raw = open(sys.argv[1], newline="", encoding="utf-8").read()
if not raw.startswith("type,value,file,offset,encoding,defanged\n"):
    sys.exit("csv header: %r" % raw.splitlines()[:1])
rows = list(csv.reader(raw.splitlines(True)))
want = [["type", "value", "file", "offset", "encoding", "defanged"]]
for line in open(sys.argv[2], encoding="utf-8"):
    o = json.loads(line)
    want.append([o["type"], o["value"], o["file"], str(o["offset"]), o["encoding"],
                 "true" if o["defanged"] else "false"])
if rows != want:
    sys.exit("csv rows:\n%r\nwant:\n%r" % (rows, want))
if len(rows) != 10:
    sys.exit("csv: %d rows" % len(rows))
EOF

# ---- text -------------------------------------------------------------------

"$TIX" extract --format text "$A" "$U" >"$T/a.text" || fail "--format text: exit $?"
python3 - "$T/a.text" "$A" "$U" <<'EOF' || fail "text output"
import sys
out, a, u = sys.argv[1:4]
ta = open(a).read()
i = ta.index
n2 = ta.index("1.2.3.4", ta.index("1.2.3.4") + 1)
n3 = ta.index("1.2.3.4", n2 + 1)
want = [
    "%s:%d: ipv4 1.2.3.4" % (a, i("1.2.3.4")),
    "%s:%d: url http://evil.example.com/gate.php?id=7 (defanged)" % (a, i("hxxp")),
    "%s:%d: domain evil.example.com (defanged)" % (a, i("evil[")),
    "%s:%d: email admin@example.org" % (a, i("admin@")),
    "%s:%d: md5 d41d8cd98f00b204e9800998ecf8427e" % (a, i("D41D")),
    "%s:%d: cve CVE-2021-44228" % (a, i("CVE-")),
    "%s:%d: ipv4 1.2.3.4" % (a, n2),
    "%s:%d: ipv4 1.2.3.4" % (a, n3),
]
tu = "C2 at http://c2.example-domain.com/gate.php and 10.9.8.7"
want += [
    "%s:%d: url http://c2.example-domain.com/gate.php (utf16le)" % (u, 4 + 2 * tu.index("http")),
    "%s:%d: domain c2.example-domain.com (utf16le)" % (u, 4 + 2 * tu.index("c2.")),
    "%s:%d: ipv4 10.9.8.7 (utf16le)" % (u, 4 + 2 * tu.index("10.")),
]
got = open(out).read().splitlines()
if got != want:
    sys.exit("text:\n%s\nwant:\n%s" % ("\n".join(got), "\n".join(want)))
EOF

# ---- UTF-16LE ---------------------------------------------------------------

"$TIX" extract "$U" >"$T/u.jsonl" || fail "extract utf16 file: exit $?"
check_jsonl "$T/u.jsonl" "$U" 'url|http://c2.example-domain.com/gate.php|http|1|false|utf16le
domain|c2.example-domain.com|c2.|1|false|utf16le
ipv4|10.9.8.7|10.|1|false|utf16le' "$U" || fail "jsonl of a UTF-16LE file"

# ---- --unique ---------------------------------------------------------------

for fmt in jsonl csv text; do
    "$TIX" extract --unique --format $fmt "$A" "$B" >"$T/uniq.$fmt" ||
        fail "--unique --format $fmt: exit $?"
done
python3 - "$T/uniq.jsonl" "$T/uniq.csv" "$T/uniq.text" <<'EOF' || fail "--unique"
import csv, json, sys
want = {("ipv4", "1.2.3.4"): 3,
        ("url", "http://evil.example.com/gate.php?id=7"): 1,
        ("domain", "evil.example.com"): 1, ("email", "admin@example.org"): 1,
        ("md5", "d41d8cd98f00b204e9800998ecf8427e"): 1,
        ("cve", "CVE-2021-44228"): 1, ("cve", "CVE-2019-0708"): 1,
        ("ipv6", "2001:db8::1"): 1}
def check(name, items):
    got = {}
    for t, v, c in items:
        if (t, v) in got:
            sys.exit("%s: %s %s listed twice" % (name, t, v))
        got[(t, v)] = c
    if got != want:
        sys.exit("%s: %r\nwant %r" % (name, got, want))
items = []
for line in open(sys.argv[1]):
    o = json.loads(line)
    if sorted(o) != ["count", "type", "value"] or type(o["count"]) is not int:
        sys.exit("--unique jsonl line %r" % line)
    items.append((o["type"], o["value"], o["count"]))
check("jsonl", items)
rows = list(csv.reader(open(sys.argv[2], newline="")))
if rows[0] != ["type", "value", "count"]:
    sys.exit("--unique csv header %r" % rows[0])
check("csv", [(r[0], r[1], int(r[2])) for r in rows[1:]])
items = []
for line in open(sys.argv[3]):
    c, t, v = line.split()
    items.append((t, v, int(c)))
check("text", items)
EOF

# ---- --types ----------------------------------------------------------------

"$TIX" extract --types ip,cve --format csv "$A" "$B" >"$T/types.csv" || fail "--types ip,cve: exit $?"
got=$(cut -d, -f1,2 "$T/types.csv" | tr '\n' ' ')
want='type,value ipv4,1.2.3.4 cve,CVE-2021-44228 ipv4,1.2.3.4 ipv4,1.2.3.4 ipv6,2001:db8::1 cve,CVE-2019-0708 '
[ "$got" = "$want" ] || fail "--types ip,cve: got '$got', want '$want'"
"$TIX" extract --types url --format csv "$A" >"$T/types2.csv" || fail "--types url: exit $?"
got=$(cut -d, -f1,2 "$T/types2.csv" | tr '\n' ' ')
want='type,value url,http://evil.example.com/gate.php?id=7 '
[ "$got" = "$want" ] || fail "--types url: got '$got', want '$want'"
"$TIX" extract --types hash,email "$A" >"$T/types3.jsonl" || fail "--types hash,email: exit $?"
check_jsonl "$T/types3.jsonl" "$A" 'email|admin@example.org|admin@|1|false|ascii
md5|d41d8cd98f00b204e9800998ecf8427e|D41D|1|false|ascii' "$A" || fail "--types hash,email"

# ---- stdin ------------------------------------------------------------------

"$TIX" extract - <"$A" >"$T/stdin.jsonl" || fail "extract - <a.txt: exit $?"
check_jsonl "$T/stdin.jsonl" "-" "$A_SPEC" "$A" || fail "jsonl from stdin"
cat "$A" | "$TIX" extract --threads 4 - >"$T/pipe.jsonl" || fail "cat a.txt | extract -: exit $?"
cmp -s "$T/stdin.jsonl" "$T/pipe.jsonl" || fail "stdin from a pipe differs from a redirected file"
# stdin between two files
"$TIX" extract "$B" - "$W" <"$A" >"$T/mixed.jsonl" || fail "extract b - w: exit $?"
{ "$TIX" extract "$B"; cat "$T/stdin.jsonl"; "$TIX" extract "$W"; } >"$T/mixed.want"
cmp -s "$T/mixed.jsonl" "$T/mixed.want" || fail "extract b.txt - w.txt: output is not the three in order"

# ---- missing and unreadable files --------------------------------------------

{ "$TIX" extract "$A" "$B"; } >"$T/good.jsonl"
for threads in 1 3 0; do
    for bad in "$T/missing.txt" "$T"; do
        set +e
        "$TIX" extract --threads $threads "$A" "$bad" "$B" >"$T/bad.out" 2>"$T/bad.err"
        rc=$?
        set -e
        [ $rc -eq 1 ] || fail "extract with bad file '$bad' (threads $threads): exit $rc, want 1"
        lines=$(wc -l <"$T/bad.err")
        [ "$lines" -eq 1 ] || fail "bad file '$bad': $lines lines on stderr: $(cat "$T/bad.err")"
        case $(cat "$T/bad.err") in
        "tix: extract: $bad: "?*) ;;
        *) fail "bad file '$bad': stderr '$(cat "$T/bad.err")'" ;;
        esac
        cmp -s "$T/bad.out" "$T/good.jsonl" ||
            fail "bad file '$bad' (threads $threads): the good files' hits are not all printed"
    done
done
# only bad files: nothing on stdout, one line per file
set +e
"$TIX" extract "$T/nope1" "$T/nope2" >"$T/bad.out" 2>"$T/bad.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "two missing files: exit $rc"
[ -s "$T/bad.out" ] && fail "two missing files: stdout '$(cat "$T/bad.out")'"
[ "$(wc -l <"$T/bad.err")" -eq 2 ] || fail "two missing files: stderr '$(cat "$T/bad.err")'"

# ---- bad options ------------------------------------------------------------

check_usage_error() {
    set +e
    "$TIX" extract "$@" >"$T/opt.out" 2>"$T/opt.err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "tix extract $*: exit $rc, want 2"
    [ -s "$T/opt.out" ] && fail "tix extract $*: stdout '$(cat "$T/opt.out")'"
    [ -s "$T/opt.err" ] || fail "tix extract $*: nothing on stderr"
}
check_usage_error --threads 257 "$A"
check_usage_error --threads -1 "$A"
check_usage_error --threads two "$A"
check_usage_error --threads 2x "$A"
check_usage_error --threads "" "$A"
check_usage_error --format xml "$A"
check_usage_error --format JSONL "$A"
check_usage_error --types bogus "$A"
check_usage_error --types ip,nope "$A"
check_usage_error --no-such-option "$A"
check_usage_error
check_usage_error --unique
set +e
"$TIX" extract --types ip,nope "$A" 2>"$T/opt.err" >/dev/null
set -e
grep -q "nope" "$T/opt.err" || fail "--types ip,nope: the message does not name 'nope': $(cat "$T/opt.err")"

# ---- threads: byte-identical output on a large file -------------------------

BIG="$T/big.txt"
python3 - "$BIG" <<'EOF'
import random, sys
rng = random.Random(4242)
words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do".split()
parts = []
size = 0
i = 0
target = 40 * 1024 * 1024
while size < target:
    i += 1
    k = rng.randrange(40)
    if k == 0:
        s = "host%d.example.com " % i
    elif k == 1:
        s = "10.%d.%d.%d " % (i >> 16 & 255, i >> 8 & 255, i & 255)
    elif k == 2:
        s = "hxxp://evil%d[.]example[.]net/p?%d " % (i % 5000, i)
    elif k == 3:
        s = "u%d@example.org " % (i % 3000)
    elif k == 4:
        s = "%032x " % rng.getrandbits(128)
    elif k == 5:
        s = "CVE-20%02d-%d " % (i % 25, 1000 + i % 90000)
    elif k == 6:
        s = "2001:db8::%x " % (i & 0xffff)
    elif k == 7:
        s = "\0\0" + ("x http://w%d.example.com/a y" % (i % 100)).encode("utf-16-le").decode("latin-1") + "\0\0"
    else:
        s = " ".join(rng.choice(words) for _ in range(rng.randrange(1, 12))) + "\n"
    parts.append(s)
    size += len(s)
data = "".join(parts).encode("latin-1")
# indicators straddling the places a file is cut for threads (every 16 MiB)
for cut, j, ind in ((16 << 20, 20, b" http://straddle.example.com/x/y/z "),
                    (32 << 20, 30, b" e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 "),
                    (32 << 20, 300, b" 203.0.113.99 ")):
    data = data[:cut - j] + ind + data[cut - j + len(ind):]
open(sys.argv[1], "wb").write(data)
EOF
bigsize=$(wc -c <"$BIG")
[ "$bigsize" -gt $((40 * 1024 * 1024)) ] || fail "big file is only $bigsize bytes"
"$TIX" extract --threads 1 "$BIG" >"$T/t1.jsonl" || fail "--threads 1: exit $?"
"$TIX" extract --threads 2 "$BIG" >"$T/t2.jsonl" || fail "--threads 2: exit $?"
cmp "$T/t1.jsonl" "$T/t2.jsonl" >/dev/null || fail "--threads 2 output differs from --threads 1"
"$TIX" extract --threads 3 --unique "$BIG" >"$T/u3.jsonl" || fail "--threads 3 --unique: exit $?"
"$TIX" extract --threads 1 --unique "$BIG" >"$T/u1.jsonl" || fail "--threads 1 --unique: exit $?"
cmp "$T/u1.jsonl" "$T/u3.jsonl" >/dev/null || fail "--unique --threads 3 differs from --threads 1"
python3 - "$T/t1.jsonl" "$BIG" <<'EOF' || fail "large file hits"
import json, sys
n = 0
last = -1
seen = {}
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    n += 1
    if o["offset"] < last:
        sys.exit("offsets go back at line %d" % n)
    last = o["offset"]
    seen[(o["type"], o["offset"])] = seen.get((o["type"], o["offset"]), 0) + 1
    if o["encoding"] == "utf16le":
        seen["u16"] = 1
if n < 100000:
    sys.exit("only %d hits in the large file" % n)
if "u16" not in seen:
    sys.exit("no UTF-16LE hit in the large file")
for cut, j, t in ((16 << 20, 20, "url"), (16 << 20, 20, "domain"),
                  (32 << 20, 30, "sha256"), (32 << 20, 300, "ipv4")):
    off = cut - j + 1 + (7 if t == "domain" else 0)
    if seen.get((t, off)) != 1:
        sys.exit("%s at %d (near %d) seen %r times" % (t, off, cut, seen.get((t, off))))
EOF
rm -f "$BIG" "$T"/t1.* "$T"/t2.* "$T"/u1.* "$T"/u3.*

# ---- directories: -r reads the files below, in name order, no symlinks ------

R="$T/tree"
mkdir -p "$R/b/deep" "$R/a" "$T/elsewhere"
printf 'one 10.1.1.1\n' > "$R/b/deep/z.txt"
printf 'two evil-two.com\n' > "$R/a/y.txt"
printf 'three 10.3.3.3\n' > "$R/b/x.txt"
printf 'outside 10.9.9.9\n' > "$T/elsewhere/o.txt"
ln -s "$T/elsewhere/o.txt" "$R/a/link.txt"
ln -s "$T/elsewhere" "$R/linkdir"
"$TIX" extract --format text -r "$R" > "$T/r.out" || fail "extract -r: exit $?"
want="$R/a/y.txt:4: domain evil-two.com
$R/b/deep/z.txt:4: ipv4 10.1.1.1
$R/b/x.txt:6: ipv4 10.3.3.3"
[ "$(cat "$T/r.out")" = "$want" ] || fail "extract -r: got $(cat "$T/r.out")"
set +e
"$TIX" extract --format text "$R" "$R/b/x.txt" > "$T/nr.out" 2> "$T/nr.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "a directory without -r: exit $rc, want 1"
[ "$(wc -l < "$T/nr.err")" -eq 1 ] && grep -q "^tix: extract: $R: " "$T/nr.err" ||
    fail "a directory without -r: stderr $(cat "$T/nr.err")"
grep -q "10.3.3.3" "$T/nr.out" || fail "a directory without -r: the file after it was not read"

# ---- many files: opened one at a time, far more than the fd limit ----------

M="$T/many"
mkdir -p "$M"
i=0
while [ $i -lt 1500 ]; do
    printf 'host%d.example.org\n' $i > "$M/f$i.txt"
    i=$((i + 1))
done
(ulimit -n 48 && "$TIX" extract --threads 2 --unique --format csv "$M"/*.txt) > "$T/m.csv" ||
    fail "1500 files with 48 descriptors: exit $?"
[ "$(tail -n +2 "$T/m.csv" | wc -l)" -eq 1500 ] ||
    fail "1500 files with 48 descriptors: $(tail -n +2 "$T/m.csv" | wc -l) values"
rm -rf "$M" "$R" "$T/elsewhere"

if [ $failures -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo ok
