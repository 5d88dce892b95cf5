#!/bin/sh
# vet.sh - vetting as users run it: the built-in lists, MISP warninglists
# (a folder of list.json files, versions, a broken file), the user's
# sinkhole list, per-list policies, verdicts in `tix show` and `tix list`,
# ingest vetting new observables by itself, passive DNS (a sinkholed name,
# a shared host), `tix vet --check`, and enrichment with generated MMDB
# files and a constituency CSV.
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${SRC:?SRC must point at the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/vet.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

TIX_NOW=2026-11-01T00:00:00Z
LC_ALL=C
export LC_ALL
export TIX_NOW
DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

. "$SRC/tests/cli/lib/checks.sh"

# ---- a fresh store has the built-in lists --------------------------------
tix init >/dev/null
out=$(tix lists)
has "built-in lists" "$out" "iana-ipv4-special"
has "built-in lists" "$out" "iana-ipv6-special"
has "built-in lists" "$out" "reserved-names"
has "built-in lists" "$out" "sinkhole"

# ---- two small MISP lists ------------------------------------------------
mkdir -p "$T/wl/fastly" "$T/wl/top" "$T/wl/sinkholes"
cat >"$T/wl/fastly/list.json" <<'J'
{"name": "CDN edges", "version": 3, "description": "test", "type": "cidr",
 "matching_attributes": ["ip-src", "ip-dst", "domain|ip"],
 "list": ["151.101.0.0/16", "2a04:4e42::/32"]}
J
cat >"$T/wl/top/list.json" <<'J'
{"name": "Top sites", "version": 7, "description": "test", "type": "hostname",
 "matching_attributes": ["hostname", "domain", "url"],
 "list": ["popular.com"]}
J
cat >"$T/wl/sinkholes/list.json" <<'J'
{"name": "Known sinkholes", "version": 1, "description": "test", "type": "cidr",
 "matching_attributes": ["ip-src", "ip-dst"],
 "list": ["193.42.0.66"]}
J
out=$(tix lists load "$T/wl")
has "lists load" "$out" "lists: 3 read: 3 new, 0 updated, 0 unchanged (4 entries stored)"
out=$(tix lists load "$T/wl")
has "lists load again" "$out" "lists: 3 read: 0 new, 0 updated, 3 unchanged (0 entries stored)"

# a broken file: one line naming it, and nothing stored
mkdir -p "$T/bad/ok" "$T/bad/zz"
sed 's/"version": 3/"version": 4/' "$T/wl/fastly/list.json" >"$T/bad/ok/list.json"
printf '{"name": "broken", "version": 1, "type": "cidr", "list": [' >"$T/bad/zz/list.json"
if err=$(tix lists load "$T/bad" 2>&1); then
    fail "a broken list.json must fail"
fi
has "broken list names the file" "$err" "$T/bad/zz/list.json"
same "broken list: one line" "$(printf '%s\n' "$err" | wc -l | tr -d ' ')" 1
out=$(tix lists)
has "fastly still at version 3" "$(printf '%s\n' "$out" | grep '^fastly ')" " 3 "

# ---- observables: a feed with good and innocent values ---------------------
cat >"$T/feed.csv" <<'C'
value,type
45.153.241.18,ipv4
192.0.2.10,ipv4
10.20.30.40,ipv4
151.101.1.10,ipv4
193.42.0.66,ipv4
popular.com,domain
cdn.popular.com,domain
notpopular.com,domain
evil-c2.net,domain
login.example.com,domain
http://popular.com/x.php,url
C
out=$(tix ingest feed --format csv --map value=1,type=2 --source testfeed "$T/feed.csv")
has "ingest vets new observables" "$out" "vet: 11 observables: 6 blocked, 2 warned"

out=$(tix list --status blocked --format csv | cut -d, -f2 | sort | tr '\n' ' ')
same "blocked" "$out" "10.20.30.40 192.0.2.10 193.42.0.66 cdn.popular.com login.example.com popular.com value "
out=$(tix list --status warn --format csv | cut -d, -f2 | tail -n +2 | tr '\n' ' ')
same "warned" "$out" "151.101.1.10 http://popular.com/x.php "
out=$(tix list --status actionable --format csv | cut -d, -f2 | tail -n +2 | sort | tr '\n' ' ')
same "actionable" "$out" "151.101.1.10 45.153.241.18 evil-c2.net http://popular.com/x.php notpopular.com "

out=$(tix show 192.0.2.10)
has "show: status" "$out" "status      blocked"
has "show: verdict" "$out" "iana-ipv4-special"
has "show: verdict entry" "$out" "cidr 192.0.2.0/24"
has "show: verdict note" "$out" "5737"
# a URL on a benign host is the criminal's all the same: it warns (act
# through the provider), while the host itself stays blocked
out=$(tix show http://popular.com/x.php)
has "URL through its host" "$out" "hostname popular.com (URL host)"
has "URL on a benign host warns" "$out" "status      warn"
out=$(tix show --format json 151.101.1.10)
has "json status" "$out" '"status":"warn"'
has "json verdict" "$out" '"list":"fastly","policy":"warn","match":"cidr","entry":"151.101.0.0/16"'
has "cdn flag" "$out" '"flag":"cdn"'

# ---- policies are per list ------------------------------------------------
out=$(tix lists policy fastly block)
has "policy set" "$out" "fastly: policy block"
same "now blocked" "$(tix list --status blocked --format csv | grep -c 151.101.1.10)" 1
tix lists policy fastly warn >/dev/null

# ---- the user's sinkhole list --------------------------------------------
out=$(tix lists add sinkhole 45.153.241.18 --note "taken over by CERT-Demoland")
has "sinkhole add" "$out" "sinkhole: 45.153.241.18 added"
out=$(tix show 45.153.241.18)
has "sinkhole verdict" "$out" "block   sinkhole"
has "sinkhole note" "$out" "taken over by CERT-Demoland"
out=$(tix lists add sinkhole 45.153.241.18)
has "sinkhole add again" "$out" "was there already"
if err=$(tix lists add sinkhole 'not a host!' 2>&1); then
    fail "a bad sinkhole entry must fail"
fi
has "bad sinkhole entry" "$err" "tix: lists:"
if err=$(tix lists add fastly 192.0.2.1 2>&1); then
    fail "a MISP list takes no entries by hand"
fi
has "MISP list by hand" "$err" "MISP list"
tix lists rm sinkhole 45.153.241.18 >/dev/null
same "sinkhole removed" "$(tix list --status actionable --format csv | grep -c 45.153.241.18)" 1

# a name server in the sinkhole list, and passive DNS that shows a name
# delegated to it: the name is sinkholed
tix lists add sinkhole ns1.sinkhole-demo.org --note "research sinkhole" >/dev/null
cat >"$T/pdns.jsonl" <<'J'
{"rrname":"evil-c2.net.","rrtype":"NS","rdata":["ns1.sinkhole-demo.org."],"time_first":1793404800,"time_last":1793404800,"count":3}
{"cond":"begin"}
{"obj":{"rrname":"evil-c2.net","rrtype":"A","rdata":["45.153.241.18"],"time_first":1790812800,"time_last":1793404800}}
J
i=1
while [ $i -le 25 ]; do
    printf '{"rrname":"shop%d.innocent-site.org","rrtype":"A","rdata":"45.153.241.18","time_first":1792000000,"time_last":1793400000}\n' $i >>"$T/pdns.jsonl"
    i=$((i + 1))
done
out=$(tix ingest pdns "$T/pdns.jsonl")
has "pdns summary" "$out" "$T/pdns.jsonl: 27 records, 27 resolutions"
has "pdns re-vets" "$out" "1 shared hosts"
out=$(tix show evil-c2.net)
has "sinkholed through NS" "$out" "hostname NS ns1.sinkhole-demo.org"
out=$(tix show 45.153.241.18)
has "shared hosting" "$out" "do not seize: 25 unrelated domains resolved here in the last 30 days (shop1.innocent-site.org, shop10.innocent-site.org, shop11.innocent-site.org, ...)"
out=$(tix vet --shared-threshold 30)
has "vet summary" "$out" "0 shared hosts"
hasnt "threshold respected" "$(tix show 45.153.241.18)" "shared-hosting"

# bad passive DNS: one line with file and line, nothing stored
printf 'rrname,rrtype,rdata\nok.example.org,A,192.0.2.1\nbad.example.org,A,999.1.1.1\n' >"$T/bad.csv"
if err=$(tix ingest pdns "$T/bad.csv" 2>&1); then
    fail "bad passive DNS must fail"
fi
has "bad pdns line" "$err" "$T/bad.csv:3: rdata '999.1.1.1' is not an IPv4 address; nothing from this file was stored"

# ---- vet --check: values as given, nothing stored --------------------------
out=$(tix vet --check 'hxxp://cdn.popular[.]com/a' 192.168.1.1 8.8.4.4)
has "check url" "$out" "url http://cdn.popular.com/a: warn"
has "check private" "$out" "ipv4 192.168.1.1: blocked"
has "check clean" "$out" "ipv4 8.8.4.4: ok"

# ---- enrichment ------------------------------------------------------------
out=$(tix show cdn.popular.com)
has "registered domain at ingest" "$out" "registered  popular.com"
if perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
    mkdir -p "$T/mmdb"
    perl "$SRC/tests/fixtures/mmdb/make-mmdb.pl" "$T/mmdb" >/dev/null
    cat >"$T/const.csv" <<'C'
match,name,country,email,kind
192.0.2.0/25,CERT-Demoland,DE,cert@cert.example,cert
AS64500,Example Hosting abuse desk,DE,abuse@hoster.example,hoster
FR,Police Cyber FR,FR,cyber@police.example,police
C
    out=$(tix enrich --mmdb "$T/mmdb/country.mmdb" --mmdb "$T/mmdb/asn.mmdb" \
        --constituencies "$T/const.csv")
    has "enrich summary" "$out" "enrich: 5 IPs, 1 placed (country.mmdb + asn.mmdb), 1 with a constituency"
    out=$(tix show 192.0.2.10)
    has "country" "$out" "country     DE"
    has "network" "$out" "network     AS64500 Example Hosting Ltd"
    has "constituency" "$out" "responsible CERT-Demoland <cert@cert.example> (cert, DE; by 192.0.2.0/25)"
    # a new observable is placed at ingest, with the kept configuration
    printf '198.51.100.20\n' >"$T/more.txt"
    out=$(tix ingest feed --format csv --map ipv4=1 --source testfeed "$T/more.txt")
    has "enrich at ingest" "$out" "enrich: 1 IPs, 1 placed, 1 with a constituency"
    out=$(tix show --format json 198.51.100.20)
    has "json place" "$out" '"place":{"country":"FR","asn":64501,"as_name":"Documentation Networks","constituency":{"name":"Police Cyber FR","email":"cyber@police.example","kind":"police","country":"FR","by":"FR"}}'
    # bad inputs change nothing
    printf 'match,name,country,email,kind\n10.0.0.0/8,X,DE,x@example.org,cops\n' >"$T/bad-const.csv"
    if err=$(tix enrich --constituencies "$T/bad-const.csv" 2>&1); then
        fail "a bad constituency row must fail"
    fi
    same "bad constituency" "$err" "tix: enrich: $T/bad-const.csv:2: kind must be cert, police or hoster, not 'cops'; nothing was changed"
    printf 'not a database\n' >"$T/fake.mmdb"
    if err=$(tix enrich --mmdb "$T/fake.mmdb" 2>&1); then
        fail "a file that is no MMDB must fail"
    fi
    has "not an MMDB" "$err" "$T/fake.mmdb: not a MaxMind DB file"
    has "still placed" "$(tix show 192.0.2.10)" "responsible CERT-Demoland"
else
    echo "MaxMind::DB::Writer not installed: MMDB enrichment not tested"
fi
if [ -r /usr/share/GeoIP/GeoIP.dat ]; then
    printf '8.8.8.8\n' >"$T/g.txt"
    tix ingest feed --format csv --map ipv4=1 --source testfeed "$T/g.txt" >/dev/null
    out=$(tix enrich --no-mmdb)
    has "legacy GeoIP" "$out" "GeoIP.dat (Debian geoip-database, country only)"
    has "legacy country" "$(tix show 8.8.8.8)" "country     US"
fi

finish vet.sh
