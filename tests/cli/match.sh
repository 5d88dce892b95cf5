#!/bin/sh
# match.sh - `tix match` as a CERT runs it: a store built from two small
# CSV feeds, then logs in every format, checked line for line: the text and
# JSON outputs, the summary, subdomains and lookalikes, the filters
# (--active, --min-confidence, --type), standard input, and the exit
# status (0 a match, 1 none, 2 an error).
set -eu

: "${TIX:?TIX must point at the tix binary}"

T=$(mktemp -d "${TMPDIR:-/tmp}/match.XXXXXX")
trap 'rm -rf "$T"' EXIT
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
# usage: same WHAT GOT WANT
same() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        printf '  got:\n%s\n  want:\n%s\n' "$2" "$3"
    fi
}
# usage: status WHAT WANT CMD... (stdout and stderr to $T/out, $T/err)
status() {
    what=$1 want=$2
    shift 2
    set +e
    "$@" >"$T/out" 2>"$T/err"
    got=$?
    set -e
    [ "$got" = "$want" ] || fail "$what: exit status $got, want $want ($(cat "$T/err"))"
}

# ---- the store -------------------------------------------------------------

cat >"$T/a.csv" <<'EOF'
type,value,family,seen,confidence
domain,evil-c2.net,QakBot,2026-10-20,80
domain,update.cdn-fast.org,Emotet,2026-10-25,70
ipv4,185.100.87.2,QakBot,2026-10-30,90
ipv4,91.215.85.0/24,,2026-10-01,50
ipv6,2a01:4f8:1:2::7,IcedID,2026-10-29,60
url,http://dl.badfiles.com/x/load.php,Pikabot,2026-10-28,75
domain,old-c2.info,Dridex,2026-08-01,60
EOF
cat >"$T/b.csv" <<'EOF'
type,value,family
domain,evil-c2.net,QakBot
domain,evil-c2.net,Emotet
EOF
tix init >/dev/null
tix ingest feed --format csv --source feedA \
    --map type=1,value=2,family=3,first_seen=4,last_seen=4,confidence=5 "$T/a.csv" >/dev/null
tix ingest feed --format csv --source feedB --map type=1,value=2,family=3 "$T/b.csv" >/dev/null

# what each indicator prints as
EVIL='evil-c2.net (domain) family=QakBot source=feedA,feedB confidence=87'
CDN='update.cdn-fast.org (domain) family=Emotet source=feedA confidence=42'
IP='185.100.87.2 (ipv4) family=QakBot source=feedA confidence=54'
NET='91.215.85.0/24 (ipv4) family=- source=feedA confidence=30'
V6='2a01:4f8:1:2::7 (ipv6) family=IcedID source=feedA confidence=36'
URL='http://dl.badfiles.com/x/load.php (url) family=Pikabot source=feedA confidence=45'
OLD='old-c2.info (domain) family=Dridex source=feedA confidence=36'

# ---- DNS: BIND -------------------------------------------------------------

B="$T/bind.log"
{
    echo '01-Nov-2026 09:00:00.001 queries: info: client @0x7f8b2c0a1b20 10.1.2.3#53422 (www.example.com): query: www.example.com IN A +E(0)K (10.0.0.53)'
    echo '01-Nov-2026 09:00:00.002 queries: info: client @0x7f8b2c0a1b20 10.1.2.3#53423 (WWW.Evil-C2.NET): query: WWW.Evil-C2.NET IN A +E(0)K (10.0.0.53)'
    echo '01-Nov-2026 09:00:00.003 queries: info: client @0x7f8b2c0a1b20 185.100.87.2#4444 (notevil-c2.net): query: notevil-c2.net IN A +E(0)K (10.0.0.53)'
    echo '01-Nov-2026 09:00:00.004 queries: info: client @0x7f8b2c0a1b20 10.1.2.4#1000 (evil-c2.net.attacker.com): query: evil-c2.net.attacker.com IN A +E(0)K (10.0.0.53)'
    echo '01-Nov-2026 09:00:00.005 queries: info: client @0x7f8b2c0a1b20 10.1.2.4#1000 (a.update.cdn-fast.org): query: a.update.cdn-fast.org IN AAAA +E(0)K (10.0.0.53)'
    echo '01-Nov-2026 09:00:00.006 queries: info: client @0x7f8b2c0a1b20 91.215.85.17#1000 (x.old-c2.info): query: x.old-c2.info IN A +E(0)K (10.0.0.53)'
} >"$B"
status "dns: bind" 0 tix match --format dns "$B"
same "dns: bind output" "$(cat "$T/out")" "$B:2: $EVIL | $(sed -n 2p "$B")
$B:3: $IP | $(sed -n 3p "$B")
$B:5: $CDN | $(sed -n 5p "$B")
$B:6: $OLD | $(sed -n 6p "$B")
$B:6: $NET | $(sed -n 6p "$B")"
same "dns: bind summary" "$(cat "$T/err")" \
    "match: 6 lines, 4 matching lines, 5 indicators hit (7 indicators loaded)"

# what vetting blocked is never matched: a sinkhole entry takes evil-c2.net
# out, and putting it back brings it back
tix lists add sinkhole evil-c2.net --note 'taken over' >/dev/null
status "dns: blocked left out" 0 tix match --format dns "$B"
same "dns: blocked left out" "$(cut -d' ' -f2 "$T/out" | tr '\n' ' ')" \
    "185.100.87.2 update.cdn-fast.org old-c2.info 91.215.85.0/24 "
same "dns: blocked summary" "$(cat "$T/err")" \
    "match: 6 lines, 3 matching lines, 4 indicators hit (6 indicators loaded)"
tix lists rm sinkhole evil-c2.net >/dev/null

# --active: seen in the last 30 days (old-c2.info and the /24 are older)
status "dns: --active" 0 tix match --format dns --active "$B"
same "dns: --active output" "$(cut -d' ' -f2 "$T/out" | tr '\n' ' ')" \
    "evil-c2.net 185.100.87.2 update.cdn-fast.org "
same "dns: --active summary" "$(cat "$T/err")" \
    "match: 6 lines, 3 matching lines, 3 indicators hit (5 indicators loaded)"
status "dns: --min-confidence" 0 tix match --format dns --min-confidence 50 "$B"
same "dns: --min-confidence output" "$(cut -d' ' -f2 "$T/out" | tr '\n' ' ')" \
    "evil-c2.net 185.100.87.2 "
status "dns: --type" 0 tix match --format dns --type ip "$B"
same "dns: --type output" "$(cut -d' ' -f2 "$T/out" | tr '\n' ' ')" \
    "185.100.87.2 91.215.85.0/24 "
status "dns: --type domain, nothing" 1 tix match --format dns --type url "$B"
same "dns: nothing printed" "$(cat "$T/out")" ""
same "dns: nothing summary" "$(cat "$T/err")" \
    "match: 6 lines, 0 matching lines, 0 indicators hit (1 indicator loaded)"

# ---- DNS: dnsmasq and Zeek --------------------------------------------------

D="$T/dnsmasq.log"
{
    echo 'Nov  1 09:00:00 dnsmasq[812]: query[A] cdn.evil-c2.net from 192.168.1.10'
    echo 'Nov  1 09:00:00 dnsmasq[812]: forwarded cdn.evil-c2.net to 9.9.9.9'
    echo 'Nov  1 09:00:00 dnsmasq[812]: reply cdn.evil-c2.net is 185.100.87.2'
    echo 'Nov  1 09:00:01 dnsmasq[812]: query[AAAA] ok.org from 192.168.1.11'
} >"$D"
status "dns: dnsmasq" 0 tix match --format dns "$D"
same "dns: dnsmasq output" "$(cat "$T/out")" "$D:1: $EVIL | $(sed -n 1p "$D")
$D:3: $EVIL | $(sed -n 3p "$D")
$D:3: $IP | $(sed -n 3p "$D")"

Z="$T/dns.log"
{
    printf '#separator \\x09\n#set_separator\t,\n#path\tdns\n'
    printf '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery\tanswers\n'
    printf '1793523600.1\tC1\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\tok.net\t1.1.1.1\n'
    printf '1793523600.2\tC2\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\tx.example.org\tedge.example.org,2a01:4f8:1:2::7\n'
    printf '1793523600.3\tC3\t10.0.0.5\t5353\t10.0.0.53\t53\tudp\t-\t-\n'
} >"$Z"
status "dns: zeek" 0 tix match --format dns "$Z"
same "dns: zeek output" "$(cat "$T/out")" "$Z:6: $V6 | $(sed -n 6p "$Z")"

# a file in none of the forms: a warning, no match
printf 'hello\nworld\n' >"$T/other.log"
status "dns: other file" 1 tix match --format dns "$T/other.log"
same "dns: other file warning" "$(head -1 "$T/err")" \
    "tix: match: $T/other.log: no line is in a form --format dns reads"

# ---- proxy ------------------------------------------------------------------

P="$T/access.log"
{
    echo '1793523600.123    215 10.0.0.8 TCP_MISS/200 1234 GET http://DL.badfiles.com/x/load.php?id=7 - HIER_DIRECT/104.16.1.1 text/html'
    echo '1793523601.000     12 10.0.0.8 TCP_TUNNEL/200 5000 CONNECT api.evil-c2.net:443 - HIER_DIRECT/185.100.87.2 -'
    echo '1793523602.000     12 10.0.0.9 TCP_MISS/200 99 GET http://ok.org/evil-c2.net - HIER_DIRECT/104.16.1.2 text/html'
} >"$P"
status "proxy" 0 tix match --format proxy "$P"
same "proxy output" "$(cat "$T/out")" "$P:1: $URL | $(sed -n 1p "$P")
$P:2: $EVIL | $(sed -n 2p "$P")
$P:2: $IP | $(sed -n 2p "$P")"

# ---- csv, jsonl, tokens, field ---------------------------------------------

C="$T/fw.csv"
{
    echo 'time,src,dst,note'
    echo '2026-11-01T09:00:00Z,10.0.0.8,185.100.87.2,"blocked, by rule 7"'
    echo '2026-11-01T09:00:01Z,10.0.0.8,1.1.1.1,"resolver said ""evil-c2.net"""'
} >"$C"
status "csv" 0 tix match --format csv "$C"
same "csv output" "$(cat "$T/out")" "$C:2: $IP | $(sed -n 2p "$C")
$C:3: $EVIL | $(sed -n 3p "$C")"
status "csv field 4" 0 tix match --format csv --field 4 "$C"
same "csv field 4 output" "$(cut -d' ' -f2 "$T/out")" "evil-c2.net"

J="$T/events.jsonl"
{
    echo '{"ts":"2026-11-01T09:00:00Z","dns":{"rrname":"www.evil-c2.net","answers":["185.100.87.2"]}}'
    echo '{"http":{"url":"http:\/\/dl.badfiles.com\/x\/load.php"},"evil-c2.net":"key, not value"}'
} >"$J"
status "jsonl" 0 tix match --format jsonl "$J"
same "jsonl output" "$(cat "$T/out")" "$J:1: $EVIL | $(sed -n 1p "$J")
$J:1: $IP | $(sed -n 1p "$J")
$J:2: $URL | $(sed -n 2p "$J")"
printf '{"a":"evil-c2.net"}\n{"a":1,}\n{"a":"185.100.87.2"}\n' >"$T/bad.jsonl"
status "jsonl: not JSON" 2 tix match --format jsonl "$T/bad.jsonl"
same "jsonl: not JSON message" "$(head -1 "$T/err")" \
    "tix: match: $T/bad.jsonl:2: not JSON (expected a member name at column 8)"
same "jsonl: lines before the error" "$(cut -d' ' -f1-2 "$T/out")" "$T/bad.jsonl:1: evil-c2.net"

L="$T/app.log"
{
    printf 'Nov  1 09:00 sshd: Accepted from 2A01:4F8:1:2:0:0:0:7 port 22\r\n'
    printf 'Nov  1 09:00 app: fetched <http://dl.badfiles.com/x/load.php>, then evil-c2.net.\r\n'
    printf 'Nov  1 09:00 app: \033[31mnotevil-c2.net\033[0m 185.100.87.20'
} >"$L"
status "tokens" 0 tix match "$L"
same "tokens output" "$(cat "$T/out")" "$L:1: $V6 | Nov  1 09:00 sshd: Accepted from 2A01:4F8:1:2:0:0:0:7 port 22
$L:2: $URL | Nov  1 09:00 app: fetched <http://dl.badfiles.com/x/load.php>, then evil-c2.net.
$L:2: $EVIL | Nov  1 09:00 app: fetched <http://dl.badfiles.com/x/load.php>, then evil-c2.net."
same "tokens summary" "$(cat "$T/err")" \
    "match: 3 lines, 2 matching lines, 3 indicators hit (7 indicators loaded)"
# escape sequences in a hostile log do not reach the terminal
printf 'x \033]0;owned\007 evil-c2.net\n' >"$T/esc.log"
status "tokens: escapes" 0 tix match "$T/esc.log"
same "tokens: escapes shown" "$(cat "$T/out")" \
    "$T/esc.log:1: $EVIL | x \\x1b]0;owned\\x07 evil-c2.net"
status "field 2" 1 tix match --field 2 "$C" "$B"
same "field 2 output" "$(cut -d' ' -f1-2 "$T/out")" ""
printf 'evil-c2.net 185.100.87.2\n185.100.87.2 evil-c2.net\n' >"$T/f.log"
status "field 2 of f.log" 0 tix match --field 2 "$T/f.log"
same "field 2 of f.log output" "$(cut -d' ' -f1-2 "$T/out")" "$T/f.log:1: 185.100.87.2
$T/f.log:2: evil-c2.net"

# ---- standard input, several files, JSON output -------------------------------

status "stdin" 0 sh -c "cat '$B' | \"\$TIX\" --db '$DB' match --format dns -"
same "stdin output" "$(cut -d' ' -f1-2 "$T/out" | head -2)" "(stdin):2: evil-c2.net
(stdin):3: 185.100.87.2"
status "two files" 0 tix match --format dns "$D" "$B"
same "two files summary" "$(cat "$T/err")" \
    "match: 10 lines, 6 matching lines, 5 indicators hit (7 indicators loaded)"
status "jsonl output" 0 tix match --format dns --output jsonl "$D"
same "jsonl output first line" "$(head -1 "$T/out")" \
    '{"file":"'"$D"'","line":1,"value":"evil-c2.net","type":"domain","stix_id":"domain-name--5e655bb7-9da2-5366-b2c9-0525cc72df11","family":"QakBot","sources":["feedA","feedB"],"confidence":87,"hit":"cdn.evil-c2.net","log":"Nov  1 09:00:00 dnsmasq[812]: query[A] cdn.evil-c2.net from 192.168.1.10"}'
if command -v python3 >/dev/null 2>&1; then
    tix match --output jsonl "$L" "$T/esc.log" 2>/dev/null >"$T/all.jsonl" || true
    python3 - "$T/all.jsonl" <<'EOF' || fail "jsonl output is not JSON lines"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 4, rows
assert rows[0]["type"] == "ipv6" and rows[0]["family"] == "IcedID"
assert rows[3]["log"] == "x \x1b]0;owned\x07 evil-c2.net", rows[3]
assert all(set(r) == {"file", "line", "value", "type", "stix_id", "family", "sources",
                      "confidence", "hit", "log"} for r in rows)
EOF
fi

# ---- errors -------------------------------------------------------------------

status "missing file" 2 tix match "$T/nope.log" "$B"
same "missing file message" "$(head -1 "$T/err")" \
    "tix: match: $T/nope.log: No such file or directory"
same "missing file: the others still matched" "$(wc -l <"$T/out" | tr -d ' ')" "5"
status "directory" 2 tix match "$T"
status "no log" 2 tix match
status "bad format" 2 tix match --format xml "$B"
status "bad type" 2 tix match --type sha256 "$B"
same "bad type message" "$(cat "$T/err")" \
    "tix: match: --type: only ipv4, ipv6, domain and url are matched in logs"
status "field with dns" 2 tix match --format dns --field 2 "$B"
status "bad confidence" 2 tix match --min-confidence 101 "$B"
status "no store" 2 "$TIX" --db "$T/none.db" match "$B"
: >"$T/empty.log"
status "empty log" 1 tix match "$T/empty.log"
same "empty log summary" "$(cat "$T/err")" \
    "match: 0 lines, 0 matching lines, 0 indicators hit (7 indicators loaded)"

if [ "$failures" -ne 0 ]; then
    echo "$failures failure(s)"
    exit 1
fi
echo "match: all passed"
