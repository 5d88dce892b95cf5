#!/bin/sh
# share.sh - the whole sharing chain, as an agency runs it, end to end over
# real HTTP: a store built from the fixture feeds (TLP:CLEAR to RED) and
# vetted; query collections that must hold exactly what `tix export
# --format stix --query` writes; partners of every clearance, one named on
# a TLP:RED observable, one red-cleared and named on nothing, one not
# granted a collection, each walking every page of what it is granted
# (limit=7, next links, Bearer and Basic) and receiving exactly what the
# exported bundle's own markings let it see, never a forbidden object
# (match[id], the object, its versions, the manifest); new evidence, a
# refresh, and `tix pull` into a second store resuming with only the new
# versions; a POST to a store collection read back and pulled; `tix audit`
# answering who received an indicator (also once the collection is gone),
# how many requests each partner made, and the SHA-256 of a body;
# the server restarted with --refresh, its refreshes adding no version and
# its next links still good; naming on TLP:RED and revocation while the
# server runs; a clean stop on SIGTERM.
#
# What a partner may see is worked out from the bundles alone
# (tests/cli/lib/share_model.py), never from the server.
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${SRC:?SRC must point at the source tree}"
for tool in curl python3; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: skipped"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/share.XXXXXX")
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

TIX_NOW=2024-05-25T12:00:00Z
LC_ALL=C
export LC_ALL TIX_NOW
unset TIX_PULL_PASSWORD TIX_PULL_TOKEN

. "$SRC/tests/cli/lib/checks.sh"

DB="$T/tix.db"
SECOND="$T/second.db"
# Every tix command here must succeed, also inside $(...) and pipelines
# (where the shell would not see it fail, as with a sanitizer's report at
# exit): a failure is noted in $T/tix-failed, checked at the end.
run_tix() {
    db=$1
    shift
    rc=0
    "$TIX" --db "$db" "$@" || rc=$?
    [ $rc -eq 0 ] || echo "tix $*: exit status $rc" >>"$T/tix-failed"
    return $rc
}
tix() { run_tix "$DB" "$@"; }
tix2() { run_tix "$SECOND" "$@"; }
model() { python3 "$SRC/tests/cli/lib/share_model.py" "$@"; }
# sameset WHAT GOT-FILE WANT-FILE: the same lines (both sorted)
sameset() {
    if ! cmp -s "$2" "$3"; then
        fail "$1"
        diff "$3" "$2" | sed -n 's/^</  missing:/p; s/^>/  unexpected:/p' | head -20
    fi
}

# ---- 1. the store: the fixture feeds, vetted -----------------------------------
tix init >/dev/null
tix ingest feed --format feodo-csv --source feodotracker "$SRC/tests/data/feeds/ipblocklist.csv" >/dev/null
tix ingest misp "$SRC/tests/data/misp/event.json" >/dev/null
tix ingest stix "$SRC/tests/data/stix/bundle.json" >/dev/null
tix ingest feed --format csv --source partner --kind partner \
    --map first_seen=1,value=2,type=3,port=4,confidence=5,tlp=6,family=7,tags=8 \
    "$SRC/tests/data/feeds/generic.csv" >/dev/null
has "vet" "$(tix vet)" "vet: 44 observables"

# ---- 2. collections: exactly what the exporter writes ----------------------------
Q_C2='family=Emotet active=90 tlp=amber'
Q_ALL='tlp=red'
# export NAME QUERY: the bundle the collection must match, in $T/NAME.json
export_q() {
    tix export --format stix --query "$2" --out "$T/$1.json" 2>"$T/$1.err"
    model ids "$T/$1.json" >"$T/$1.ids"
}
export_q c2-active "$Q_C2"
export_q all "$Q_ALL"
same "the fixture: all of it" "$(cat "$T/all.err")" \
    "export stix: 43 observables, 223 STIX objects, 0 withheld by TLP (above red)"
same "the fixture: Emotet, 90 days, up to AMBER" "$(cat "$T/c2-active.err")" \
    "export stix: 13 observables, 77 STIX objects, 1 withheld by TLP (above amber)"
[ "$(model reds "$T/all.json" | wc -l)" -ge 5 ] || fail "the fixture: too few TLP:RED objects"
[ "$(model reds "$T/c2-active.json" | wc -l)" -eq 0 ] || fail "c2-active: TLP:RED under tlp=amber"

# collection add NAME --query: "collection NAME: UUID (query)", then its sync
coll_add() {
    name=$1
    shift
    tix collection add "$name" "$@" >"$T/coll.out"
    uuid=$(sed -n "s/^collection $name: \([0-9a-f-]*\) (\(query\|store\))\$/\1/p" "$T/coll.out")
    [ -n "$uuid" ] || fail "collection add $name: no uuid in $(cat "$T/coll.out")"
}
coll_add c2-active --query "$Q_C2" --title "Emotet C&C, active"
C2=$uuid
n=$(wc -l <"$T/c2-active.ids" | tr -d ' ')
same "c2-active: filled at once with the export's objects" "$(sed -n 2p "$T/coll.out")" \
    "collection c2-active: $n objects ($n new, 0 changed, 0 removed)"
coll_add all --query "$Q_ALL" --title "Everything, TLP:RED included"
ALL=$uuid
n=$(wc -l <"$T/all.ids" | tr -d ' ')
same "all: filled at once with the export's objects" "$(sed -n 2p "$T/coll.out")" \
    "collection all: $n objects ($n new, 0 changed, 0 removed)"
coll_add inbox --store --title "Partner submissions"
INBOX=$uuid

# ---- 3. partners ---------------------------------------------------------------------
# partner NAME AUTH KIND CC CLEARANCE: its token in curl's config $T/cred-NAME,
# Bearer or Basic; its clearance in $T/clr-NAME; $T/red-NAME the ids it is named on
partner() {
    tix partner add "$1" --kind "$3" --country "$4" --clearance "$5" >"$T/tok" 2>/dev/null
    tok=$(sed -n 's/^token: //p' "$T/tok")
    [ -n "$tok" ] || fail "partner add $1: no token"
    if [ "$2" = bearer ]; then
        printf 'header = "Authorization: Bearer %s"\n' "$tok" >"$T/cred-$1"
    else
        printf 'user = "%s:%s"\n' "$1" "$tok" >"$T/cred-$1"
    fi
    printf '%s\n' "$tok" >"$T/token-$1"
    echo "$5" >"$T/clr-$1"
    : >"$T/red-$1"
}
partner police bearer police DE green
partner cert-ng basic cert NG amber
partner vendor bearer vendor US red
partner bka basic police DE red
partner isac bearer cert FR amber
partner fiu bearer police NL red
grant() { tix partner grant "$1" "$2" "$3" >/dev/null; }
for p in police cert-ng bka isac fiu; do grant "$p" c2-active read; done
for p in police cert-ng vendor bka fiu; do grant "$p" all read; done
grant cert-ng inbox read,write
grant vendor inbox read
# the vendor is named on one TLP:RED observable: the MISP event's RED hash
RED_MD5=$(tix id 7573f1429f285f385207eb60b9f8c3cc | cut -f3)
same "the RED hash is RED" "$(model tlp "$T/all.json" "$RED_MD5")" 4
out=$(tix partner allow-red vendor "$RED_MD5")
same "allow-red" "$out" "vendor named on 1 TLP:RED id (1 new)"
echo "$RED_MD5" >"$T/red-vendor"
# fiu, the oversight partner, is named on everything (every SCO and every
# object without a root): it must get exactly the collections' objects
cp "$T/all.ids" "$T/red-fiu"
# shellcheck disable=SC2046
out=$(tix partner allow-red fiu $(cat "$T/red-fiu"))
has "allow-red, many" "$out" "fiu named on $(wc -l <"$T/red-fiu" | tr -d ' ') TLP:RED ids"

# ---- the server ---------------------------------------------------------------------
# start_server ARGS...: tix serve on a free port; its URL in $URL. (serve.err
# exists before the server starts: a sed failing on it would end the test
# while the child has not yet become the server.)
start_server() {
    tries=0
    URL=""
    while [ -z "$URL" ] && [ $tries -lt 10 ]; do
        tries=$((tries + 1))
        : >"$T/serve.err"
        "$TIX" --db "$DB" serve "$@" 2>>"$T/serve.err" &
        SERVER=$!
        i=0
        while [ $i -lt 100 ]; do
            URL=$(sed -n 's|^tix serve: listening on \(.*\)/taxii2/$|\1|p' "$T/serve.err" || true)
            [ -n "$URL" ] && break
            kill -0 "$SERVER" 2>/dev/null || break
            sleep 0.1
            i=$((i + 1))
        done
        if [ -z "$URL" ]; then # a port still taken: again, a little later
            kill "$SERVER" 2>/dev/null || true
            wait "$SERVER" 2>/dev/null || true
            SERVER=""
            sleep 0.5
        fi
    done
    if [ -z "$URL" ]; then
        cat "$T/serve.err"
        fail "the server did not start"
        finish share
    fi
    COLL="$URL/api/collections"
}
# stop_server: SIGTERM; the server finishes, exits 0, and said nothing else
stop_server() {
    kill -TERM "$SERVER"
    set +e
    wait "$SERVER"
    st=$?
    set -e
    SERVER=""
    same "exit status after SIGTERM" "$st" 0
    has "stopped" "$(cat "$T/serve.err")" "tix serve: stopped"
    hasnt "no error from the server" "$(cat "$T/serve.err")" "tix: serve:"
}
start_server --listen 127.0.0.1:0


# Every request a partner makes that authenticates is one line in
# $T/requests: what `tix audit --partner` must count.
: >"$T/requests"
# get WHO WANT URL [OUT]: one GET as WHO; the body in OUT ($T/body)
get() {
    out=${4:-$T/body}
    code=$(curl -s -g -K "$T/cred-$1" -o "$out" -D "$T/hdr" -w '%{http_code}' "$3" || true)
    echo "$1" >>"$T/requests"
    if [ "$code" != "$2" ]; then
        fail "$1: GET $3: HTTP $code, want $2"
        printf '  body: %s\n' "$(head -c 300 "$out")"
    fi
}
# walk WHO TAG URL QUERY: every page of URL?QUERY as WHO, following next;
# pages in $T/pg/TAG.N; $pages their number
walk() {
    mkdir -p "$T/pg"
    rm -f "$T/pg/$2".*
    pages=0
    target="$3?$4"
    while :; do
        pages=$((pages + 1))
        echo "$target" >"$T/pg/$2.$pages.url"
        get "$1" 200 "$target" "$T/pg/$2.$pages"
        grep -q '"more":true' "$T/pg/$2.$pages" || break
        next=$(sed -n 's/.*"more":true,"next":"\([A-Za-z0-9_-]*\)"}$/\1/p' "$T/pg/$2.$pages")
        if [ -z "$next" ]; then
            fail "$2: page $pages says more without a next"
            break
        fi
        target="$3?$4&next=$next"
        [ $pages -lt 500 ] || { fail "$2: pages without end"; break; }
    done
}
pagefiles() {
    i=1
    while [ -f "$T/pg/$1.$i" ]; do
        echo "$T/pg/$1.$i"
        i=$((i + 1))
    done
}
# probe WHO LIST: GET each "WANT URL" line of LIST as WHO, in one curl (WANT
# is a status, with a TAXII error body, or {} for 200 with nothing); codes
# in LIST.codes, bodies in LIST.d/N; checked by probe, not by probe_get
probe_get() {
    rm -rf "$2.d"
    mkdir "$2.d"
    awk -v d="$2.d" '{ printf "url = \"%s\"\noutput = \"%s/%d\"\n", $2, d, NR }' "$2" >"$2.cfg"
    curl -s -g -K "$T/cred-$1" -K "$2.cfg" -w '%{http_code}\n' >"$2.codes" || true
    awk -v who="$1" '{ print who }' "$2" >>"$T/requests"
}
probe() {
    probe_get "$@"
    bad=$(model probes "$2" "$2.codes" "$2.d")
    same "$1: what it may not see stays unseen" "$bad" ""
}

# see WHO COLL NAME BUNDLE [VERSIONS]: WHO walks every page of collection
# COLL and gets exactly what BUNDLE's markings let it see (worked out by
# share_model.py), nothing else by any way: every version (VERSIONS, the
# bundles of every version the collection holds, comma-separated; default
# BUNDLE), the manifest, and asked by id for what it may not see
# (match[id] one by one, in lists of 50, and with one id it may see; the
# object; its versions). The ids it got in $T/got-WHO-NAME.
see() {
    who=$1 coll=$2 name=$3 bundle=$4 versions=${5:-$4}
    clr=$(cat "$T/clr-$who")
    tag="$who-$name"
    model plan "$bundle" "$clr" "$T/red-$who" "$T/want" "$T/forbidden"
    walk "$who" "$tag" "$COLL/$coll/objects/" "limit=7"
    pages_objects=$pages
    walk "$who" "$tag-all" "$COLL/$coll/objects/" "match%5Bversion%5D=all&limit=50"
    walk "$who" "$tag-man" "$COLL/$coll/manifest/" "limit=1000"
    rm -rf "$T/pg/probes"*
    if [ -s "$T/forbidden" ]; then
        split -l 50 "$T/forbidden" "$T/fb."
        for f in "$T"/fb.*; do
            ids=$(paste -sd, "$f")
            echo "{} $COLL/$coll/objects/?match[id]=$ids"
            echo "{} $COLL/$coll/manifest/?match[id]=$ids"
            echo "{} $COLL/$coll/objects/?match[id]=$ids&match[version]=all"
        done >"$T/pg/probes"
        rm -f "$T"/fb.*
        awk -v c="$COLL/$coll/objects/" '{ print "{} " c "?match[id]=" $1
            print "404 " c $1 "/"; print "404 " c $1 "/versions/" }' "$T/forbidden" >>"$T/pg/probes"
        probe_get "$who" "$T/pg/probes"
        if [ -s "$T/want" ]; then
            one=$(head -1 "$T/want")
            get "$who" 200 "$COLL/$coll/objects/?match[id]=$one,$(head -40 "$T/forbidden" | paste -sd,)"
            same "$tag: match[id], one visible among forbidden" "$(model served "$T/body")" "$one"
        fi
    fi
    bad=$(model verify "$bundle" "$versions" "$clr" "$T/red-$who" "$T/pg" "$tag")
    same "$tag: exactly what its clearance allows, every page, version and probe" "$bad" ""
    # shellcheck disable=SC2046
    model served $(pagefiles "$tag") | sort >"$T/got-$tag"
    echo "$tag: $(wc -l <"$T/want" | tr -d ' ') objects in $pages_objects pages of 7," \
        "$(wc -l <"$T/forbidden" | tr -d ' ') forbidden ($(grep -c . "$T/pg/probes" 2>/dev/null || echo 0) probes)"
}

# discovery and collections, both ways of authenticating
get police 200 "$URL/taxii2/"
has "discovery" "$(cat "$T/body")" "\"api_roots\":[\"$URL/api/\"]"
get cert-ng 200 "$COLL/"
same "cert-ng's collections" "$(python3 -c 'import json,sys; print(",".join(sorted(c["alias"] for c in json.load(open(sys.argv[1]))["collections"])))' "$T/body")" \
    "all,c2-active,inbox"
get isac 200 "$COLL/"
same "isac's collections" "$(python3 -c 'import json,sys; print(",".join(c["alias"] for c in json.load(open(sys.argv[1]))["collections"]))' "$T/body")" \
    "c2-active"

# the oversight partner: the collections are exactly the exports, id and version
for c in c2-active all; do
    id=$C2
    [ $c = all ] && id=$ALL
    walk fiu "fiu-$c-v" "$COLL/$id/objects/" "limit=7"
    [ "$pages" -gt 3 ] || fail "fiu $c: $pages pages of 7"
    # shellcheck disable=SC2046
    model servedver $(pagefiles "fiu-$c-v") | grep -v '^extension-definition--' | sort >"$T/got"
    model idver "$T/$c.json" | sort >"$T/want"
    sameset "$c: the collection's objects and versions are the export's" "$T/got" "$T/want"
done
for p in police cert-ng vendor bka fiu; do see "$p" "$ALL" all "$T/all.json"; done
for p in police cert-ng bka isac fiu; do see "$p" "$C2" c2-active "$T/c2-active.json"; done
# the vendor gets the RED hash (and what derives from it), bka never any RED
has "vendor: the RED hash" "$(cat "$T/got-vendor-all")" "$RED_MD5"
model reds "$T/all.json" >"$T/reds"
same "bka: no TLP:RED object" "$(comm -12 "$T/reds" "$T/got-bka-all")" ""
[ "$(comm -12 "$T/reds" "$T/got-vendor-all" | wc -l)" -ge 3 ] ||
    fail "vendor: the RED hash's SCO, indicator and sighting"
[ "$(comm -13 "$T/got-vendor-all" "$T/got-fiu-all" | grep -c .)" -gt 0 ] ||
    fail "vendor: RED it is not named on stays out"
# isac is not granted all: 404, as a collection that does not exist
: >"$T/probes"
for u in "" objects/ manifest/ "objects/$RED_MD5/" "objects/$(head -1 "$T/all.ids")/versions/"; do
    echo "404 $COLL/$ALL/$u" >>"$T/probes"
done
echo "404 $COLL/00000000-0000-4000-8000-000000000000/objects/" >>"$T/probes"
probe isac "$T/probes"

# ---- 4. new evidence, a refresh, and a pull that resumes --------------------------
IND=$(model indicator "$T/all.json" paypal-secure-login.xyz)
same "the indicator audited later is AMBER" "$(model tlp "$T/all.json" "$IND")" 2
export TIX_PULL_PASSWORD
TIX_PULL_PASSWORD=$(cat "$T/token-cert-ng")
tix2 init >/dev/null
# pull: one `tix pull` of collection $1 as cert-ng; summary in $err
pull() {
    set +e
    err=$("$TIX" --db "$SECOND" pull "$URL/taxii2/" --collection "$1" --user cert-ng \
        --limit 50 2>&1 >/dev/null)
    rc=$?
    set -e
    same "pull $1: status" "$rc" 0
    pull_pages=$(printf '%s\n' "$err" | sed -n 's/^pull: \([0-9]*\) pages*, .*/\1/p')
    pull_objects=$(printf '%s\n' "$err" | sed -n 's/^pull: [0-9]* pages*, \([0-9]*\) objects*, .*/\1/p')
    # the discovery document, then each page
    i=0
    while [ $i -le "${pull_pages:-0}" ]; do
        echo cert-ng >>"$T/requests"
        i=$((i + 1))
    done
}
# observables LIST-CSV: "type,value" of those with evidence
observables() {
    python3 -c 'import csv, sys
for r in csv.DictReader(sys.stdin):
    if int(r["evidence"]) > 0:
        print(r["type"] + "," + r["value"])' | sort
}
# what cert-ng may see of the first store: the observables whose SCO it may see
seen_by() { # BUNDLE CLEARANCE NAMED
    model visible "$@" >"$T/vis"
    tix list --format csv | python3 -c 'import csv, sys
vis = set(open(sys.argv[1]).read().split())
for r in csv.DictReader(sys.stdin):
    if int(r["evidence"]) > 0 and r["id"] in vis:
        print(r["type"] + "," + r["value"])' "$T/vis" | sort
}
pull "$ALL"
want=$(model visible "$T/all.json" amber "$T/red-cert-ng" | wc -l | tr -d ' ')
case "$err" in
"pull: $(((want + 49) / 50)) pages, $want objects, "*) ;;
*) fail "first pull: everything cert-ng may see: $err (want $want objects)" ;;
esac
tix2 list --format csv | observables >"$T/got"
seen_by "$T/all.json" amber "$T/red-cert-ng" >"$T/want"
sameset "first pull: the observables cert-ng may see" "$T/got" "$T/want"
FIRST_PULL=$pull_objects

# the SHA-256 of a page police received, for the audit later
get police 200 "$COLL/$ALL/objects/?limit=5" "$T/police-page.json"
POLICE_SHA=$(sha256sum "$T/police-page.json" | cut -d' ' -f1)

# Feodo Tracker reports an Emotet C&C CIRCL shared at AMBER, now at CLEAR,
# and a new one; an hour later
cat >"$T/feodo-new.csv" <<'EOF'
"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
"2024-05-25 10:00:00","185.100.87.2","443","online","2024-05-25","Emotet"
"2024-05-25 11:00:00","45.61.136.9","8080","online","2024-05-25","Emotet"
EOF
OLD_SCO=$(tix id 185.100.87.2 | cut -f3)
same "185.100.87.2 was AMBER" "$(model tlp "$T/all.json" "$OLD_SCO")" 2
TIX_NOW=2024-05-25T13:00:00Z
cp "$T/all.json" "$T/all-old.json"
cp "$T/c2-active.json" "$T/c2-active-old.json"
tix ingest feed --format feodo-csv --source feodotracker "$T/feodo-new.csv" >/dev/null
export_q c2-active "$Q_C2"
export_q all "$Q_ALL"
same "185.100.87.2 is CLEAR now" "$(model tlp "$T/all.json" "$OLD_SCO")" 0
tix collection refresh >"$T/refresh.out"
for c in all c2-active; do
    # shellcheck disable=SC2046
    set -- $(model diff "$T/$c-old.json" "$T/$c.json")
    if [ "$1" -eq 0 ] || [ "$2" -eq 0 ]; then
        fail "$c: the new evidence adds or changes nothing ($*)"
    fi
    has "refresh $c" "$(cat "$T/refresh.out")" \
        "collection $c: $(wc -l <"$T/$c.ids" | tr -d ' ') objects ($1 new, $2 changed, $3 removed)"
done
# the collections are the new exports (the latest versions)...
for c in c2-active all; do
    id=$C2
    [ $c = all ] && id=$ALL
    walk fiu "fiu-$c-v2" "$COLL/$id/objects/" "limit=7"
    # shellcheck disable=SC2046
    model servedver $(pagefiles "fiu-$c-v2") | grep -v '^extension-definition--' | sort >"$T/got"
    model idver "$T/$c.json" | sort >"$T/want"
    sameset "$c after the refresh: the export's objects and versions" "$T/got" "$T/want"
done
# ... police now sees the C&C at CLEAR, but never its AMBER versions; cert-ng
# both
see police "$ALL" all "$T/all.json" "$T/all-old.json,$T/all.json"
has "police: 185.100.87.2 now" "$(cat "$T/got-police-all")" "$OLD_SCO"
nversions() { grep -o '"[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*Z"' "$T/body" | wc -l | tr -d ' '; }
get police 200 "$COLL/$ALL/objects/$OLD_SCO/versions/"
same "police: the CLEAR version of 185.100.87.2 only" "$(nversions)" 1
get cert-ng 200 "$COLL/$ALL/objects/$OLD_SCO/versions/"
same "cert-ng: both versions of 185.100.87.2" "$(nversions)" 2
see cert-ng "$ALL" all "$T/all.json" "$T/all-old.json,$T/all.json"
# the pull resumes: only the new versions, then nothing
pull "$ALL"
want=$(model diff "$T/all-old.json" "$T/all.json" amber "$T/red-cert-ng")
case "$err" in
"pull: 1 page, $want objects, 1 new observable; resume point "*) ;;
*) fail "second pull: only the new versions: $err (want $want objects)" ;;
esac
if [ "${pull_objects:-0}" -eq 0 ] || [ "${pull_objects:-0}" -ge "$FIRST_PULL" ]; then
    fail "second pull: fewer objects than the first, and some: $err"
fi
tix2 list --format csv | observables >"$T/got"
seen_by "$T/all.json" amber "$T/red-cert-ng" >"$T/want"
sameset "second pull: the observables cert-ng may see" "$T/got" "$T/want"
has "second pull: the new C&C" "$(cat "$T/got")" "ipv4,45.61.136.9"
pull "$ALL"
case "$err" in
"pull: 1 page, 0 objects, 0 new observables; resume point "*"(unchanged)") ;;
*) fail "third pull: nothing new: $err" ;;
esac

# ---- the server again, refreshing every second: its refreshes add nothing -----
tix collection list --format jsonl >"$T/colls-before"
get fiu 200 "$(cat "$T/pg/fiu-all-v2.2.url")" "$T/page2-before"
stop_server
# on the same port: a pull's resume point belongs to the API root's URL
start_server --listen "${URL#http://}" --refresh 1
sleep 2.5
tix collection list --format jsonl >"$T/colls-after"
sameset "refreshed by the server: no new version" "$T/colls-after" "$T/colls-before"
# a next link of the server before still holds, for the same page
get fiu 200 "$(cat "$T/pg/fiu-all-v2.2.url")" "$T/page2-after"
cmp -s "$T/page2-before" "$T/page2-after" || fail "a next link across a restart: another page"
pull "$ALL"
case "$err" in
"pull: 1 page, 0 objects, 0 new observables; resume point "*"(unchanged)") ;;
*) fail "pull after the server's refreshes: nothing new: $err" ;;
esac

# naming a partner on a RED observable while the server runs: at once
RED_V6=$(tix id 2001:db8::dead:beef | cut -f3)
same "2001:db8::dead:beef is RED" "$(model tlp "$T/all.json" "$RED_V6")" 4
get vendor 404 "$COLL/$ALL/objects/$RED_V6/"
tix partner allow-red vendor "$RED_V6" >/dev/null
get vendor 200 "$COLL/$ALL/objects/$RED_V6/"
has "allow-red while running" "$(cat "$T/body")" "\"id\":\"$RED_V6\""

# ---- 5. a POST to the store collection, read back and pulled -------------------------
GREEN=marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb
RED=marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1
S_IP=ipv4-addr--4b2f8e5e-1c4a-5b5e-9d1e-3f6a7b8c9d0e
S_IND=indicator--6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f
S_RED=indicator--7d2e3f40-5b6c-4d7e-8f90-a1b2c3d4e5f6
cat >"$T/post.json" <<EOF
{"type":"bundle","id":"bundle--1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d","objects":[
 {"type":"ipv4-addr","spec_version":"2.1","id":"$S_IP","value":"91.215.85.17","object_marking_refs":["$GREEN"]},
 {"type":"indicator","spec_version":"2.1","id":"$S_IND","created":"2024-05-25T13:30:00.000Z","modified":"2024-05-25T13:30:00.000Z","name":"C2 91.215.85.17","pattern":"[ipv4-addr:value = '91.215.85.17']","pattern_type":"stix","valid_from":"2024-05-25T13:30:00Z","object_marking_refs":["$GREEN"]},
 {"type":"indicator","spec_version":"2.1","id":"$S_RED","created":"2024-05-25T13:30:00.000Z","modified":"2024-05-25T13:30:00.000Z","name":"source-sensitive","pattern":"[domain-name:value = 'drop.gatekeeper-cdn.com']","pattern_type":"stix","valid_from":"2024-05-25T13:30:00Z","object_marking_refs":["$RED"]}
]}
EOF
code=$(curl -s -g -K "$T/cred-cert-ng" -o "$T/body" -w '%{http_code}' \
    -H "Content-Type: application/taxii+json;version=2.1" --data-binary @"$T/post.json" \
    "$COLL/$INBOX/objects/" || true)
echo cert-ng >>"$T/requests"
same "POST: 202" "$code" 202
same "POST: status" "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["status"], d["total_count"], d["success_count"], d["failure_count"])' "$T/body")" \
    "complete 3 3 0"
STATUS=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$T/body")
get cert-ng 200 "$URL/api/status/$STATUS/"
get vendor 404 "$URL/api/status/$STATUS/"
# cert-ng (amber) reads back what it posted, but for the RED one; so does the
# vendor (red, not named on it)
printf '%s\n%s\n' "$S_IND" "$S_IP" | sort >"$T/want"
for p in cert-ng vendor; do
    walk "$p" "$p-inbox" "$COLL/$INBOX/objects/" "limit=7"
    # shellcheck disable=SC2046
    model served $(pagefiles "$p-inbox") | sort >"$T/got"
    sameset "$p: the inbox" "$T/got" "$T/want"
done
get vendor 404 "$COLL/$INBOX/objects/$S_RED/"
python3 - "$T/post.json" "$T/pg/cert-ng-inbox.1" <<'EOF' >"$T/bad"
import json, sys
posted = {o["id"]: o for o in json.load(open(sys.argv[1]))["objects"]}
for o in json.load(open(sys.argv[2]))["objects"]:
    if posted.get(o["id"]) != o:
        print(o["id"], "is not what was posted")
EOF
same "the inbox: as posted" "$(cat "$T/bad")" ""
pull "$INBOX"
case "$err" in
"pull: 1 page, 2 objects, 1 new observable; resume point "*) ;;
*) fail "pull inbox: $err" ;;
esac
has "pull inbox: the posted C&C" "$(tix2 list --format csv)" ",91.215.85.17,"
hasnt "pull inbox: never the RED one" "$(tix2 list --format csv)" "gatekeeper-cdn"

# ---- 7. revocation while the server runs ---------------------------------------------
before=$(tix audit --partner bka | wc -l | tr -d ' ')
tix partner revoke bka >/dev/null
code=$(curl -s -g -K "$T/cred-bka" -o "$T/body" -w '%{http_code}' "$COLL/$ALL/objects/?limit=7" || true)
same "revoked: 401" "$code" 401
has "revoked: a TAXII error" "$(cat "$T/body")" '"http_status":"401"'
code=$(curl -s -g -K "$T/cred-bka" -o "$T/body" -w '%{http_code}' "$URL/taxii2/" || true)
same "revoked: 401 on discovery" "$code" 401
get fiu 200 "$COLL/$ALL/objects/?limit=1"
same "revoked: nothing more audited for bka" "$(tix audit --partner bka | wc -l | tr -d ' ')" "$before"

# ---- stop ---------------------------------------------------------------------------
stop_server

# ---- 6. the audit log, the server stopped ------------------------------------------
# who received the AMBER indicator: exactly those whose walks carried it
for p in police cert-ng vendor bka isac fiu; do
    if grep -qx -- "$IND" "$T"/got-"$p"-* 2>/dev/null; then echo "$p"; fi
done | sort >"$T/want"
tix audit --object "$IND" >"$T/audit"
cut -f2 "$T/audit" | sort -u >"$T/got"
sameset "audit --object: the partners that received it" "$T/got" "$T/want"
hasnt "audit --object: never police" "$(cut -f2 "$T/audit")" "police"
same "audit --object: each with a time" \
    "$(cut -f1 "$T/audit" | grep -cvE '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]\.[0-9]{6}Z$' || true)" 0
same "audit --object: each answer 200" "$(cut -f5 "$T/audit" | sort -u)" 200
# and which versions: police only ever had 185.100.87.2 at CLEAR, the new
# evidence's version; cert-ng both
tix audit --object "$OLD_SCO" --ids --format jsonl >"$T/audit"
python3 - "$OLD_SCO" "$T/audit" <<'EOF' >"$T/got-versions"
import json, sys
got = set()
for line in open(sys.argv[2]):
    d = json.loads(line)
    got |= {(d["partner"], i["version"]) for i in d["ids"] if i["id"] == sys.argv[1]}
for p, v in sorted(got):
    if p in ("police", "cert-ng"):
        print(p, v)
EOF
printf '%s\n' "cert-ng 2024-05-25T12:00:00.000000Z" "cert-ng 2024-05-25T13:00:00.000000Z" \
    "police 2024-05-25T13:00:00.000000Z" >"$T/want-versions"
sameset "audit --object --ids: the versions of 185.100.87.2 each received" "$T/got-versions" "$T/want-versions"
# what was served from a collection stays answerable once it is gone: isac
# had the indicator from c2-active only
tix collection rm c2-active >/dev/null
tix audit --object "$IND" | cut -f2 | sort -u >"$T/got"
sameset "audit --object, c2-active removed: the same partners" "$T/got" "$T/want"
has "audit --object: isac had it from c2-active" "$(cat "$T/got")" "isac"
for p in police cert-ng vendor bka isac fiu; do
    same "audit --partner $p: its requests" "$(tix audit --partner "$p" | wc -l | tr -d ' ')" \
        "$(grep -cx -- "$p" "$T/requests")"
done
tix audit --partner police >"$T/audit"
same "audit: the SHA-256 of the body police got, as sha256sum says" \
    "$(grep -F "	GET /api/collections/$ALL/objects/?limit=5	" "$T/audit" | cut -f2-)" \
    "police	all	GET /api/collections/$ALL/objects/?limit=5	200	5 objects	sha256:$POLICE_SHA"

same "every tix command succeeded" "$(cat "$T/tix-failed" 2>/dev/null || true)" ""
finish share
