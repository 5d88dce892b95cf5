#!/bin/sh
# The demo (what `make demo` runs) works and shows what it should.
# Extraction: the planted indicators, refanged, including those in UTF-16LE
# strings, and no file names or versions. The store: every ingest summary,
# the stats that the bundled documents, zip and feeds imply, one record for
# 45.153.241.18 with evidence from three sources and a confidence that rose,
# the TLP:RED indicator, a sample shown by its SHA-256, a second ingest of a
# feed that adds nothing, and the same output on a second run.
set -eu
: "${TIX:?}" "${SRC:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/demo-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM
out=$T/out

failures=0
fail() {
    echo "demo: FAIL: $*"
    failures=$((failures + 1))
}
# usage: same WHAT GOT WANT
same() {
    if [ "$2" != "$3" ]; then
        fail "$1"
        printf '  got:  %s\n  want: %s\n' "$2" "$3"
    fi
}
# usage: has WHAT FILE STRING: FILE holds STRING as a fixed string
has() {
    grep -qF -- "$3" "$2" || fail "$1: no '$3'"
}
# The lines of the section whose "== TITLE ==" heading starts with $1.
section() {
    awk -v t="== $1" '
        /^== / { on = index($0, t) == 1; next }
        on' "$out"
}

if sh "$SRC/scripts/demo" "$TIX" >"$out" 2>&1; then
    :
else
    rc=$?
    cat "$out"
    echo "demo: FAIL: scripts/demo exited $rc"
    exit 1
fi

# ---- extraction -------------------------------------------------------------

for want in \
    'cdn-sync.plumloader-c2.net' \
    'https://cdn-sync.plumloader-c2.net/api/v2/beacon' \
    '45.153.241.18' \
    '185.174.100.0/22' \
    '2001:db8:4f2a:17::1c' \
    'orchard.billing@mailbox-secure.net' \
    'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' \
    'CVE-2023-36884' \
    'utf16le' \
    '"defanged":true'; do
    has "extraction" "$out" "$want"
done
for junk in 'update.exe' 'readme.md' 'invoice.zip ' '10.0.19041.1' 'System.Net'; do
    if grep -E "^ +[0-9]+ +domain +" "$out" | grep -qF -- "$junk"; then
        fail "output reports '$junk' as a domain"
    fi
done
if grep -E "^ +[0-9]+ +ipv4 +" "$out" | grep -qF '10.0.19041'; then
    fail "a version number is reported as an IPv4 address"
fi

# ---- what the bundled data implies ------------------------------------------

# Each document is one sample: an evidence row per distinct (type, value)
# found in it plus one for its own SHA-256, an observable per distinct
# (type, value) in all of them plus their SHA-256s, and a has-host
# relationship per distinct URL.
docs=$SRC/demo/docs
ndocs=0 doc_ev=0
for f in "$docs"/*; do
    n=$("$TIX" extract --unique --format csv "$f" | tail -n +2 | wc -l)
    doc_ev=$((doc_ev + n + 1))
    ndocs=$((ndocs + 1))
done
"$TIX" extract --unique --format csv "$docs"/* | tail -n +2 >"$T/unique.csv"
doc_obs=$(($(wc -l <"$T/unique.csv") + ndocs))
doc_urls=$(grep -c '^url,' "$T/unique.csv")
if [ "$ndocs" -ne 4 ] || [ "$doc_obs" -lt 50 ] || [ "$doc_urls" -lt 10 ]; then
    fail "demo/docs: $ndocs files, $doc_obs observables, $doc_urls URLs?"
fi

# plumsync-config.zip holds one text file with 6 distinct indicators, all of
# them in the documents too: 7 evidence rows, its SHA-256 the one new value.
# The feeds (numbers per file: records, observations, new observables,
# relationships, objects):
#   Feodo      4 4 3 0 0   45.153.241.18 is in the documents
#   URLhaus    3 3 1 3 0   two of the URLs are in the documents, the new
#                          one's host came with Feodo; one has-host each
#   ThreatFox  4 4 1 1 0   the URL is new; has-host
#   MISP      12 11 0 13 1 mutex and filename unmapped; domain|ip is two
#                          values; 11 reported-in, 1 resolves-to, 1 has-host;
#                          the event is the object
#   STIX      12 3 1 7 6   identity, 2 markings, malware, intrusion-set,
#                          3 indicators (one new IP), 4 relationships;
#                          3 based-on + 3 indicates + 1 uses
# each ingest command vets what it added (the enrich lines depend on the
# GeoIP data installed and are left out): the documents' private, example
# and documentation addresses and names are blocked; the fictional feeds
# use documentation ranges (RFC 5737), which no agency must ever receive
sample_lines="demo/docs: $ndocs files, $ndocs new samples, 0 already known, $doc_ev evidence rows, $doc_obs new observables
demo/samples: 1 file, 1 new sample, 0 already known, 7 evidence rows, 1 new observable
vet: 69 observables: 22 blocked, 0 warned"
feed_lines="demo/feeds/ipblocklist.csv: 4 records, 4 observations, 3 new observables, 0 relationships, 0 objects
vet: 3 observables: 3 blocked, 0 warned
demo/feeds/csv.txt: 3 records, 3 observations, 1 new observable, 3 relationships, 0 objects
vet: 1 observables: 1 blocked, 0 warned
demo/feeds/full.json: 4 records, 4 observations, 1 new observable, 1 relationship, 0 objects
vet: 1 observables: 1 blocked, 0 warned
demo/feeds/misp-event.json: 12 records, 11 observations, 0 new observables, 13 relationships, 1 object, 2 unmapped (MISP attribute type mutex: 1, MISP attribute type filename: 1)
demo/feeds/stix-bundle.json: 12 records, 3 observations, 1 new observable, 7 relationships, 6 objects
vet: 1 observables: 1 blocked, 0 warned"

got=$(section "Samples" | sed -n 's/^    //p' | grep -v '^enrich: ')
same "sample ingest summaries" "$got" "$sample_lines"
got=$(section "Feeds" | sed -n 's/^    //p' | grep -v '^enrich: ')
same "feed ingest summaries" "$got" "$feed_lines"

# stats: documents are the zip and the 5 feed files; objects the MISP event
# and the 6 STIX ones; sources local, 3 abuse.ch feeds, 2 partners
section "What the store holds" >"$T/stats"
stat() { awk -v k="$1" '$1 == k { print $2; exit }' "$T/stats"; }
same "stats: observables" "$(stat observables)" $((doc_obs + 1 + 3 + 1 + 1 + 0 + 1))
same "stats: evidence" "$(stat evidence)" $((doc_ev + 7 + 4 + 3 + 4 + 11 + 3))
same "stats: samples" "$(stat samples)" $((ndocs + 1))
same "stats: relationships" "$(stat relationships)" $((doc_urls + 3 + 1 + 13 + 7))
same "stats: objects" "$(stat objects)" 7
same "stats: documents" "$(stat documents)" 6
same "stats: sources" "$(stat sources)" 6
got=$(awk '$2 ~ /^(partner|feed|vendor)$/ { print $1 "/" $2 "/" $3 }' "$T/stats" | sort | tr '\n' ' ')
same "sources" "$got" "CERT-Demoland/partner/70 feodotracker/feed/60 local/vendor/80 threatfox/feed/60 urlhaus/feed/60 "
has "sources" "$T/stats" "NCSA Demoland            partner     70"
# made at TIX_NOW like everything else the store records, or the demo's
# output would change from one run to the next
got=$(awk '$NF ~ /^[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/ { print $NF }' "$T/stats" | sort -u | tr '\n' ' ')
same "sources: creation times" "$got" "2024-03-15T12:00:00Z "

# ---- one C2 address, three sources ------------------------------------------

before=$(sed -n 's/.*45.153.241.18 from the samples alone: confidence \([0-9]*\), \([0-9]*\) evidence rows from \([0-9]*\) source.*/\1 \2 \3/p' "$out")
after=$(sed -n 's/.*45.153.241.18 after the feeds: confidence \([0-9]*\), \([0-9]*\) evidence rows from \([0-9]*\) source.*/\1 \2 \3/p' "$out")
# 4 documents and the zip's file; then Feodo and MISP
same "45.153.241.18 before the feeds (evidence, sources)" "${before#* }" "5 1"
same "45.153.241.18 after the feeds (evidence, sources)" "${after#* }" "7 3"
if [ -z "$before" ] || [ -z "$after" ] || [ "${before%% *}" -ge "${after%% *}" ]; then
    fail "45.153.241.18: confidence did not rise with the feeds ('$before' -> '$after')"
fi

section "The best-supported" >"$T/list"
n=$(grep -c '^    ipv4 *45\.153\.241\.18 ' "$T/list") || true
same "list: rows for 45.153.241.18" "$n" 1
got=$(awk '$2 == "45.153.241.18" { print $(NF - 2), $(NF - 1), $NF }' "$T/list")
same "list: 45.153.241.18 evidence, sources and status" "$got" "7 3 ok"
awk '/^    [a-z0-9]+ / && $1 != "TYPE" { n++; if ($3 + 0 < 95) bad = 1 }
     END { exit bad || n < 5 }' "$T/list" ||
    fail "list --min-confidence 95: a row below 95, or fewer than 5 rows"

section "One C2 address" >"$T/ip"
has "show 45.153.241.18" "$T/ip" "ipv4 45.153.241.18"
has "show 45.153.241.18" "$T/ip" "(7 evidence rows from 3 sources)"
for src in feodotracker CERT-Demoland local; do
    n=$(grep -cE "^      [0-9TZ:.-]+( \.\. [0-9TZ:.-]+)?  $src  " "$T/ip") || true
    case $src in local) want=5 ;; *) want=1 ;; esac
    same "show 45.153.241.18: evidence rows from $src" "$n" "$want"
done
has "show 45.153.241.18" "$T/ip" "demo/feeds/ipblocklist.csv:10  port 8443  family PlumLoader"
has "show 45.153.241.18" "$T/ip" "plumsync-config.zip!config-decrypted.txt"
has "show 45.153.241.18" "$T/ip" "-> reported-in      x-misp-event PlumLoader intrusions"
has "show 45.153.241.18" "$T/ip" "<- has-host         url http://45.153.241.18:8443/api/v2/beacon"

section "Shared under TLP:RED" >"$T/red"
has "show 198.51.100.66" "$T/red" "ipv4 198.51.100.66"
has "show 198.51.100.66" "$T/red" "NCSA Demoland  demo/feeds/stix-bundle.json indicator--"
has "show 198.51.100.66" "$T/red" "tlp:red"
has "show 198.51.100.66" "$T/red" "<- based-on         indicator PlumLoader C2 staged"

section "A sample, by its SHA-256" >"$T/sample"
sha=$(sha256sum "$docs/implant.bin" | cut -d ' ' -f 1)
has "show sample" "$T/sample" "\$ tix show $sha"
has "show sample" "$T/sample" "sample $sha"
has "show sample" "$T/sample" "name        demo/docs/implant.bin"
has "show sample" "$T/sample" "domain mirror.plum-updates.com offset 8752 utf16le"

# ---- the same feed again ----------------------------------------------------

section "The same feed again" >"$T/again"
has "second ingest" "$T/again" "demo/feeds/ipblocklist.csv: 0 records, 0 observations, 0 new observables, 0 relationships, 0 objects (already ingested)"
has "second ingest" "$T/again" "already ingested on 2024-03-15T12:00:00Z; nothing added"
got=$(sed -n 's/.*evidence rows in the store: \([0-9]*\) before, \([0-9]*\) after.*/\1 \2/p' "$T/again")
# the store's rows then: those of "What the store holds" and the 38 of the
# classified samples
want=$(($(stat evidence) + 38))
same "evidence rows before and after the second ingest" "$got" "$want $want"

# ---- vetting and placing ----------------------------------------------------

section "Vetting" >"$T/vet"
has "vetting: built-in lists" "$T/vet" "iana-ipv4-special                          builtin  cidr      block special-purpose          1      26"
has "vetting: a MISP list loaded" "$T/vet" "lists: 1 read: 1 new, 0 updated, 0 unchanged (4 entries stored)"
has "vetting: sinkhole entry" "$T/vet" "sinkhole: ns1.sinkhole.cert-demoland.example added"
has "vetting: passive DNS" "$T/vet" "demo/feeds/passive-dns.jsonl: 30 records, 30 resolutions"
has "vetting: re-vetted" "$T/vet" "vet: 75 observables: 30 blocked, 1 warned, 1 shared hosts"
has "vetting: sinkholed name" "$T/vet" "block   sinkhole               hostname NS ns1.sinkhole.cert-demoland.example - passive DNS, last seen 2024-03-15"
has "vetting: shared host" "$T/vet" "shared-hosting do not seize: 26 unrelated domains resolved here in the last 30 days (shop01.orchard-market.example"
# the actionable list: no private address, no reference site, no sinkholed name
got=$(awk '/\$ tix list/ { on = 1; next } /\$ tix/ { on = 0 } on && $NF ~ /^(ok|warn)$/ { print $2 }' "$T/vet" | tr '\n' ' ')
same "vetting: actionable" "$got" "185.174.100.0/22 185.174.101.77 45.153.240.0/23 45.153.241.18 91.215.85.0/24 91.215.85.142 91.215.85.19 blog.orchard-labs.com cdn-sync.plumloader-c2.net files.orchard-share.org mirror.plum-updates.com telemetry.orchard-analytics.info "

section "Placing" >"$T/place"
has "placing: summary" "$T/place" "9 with a constituency; 31 names with a registered domain"
has "placing: constituency" "$T/place" "responsible Demoland Police Cybercrime Unit <cyber@police-demoland.example> (police, DL; by 185.174.100.0/22)"

# ---- classification and takedown --------------------------------------------

section "Classification and takedown" >"$T/cls"
has "drift: old Gorse layout read" "$T/cls" "Gorse        gorse-struct 1.0       1                1        1       0"
has "drift: new layout fails" "$T/cls" "Gorse        gorse-struct 1.0       layout 3         1        0       1"
has "drift: the failing file" "$T/cls" "\$tmp/botnet-samples/2024/gorse-3.elf: Gorse build layout 3, gorse-struct 1.0: unknown config layout version 3"
has "drift: exit status" "$T/cls" "(exit 1: the newest Gorse build changed its layout"
has "drift: both PlumLoader 2.4 samples" "$T/cls" "PlumLoader   plumloader-rc4 1.0     2.4              2        2       0"
has "ingest: classified" "$T/cls" "9 new samples, 0 already known, 38 evidence rows, 8 classified, 7 configs read (14 C&C), 1 config not read"
has "ingest: the note" "$T/cls" "tix: ingest: \$tmp/botnet-samples/2024/gorse-3.elf: Gorse config not read by gorse-struct 1.0"
has "takedown: PlumLoader summary" "$T/cls" "Takedown list of PlumLoader C&C servers: 12 to act on in 4 groups, 6 left out (blocked)"
# samples and feeds merge: 2 samples, 3 sources (vendor-lab, Feodo Tracker, CERT-Demoland)
grep -Eq '^      45\.153\.241\.18 +ipv4 +8443 +2024-02-02 +2024-03-15 +2 +3 ' "$T/cls" ||
    fail "takedown: 45.153.241.18 merged from samples and feeds"
has "takedown: agency group" "$T/cls" "CERT-Demoland <incident@cert-demoland.example> (cert, DL): 2 servers"
has "takedown: sinkholed name left out" "$T/cls" "update-check.plumcdn.com                          domain  sinkhole: NS ns1.sinkhole.cert-demoland.example"
has "takedown: documentation address left out" "$T/cls" "203.0.113.41                                      ipv4    iana-ipv4-special: 203.0.113.0/24"
has "takedown: Kestrel" "$T/cls" "Takedown list of Kestrel C&C servers: 6 to act on in 2 groups, 0 left out (blocked)"
grep -Eq '^      91\.215\.85\.142 +ipv4 +7001 .*shared-hosting: do not seize' "$T/cls" ||
    fail "takedown: shared host warned"
got=$(grep -c '^    [A-Z?][A-Z?],active,ipv4,185\.174\.10[12]\.' "$T/cls" || true)
same "takedown: Gorse by country, csv" "$got" "2"
# nothing blocked is in a list to act on
got=$(awk '/Left out/ { off = 1 } /\$ tix takedown/ { off = 0 } !off && /203\.0\.113\.41|198\.51\.100\.|update-check\.plumcdn\.com/' "$T/cls")
same "takedown: blocked entries only under Left out" "$got" ""

# ---- sharing ------------------------------------------------------------------
sed -n '/^== Sharing with agencies/,/^== The same feed again/p' "$out" >"$T/share"
has "share: export" "$T/share" "export stix: 24 observables, 198 STIX objects, 0 withheld by TLP"
has "share: bundle by TLP" "$T/share" "by TLP: clear 74, green 12, amber 100, red 7"
has "share: collection filled from the export" "$T/share" \
    "collection plumloader-c2: 198 objects (198 new, 0 changed, 0 removed)"
has "share: token shown once" "$T/share" "token: tix_<43 characters, shown once>"
# amber sees clear+green+amber, green only clear+green; RED reaches nobody unnamed
has "share: police at amber" "$T/share" \
    "bka (police, amber):          189 objects in 8 pages (clear 74, green 12, amber 100)"
has "share: CERT at green" "$T/share" \
    "cert-demoland (cert, green):  88 objects in 4 pages (clear 74, green 12)"
has "share: pull from tix serve" "$T/share" "pull: 2 pages, 189 objects, 25 new observables"
# the audit log holds the bodies the clients received
has "share: audit, bka" "$T/share" "bka            plumloader-c2  200  25 objects   sha256 of the body = the page 2 bka read"
has "share: audit, CERT" "$T/share" "cert-demoland  plumloader-c2  200  25 objects   sha256 of the body = the page 1 cert-demoland read"
has "share: audit, pull" "$T/share" "bka            plumloader-c2  200  100 objects  sha256 of the body = a page tix pull read"

# ---- reproducible -----------------------------------------------------------

sh "$SRC/scripts/demo" "$TIX" >"$T/out2" 2>&1 || fail "second run of scripts/demo exited $?"
cmp -s "$out" "$T/out2" || {
    fail "a second run prints something else"
    diff "$out" "$T/out2" | head -n 20
}

if [ "$failures" -ne 0 ]; then
    echo "---- demo output"
    cat "$out"
    echo "demo: $failures failure(s)"
    exit 1
fi
echo "demo: ok"
